"""Admin actions on one certificate: revoke with a reason, re-issue, retry a failed issue."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import services
from .models import Certificate, CertificateStatus
from .tasks import issue_certificate

REGISTER_URL = "wagtailsnippets_certificates_certificate:list"


def can_manage(user) -> bool:
    return user.is_superuser or user.has_perm("certificates.change_certificate")


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Kept in the certificate's history; not shown publicly."),
    )


def _certificate(request, certificate_id) -> Certificate:
    if not can_manage(request.user):
        raise PermissionDenied
    return get_object_or_404(Certificate, pk=certificate_id)


def revoke(request, certificate_id):
    certificate = _certificate(request, certificate_id)
    form = RevokeForm(request.POST or None)
    if certificate.is_revoked:
        messages.warning(request, _("This certificate is already revoked."))
        return redirect(REGISTER_URL)
    if request.method == "POST" and form.is_valid():
        services.certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("Certificate %(code)s revoked.") % {"code": certificate.grouped_code}
        )
        return redirect(REGISTER_URL)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "certificates/admin/revoke.html",
        {"certificate": certificate, "form": form},
        status=status,
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
    if certificate.status == CertificateStatus.FAILED:
        Certificate.objects.filter(pk=certificate.pk).update(
            status=CertificateStatus.PENDING, failure=""
        )
        issue_certificate.delay(str(certificate.pk))
        messages.success(
            request, _("Certificate %(code)s queued again.") % {"code": certificate.grouped_code}
        )
    return redirect(REGISTER_URL)
