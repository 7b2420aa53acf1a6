"""An item analysis as a table, for its CSV and XLSX downloads (written by
elearning.infrastructure.spreadsheets, which neutralises cells that would run as formulas: a
trainer's question or choice may start with "=" or "-")."""

from __future__ import annotations

from django.utils.translation import gettext as _

from elearning.infrastructure.spreadsheets import Table

from .item_analysis import Flag, QuizAnalysis


def _rounded(value, digits: int):
    return "" if value is None else round(value, digits)


def item_analysis_table(analysis: QuizAnalysis) -> Table:
    """One row per choice of each question, the question's figures repeated on each (so a
    spreadsheet can filter and pivot them), then the test's own figures."""
    yes, no = _("yes"), _("no")
    rows = []
    for item in analysis.items:
        question = [
            item.number,
            item.text,
            item.n,
            _rounded(item.facility, 1),
            _rounded(item.discrimination, 3),
            "; ".join(str(Flag.LABELS[f]) for f in item.flags),
        ]
        for choice in item.choices:
            rows.append(
                question
                + [
                    choice.position + 1,
                    choice.label,
                    yes if choice.is_correct else no,
                    choice.count,
                    _rounded(choice.share, 1),
                ]
            )
    rows.append([])
    rows.append([_("Attempts counted (first attempts)"), analysis.n])
    rows.append([_("Mean score (%)"), _rounded(analysis.mean_score, 1)])
    rows.append([_("Cronbach's alpha (KR-20)"), _rounded(analysis.alpha, 3), analysis.alpha_note])
    return Table(
        headings=[
            _("Question no."),
            _("Question"),
            _("Answers (n)"),
            _("Facility (%)"),
            _("Discrimination"),
            _("Flags"),
            _("Choice no."),
            _("Choice"),
            _("Correct"),
            _("Picked (n)"),
            _("Picked (%)"),
        ],
        rows=rows,
        count=len(rows),
    )
