"""Taking a retention check through the client: the learner's own link, graded on the server
once, bad input refused with a 4xx and nothing stored; "My learning" shows the check due and a
refresher note in one query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from retention import services
from retention.models import RetentionCheck, RetentionResponse

from ..elearning.factories import UserFactory
from .factories import complete_run, make_check, make_retention_course

pytestmark = pytest.mark.django_db


def url_of(check, language="ro"):
    with translation.override(language):
        return reverse("retention:check", kwargs={"token": check.token})


def invited(client, *, objectives=2, items=2, language="ro"):
    course, pre, post = make_retention_course(objectives=objectives, items=items)
    learner = UserFactory(preferred_language=language)
    enrollment = complete_run(client, learner, pre, post)
    # The 30-day check, sent as the daily run sends it (time moved forward), while the run's
    # completion is recent enough for the check to be open now.
    services.retention_invitations_send(now=timezone.now() + timedelta(days=30))
    RetentionCheck.objects.update(expires_at=timezone.now() + timedelta(days=30))
    return course, pre, learner, enrollment, RetentionCheck.objects.get(learner=learner)


def answers(pre, check, right: int) -> dict:
    """POST data answering the first `right` questions right, with the page's choice ids."""
    by_key = {str(q.key): q for q in pre.questions.all()}
    data = {}
    for n, key in enumerate(check.question_keys):
        pick = [c for c in by_key[key].choices.all() if c.is_correct == (n < right)][0]
        data[f"q-{key}"] = [str(pick.pk)]
    return data


def test_taking_the_check_end_to_end(client, demo_site):
    course, pre, learner, enrollment, check = invited(client)
    response = client.get(url_of(check))
    assert response.status_code == 200
    page = response.content.decode()
    # Every drawn question, and nothing that says which choice is right.
    for key in check.question_keys:
        assert f'name="q-{key}"' in page
    assert "is_correct" not in page and "correct" not in page.lower().replace("corect", "")
    response = client.post(url_of(check), answers(pre, check, right=1))
    assert response.status_code == 302 and response["Location"] == url_of(check)
    check.refresh_from_db()
    assert float(check.score) == 50.0 and check.passed is False and check.pass_mark == 70
    responses = RetentionResponse.objects.filter(retention_check=check)
    objective_of = {q.key: q.objective.key for q in pre.questions.all()}
    assert {r.objective_key for r in responses} == {objective_of[r.question_key] for r in responses}
    assert sorted(float(r.credit) for r in responses) == [0.0, 1.0]
    result = client.get(url_of(check)).content.decode()
    assert "50%" in result and course.url in result
    # Accepted once: a second submission is refused and changes nothing.
    again = client.post(url_of(check), answers(pre, check, right=2))
    assert again.status_code == 409
    check.refresh_from_db()
    assert float(check.score) == 50.0 and responses.count() == 2


def test_the_check_is_shown_in_english_on_the_english_url(client, demo_site):
    course, pre, learner, enrollment, check = invited(client, language="en")
    page = client.get(url_of(check, "en")).content.decode()
    assert "EN Obiectiv" in page and "Retention check" in page
    en_pre = pre.get_translation(pre.locale.get_display_name and _en()).specific
    response = client.post(url_of(check, "en"), answers(en_pre, check, right=2))
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.passed is True


def _en():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="en")


def test_bad_requests_are_refused_and_store_nothing(client, demo_site):
    course, pre, learner, enrollment, check = invited(client)
    url = url_of(check)
    good = answers(pre, check, right=2)
    first, second = check.question_keys
    other_question = [c for c in pre.questions.all() if str(c.key) == second][0]
    cases = {
        "tampered question id": {**good, "q-00000000-0000-0000-0000-000000000000": ["1"]},
        "a score field": {**good, "score": "100"},
        "missing answer": {f"q-{first}": good[f"q-{first}"]},
        "out-of-range choice": {**good, f"q-{first}": ["9" * 40]},
        "not a number": {**good, f"q-{first}": ["<script>"]},
        "another question's choice": {
            **good,
            f"q-{first}": [str(other_question.choices.first().pk)],
        },
        "two answers to a single choice": {
            **good,
            f"q-{first}": [str(c.pk) for c in pre.questions.get(key=first).choices.all()[:2]],
        },
        "huge text": {**good, f"q-{first}": ["x" * 100_000]},
    }
    for name, data in cases.items():
        response = client.post(url, data)
        assert response.status_code == 400, name
        assert "error-summary" in response.content.decode(), name
    check.refresh_from_db()
    assert check.submitted_at is None and not RetentionResponse.objects.exists()


def test_links_that_are_not_the_learners_own_are_not_found(client, demo_site):
    course, pre, learner, enrollment, check = invited(client)
    client.force_login(UserFactory())
    assert client.get(url_of(check)).status_code == 404
    assert client.post(url_of(check), answers(pre, check, right=2)).status_code == 404
    client.force_login(learner)
    for token in ("A" * 43, "x" * 20, "a" * 64):
        assert client.get(f"/ro/learning/retention/{token}/").status_code == 404
    for token in ("a" * 5000, "short", "a%00b" * 10, "../../etc"):
        assert client.get(f"/ro/learning/retention/{token}/").status_code == 404
    client.logout()
    response = client.get(url_of(check))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    check.refresh_from_db()
    assert check.submitted_at is None


def test_an_expired_check_is_gone_with_a_message(client, demo_site):
    course, pre, learner, enrollment, check = invited(client)
    RetentionCheck.objects.filter(pk=check.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(url_of(check))
    assert response.status_code == 410
    assert "s-a închis" in response.content.decode()
    response = client.post(url_of(check), answers(pre, check, right=2))
    assert response.status_code == 410
    check.refresh_from_db()
    assert check.submitted_at is None and not RetentionResponse.objects.exists()


def test_my_learning_shows_the_check_due_then_the_refresher(client, demo_site):
    course, pre, learner, enrollment, check = invited(client)
    my_learning = reverse("courses:my_learning")
    page = client.get(my_learning).content.decode()
    assert "Verificare de retenție disponibilă" in page and url_of(check) in page
    client.post(url_of(check), answers(pre, check, right=0))
    page = client.get(my_learning).content.decode()
    assert "Verificare de retenție disponibilă" not in page
    assert "Reluare recomandată" in page and f'href="{course.url}"' in page
    # A later check passed: no refresher any more.
    make_check(enrollment, age=180, score=90, invited=timezone.now() + timedelta(minutes=1))
    page = client.get(my_learning).content.decode()
    assert "Reluare recomandată" not in page


def test_my_learning_queries_do_not_grow_with_courses_and_checks(client, demo_site):
    first, pre, post = make_retention_course(slug="curs-unu")
    second, pre2, post2 = make_retention_course(slug="curs-doi")
    learner = UserFactory()
    run = complete_run(client, learner, pre, post)
    other = complete_run(client, learner, pre2, post2)
    make_check(run, age=30, score=20)
    my_learning = reverse("courses:my_learning")
    client.get(my_learning)  # warm the page-tree caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(my_learning).status_code == 200
    # Checks on the second course too, and a later one on the first: the same queries (the
    # courses' own reads are the other apps'; the retention read is one whatever the checks).
    make_check(other, age=30, score=20)
    make_check(other, age=180)
    make_check(run, age=180, score=95)
    client.get(my_learning)
    with CaptureQueriesContext(connection) as three:
        page = client.get(my_learning).content.decode()
    assert page.count("Reluare recomandată") == 1 and "Verificare de retenție" in page
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
