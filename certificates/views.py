"""Certificate download and public verification. Thin: selectors decide who sees what."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from accounts.throttling import Limit, Throttle, client_ip
from accounts.views import too_many_attempts
from elearning.infrastructure.private_files import private_file_response

from .codes import grouped, normalise
from .forms import VerifyForm
from .models import Certificate, CertificateStatus
from .selectors import certificate_for_download, certificate_revocation_note, certificate_state

VERIFY_LIMIT = Limit("verify-ip", 60, 60)  # lookups per IP address per minute


def download(request, certificate_id):
    certificate = certificate_for_download(user=request.user, certificate_id=certificate_id)
    if certificate is None or not certificate.pdf:
        raise Http404  # the same answer whatever the id: it may not exist, or not be yours
    if certificate.is_revoked:
        # Refused, not stamped: a PDF that still looks like the certificate would travel on,
        # printed or cropped; the verification page is where anyone learns what it is now.
        return render(
            request,
            "certificates/download_revoked.html",
            {
                "certificate": certificate,
                "note": certificate_revocation_note(certificate),
                "course_title": certificate.course_title(translation.get_language()),
            },
            status=410,
        )
    try:
        return private_file_response(
            certificate.pdf,
            filename=f"certificat-{certificate.code}.pdf",
            content_type="application/pdf",
        )
    except FileNotFoundError as missing:
        raise Http404 from missing


def _activate_requested_language(request):
    """/verify/ sits outside the /ro/ and /en/ prefixes; ?lang= switches its language."""
    language = request.GET.get("lang")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


@require_GET
def verify_form(request):
    _activate_requested_language(request)
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        url = f"/verify/{grouped(form.cleaned_data['code'])}/"
        lang = request.GET.get("lang")
        return redirect(f"{url}?lang={lang}" if lang in dict(settings.LANGUAGES) else url)
    return render(
        request,
        "certificates/verify_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_GET
def verify(request, code: str):
    _activate_requested_language(request)
    throttle = Throttle(VERIFY_LIMIT)
    ip = client_ip(request)
    if throttle.is_blocked(ip):
        return too_many_attempts(request, throttle.retry_after())
    throttle.hit(ip)
    canonical = normalise(code)
    certificate = (
        Certificate.objects.select_related("superseded_by").filter(code=canonical).first()
        if canonical
        else None
    )
    # A certificate never issued has had its code on no PDF: nobody can hold it.
    if certificate is None or certificate.status != CertificateStatus.READY:
        return render(request, "certificates/verify_unknown.html", {"code": code[:40]}, status=404)
    language = translation.get_language()
    now = timezone.now()
    # A renewal is linked once its own code verifies (issued); until then
    # the page says it is being prepared rather than link to a code that answers 404.
    renewal = certificate.superseded_by
    if renewal is not None and renewal.status != CertificateStatus.READY:
        renewal = None
    renewal_url = None
    if renewal is not None:
        # In the language the reader chose here (the QR code's own URL has none).
        renewal_url = reverse("certificates:verify", args=[renewal.grouped_code])
        renewal_url = f"{renewal_url}?{urlencode({'lang': language})}"
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "state": certificate_state(certificate, now=now),
            "course_title": certificate.course_title(language),
            "renewal": renewal,
            "renewal_url": renewal_url,
            # Its own dates stay true whatever superseded it: "expired on" once past.
            "expired": certificate.expires_at is not None and certificate.expires_at <= now,
        },
    )
