"""Admin actions on one certificate (revoke with a reason, re-issue, retry a failed issue), and
on a course's certificates at once (issue the missing ones, re-issue all), with progress."""

from datetime import UTC, datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Certificate

REGISTER_URL = "wagtailsnippets_certificates_certificate:list"


def can_manage(user) -> bool:
    return user.is_superuser or user.has_perm("certificates.change_certificate")


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Sent to the learner by e-mail and shown on their “My learning” page, with your "
            "e-mail address to write to; kept in the certificate's history; not shown publicly."
        ),
    )


def _certificate(request, certificate_id) -> Certificate:
    if not can_manage(request.user):
        raise PermissionDenied
    return get_object_or_404(Certificate, pk=certificate_id)


def revoke(request, certificate_id):
    return revoke_with_reason(
        request,
        _certificate(request, certificate_id),
        done_url=reverse(REGISTER_URL),
        template="certificates/admin/revoke.html",
    )


def revoke_with_reason(request, certificate, *, done_url, template, context=None):
    """GET: the form asking why; POST: revoke with that reason, then back to `done_url`.
    Shared by the register and the coordinators' completion report, which decide beforehand
    who may revoke which certificate."""
    if certificate.is_revoked:
        messages.warning(request, _("This certificate is already revoked."))
        return redirect(done_url)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("Certificate %(code)s revoked.") % {"code": certificate.grouped_code}
        )
        return redirect(done_url)
    return render(
        request,
        template,
        {"certificate": certificate, "form": form, **(context or {})},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def reissue(request, certificate_id):
    certificate = _certificate(request, certificate_id)
    services.certificate_reissue(certificate=certificate, by=request.user)
    messages.success(
        request, _("Certificate %(code)s re-issued.") % {"code": certificate.grouped_code}
    )
    return redirect(REGISTER_URL)


@require_POST
def retry(request, certificate_id):
    certificate = _certificate(request, certificate_id)
    if services.certificate_retry(certificate=certificate):
        messages.success(
            request, _("Certificate %(code)s queued again.") % {"code": certificate.grouped_code}
        )
    return redirect(REGISTER_URL)


BULK_ACTIONS = {"missing", "reissue"}


def bulk_index(request):
    """Every course that issues certificates, with how many of its completions have one."""
    if not can_manage(request.user):
        raise PermissionDenied
    courses = [
        {
            "page": page,
            "progress": selectors.course_certificate_progress(course_key=page.translation_key),
        }
        for page in selectors.courses_issuing_certificates()
    ]
    return render(request, "certificates/admin/bulk_index.html", {"courses": courses})


def _since(request) -> datetime | None:
    # Set by our own redirect after a bulk re-issue; anything else is ignored, never a 500.
    try:
        return datetime.fromtimestamp(float(request.GET["since"]), tz=UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return None


def bulk_course(request, course_key):
    """One course: its progress, and buttons to queue the missing certificates or all again."""
    if not can_manage(request.user):
        raise PermissionDenied
    course = next(
        (p for p in selectors.courses_issuing_certificates() if p.translation_key == course_key),
        None,
    )
    if course is None:
        raise Http404
    url = reverse("certificate_bulk:course", args=[course_key])
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action in BULK_ACTIONS:
            started = datetime.now(tz=UTC)
            queued = services.certificates_queue_for_course(
                course_key=course_key, reissue=action == "reissue", by=request.user
            )
            messages.success(
                request,
                _(
                    "Queued: %(issue)s to issue (%(requested)s newly requested), "
                    "%(reissue)s to re-issue."
                )
                % queued,
            )
            return redirect(f"{url}?since={started.timestamp():.3f}")
        messages.error(request, _("Choose one of the buttons below."))
        status = 400
    since = _since(request)
    progress = selectors.course_certificate_progress(course_key=course_key, since=since)
    return render(
        request,
        "certificates/admin/bulk_course.html",
        {"course": course, "progress": progress, "since": since, "url": url},
        status=status,
    )
