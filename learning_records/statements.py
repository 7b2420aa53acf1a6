"""The xAPI 1.0.3 vocabulary of the platform and the statements built with it.

Pure functions of the data they are given (no queries): the receivers, the backfill and the
tests build the same statement from the same event, so its id and content agree wherever it
was built. Every verb and activity type is a registered IRI: ADL's (http://adlnet.gov/expapi/…)
or, where ADL has none, one registered in the xAPI registry (its "Tin Can vocabulary" profile on
ADL's profile server), so any LRS dashboard reads them. Which one and why, for each:
docs/architecture.md, "Learning records", "Vocabulary".

Activities are named by translation keys, never page ids: a course taken in Romanian and the
same course in English are one activity, with its name as a language map.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

XAPI_VERSION = "1.0.3"

# Fixed forever: statement ids are uuid5 in this namespace, so the same event gives the same id
# on every machine and in every run of the backfill.
STATEMENT_NAMESPACE = uuid.UUID("5b0c8f0e-9d8e-4f4f-a3c3-6a8f3b1d2e20")

ADL = "http://adlnet.gov/expapi"


@dataclass(frozen=True)
class Verb:
    code: str  # what the outbox and the learner's data file call it
    iri: str
    display: str


REGISTERED = Verb("registered", f"{ADL}/verbs/registered", "registered")
EXPERIENCED = Verb("experienced", f"{ADL}/verbs/experienced", "experienced")
COMPLETED = Verb("completed", f"{ADL}/verbs/completed", "completed")
ANSWERED = Verb("answered", f"{ADL}/verbs/answered", "answered")
PASSED = Verb("passed", f"{ADL}/verbs/passed", "passed")
FAILED = Verb("failed", f"{ADL}/verbs/failed", "failed")
# ADL has no verb for earning a credential; the registry's "earned" is the one in use. A
# renewal is an "earned" too (the registry has no "renewed"), with the renewal extension.
EARNED = Verb("earned", "http://id.tincanapi.com/verb/earned", "earned")
# xAPI's own verb for taking a statement back (xAPI 1.0.3, 2.3.2): a revoked certificate's
# "earned" is voided, so an LRS stops counting it.
VOIDED = Verb("voided", f"{ADL}/verbs/voided", "voided")
VERBS = {
    verb.code: verb
    for verb in (REGISTERED, EXPERIENCED, COMPLETED, ANSWERED, PASSED, FAILED, EARNED, VOIDED)
}

ACTIVITY_TYPES = {
    "platform": "http://id.tincanapi.com/activitytype/lms",
    "course": f"{ADL}/activities/course",
    "lesson": f"{ADL}/activities/lesson",
    "quiz": f"{ADL}/activities/assessment",
    "scenario": f"{ADL}/activities/simulation",
    # xAPI 1.0.3 itself asks interaction activities (those with an interactionType) for this
    # type, rather than ADL's older ".../activities/question".
    "question": f"{ADL}/activities/cmi.interaction",
    # The certificate type registered in the xAPI registry (Opigno's entry, the registry's only
    # "certificate"). Our first, "http://id.tincanapi.com/activitytype/certificate", was never
    # registered. What was sent keeps it (an LRS never changes a stored statement), and so do
    # rows queued before the change (the outbox holds each payload as built). The statement's
    # id does not depend on the type, so a backfill of a certificate already sent writes no
    # second statement: the outbox keeps its row, and an LRS asked again answers 409 (sent).
    "certificate": "https://www.opigno.org/en/tincan_registry/activity_type/certificate",
}
# The page model of a course step → the kind of activity it is.
STEP_KINDS = {"lessonpage": "lesson", "quizpage": "quiz", "scenariopage": "scenario"}

# Our languages as the language tags of xAPI language maps.
LANGUAGE_TAGS = {"ro": "ro-RO", "en": "en-US"}

PLATFORM_NAME = _("Child trafficking: recognise and respond")


def site_iri(path: str) -> str:
    return f"{settings.SITE_URL}/xapi/{path}"


def activity_id(kind: str, key=None) -> str:
    return site_iri(f"activities/{kind}" + (f"/{key}" if key is not None else ""))


def extension(name: str) -> str:
    return site_iri(f"extensions/{name}")


def statement_id(*parts) -> uuid.UUID:
    return uuid.uuid5(STATEMENT_NAMESPACE, ":".join(str(part) for part in parts))


def language_map(names: dict[str, str]) -> dict[str, str]:
    """{"ro": …, "en": …} → {"ro-RO": …, "en-US": …}, leaving out empty names."""
    return {
        LANGUAGE_TAGS[code]: name for code, name in names.items() if name and code in LANGUAGE_TAGS
    }


def translated(text) -> dict[str, str]:
    """A translatable string of ours as a language map."""
    names = {}
    for code in LANGUAGE_TAGS:
        with translation.override(code):
            names[code] = str(text)
    return language_map(names)


def activity(kind: str, key=None, names: dict[str, str] | None = None, **definition) -> dict:
    body = {"type": ACTIVITY_TYPES[kind], **definition}
    if names:
        body["name"] = names
    return {"objectType": "Activity", "id": activity_id(kind, key), "definition": body}


def actor(pseudonym) -> dict:
    # An account on this platform, named by the learner's pseudonym (models.LearnerPseudonym):
    # never an e-mail address (mbox), never a name.
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": str(pseudonym)},
    }


@dataclass(frozen=True)
class Built:
    """A statement ready for the outbox."""

    id: uuid.UUID
    learner_id: int
    verb: str
    occurred_at: datetime
    payload: dict


def build(
    *,
    id_parts: tuple,
    learner_id: int,
    pseudonym,
    verb: Verb,
    obj: dict,
    occurred_at: datetime,
    result: dict | None = None,
    context: dict | None = None,
) -> Built:
    sid = statement_id(verb.code, pseudonym, *id_parts)
    payload = {
        "id": str(sid),
        "actor": actor(pseudonym),
        "verb": {"id": verb.iri, "display": {"en-US": verb.display}},
        "object": obj,
        "timestamp": occurred_at.isoformat(),
        "version": XAPI_VERSION,
    }
    if result:
        payload["result"] = result
    if context:
        payload["context"] = context
    return Built(sid, learner_id, verb.code, occurred_at, payload)


def course_context(course_key, course_names, *, run: int | None = None, parent: dict | None = None):
    context = {
        "contextActivities": {
            "grouping" if parent else "parent": [activity("course", course_key, course_names)]
        },
        "platform": settings.SITE_URL,
    }
    if parent:
        context["contextActivities"]["parent"] = [parent]
    if run is not None:
        context["extensions"] = {extension("run"): run}
    return context


# One builder per kind of event ----------------------------------------------------------


def registered(*, learner_id, pseudonym, joined_at) -> Built:
    return build(
        id_parts=(),
        learner_id=learner_id,
        pseudonym=pseudonym,
        verb=REGISTERED,
        obj=activity("platform", names=translated(PLATFORM_NAME)),
        occurred_at=joined_at,
        context={"platform": settings.SITE_URL},
    )


def step_visited(
    *, learner_id, pseudonym, course_key, course_names, step_key, step_kind, step_names, visited_at
) -> Built:
    return build(
        id_parts=(step_key, visited_at.isoformat()),
        learner_id=learner_id,
        pseudonym=pseudonym,
        verb=EXPERIENCED,
        obj=activity(step_kind, step_key, step_names),
        occurred_at=visited_at,
        context=course_context(course_key, course_names),
    )


def step_completed(
    *,
    learner_id,
    pseudonym,
    course_key,
    course_names,
    step_key,
    step_kind,
    step_names,
    run,
    completed_at,
) -> Built:
    return build(
        id_parts=("step", step_key, run),
        learner_id=learner_id,
        pseudonym=pseudonym,
        verb=COMPLETED,
        obj=activity(step_kind, step_key, step_names),
        occurred_at=completed_at,
        result={"completion": True},
        context=course_context(course_key, course_names, run=run),
    )


def answered(
    *,
    learner_id,
    pseudonym,
    course_key,
    course_names,
    quiz_key,
    quiz_names,
    run,
    attempt_number,
    question_key,
    question_names,
    credit: Decimal,
    selected: int,
    submitted_at,
) -> Built:
    # The choices picked by their positions (the same in every language; choice ids differ).
    response = "[,]".join(f"choice-{bit}" for bit in range(32) if selected >> bit & 1)
    return build(
        id_parts=(quiz_key, run, attempt_number, question_key),
        learner_id=learner_id,
        pseudonym=pseudonym,
        verb=ANSWERED,
        obj=activity("question", question_key, question_names, interactionType="choice"),
        occurred_at=submitted_at,
        result={
            "score": {"scaled": float(credit)},
            "success": credit >= 1,
            "response": response,
        },
        context={
            **course_context(
                course_key, course_names, run=run, parent=activity("quiz", quiz_key, quiz_names)
            ),
        },
    )


def assessed(
    *,
    learner_id,
    pseudonym,
    course_key,
    course_names,
    quiz_key,
    quiz_names,
    run,
    attempt_number,
    score: Decimal,
    passed: bool,
    submitted_at,
) -> Built:
    return build(
        id_parts=(quiz_key, run, attempt_number),
        learner_id=learner_id,
        pseudonym=pseudonym,
        verb=PASSED if passed else FAILED,
        obj=activity("quiz", quiz_key, quiz_names),
        occurred_at=submitted_at,
        result={
            "score": {"scaled": float(score) / 100, "raw": float(score), "min": 0, "max": 100},
            "success": passed,
            "completion": True,
        },
        context={
            **course_context(course_key, course_names, run=run),
            "extensions": {extension("run"): run, extension("attempt"): attempt_number},
        },
    )


def course_completed(
    *, learner_id, pseudonym, course_key, course_names, run, completed_at
) -> Built:
    return build(
        id_parts=("course", course_key, run),
        learner_id=learner_id,
        pseudonym=pseudonym,
        verb=COMPLETED,
        obj=activity("course", course_key, course_names),
        occurred_at=completed_at,
        result={"completion": True},
        context={"platform": settings.SITE_URL, "extensions": {extension("run"): run}},
    )


def certificate_earned(
    *, learner_id, pseudonym, course_key, course_names, run, renewal: bool, issued_at
) -> Built:
    return build(
        id_parts=(course_key, run),
        learner_id=learner_id,
        pseudonym=pseudonym,
        verb=EARNED,
        obj=activity("certificate", course_key, course_names),
        occurred_at=issued_at,
        context={
            "contextActivities": {"parent": [activity("course", course_key, course_names)]},
            "platform": settings.SITE_URL,
            "extensions": {extension("run"): run, extension("renewal"): renewal},
        },
    )


def certificate_revoked(*, learner_id, pseudonym, course_key, run, revoked_at) -> Built:
    """The voiding statement of a revoked certificate's "earned" (the same id
    `certificate_earned` gives it): its object is a StatementRef, as xAPI requires."""
    earned = statement_id(EARNED.code, pseudonym, course_key, run)
    return build(
        id_parts=(course_key, run),
        learner_id=learner_id,
        pseudonym=pseudonym,
        verb=VOIDED,
        obj={"objectType": "StatementRef", "id": str(earned)},
        occurred_at=revoked_at,
    )
