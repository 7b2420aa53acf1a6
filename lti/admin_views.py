"""Our tool's configuration (what an institution pastes into Moodle) and a platform course's
roster (NRPS): for whoever manages LTI platforms (administrators); the roster page also for
coordinators, through reports."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.auth import permission_denied

from . import keys, platform_client, selectors
from .models import LtiContext
from .views import tool_urls

PERMISSION = "lti.change_platformregistration"


def tool_configuration(request):
    if not request.user.has_perm(PERMISSION):
        return permission_denied(request)
    jwks = keys.tool_jwks()
    return render(
        request,
        "lti/admin/tool_configuration.html",
        {
            "page_title": _("LTI tool configuration"),
            "urls": tool_urls(request),
            "key_configured": bool(jwks["keys"]),
            "kid": jwks["keys"][0]["kid"] if jwks["keys"] else "",
            # During a rotation: the previous key, still served until it is dropped.
            "previous_kid": jwks["keys"][1]["kid"] if len(jwks["keys"]) > 1 else "",
            "contexts": LtiContext.objects.select_related("registration").order_by(
                "registration__name", "title"
            ),
        },
    )


def context_roster(request, pk):
    if not request.user.has_perm(PERMISSION):
        return permission_denied(request)
    context = get_object_or_404(LtiContext.objects.select_related("registration"), pk=pk)
    return roster_page(
        request,
        context,
        back_url=reverse("lti_tool_configuration"),
        back_label=_("LTI tool configuration"),
    )


def roster_page(request, context: LtiContext, *, back_url: str, back_label: str):
    """The platform's roster of `context` (read now, through NRPS) beside our accounts: for
    administrators here, for coordinators in scope through reports' "Platform rosters" (which
    checks the scope: reports owns scopes, this app imports nothing of it)."""
    rows, error = [], ""
    if not context.memberships_url:
        error = _("The platform did not offer its roster service for this course.")
    else:
        try:
            members = platform_client.memberships(context.registration, url=context.memberships_url)
            rows = selectors.roster(context=context, members=members)
        except (platform_client.PlatformError, keys.ToolKeyMissing):
            error = _("The platform's roster could not be read. Try again later.")
    return render(
        request,
        "lti/admin/roster.html",
        {
            "page_title": _("Roster"),
            "context": context,
            "rows": rows,
            "error": error,
            "back_url": back_url,
            "back_label": back_label,
        },
        status=502 if error and context.memberships_url else 200,
    )
