"""The LTI 1.3 rules: login initiation, launch validation, accounts by (issuer, subject), deep
linking answers and score passback. Views and tasks call these; nothing here reads a request."""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jwcrypto import jws, jwt
from jwcrypto.common import JWException

from accounts.models import User
from accounts.services import NO_MAILBOX_DOMAIN
from elearning.infrastructure.converters import LARGEST_ID

from . import platform_client, selectors
from .models import (
    LineItem,
    LoginState,
    LtiContext,
    LtiIdentity,
    PassbackStatus,
    PlatformRegistration,
    ScorePassback,
    platform_url_allowed,
)

logger = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
VERSION = CLAIM + "version"
DEPLOYMENT_ID = CLAIM + "deployment_id"
TARGET_LINK_URI = CLAIM + "target_link_uri"
RESOURCE_LINK = CLAIM + "resource_link"
CUSTOM = CLAIM + "custom"
CONTEXT = CLAIM + "context"
ROLES = CLAIM + "roles"
LAUNCH_PRESENTATION = CLAIM + "launch_presentation"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"

# A login initiation is answered by the platform within seconds; ten minutes is generous.
LOGIN_STATE_LIFETIME = timedelta(minutes=10)
# Clock difference tolerated between the platform and us (exp, iat).
LEEWAY_SECONDS = 60
# An id_token issued longer ago than this is refused even if its exp is far away.
MAX_TOKEN_AGE_SECONDS = 600
MAX_TOKEN_LENGTH = 64 * 1024
# A passback claimed this long ago without an answer was lost with its worker: claim it again.
PASSBACK_CLAIM_TIMEOUT = timedelta(minutes=10)
LANGUAGES = ("ro", "en")
INSECURE_REGISTRATION = _(
    "This platform is registered with an http:// address; an administrator must change it to "
    "its https:// address before it can launch our courses."
)


class LtiError(Exception):
    """A request refused: `message` is shown to the person (translated), `status` is 4xx;
    `language`, when known (a framed launch's button), the one it is shown in."""

    def __init__(self, message, status: int = 400, *, language: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.language = language


@dataclass
class Launch:
    registration: PlatformRegistration
    login_state: LoginState
    claims: dict

    @property
    def message_type(self) -> str:
        return self.claims[MESSAGE_TYPE]


# Login initiation ----------------------------------------------------------------------------


def login_initiate(*, params: dict, launch_url: str) -> tuple[LoginState, str]:
    """OIDC third-party initiated login: find the registration by issuer (and client id when
    given), store a fresh state and nonce, and answer the platform's authentication URL."""
    issuer = str(params.get("iss") or "")[:255]
    login_hint = str(params.get("login_hint") or "")
    target = str(params.get("target_link_uri") or "")
    if not issuer or not login_hint or not target:
        raise LtiError(_("This LTI login request is incomplete."))
    registrations = PlatformRegistration.objects.filter(issuer=issuer, enabled=True)
    client_id = str(params.get("client_id") or "")[:255]
    if client_id:
        registrations = registrations.filter(client_id=client_id)
    registration = registrations.order_by("pk").first()
    if registration is None:
        raise LtiError(_("This platform is not registered with us, or not enabled."), 403)
    deployment_id = str(params.get("lti_deployment_id") or "")
    if deployment_id and deployment_id not in registration.deployment_id_list:
        raise LtiError(_("This deployment is not registered with us."), 403)
    if not _our_url(target, launch_url):
        raise LtiError(_("This LTI login request names an address that is not ours."))
    if not platform_url_allowed(registration.auth_url):
        # We would send the learner's state and nonce to it in the clear.
        raise LtiError(INSECURE_REGISTRATION, 403)
    state = LoginState.objects.create(registration=registration)
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": target,
        "login_hint": login_hint,
        "state": state.state,
        "nonce": state.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = str(params["lti_message_hint"])
    separator = "&" if "?" in registration.auth_url else "?"
    return state, f"{registration.auth_url}{separator}{urlencode(query)}"


def _our_url(url: str, launch_url: str) -> bool:
    """Whether the platform asks to be sent back to one of our addresses (same scheme, host)."""
    ours, theirs = urlsplit(launch_url), urlsplit(url)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


# Launch validation ---------------------------------------------------------------------------


def launch_validate(*, id_token: str, state: str, state_cookie: str | None) -> Launch:
    """Everything the LTI 1.3 core and the Security Framework ask of an id_token, in order:
    our state, the platform's signature (its key set), iss/aud/azp, exp/iat, nonce, deployment,
    message type and version. Raises LtiError; changes nothing (the state is claimed by
    `launch_state_claim`, in the transaction that acts on the launch)."""
    if not id_token or not state or len(id_token) > MAX_TOKEN_LENGTH or len(state) > 64:
        raise LtiError(_("This LTI launch is incomplete."))
    login_state = (
        LoginState.objects.select_related("registration")
        .filter(state=state, used_at__isnull=True)
        .first()
    )
    if login_state is None or login_state.created_at < timezone.now() - LOGIN_STATE_LIFETIME:
        raise LtiError(_("This LTI launch has expired or was already used. Launch it again."))
    registration = login_state.registration
    if not registration.enabled:
        raise LtiError(_("This platform is not registered with us, or not enabled."), 403)
    claims = _verified_claims(id_token, registration)
    _check_claims(claims, registration, login_state)
    # The state cookie binds the launch to the browser that started the login, so nobody can
    # have someone else's browser logged into their account (login CSRF). Deep linking and a
    # framed launch log nobody in where they land (a framed launch signs in only when the
    # person presses its button, in a window of ours: `framed_launch_continue`) and run in the
    # platform's frame, where browsers may withhold our cookie.
    if (
        claims[MESSAGE_TYPE] == RESOURCE_LINK_REQUEST
        and not launch_is_framed(claims)
        and not (state_cookie and secrets.compare_digest(state_cookie, state))
    ):
        raise LtiError(_("This LTI launch did not start in this browser. Launch it again."))
    return Launch(registration=registration, login_state=login_state, claims=claims)


def _verified_claims(id_token: str, registration: PlatformRegistration) -> dict:
    try:
        header = jws.JWS()
        header.deserialize(id_token)
        kid = header.jose_header.get("kid")
        if header.jose_header.get("alg") != "RS256":
            raise LtiError(_("This LTI launch is not signed as LTI requires."))
    except (JWException, ValueError, TypeError) as error:
        raise LtiError(_("This LTI launch is not a signed token.")) from error
    try:
        keyset = platform_client.platform_keys(registration.jwks_url)
        if kid and keyset.get_key(kid) is None:
            keyset = platform_client.platform_keys(registration.jwks_url, refresh=True)
    except platform_client.InsecurePlatformUrl as error:
        logger.warning("LTI key set of %s: %s", registration, error)
        raise LtiError(INSECURE_REGISTRATION, 403) from error
    except platform_client.PlatformError as error:
        logger.warning("LTI key set of %s: %s", registration, error)
        raise LtiError(_("The platform's keys could not be read. Try again later."), 502) from error
    try:
        # Claims are checked below, by the specification's rules (check_claims=False).
        token = jwt.JWT(jwt=id_token, key=keyset, algs=["RS256"], check_claims=False)
        claims = json.loads(token.claims)
    except (JWException, ValueError, TypeError) as error:
        raise LtiError(_("This LTI launch's signature is not valid."), 403) from error
    if not isinstance(claims, dict):
        raise LtiError(_("This LTI launch is not a signed token."))
    return claims


def _check_claims(claims: dict, registration: PlatformRegistration, login_state) -> None:
    now = time.time()
    if claims.get("iss") != registration.issuer:
        raise LtiError(_("This LTI launch comes from another platform."), 403)
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if registration.client_id not in audiences:
        raise LtiError(_("This LTI launch is meant for another tool."), 403)
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != registration.client_id:
        raise LtiError(_("This LTI launch is meant for another tool."), 403)
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise LtiError(_("This LTI launch is incomplete."))
    if exp < now - LEEWAY_SECONDS or iat > now + LEEWAY_SECONDS:
        raise LtiError(_("This LTI launch has expired. Launch it again."))
    if iat < now - MAX_TOKEN_AGE_SECONDS:
        raise LtiError(_("This LTI launch has expired. Launch it again."))
    if not secrets.compare_digest(str(claims.get("nonce") or ""), login_state.nonce):
        raise LtiError(_("This LTI launch has expired or was already used. Launch it again."))
    if claims.get(DEPLOYMENT_ID) not in registration.deployment_id_list:
        raise LtiError(_("This deployment is not registered with us."), 403)
    if claims.get(VERSION) != "1.3.0":
        raise LtiError(_("This LTI version is not supported."))
    message_type = claims.get(MESSAGE_TYPE)
    if message_type == RESOURCE_LINK_REQUEST:
        link = claims.get(RESOURCE_LINK)
        if not isinstance(link, dict) or not link.get("id") or not claims.get("sub"):
            raise LtiError(_("This LTI launch is incomplete."))
    elif message_type == DEEP_LINKING_REQUEST:
        settings_claim = claims.get(DEEP_LINKING_SETTINGS)
        if not isinstance(settings_claim, dict) or not settings_claim.get("deep_link_return_url"):
            raise LtiError(_("This LTI launch is incomplete."))
    else:
        raise LtiError(_("This kind of LTI message is not supported."))
    if not isinstance(claims.get("sub", ""), str) or len(claims.get("sub", "")) > 255:
        raise LtiError(_("This LTI launch is incomplete."))


def launch_state_claim(login_state: LoginState) -> None:
    """Use the login state once: of two posts of one launch, the second is refused."""
    won = LoginState.objects.filter(pk=login_state.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not won:
        raise LtiError(_("This LTI launch has expired or was already used. Launch it again."))


# Resource link launch ------------------------------------------------------------------------


def launch_language(claims: dict) -> str:
    """The learner's language from launch_presentation.locale ("en", "en-GB" → en), else ro."""
    presentation = claims.get(LAUNCH_PRESENTATION)
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    language = str(locale or "").replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else "ro"


# launch_presentation.document_target values that put us inside the platform's page: "iframe"
# (LTI 1.3 core 5.4.1; Moodle's "Embed" and "Embed, without blocks"). Not "frame", which
# Moodle sends for "Existing window": the launch replaces Moodle's page, no frame around it
# (the interoperability drill, step 12, finding 7).
FRAMED_TARGETS = frozenset({"iframe"})


def launch_is_framed(claims: dict) -> bool:
    """Whether the platform shows the launch inside its own page (a frame), where our pages
    refuse to be shown and browsers withhold our cookies: the course opens in a window of its
    own instead (lti.views.launch)."""
    presentation = claims.get(LAUNCH_PRESENTATION)
    target = presentation.get("document_target") if isinstance(presentation, dict) else None
    return str(target or "").lower() in FRAMED_TARGETS


def launch_course_key(claims: dict) -> uuid.UUID | None:
    """The course asked for: the custom parameter `course` (its translation key, which deep
    linking puts there), else a `course` parameter of the target link URI."""
    custom = claims.get(CUSTOM)
    value = custom.get("course") if isinstance(custom, dict) else None
    if not value:
        query = urlsplit(str(claims.get(TARGET_LINK_URI) or "")).query
        value = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("course")
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


# The roles of someone who teaches the platform's course rather than takes it (LIS v2 context
# roles, as Moodle sends them to a teacher, a non-editing teacher and a course designer).
TEACHING_ROLES = {"Instructor", "TeachingAssistant", "ContentDeveloper", "Administrator"}
LEARNER_ROLES = {"Learner", "Student"}


def _role_names(claims: dict) -> set[str]:
    """The context roles' short names: LTI 1.3 sends full IRIs
    (`http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor`, and sub-roles such as
    `…/membership/Instructor#TeachingAssistant`); short names ("Instructor") are deprecated but
    still sent. Institution and system roles (`…/institution/person#Administrator`) are not
    about this course and are left out: a Moodle site administrator enrolled as a student is
    a student here."""
    roles = claims.get(ROLES)
    if not isinstance(roles, list):
        return set()
    names = set()
    for role in roles:
        role = str(role)
        if "/vocab/lis/v2/" in role and "/membership" not in role:
            continue
        names.add(role.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    return names


def launch_is_teaching(claims: dict) -> bool:
    """A teacher's launch (a teaching role and no learner role). Their grade is not the
    platform's business: no line item is remembered for them, so nothing reaches the
    gradebook; their account, progress and certificate here are theirs as anyone's."""
    names = _role_names(claims)
    return bool(names & TEACHING_ROLES) and not names & LEARNER_ROLES


@dataclass
class ResourceLinkLaunch:
    user: User
    address: str
    teaching: bool
    platform: str
    language: str
    # Shown inside the platform's page: the course opens in a window of its own, titled so.
    framed: bool = False
    title: str = ""


@transaction.atomic
def resource_link_launch(*, launch: Launch) -> ResourceLinkLaunch:
    """A valid LtiResourceLinkRequest: claim its state, create or find the account of
    (registration, sub), remember the line item (learners only) and the context, and answer
    the user and the address of the course in their language."""
    launch_state_claim(launch.login_state)
    claims = launch.claims
    language = launch_language(claims)
    identity = identity_for(launch=launch, language=language)
    course_key = launch_course_key(claims)
    teaching = launch_is_teaching(claims)
    if course_key is not None:
        _remember_services(
            identity=identity, launch=launch, course_key=course_key, teaching=teaching
        )
    framed = launch_is_framed(claims)
    return ResourceLinkLaunch(
        user=identity.user,
        address=selectors.course_address(course_key=course_key, language=language),
        teaching=teaching,
        platform=launch.registration.name,
        language=language,
        framed=framed,
        title=(
            selectors.course_title(course_key=course_key, language=language)
            if framed and course_key is not None
            else ""
        ),
    )


# How long the button of a framed launch signs its person in (the page is read, the button
# pressed: a minute or two; the launch itself is valid for LOGIN_STATE_LIFETIME).
CONTINUE_LIFETIME = timedelta(minutes=5)
CONTINUE_SALT = "lti.continue"
CONTINUE_GONE = _(
    "This button has been used already or has expired. Open the course again from your platform."
)


def continue_token(*, login_state: LoginState, launched: ResourceLinkLaunch) -> str:
    """The signed token behind a framed launch's button: which launch (its state, continued
    once) and what it answered, for `framed_launch_continue` in a window of ours."""
    return signing.dumps(
        {
            "state": login_state.pk,
            "user": launched.user.pk,
            "address": launched.address,
            "teaching": launched.teaching,
            "platform": launched.platform,
            "language": launched.language,
        },
        salt=CONTINUE_SALT,
    )


def framed_launch_continue(*, token: str) -> ResourceLinkLaunch:
    """The launch behind a framed launch's button, once: its token (ours, not older than
    CONTINUE_LIFETIME) names a login state used by the launch and not yet continued, which a
    conditional UPDATE marks continued, so a second press, or a copy of the token, signs
    nobody in. Raises LtiError, in the launch's language when the token is ours."""
    token = token[:2000]
    try:
        data = signing.loads(token, salt=CONTINUE_SALT, max_age=CONTINUE_LIFETIME)
        state_id, user_id = int(data["state"]), int(data["user"])
        if not (0 < state_id <= LARGEST_ID and 0 < user_id <= LARGEST_ID):
            raise ValueError(state_id, user_id)
        answered = {
            "address": str(data["address"]),
            "teaching": bool(data["teaching"]),
            "platform": str(data["platform"]),
            "language": str(data["language"]),
        }
    except signing.SignatureExpired:
        # Ours, only late: refused in the launch's language, like the button was shown.
        raise LtiError(CONTINUE_GONE, language=_token_language(token)) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LtiError(_("This button is not valid.")) from None
    now = timezone.now()
    won = LoginState.objects.filter(
        pk=state_id,
        used_at__isnull=False,
        used_at__gte=now - CONTINUE_LIFETIME,
        continued_at__isnull=True,
    ).update(continued_at=now)
    user = User.objects.filter(pk=user_id, is_active=True).first() if won else None
    if user is None:
        raise LtiError(CONTINUE_GONE, language=answered["language"])
    return ResourceLinkLaunch(user=user, **answered)


def _token_language(token: str) -> str | None:
    """The launch's language from a token of ours past its age (its signature checked)."""
    try:
        return signing.loads(token, salt=CONTINUE_SALT).get("language")
    except (signing.BadSignature, AttributeError):
        return None


def identity_for(*, launch: Launch, language: str) -> LtiIdentity:
    """The account of this platform user: found by (issuer, sub) only, or created with no
    usable password and an address of its own (the platform's e-mail is kept as profile data,
    never used to find or merge accounts).

    LTI 1.3 makes `sub` unique per issuer, not per registration: a Moodle that registers our
    tool twice (two client ids, e.g. two departments) sends the same `sub` for the same person
    through both, so the second registration's identity links the account the first one made
    (the interoperability drill found two accounts for one student before this)."""
    claims = launch.claims
    subject = claims["sub"]
    registration = launch.registration
    identity = (
        LtiIdentity.objects.select_related("user")
        .filter(registration=registration, subject=subject)
        .first()
    )
    name = str(claims.get("name") or "").strip()[:150]
    email = str(claims.get("email") or "")[:254]
    if identity is not None:
        if email and identity.email != email:
            LtiIdentity.objects.filter(pk=identity.pk).update(email=email)
        _institution_from_registration(identity.user, registration)
        return identity
    same_person = (
        LtiIdentity.objects.filter(registration__issuer=registration.issuer, subject=subject)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if same_person is not None:
        _institution_from_registration(same_person.user, registration)
        try:
            with transaction.atomic():
                return LtiIdentity.objects.create(
                    registration=registration, subject=subject, user=same_person.user, email=email
                )
        except IntegrityError:
            return LtiIdentity.objects.select_related("user").get(
                registration=registration, subject=subject
            )
    user = User(
        email=f"lti-{uuid.uuid4().hex}@lti{NO_MAILBOX_DOMAIN}",
        full_name=name or str(_("Moodle learner")),
        preferred_language=language,
        institution=launch.registration.institution,
        county=getattr(launch.registration.institution, "county", ""),
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            return LtiIdentity.objects.create(
                registration=launch.registration, subject=subject, user=user, email=email
            )
    except IntegrityError:
        # Two launches of a new person at once: the other one created the identity.
        return LtiIdentity.objects.select_related("user").get(
            registration=launch.registration, subject=subject
        )


def _institution_from_registration(user: User, registration: PlatformRegistration) -> None:
    """An account that has no institution takes its registration's (and its county, if the
    account has none), on any launch: the institution's choices (sharing learning records,
    coordinators' reports) reach people who launched before an administrator linked the
    registration to it (the drill's finding 6). An institution the account already has is
    never changed by a launch."""
    if registration.institution_id and user.institution_id is None:
        user.institution_id = registration.institution_id
        fields = ["institution"]
        if not user.county:
            # The institution's county: where a county coordinator's reports look for people.
            user.county = registration.institution.county
            fields.append("county")
        user.save(update_fields=fields)


def _remember_services(
    *, identity: LtiIdentity, launch: Launch, course_key: uuid.UUID, teaching: bool = False
) -> None:
    claims = launch.claims
    if not teaching:
        _remember_line_item(identity=identity, claims=claims, course_key=course_key)
    context = claims.get(CONTEXT)
    if isinstance(context, dict) and context.get("id"):
        nrps = claims.get(NRPS)
        url = nrps.get("context_memberships_url") if isinstance(nrps, dict) else ""
        row, _created = LtiContext.objects.get_or_create(
            registration=launch.registration,
            context_id=str(context["id"])[:255],
            defaults={"deployment_id": claims[DEPLOYMENT_ID]},
        )
        row.title = str(context.get("title") or "")[:255]
        row.memberships_url = str(url or row.memberships_url)[:500]
        if str(course_key) not in row.course_keys:
            row.course_keys = [*row.course_keys, str(course_key)]
        row.save()


def _remember_line_item(*, identity: LtiIdentity, claims: dict, course_key: uuid.UUID) -> None:
    """Where this learner's grade for the course goes: the launch's line item, or, for a link
    added by hand (the line items service and its `lineitem` scope, but no line item), what the
    passback needs to find or create the link's line item. Nothing is asked of the platform
    here: the launch answers at once, the passback task (retried) does the HTTP."""
    ags = claims.get(AGS_ENDPOINT)
    if not isinstance(ags, dict):
        return
    scopes = ags.get("scope") or []
    if platform_client.SCORE_SCOPE not in scopes:
        return
    link_id = str(claims[RESOURCE_LINK]["id"])[:255]
    lineitems_url = str(ags.get("lineitems") or "")[:500]
    values = {
        "lineitems_url": lineitems_url,
        "resource_link_id": link_id,
        "language": launch_language(claims),
    }
    if ags.get("lineitem"):
        values["url"] = str(ags["lineitem"])[:500]
    elif lineitems_url and platform_client.LINEITEM_SCOPE in scopes:
        known = LineItem.objects.filter(identity=identity, course_key=course_key).first()
        if known is None or (known.lineitems_url, known.resource_link_id) != (
            lineitems_url,
            link_id,
        ):
            values["url"] = ""  # another link's line item: found or created again
    else:
        return
    LineItem.objects.update_or_create(identity=identity, course_key=course_key, defaults=values)


# Deep linking --------------------------------------------------------------------------------


@transaction.atomic
def deep_linking_launch(*, launch: Launch) -> LoginState:
    """A valid LtiDeepLinkingRequest: claim its state and keep its settings for the answer.
    Refused, before anything changes, when the platform does not accept what we return (our
    courses are resource links: LTI Deep Linking 2.0, `accept_types`)."""
    claims = launch.claims
    accept_types = claims[DEEP_LINKING_SETTINGS].get("accept_types")
    if not isinstance(accept_types, list) or "ltiResourceLink" not in accept_types:
        raise LtiError(
            _(
                "Your platform asked for content of a kind we do not offer here: our courses "
                "are added as activities (LTI resource links)."
            )
        )
    launch_state_claim(launch.login_state)
    LoginState.objects.filter(pk=launch.login_state.pk).update(
        deep_link={
            "settings": claims[DEEP_LINKING_SETTINGS],
            "ags": bool(claims.get(AGS_ENDPOINT)),
            "language": launch_language(claims),
        },
        deployment_id=claims[DEPLOYMENT_ID],
    )
    launch.login_state.refresh_from_db()
    return launch.login_state


def deep_linking_response(
    *, login_state_id: int, course_keys: list[uuid.UUID], launch_url: str
) -> tuple[str, str]:
    """The signed LtiDeepLinkingResponse for the chosen courses, once per request: answers the
    platform's return URL and the JWT to post to it."""
    login_state = LoginState.objects.select_related("registration").get(pk=login_state_id)
    deep_link = login_state.deep_link or {}
    # The picker offers one choice when the platform accepts one item; a forged post of several
    # is refused before the request is answered, so the teacher can still choose again.
    if len(course_keys) > 1 and not deep_link.get("settings", {}).get("accept_multiple"):
        raise LtiError(_("Your platform accepts one course here: choose one."))
    won = LoginState.objects.filter(
        pk=login_state.pk, deep_link__isnull=False, answered_at__isnull=True
    ).update(answered_at=timezone.now())
    if not won:
        raise LtiError(_("This selection was already sent. Start again from your platform."))
    settings_claim = login_state.deep_link["settings"]
    language = login_state.deep_link["language"]
    courses = selectors.deep_linking_courses(language=language, keys=course_keys)
    items = []
    for course in courses:
        item = {
            "type": "ltiResourceLink",
            "title": course.title,
            "url": launch_url,
            "custom": {"course": str(course.translation_key)},
        }
        if login_state.deep_link.get("ags"):
            item["lineItem"] = {
                "scoreMaximum": 100,
                "label": course.title,
                "resourceId": str(course.translation_key),
            }
        items.append(item)
    registration = login_state.registration
    now = int(time.time())
    claims = {
        "iss": registration.client_id,
        "aud": registration.issuer,
        "iat": now,
        "exp": now + 300,
        "nonce": secrets.token_urlsafe(16),
        DEPLOYMENT_ID: login_state.deployment_id,
        MESSAGE_TYPE: "LtiDeepLinkingResponse",
        VERSION: "1.3.0",
        DL_CONTENT_ITEMS: items,
    }
    if settings_claim.get("data"):
        claims[DL_DATA] = settings_claim["data"]
    return settings_claim["deep_link_return_url"], platform_client.signed_jwt(claims)


# Grade passback (AGS) ------------------------------------------------------------------------


def passbacks_request(
    *, learner_id: int, course_key: uuid.UUID, run: int, completed_at
) -> list[int]:
    """A run was completed: one passback row per line item the learner launched this course
    with (the row is unique per line item and run). Answers the ids to send."""
    line_items = LineItem.objects.filter(
        identity__user_id=learner_id,
        course_key=course_key,
        identity__registration__enabled=True,
    )
    score = selectors.run_score(learner_id=learner_id, course_key=course_key, run=run)
    ids = []
    for line_item in line_items:
        passback, _created = ScorePassback.objects.get_or_create(
            line_item=line_item,
            run=run,
            defaults={"score": score, "completed_at": completed_at},
        )
        if passback.status != PassbackStatus.SENT:
            ids.append(passback.pk)
    return ids


def passback_claim(passback_id: int) -> bool:
    """Take the passback for sending (a conditional UPDATE): pending or failed ones, or one
    claimed so long ago that its worker must have died. A sent one is never taken again."""
    now = timezone.now()
    return bool(
        ScorePassback.objects.filter(pk=passback_id)
        .filter(
            Q(status__in=[PassbackStatus.PENDING, PassbackStatus.FAILED])
            | Q(status=PassbackStatus.SENDING, claimed_at__lt=now - PASSBACK_CLAIM_TIMEOUT)
        )
        .update(status=PassbackStatus.SENDING, claimed_at=now)
    )


def passback_send(passback_id: int) -> bool:
    """Send the run's score to the platform if this call claims it. True when sent now; raises
    platform_client.PlatformError (the row marked failed, for the task's retry) on failure."""
    from django.db.models import F

    if not passback_claim(passback_id):
        return False
    passback = ScorePassback.objects.select_related("line_item__identity__registration").get(
        pk=passback_id
    )
    identity = passback.line_item.identity
    try:
        lineitem_url = line_item_resolve(line_item=passback.line_item)
    except platform_client.PlatformError as error:
        ScorePassback.objects.filter(pk=passback.pk).update(
            status=PassbackStatus.FAILED, attempts=F("attempts") + 1, last_error=str(error)[:1000]
        )
        raise
    score = {
        "userId": identity.subject,
        "scoreGiven": float(passback.score),
        "scoreMaximum": 100,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": passback.completed_at.isoformat(),
    }
    try:
        platform_client.score_post(identity.registration, lineitem_url=lineitem_url, score=score)
    except platform_client.PlatformError as error:
        ScorePassback.objects.filter(pk=passback.pk).update(
            status=PassbackStatus.FAILED, attempts=F("attempts") + 1, last_error=str(error)[:1000]
        )
        raise
    ScorePassback.objects.filter(pk=passback.pk).update(
        status=PassbackStatus.SENT,
        attempts=F("attempts") + 1,
        sent_at=timezone.now(),
        last_error="",  # delivered: an earlier failure's message no longer describes it
    )
    return True


def line_item_resolve(*, line_item: LineItem) -> str:
    """The line item's URL; for a link added by hand, found in the platform's line items
    container (by resource link and our tag, the course's translation key) or created there
    (labelled with the course's title in the launch's language, out of 100), then remembered
    on every learner's row of that link. Raises platform_client.PlatformError."""
    if line_item.url:
        return line_item.url
    registration = line_item.identity.registration
    same_link = LineItem.objects.filter(
        identity__registration=registration,
        course_key=line_item.course_key,
        lineitems_url=line_item.lineitems_url,
        resource_link_id=line_item.resource_link_id,
    )
    with transaction.atomic():
        # One find-or-create per platform at a time: two learners of one link completing at
        # once must not create two gradebook columns. The registration's row is locked (on
        # PostgreSQL) for at most the few HTTP calls below, each with LTI_HTTP_TIMEOUT, and
        # only until a link's line item is known.
        PlatformRegistration.objects.select_for_update().filter(pk=registration.pk).first()
        url = same_link.exclude(url="").values_list("url", flat=True).first()
        if not url:
            url = platform_client.line_item_find_or_create(
                registration,
                lineitems_url=line_item.lineitems_url,
                line_item={
                    "scoreMaximum": 100,
                    "label": selectors.course_title(
                        course_key=line_item.course_key, language=line_item.language or "ro"
                    ),
                    "resourceId": str(line_item.course_key),
                    "tag": str(line_item.course_key),
                    "resourceLinkId": line_item.resource_link_id,
                },
            )[:500]
        same_link.filter(url="").update(url=url)
    return url


def learner_lti_erase(learner) -> None:
    """Account deletion: forget the platforms' identities of the learner, with their line items
    and grade passbacks, so nothing more is sent (a queued passback finds nothing to claim) and a
    later launch cannot log into the erased account. Grades already sent stay in the platform's
    gradebook: they are the platform's records, kept by its own rules."""
    LtiIdentity.objects.filter(user=learner).delete()


# Housekeeping --------------------------------------------------------------------------------

# A login state is good for LOGIN_STATE_LIFETIME and a deep linking answer for the picker's
# signed token's life (an hour at most); a day later nothing can use the row, and a replayed
# token finds no state and is refused as before.
LOGIN_STATE_KEPT = timedelta(days=1)


def login_states_purge(*, now=None) -> int:
    """Delete the login states nobody can use any more (the daily beat). Returns how many."""
    now = now or timezone.now()
    deleted, _by_model = LoginState.objects.filter(created_at__lt=now - LOGIN_STATE_KEPT).delete()
    return deleted
