from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors


def translation_status(request):
    """Which courses and lessons lack an English translation, or have one older than the source."""
    rows = selectors.translation_statuses(source_language="ro", target_language="en")
    return render(
        request,
        "courses/admin/translation_status.html",
        {
            "rows": rows,
            "page_title": _("Course translations"),
            "missing": sum(r.state == "missing" for r in rows),
            "outdated": sum(r.state == "outdated" for r in rows),
        },
    )
