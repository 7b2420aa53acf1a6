"""Certificate download and public verification. Thin: selectors decide who sees what."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.throttling import Limit, Throttle, client_ip
from accounts.views import too_many_attempts
from elearning.infrastructure.private_files import private_file_response

from . import selectors, services
from .codes import grouped, normalise
from .credentials import badges, keys
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
            # What its digital credential's status lists say. The credential itself is not
            # linked here: like the PDF, it is its holder's to hand on (anyone who has seen a
            # code would otherwise get a signed, portable copy); whoever received it checks
            # its signature with the issuer's public key, linked instead.
            "credential_verdict": selectors.credential_status_verdict(certificate),
            "issuer_keys_url": reverse("certificates:credentials_jwks"),
        },
    )


# Digital credentials (Open Badges 3.0): certificates.credentials says how they are built.

# Credentials and the documents that verify them are read by wallets and verifiers running in
# other origins' pages: the public ones answer any origin (Access-Control-Allow-Origin).
VC_JWT = "application/vc+jwt"


def _signing_unavailable(request):
    return HttpResponse(
        _("Digital credentials cannot be signed at the moment. Please try again later."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )


def credential_download(request, certificate_id):
    certificate = selectors.certificate_for_credential(
        user=request.user, certificate_id=certificate_id
    )
    if certificate is None:
        raise Http404  # the same answer whatever the id: it may not exist, or not be yours
    if certificate.is_revoked:
        # As with the PDF: a revoked certificate is not handed out again.
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
        token = services.credential_issue(
            certificate=certificate, language=translation.get_language() or "ro"
        )
    except keys.SigningKeyMissing:
        return _signing_unavailable(request)
    response = HttpResponse(token, content_type=VC_JWT)
    response["Content-Disposition"] = f'attachment; filename="credential-{certificate.code}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response


def _json_ld(document: dict, content_type: str = "application/ld+json") -> JsonResponse:
    response = JsonResponse(
        document, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def credentials_issuer(request):
    profile = {"@context": [badges.VC_CONTEXT, badges.OB_CONTEXT], **badges.issuer_profile()}
    return _json_ld(profile)


@require_GET
def credentials_jwks(request):
    try:
        return _json_ld(keys.public_jwks(), content_type="application/jwk-set+json")
    except keys.SigningKeyMissing:
        return _signing_unavailable(request)


@require_GET
def credentials_achievement(request, course_key, language):
    document = badges.achievement(course_key, language) if language in badges.LANGUAGES else None
    if document is None:
        raise Http404
    return _json_ld({"@context": [badges.VC_CONTEXT, badges.OB_CONTEXT], **document})


@require_GET
def credentials_status_list(request, purpose, list_number):
    try:
        token = selectors.status_list_jwt(purpose=purpose, list_number=list_number)
    except keys.SigningKeyMissing:
        return _signing_unavailable(request)
    if token is None:
        raise Http404
    response = HttpResponse(token, content_type=VC_JWT)
    response["Access-Control-Allow-Origin"] = "*"
    # Always asked again: it says what the register says now.
    response["Cache-Control"] = "no-cache"
    return response
