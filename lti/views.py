"""The platform-facing endpoints (outside /ro/ and /en/: the platform posts to fixed addresses).

Launches open in a new window (the registration tells the platform so): our pages keep
`frame-ancestors 'none'` and the session cookie stays SameSite=Lax. Inside an iframe a browser
withholds our session cookie from our own pages (third-party cookies), so an embedded course
would need SameSite=None sessions site-wide, which would weaken every form's CSRF protection.
Only pages that need no session are framed, by the registered platform only: the deep linking
picker, and what a framed launch (Moodle's "Embed") shows, a button that opens the course in a
window of our own and signs its person in there, once (`continue_in_window`)."""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import keys, selectors, services
from .models import LoginState
from .services import LANGUAGES

STATE_COOKIE = "lti1p3-state"
PICK_SALT = "lti.deep-linking"
PICK_MAX_AGE = 60 * 60
BACKEND = "accounts.backends.AccountBackend"


def tool_urls(request) -> dict:
    """Our addresses as a platform must be given them (absolute)."""
    return {
        "login": request.build_absolute_uri(reverse("lti:login")),
        "launch": request.build_absolute_uri(reverse("lti:launch")),
        "deep_link": request.build_absolute_uri(reverse("lti:deep_link")),
        "jwks": request.build_absolute_uri(reverse("lti:jwks")),
    }


def _refused(request, error: services.LtiError, *, framed_by=None):
    """The refusal page, in the error's language if it has one (else the request's); shown
    inside the platform's page when `framed_by` (a registration: its origins only), so an
    embedded launch or a deep linking dialog says what went wrong instead of showing a frame
    the browser refused."""
    language = error.language if error.language in LANGUAGES else None
    with translation.override(language) if language else nullcontext():
        response = render(
            request, "lti/refused.html", {"message": error.message}, status=error.status
        )
    return _framed_by(response, framed_by) if framed_by is not None else response


def _unavailable(request):
    error = services.LtiError(_("LTI is not configured on this site yet."), 503)
    return _refused(request, error)


@csrf_exempt
@never_cache
def login_initiation(request):
    """Step 1 (OIDC third-party initiated login, GET or POST from the platform)."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not keys.tool_key_configured():
        return _unavailable(request)
    params = request.POST if request.method == "POST" else request.GET
    try:
        state, url = services.login_initiate(
            params=params.dict(), launch_url=tool_urls(request)["launch"]
        )
    except services.LtiError as error:
        return _refused(request, error)
    response = redirect(url)
    # Sent back with the platform's cross-site POST only as SameSite=None (which needs Secure).
    secure = request.is_secure()
    response.set_cookie(
        STATE_COOKIE,
        state.state,
        max_age=int(services.LOGIN_STATE_LIFETIME.total_seconds()),
        path=reverse("lti:launch").rsplit("/", 2)[0] + "/",
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    return response


@csrf_exempt
@never_cache
def launch(request):
    """Step 3: the platform posts the signed id_token (resource link or deep linking)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not keys.tool_key_configured():
        return _unavailable(request)
    try:
        verified = services.launch_validate(
            id_token=request.POST.get("id_token", ""),
            state=request.POST.get("state", ""),
            state_cookie=request.COOKIES.get(STATE_COOKIE),
        )
        if verified.message_type == services.DEEP_LINKING_REQUEST:
            return _deep_linking_picker(request, verified)
        launched = services.resource_link_launch(launch=verified)
    except services.LtiError as error:
        return _refused(
            request,
            error,
            framed_by=selectors.launch_registration(state=request.POST.get("state", "")),
        )
    if launched.framed:
        response = _open_in_window(request, verified, launched)
    else:
        response = _signed_in(request, launched)
    response.delete_cookie(STATE_COOKIE, path=reverse("lti:launch").rsplit("/", 2)[0] + "/")
    return response


def _signed_in(request, launched: services.ResourceLinkLaunch):
    login(request, launched.user, backend=BACKEND)
    if launched.teaching:
        # Said in the course's language (the page it is shown on), not the launch request's.
        with translation.override(launched.language):
            messages.info(
                request,
                _(
                    "You opened this course as a teacher on %(platform)s. Your learners' grades "
                    "go to its gradebook when they complete the course; yours do not."
                )
                % {"platform": launched.platform},
            )
    return redirect(launched.address)


def _open_in_window(request, verified: services.Launch, launched: services.ResourceLinkLaunch):
    """The platform shows the launch in its page: our pages refuse to be framed and the browser
    may withhold our cookies there, so the frame gets a page of its own (framed by the platform
    only) whose button opens the course in a new window, signed in by a token made for this
    launch (`services.continue_token`: its state, used once, for CONTINUE_LIFETIME)."""
    token = services.continue_token(login_state=verified.login_state, launched=launched)
    with translation.override(launched.language):
        response = render(
            request,
            "lti/open_in_window.html",
            {
                "token": token,
                "course_title": launched.title,
                "platform": launched.platform,
                "teaching": launched.teaching,
                "minutes": int(services.CONTINUE_LIFETIME.total_seconds()) // 60,
                "language": launched.language,
            },
        )
    return _framed_by(response, verified.registration)


@csrf_exempt
@never_cache
def continue_in_window(request):
    """The button of a framed launch, pressed: a window of ours (no session yet, and no CSRF
    cookie: the signed token is the proof), signed in once, in the course."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # Posted by our own framed page, nowhere else: a page of another site posting someone's
    # token would sign its visitor into that person's account (login CSRF, which the state
    # cookie prevents for launches in a window). Browsers send Origin with every form POST.
    if request.headers.get("Origin") != request.build_absolute_uri("/").rstrip("/"):
        return _refused(
            request,
            services.LtiError(
                _("This button works only on the course's page in your platform."), 403
            ),
        )
    try:
        launched = services.framed_launch_continue(token=request.POST.get("token", ""))
    except services.LtiError as error:
        return _refused(request, error)
    return _signed_in(request, launched)


def _deep_linking_picker(request, verified: services.Launch):
    login_state = services.deep_linking_launch(launch=verified)
    language = login_state.deep_link["language"]
    with translation.override(language):
        response = render(
            request,
            "lti/deep_linking.html",
            {
                "courses": selectors.deep_linking_courses(language=language),
                "token": signing.dumps({"state": login_state.pk}, salt=PICK_SALT),
                "multiple": bool(login_state.deep_link["settings"].get("accept_multiple")),
                "language": language,
            },
        )
    return _framed_by(response, verified.registration)


@csrf_exempt
@never_cache
def deep_linking_choose(request):
    """The teacher's choice (posted from the picker, inside the platform's frame: no session,
    so the request is identified by the signed token and answered once)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        data = signing.loads(request.POST.get("token", ""), salt=PICK_SALT, max_age=PICK_MAX_AGE)
        state_id = int(data["state"])
        course_keys = [uuid.UUID(value) for value in request.POST.getlist("course")[:50]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _refused(request, services.LtiError(_("This selection is not valid.")))
    if not course_keys:
        return _refused(request, services.LtiError(_("Choose at least one course.")))
    try:
        return_url, token = services.deep_linking_response(
            login_state_id=state_id,
            course_keys=course_keys,
            launch_url=tool_urls(request)["launch"],
        )
    except (services.LtiError, LoginState.DoesNotExist) as error:
        if not isinstance(error, services.LtiError):
            error = services.LtiError(_("This selection is not valid."))
        return _refused(request, error)
    response = render(request, "lti/deep_linking_return.html", {"url": return_url, "jwt": token})
    origin = _origin(return_url)
    response["Content-Security-Policy"] = _policy(
        frame_ancestors=origin or "'none'", form_action=origin or "'none'"
    )
    response.xframe_options_exempt = True
    return response


def jwks(request):
    """Our public key set: platforms verify our deep linking answers and client assertions."""
    return JsonResponse(keys.tool_jwks())


def _framed_by(response, registration):
    """`response`, shown inside the registered platform's pages only. Framing is governed by the
    CSP (the platform's origins), which browsers prefer to X-Frame-Options; DENY would blank the
    page in the platform's frame or dialog."""
    response["Content-Security-Policy"] = _policy(frame_ancestors=" ".join(_origins(registration)))
    response.xframe_options_exempt = True
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _origins(registration) -> list[str]:
    origins = {_origin(url) for url in (registration.issuer, registration.auth_url)}
    return sorted(origin for origin in origins if origin) or ["'none'"]


def _policy(*, frame_ancestors: str, form_action: str = "'self'") -> str:
    """The public policy (elearning.infrastructure.middleware) for a page the platform frames."""
    from elearning.infrastructure.middleware import PUBLIC_CSP

    directives = dict(part.strip().split(" ", 1) for part in PUBLIC_CSP.split(";"))
    directives["frame-ancestors"] = frame_ancestors
    directives["form-action"] = form_action
    return "; ".join(f"{name} {value}" for name, value in directives.items())
