"""The outbox of learning records, for administrators: is an LRS configured, how sending goes,
which statements failed; "Retry now". Thin: the figures come from selectors, the retry from
services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.auth import permission_denied

from . import selectors, services

# Superusers have both; anyone else only when given them (no group is, by default).
VIEW_PERMISSION = "learning_records.view_statement"
RETRY_PERMISSION = "learning_records.change_statement"
PAGE_SIZE = 50


def outbox(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        return permission_denied(request)
    # get_page: a page that is not a number is the first, one past the end the last.
    page = Paginator(selectors.statements_failed(), PAGE_SIZE).get_page(request.GET.get("p"))
    return render(
        request,
        "learning_records/admin/outbox.html",
        {
            "page_title": _("Learning record store"),
            "summary": selectors.outbox_summary(),
            "page": page,
            "may_retry": request.user.has_perm(RETRY_PERMISSION),
        },
    )


@require_POST
def outbox_retry(request):
    if not request.user.has_perm(RETRY_PERMISSION):
        return permission_denied(request)
    count = services.statements_retry_failed()
    if not count:
        messages.info(request, _("No failed statement is waiting: nothing to retry."))
    elif not selectors.lrs_configured():
        messages.warning(
            request,
            _("No learning record store is configured: the statements will be sent once one is."),
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d failed statement will be sent again in a few seconds.",
                "%(count)d failed statements will be sent again in a few seconds.",
                count,
            )
            % {"count": count},
        )
    return redirect("learning_records_outbox")
