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
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from elearning.infrastructure.converters import LARGEST_ID

from . import keys, selectors, services
from .models import LoginState
from .services import LANGUAGES

STATE_COOKIE = "lti1p3-state"
PICK_SALT = "lti.deep-linking"
PICK_MAX_AGE = 60 * 60
CONTINUE_SALT = "lti.continue"
CONTINUE_MAX_AGE = int(services.CONTINUE_LIFETIME.total_seconds())
CONTINUE_GONE = gettext_noop(
    "This button has been used already or has expired. Open the course again from your platform."
)
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
    """The refusal page; shown inside the platform's page when `framed_by` (a registration:
    its origins only), so an embedded launch or a deep linking dialog says what went wrong
    instead of showing a frame the browser refused."""
    response = render(request, "lti/refused.html", {"message": error.message}, status=error.status)
    if framed_by is not None:
        response["Content-Security-Policy"] = _policy(frame_ancestors=" ".join(_origins(framed_by)))
        response.xframe_options_exempt = True
    return response


def _launch_registration(request):
    """The registration whose login started this launch, known by the posted state (used or
    not, expired or not), else None: whom a refusal may be shown to inside their page."""
    state = request.POST.get("state", "")
    if not state or len(state) > 64:
        return None
    login_state = LoginState.objects.select_related("registration").filter(state=state).first()
    return login_state.registration if login_state is not None else None


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
        return _refused(request, error, framed_by=_launch_registration(request))
    if launched.framed:
        response = _open_in_window(request, verified, launched)
    else:
        response = _signed_in(
            request,
            user=launched.user,
            address=launched.address,
            teaching=launched.teaching,
            platform=launched.platform,
            language=launched.language,
        )
    response.delete_cookie(STATE_COOKIE, path=reverse("lti:launch").rsplit("/", 2)[0] + "/")
    return response


def _signed_in(request, *, user, address, teaching, platform, language):
    login(request, user, backend=BACKEND)
    if teaching:
        # Said in the course's language (the page it is shown on), not the launch request's.
        with translation.override(language):
            messages.info(
                request,
                _(
                    "You opened this course as a teacher on %(platform)s. Your learners' grades "
                    "go to its gradebook when they complete the course; yours do not."
                )
                % {"platform": platform},
            )
    return redirect(address)


def _open_in_window(request, verified: services.Launch, launched: services.ResourceLinkLaunch):
    """The platform shows the launch in its page: our pages refuse to be framed and the browser
    may withhold our cookies there, so the frame gets a page of its own (framed by the platform
    only) whose button opens the course in a new window, signed in by a token made for this
    launch (its state, used once; CONTINUE_MAX_AGE)."""
    token = signing.dumps(
        {
            "state": verified.login_state.pk,
            "user": launched.user.pk,
            "address": launched.address,
            "teaching": launched.teaching,
            "platform": launched.platform,
            "language": launched.language,
        },
        salt=CONTINUE_SALT,
    )
    with translation.override(launched.language):
        response = render(
            request,
            "lti/open_in_window.html",
            {
                "token": token,
                "course_title": launched.title,
                "platform": launched.platform,
                "teaching": launched.teaching,
                "minutes": CONTINUE_MAX_AGE // 60,
                "language": launched.language,
            },
        )
    response["Content-Security-Policy"] = _policy(
        frame_ancestors=" ".join(_origins(verified.registration))
    )
    response.xframe_options_exempt = True
    return response


def _in_language(language):
    """Refusals of a token of ours in the launch's language (the button's); else the request's."""
    return translation.override(language) if language in LANGUAGES else nullcontext()


def _token_language(token: str) -> str | None:
    """The launch's language from a token of ours past its age (its signature checked)."""
    try:
        return signing.loads(token, salt=CONTINUE_SALT).get("language")
    except (signing.BadSignature, AttributeError):
        return None


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
    token = request.POST.get("token", "")[:2000]
    try:
        data = signing.loads(token, salt=CONTINUE_SALT, max_age=CONTINUE_MAX_AGE)
        state_id, user_id = int(data["state"]), int(data["user"])
        if not (0 < state_id <= LARGEST_ID and 0 < user_id <= LARGEST_ID):
            raise ValueError(state_id, user_id)
        address, language = str(data["address"]), str(data["language"])
        teaching, platform = bool(data["teaching"]), str(data["platform"])
    except signing.SignatureExpired:
        # Ours, only late: refused in the language of the launch, like the button was shown.
        with _in_language(_token_language(token)):
            return _refused(request, services.LtiError(_(CONTINUE_GONE)))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _refused(request, services.LtiError(_("This button is not valid.")))
    with _in_language(language):
        try:
            user = services.framed_launch_continue(login_state_id=state_id, user_id=user_id)
        except services.LtiError as error:
            return _refused(request, error)
    return _signed_in(
        request,
        user=user,
        address=address,
        teaching=teaching,
        platform=platform,
        language=language,
    )


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
    response["Content-Security-Policy"] = _policy(
        frame_ancestors=" ".join(_origins(verified.registration))
    )
    # Framing is governed by the CSP above (the registered platform only), which browsers
    # prefer to X-Frame-Options; DENY would blank the picker in Moodle's dialog.
    response.xframe_options_exempt = True
    return response


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
