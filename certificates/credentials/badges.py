"""The Open Badges 3.0 documents: the credential of a certificate, the course as its
Achievement, the issuer's Profile and the status list credentials. Plain dictionaries (JSON-LD
compacted with the two shipped contexts); signing is keys.sign."""

from datetime import UTC, datetime
from decimal import Decimal
from hashlib import sha256

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import CoursePage
from courses.models.objectives import LearningObjective

from . import status_lists

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
LANGUAGES = ("ro", "en")


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(f"certificates:{name}", args=args)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_id() -> str:
    return _url("credentials_issuer")


def issuer_profile() -> dict:
    """The issuer as an OB 3.0 Profile: the same name in the credential and at its id. Its key
    is found through the JWS `kid`, on the same origin (/credentials/issuer/jwks.json): the OB
    3.0 context has no term for a key inside a Profile."""
    with translation.override("ro"):
        name = _("Child protection training")
    return {"id": issuer_id(), "type": ["Profile"], "name": name, "url": settings.SITE_URL + "/"}


def achievement_id(course_key, language: str) -> str:
    return _url("credentials_achievement", course_key, language)


def _course_pages(course_key) -> dict[str, CoursePage]:
    pages = CoursePage.objects.filter(translation_key=course_key).select_related("locale")
    return {page.locale.language_code: page for page in pages}


def achievement(
    course_key, language: str, *, pages=None, title: str = "", hours: Decimal | None = None
) -> dict | None:
    """The course, in one of its languages, as an OB 3.0 Achievement (None when the course has
    no page in that language and no title is given): its criteria say what the learner did,
    the hours, and the learning objectives; `related` names the same achievement in the other
    language (the OB 3.0 way to carry language versions), served at its own id."""
    pages = _course_pages(course_key) if pages is None else pages
    page = pages.get(language)
    source = page or pages.get("ro") or next(iter(pages.values()), None)
    if source is None or not (page or title):
        return None
    if hours is None:
        hours = (Decimal(source.estimated_minutes) / 60).quantize(Decimal("0.1"))
    # The objectives are edited on the Romanian course; a translation may have its own.
    objectives = list(
        LearningObjective.objects.filter(course=page or source).values_list("title", flat=True)
    )
    with translation.override(language):
        narrative = _(
            "The holder completed every lesson of the course and passed its quizzes "
            "(%(hours)s hours of study)."
        ) % {"hours": hours}
        if objectives:
            narrative += "\n\n" + _("Learning objectives") + ":\n"
            narrative += "\n".join(f"- {objective}" for objective in objectives)
    others = [other for other in LANGUAGES if other != language and other in pages]
    document = {
        "id": achievement_id(course_key, language),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": title or page.title,
        "description": (page or source).summary,
        "criteria": {"narrative": narrative},
        "inLanguage": language,
        "creator": issuer_profile(),
    }
    if others:
        document["related"] = [
            {"id": achievement_id(course_key, other), "type": ["Related"], "inLanguage": other}
            for other in others
        ]
    return document


def status_entries(index: int) -> list[dict]:
    """The credential's places in its two status lists (module status_lists says why two)."""
    list_number, pos = status_lists.position(index)
    revocation = _url("credentials_status_list", status_lists.REVOCATION, list_number)
    renewal = _url("credentials_status_list", status_lists.RENEWAL, list_number)
    return [
        {
            "id": f"{revocation}#{pos}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(pos),
            "statusListCredential": revocation,
        },
        {
            "id": f"{renewal}#{pos}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "message",
            "statusListIndex": str(pos),
            "statusListCredential": renewal,
            "statusSize": 1,
            "statusMessage": status_lists.RENEWAL_MESSAGES,
        },
    ]


def subject_identifier(certificate) -> list[dict]:
    """The name as printed, hashed with a salt (an OB 3.0 IdentityObject): a relying party who
    is told the name can check it without the credential carrying an e-mail or an account id.
    The salt is the certificate's own (public in the credential, as OB 3.0 has it)."""
    if not certificate.learner_name:
        return []
    salt = sha256(f"salt:{certificate.pk}".encode()).hexdigest()[:16]
    digest = sha256((certificate.learner_name + salt).encode()).hexdigest()
    return [
        {
            "type": "IdentityObject",
            "identityHash": f"sha256${digest}",
            "identityType": "name",
            "hashed": True,
            "salt": salt,
        }
    ]


def open_badge_credential(certificate, *, language: str = "ro") -> dict:
    """The certificate as an OpenBadgeCredential (unsigned), from the register's snapshot: the
    name, titles, hours and dates it was issued with. `language` is the Achievement's (the
    learner's); the other language is its `related` version. Needs a status list index."""
    titles = {"ro": certificate.course_title_ro, "en": certificate.course_title_en}
    if not titles.get(language):
        language = "ro"
    pages = _course_pages(certificate.course_key)
    subject_id = f"urn:uuid:{certificate.pk}"
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        # The public verification page: what a person reads about this certificate.
        "id": settings.SITE_URL + reverse("certificates:verify", args=[certificate.grouped_code]),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": _timestamp(certificate.issued_at),
        "awardedDate": _timestamp(certificate.issued_at),
        "name": titles[language],
        "credentialSubject": {
            # Not the learner's account: this certificate's own id (OB 3.0 asks for an id or
            # an identifier; neither may be their e-mail here).
            "id": subject_id,
            "type": ["AchievementSubject"],
            "name": certificate.learner_name,
            "activityEndDate": _timestamp(certificate.completed_at),
            "identifier": subject_identifier(certificate),
            "achievement": achievement(
                certificate.course_key,
                language,
                pages=pages,
                title=titles[language],
                hours=certificate.hours,
            ),
        },
        "credentialStatus": status_entries(certificate.status_list_index),
    }
    if not credential["credentialSubject"]["identifier"]:
        del credential["credentialSubject"]["identifier"]
    if certificate.expires_at is not None:
        credential["validUntil"] = _timestamp(certificate.expires_at)
    return credential


def jwt_claims(credential: dict) -> dict:
    """The credential with the JWT claims OB 3.0 (section 8.2) requires of a VC-JWT payload."""
    claims = dict(credential)
    claims["iss"] = credential["issuer"]["id"]
    claims["jti"] = credential["id"]
    claims["sub"] = credential["credentialSubject"]["id"]
    claims["nbf"] = int(datetime.fromisoformat(credential["validFrom"]).timestamp())
    if "validUntil" in credential:
        claims["exp"] = int(datetime.fromisoformat(credential["validUntil"]).timestamp())
    return claims


def status_list_credential(purpose: str, list_number: int, set_positions) -> dict:
    """A BitstringStatusListCredential of one list, valid from now (it says the register's
    state at this moment)."""
    url = _url("credentials_status_list", purpose, list_number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _timestamp(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_lists.PURPOSES[purpose],
            "encodedList": status_lists.encode(set_positions),
        },
    }


def status_list_claims(credential: dict) -> dict:
    claims = dict(credential)
    claims["iss"] = credential["issuer"]
    claims["jti"] = credential["id"]
    claims["sub"] = credential["credentialSubject"]["id"]
    claims["nbf"] = int(datetime.fromisoformat(credential["validFrom"]).timestamp())
    return claims
