"""Every verb and activity type we send is a registered IRI (docs/architecture.md, "Learning
records", "Vocabulary"): a new one must be looked up and added here on purpose."""

from learning_records import statements

# ADL's verbs (http://adlnet.gov/expapi/verbs/…, ADL's vocabulary) and the xAPI registry's
# "earned" (its Tin Can vocabulary profile): the ones we send, and nothing else.
REGISTERED_VERBS = {
    "registered": "http://adlnet.gov/expapi/verbs/registered",
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
    "earned": "http://id.tincanapi.com/verb/earned",
}
REGISTERED_ACTIVITY_TYPES = {
    "platform": "http://id.tincanapi.com/activitytype/lms",
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "certificate": "https://www.opigno.org/en/tincan_registry/activity_type/certificate",
}


def test_every_verb_is_a_registered_iri():
    assert {code: verb.iri for code, verb in statements.VERBS.items()} == REGISTERED_VERBS


def test_every_activity_type_is_a_registered_iri():
    assert statements.ACTIVITY_TYPES == REGISTERED_ACTIVITY_TYPES
    # The one we used at first and which the registry does not hold.
    assert "http://id.tincanapi.com/activitytype/certificate" not in str(statements.ACTIVITY_TYPES)


def test_the_certificate_type_leaves_the_statement_id_as_it_was():
    from datetime import UTC, datetime

    earned = statements.certificate_earned(
        learner_id=1,
        pseudonym="7f0c7c3e-7c1d-4a57-9d0a-1b2c3d4e5f60",
        course_key="c0ffee00-0000-4000-8000-000000000001",
        course_names={"ro-RO": "Curs"},
        run=1,
        renewal=False,
        issued_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    assert (
        earned.payload["object"]["definition"]["type"] == REGISTERED_ACTIVITY_TYPES["certificate"]
    )
    # uuid5 of the verb, the pseudonym, the course and the run, as before the type changed.
    assert str(earned.id) == "2142ad8e-2dfd-51c0-bb1a-37b2de33ae48"
