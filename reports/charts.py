"""Small SVG charts drawn on the server for the donor PDF (WeasyPrint renders inline SVG).

No JavaScript and no chart library: the PDF must look the same on every machine, and every
label is escaped, since course titles and groups come from the database.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
COLOURS = ["#1f5f99", "#d97a00", "#2e7d32", "#8e24aa"]
TEXT = "#1b1f24"
FONT = 'font-family="Noto Sans" font-size="11"'


def _svg(height: int, body: list[str], title: str) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="16" {FONT} font-size="14" font-weight="700" fill="{TEXT}">'
        f"{escape(title)}</text>",
        *body,
        "</svg>",
    ]
    # Every interpolated label above and in `body` is escaped; numbers are formatted here.
    return mark_safe("".join(parts))  # noqa: S308


def _empty(title: str) -> SafeString:
    from django.utils.translation import gettext as _

    return _svg(
        50, [f'<text x="0" y="40" {FONT} fill="{TEXT}">{escape(_("No data yet."))}</text>'], title
    )


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def bar_chart(rows: list[tuple[str, float]], *, title: str) -> SafeString:
    """Horizontal bars, one per row: label on the left, value at the bar's end."""
    if not rows:
        return _empty(title)
    label_w, bar_h, gap, top = 230, 16, 6, 28
    top_value = max(v for _label, v in rows) or 1
    span = WIDTH - label_w - 50
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = span * value / top_value
        short = label if len(label) <= 38 else label[:36] + "…"
        body.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" {FONT} fill="{TEXT}">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[0]}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 12}" {FONT} fill="{TEXT}">'
            f"{_fmt(value)}</text>"
        )
    return _svg(top + len(rows) * (bar_h + gap) + 4, body, title)


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
            f'<text x="{x + col_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" {FONT} '
            f'fill="{TEXT}">{_fmt(value)}</text>'
        )
        if len(rows) <= 12 or i % max(1, len(rows) // 12) == 0:
            body.append(
                f'<text x="{x + col_w / 2:.1f}" y="{top + height + 16}" text-anchor="middle" '
                f'{FONT} font-size="9" fill="{TEXT}">{escape(label)}</text>'
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
            f'<text x="{s * 200 + 14}" y="35" {FONT} fill="{TEXT}">{escape(name)}</text>'
        )
    for i, (label, values) in enumerate(rows):
        y0 = top + i * group_h
        short = label if len(label) <= 38 else label[:36] + "…"
        body.append(
            f'<text x="{label_w - 6}" y="{y0 + bar_h + 2}" text-anchor="end" {FONT} '
            f'fill="{TEXT}">{escape(short)}</text>'
        )
        for s, value in enumerate(values):
            y = y0 + s * bar_h
            w = span * min(value, maximum) / maximum
            body.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{COLOURS[s]}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + 9}" {FONT} font-size="9" '
                f'fill="{TEXT}">{_fmt(value)}</text>'
            )
    return _svg(top + len(rows) * group_h + 4, body, title)
