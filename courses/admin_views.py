from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.admin.auth import permission_denied
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import selectors


def translation_status(request):
    """Which courses and lessons lack an English translation, or have one older than the source.

    For the people who write and publish pages (trainers, reviewers, administrators)."""
    if not PagePermissionPolicy().user_has_any_permission(request.user, ["change", "publish"]):
        return permission_denied(request)
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
