"""Small SVG charts drawn on the server for the donor PDF (WeasyPrint renders inline SVG).

No JavaScript and no chart library: the PDF must look the same on every machine, and every
label is escaped, since course titles and groups come from the database.
"""

from __future__ import annotations

import textwrap

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
COLOURS = ["#1f5f99", "#d97a00", "#2e7d32", "#8e24aa"]
TEXT = "#1b1f24"
FONT = 'font-family="Noto Sans"'
# One font-size per element: a second one (after FONT's own) was dropped by the HTML parser,
# so every label came out at the same size.
F9, F11, F14 = (f'{FONT} font-size="{n}"' for n in (9, 11, 14))


def _svg(height: int, body: list[str], title: str) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="16" {F14} font-weight="700" fill="{TEXT}">{escape(title)}</text>',
        *body,
        "</svg>",
    ]
    # Every interpolated label above and in `body` is escaped; numbers are formatted here.
    return mark_safe("".join(parts))  # noqa: S308


def _empty(title: str) -> SafeString:
    from django.utils.translation import gettext as _

    return _svg(
        50, [f'<text x="0" y="40" {F11} fill="{TEXT}">{escape(_("No data yet."))}</text>'], title
    )


def _fmt(value: float) -> str:
    """In the reader's language, as the tables beside the charts: 42,9 in Romanian."""
    return formats.number_format(value, decimal_pos=0 if value == int(value) else 1)


# A label column of 230 px holds about 36 characters of 11 px Noto Sans; a longer label is
# wrapped on as many lines as it needs (a donor reads the whole role or course title).
LABEL_CHARS = 36
LINE_H = 13


def _lines(label: str) -> list[str]:
    return textwrap.wrap(label, LABEL_CHARS, break_long_words=True) or [""]


def _label(lines: list[str], *, x: int, y: float, size: int = 11) -> str:
    """Right-aligned label, one <tspan> per line, its block centred on `y`."""
    first = y - (len(lines) - 1) * LINE_H / 2
    spans = "".join(
        f'<tspan x="{x}" y="{first + n * LINE_H:.1f}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text text-anchor="end" {FONT} font-size="{size}" fill="{TEXT}">{spans}</text>'


def bar_chart(rows: list[tuple[str, float]], *, title: str) -> SafeString:
    """Horizontal bars, one per row: label on the left, value at the bar's end."""
    if not rows:
        return _empty(title)
    label_w, bar_h, gap, top = 230, 16, 6, 28
    top_value = max(v for _label, v in rows) or 1
    span = WIDTH - label_w - 50
    body = []
    y = top
    for label, value in rows:
        lines = _lines(label)
        row_h = max(bar_h, len(lines) * LINE_H)
        bar_y = y + (row_h - bar_h) / 2
        w = span * value / top_value
        body.append(
            _label(lines, x=label_w - 6, y=bar_y + 12)
            + f'<rect x="{label_w}" y="{bar_y:.1f}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{bar_y + 12:.1f}" {F11} fill="{TEXT}">'
            f"{_fmt(value)}</text>"
        )
        y += row_h + gap
    return _svg(int(y) + 4, body, title)


def column_chart(rows: list[tuple[str, float]], *, title: str) -> SafeString:
    """Vertical columns in order (e.g. months), value above each column."""
    if not rows:
        return _empty(title)
    top, bottom, height = 30, 30, 170
    top_value = max(v for _label, v in rows) or 1
    slot = (WIDTH - 10) / len(rows)
    col_w = max(4, min(40, slot * 0.7))
    body = [f'<line x1="0" y1="{top + height}" x2="{WIDTH}" y2="{top + height}" stroke="#888"/>']
    for i, (label, value) in enumerate(rows):
        h = height * value / top_value
        x = 5 + i * slot + (slot - col_w) / 2
        y = top + height - h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{x + col_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" {F11} '
            f'fill="{TEXT}">{_fmt(value)}</text>'
        )
        if len(rows) <= 12 or i % max(1, len(rows) // 12) == 0:
            body.append(
                f'<text x="{x + col_w / 2:.1f}" y="{top + height + 16}" text-anchor="middle" '
                f'{F9} fill="{TEXT}">{escape(label)}</text>'
            )
    return _svg(top + height + bottom, body, title)


def grouped_bar_chart(
    rows: list[tuple[str, list[float]]], *, series: list[str], title: str, maximum: float
) -> SafeString:
    """Horizontal bars grouped per row (e.g. per course: completion rate and pass rate)."""
    if not rows:
        return _empty(title)
    label_w, bar_h, top = 230, 12, 48
    group_h = bar_h * len(series) + 10
    span = WIDTH - label_w - 50
    body = []
    for s, name in enumerate(series):
        body.append(
            f'<rect x="{s * 200}" y="26" width="10" height="10" fill="{COLOURS[s]}"/>'
            f'<text x="{s * 200 + 14}" y="35" {F11} fill="{TEXT}">{escape(name)}</text>'
        )
    y0 = top
    for label, values in rows:
        lines = _lines(label)
        row_h = max(group_h, len(lines) * LINE_H + 10)
        bars_y = y0 + (row_h - group_h) / 2
        body.append(_label(lines, x=label_w - 6, y=bars_y + bar_h + 2))
        for s, value in enumerate(values):
            y = bars_y + s * bar_h
            w = span * min(value, maximum) / maximum
            body.append(
                f'<rect x="{label_w}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{COLOURS[s]}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + 9:.1f}" {F9} '
                f'fill="{TEXT}">{_fmt(value)}</text>'
            )
        y0 += row_h
    return _svg(int(y0) + 4, body, title)
