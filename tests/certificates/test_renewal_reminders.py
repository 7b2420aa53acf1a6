"""Reminders before a certificate expires (issue 16, item 4) and before a re-certification's
date (item 3): translated, once each, the nearest threshold only, at most one re-certification
e-mail a week; each claimed by a conditional UPDATE before its e-mail is queued, so two runs of
the beat task (or beat and `send_certificate_reminders`) never send one twice."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone, translation

from certificates import services
from certificates.models import Certificate, CertificateStatus
from courses import services as course_services

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def course(demo_site, media_root):
    return make_course(lessons=1)


@pytest.fixture
def certify(course, django_capture_on_commit_callbacks):
    """A learner's ready certificate of the course, expiring `expires_in` from now."""

    def make(*, language="ro", expires_in=None) -> Certificate:
        learner = UserFactory(preferred_language=language, full_name="Ioana Țurcanu")
        with django_capture_on_commit_callbacks(execute=True):
            course_services.step_complete(
                learner=learner, course=course, step=lessons_of(course)[0]
            )
        certificate = Certificate.objects.get(learner=learner)
        assert certificate.status == CertificateStatus.READY
        if expires_in is not None:
            Certificate.objects.filter(pk=certificate.pk).update(
                expires_at=timezone.now() + expires_in
            )
            certificate.refresh_from_db()
        mail.outbox.clear()
        return certificate

    return make


def sent_to(certificate) -> list:
    return [m for m in mail.outbox if m.to == [certificate.learner.email]]


# Expiry ------------------------------------------------------------------------------------


def test_expiry_reminders_in_the_learners_language(certify):
    ro = certify(expires_in=30 * DAY)
    en = certify(language="en", expires_in=30 * DAY)
    assert services.expiry_reminders_send() == 2
    (ro_mail,) = sent_to(ro)
    (en_mail,) = sent_to(en)
    date_ro = timezone.localdate(ro.expires_at)
    assert "expiră" in ro_mail.subject
    assert "Certificatul pentru cursul „Curs de test” expiră la" in ro_mail.body
    assert "http://testserver/ro/learning/" in ro_mail.body
    assert str(date_ro.year) in ro_mail.body
    assert "Your certificate expires on" in en_mail.subject
    assert "“Curs de test (EN)” expires on" in en_mail.body
    assert "http://testserver/en/learning/" in en_mail.body
    assert ro.grouped_code in ro_mail.body


def test_each_threshold_once_under_two_runs(certify):
    certificate = certify(expires_in=30 * DAY)
    now = timezone.now()
    # Two beat runs at the same moment: the second finds the reminder claimed.
    assert services.expiry_reminders_send(now=now) == 1
    assert services.expiry_reminders_send(now=now) == 0
    certificate.refresh_from_db()
    assert certificate.expiry_reminder_days == 60
    # The claim itself: only one of two concurrent claims wins.
    later = now + 17 * DAY  # 13 days left: inside 14
    assert services.expiry_reminder_claim(certificate_id=certificate.pk, threshold=14, now=later)
    assert not services.expiry_reminder_claim(
        certificate_id=certificate.pk, threshold=14, now=later
    )
    assert services.expiry_reminders_send(now=later) == 0
    assert len(sent_to(certificate)) == 1


def test_the_nearest_threshold_only(certify):
    """A certificate first found at 10 days gets the 14-day reminder, never the 60-day one."""
    certificate = certify(expires_in=10 * DAY)
    now = timezone.now()
    assert services.expiry_reminders_send(now=now) == 1
    certificate.refresh_from_db()
    assert certificate.expiry_reminder_days == 14
    assert services.expiry_reminders_send(now=now + DAY) == 0
    assert len(sent_to(certificate)) == 1


def test_60_then_14(certify):
    certificate = certify(expires_in=61 * DAY)
    now = timezone.now()
    assert services.expiry_reminders_send(now=now) == 0  # not yet
    assert services.expiry_reminders_send(now=now + 2 * DAY) == 1  # 59 days left
    assert services.expiry_reminders_send(now=now + 3 * DAY) == 0
    assert services.expiry_reminders_send(now=now + 48 * DAY) == 1  # 13 days left
    assert services.expiry_reminders_send(now=now + 60 * DAY) == 0
    assert len(sent_to(certificate)) == 2


def test_only_the_newest_issued_certificates(certify):
    revoked = certify(expires_in=20 * DAY)
    Certificate.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    pending = certify(expires_in=20 * DAY)
    Certificate.objects.filter(pk=pending.pk).update(status=CertificateStatus.PENDING)
    expired = certify(expires_in=-DAY)
    renewed = certify(expires_in=20 * DAY)
    newer = certify(expires_in=20 * DAY)
    Certificate.objects.filter(pk=renewed.pk).update(superseded_by=newer)
    never = certify()  # no expiry
    assert services.expiry_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [[newer.learner.email]]
    for certificate in (revoked, pending, expired, renewed, never):
        certificate.refresh_from_db()
        assert certificate.expiry_reminder_days is None


def test_a_certificate_renewed_after_the_claim_is_not_mailed(certify):
    """The e-mail task checks again: renewed between the claim and the sending, nothing goes."""
    from certificates.tasks import send_certificate_expiry_email

    certificate = certify(expires_in=20 * DAY)
    newer = certify(expires_in=400 * DAY)
    Certificate.objects.filter(pk=certificate.pk).update(superseded_by=newer)
    send_certificate_expiry_email(str(certificate.pk))
    assert not mail.outbox


def test_the_command_sends_what_is_due(certify):
    """What `make run` runs on start: the demo learner's reminder goes out once."""
    certificate = certify(expires_in=20 * DAY)
    call_command("send_certificate_reminders")
    call_command("send_certificate_reminders")
    assert len(sent_to(certificate)) == 1


# Re-certification --------------------------------------------------------------------------


def campaign_for(course, *, days: int, by=None):
    return course_services.recertification_start(
        course_key=course.translation_key,
        required_by=timezone.localdate() + datetime.timedelta(days=days),
        reason_ro="Codul penal s-a schimbat.",
        reason_en="The Criminal Code changed.",
        carry_over_step_keys=[],
        by=by,
    )


def test_announcement_then_30_and_7_day_reminders(
    course, certify, django_capture_on_commit_callbacks
):
    certificate = certify(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_for(course, days=40)
    (announcement,) = sent_to(certificate)
    assert announcement.subject.startswith("Re-certification required")
    assert "The Criminal Code changed." in announcement.body
    certificate.refresh_from_db()
    assert certificate.renewal_reminder_days == 40
    now = timezone.now()
    assert services.renewal_reminders_send(now=now) == 0  # 40 days left
    assert services.renewal_reminders_send(now=now + 10 * DAY) == 1  # 30 days left
    assert services.renewal_reminders_send(now=now + 10 * DAY) == 0  # the second run
    assert services.renewal_reminders_send(now=now + 20 * DAY) == 0  # 20 left: nothing due
    assert services.renewal_reminders_send(now=now + 33 * DAY) == 1  # 7 days left
    assert services.renewal_reminders_send(now=now + 38 * DAY) == 0
    mails = sent_to(certificate)
    assert len(mails) == 3
    assert mails[1].subject.startswith("Reminder: re-certification required")


def test_romanian_announcement(course, certify, django_capture_on_commit_callbacks):
    certificate = certify()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_for(course, days=40)
    (announcement,) = sent_to(certificate)
    assert announcement.subject.startswith("Recertificare necesară")
    assert "Codul penal s-a schimbat." in announcement.body
    assert "să îl reînnoiască până la" in announcement.body


def test_at_most_one_a_week_the_announcement_included(
    course, certify, django_capture_on_commit_callbacks
):
    certificate = certify()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_for(course, days=10)
    assert len(sent_to(certificate)) == 1
    now = timezone.now()
    # 7 days left 3 days after the announcement: not yet; a week after it: the 7-day one.
    assert services.renewal_reminders_send(now=now + 3 * DAY) == 0
    assert services.renewal_reminders_send(now=now + 7 * DAY + datetime.timedelta(hours=1)) == 1
    assert len(sent_to(certificate)) == 2


def test_renewal_claim_once_and_announcement_once(
    course, certify, django_capture_on_commit_callbacks
):
    certificate = certify()
    campaign = campaign_for(course, days=40)  # the announcement is not run (no commit)
    now = timezone.now()
    assert services.recertification_announcement_claim(certificate_id=certificate.pk, now=now)
    assert not services.recertification_announcement_claim(certificate_id=certificate.pk, now=now)
    assert services.recertification_announcements_send(campaign_id=campaign.pk) == 0
    since = now - datetime.timedelta(days=7)
    later = now + 11 * DAY
    assert services.renewal_reminder_claim(
        certificate_id=certificate.pk,
        threshold=30,
        now=later,
        not_reminded_since=later - datetime.timedelta(days=7),
    )
    assert not services.renewal_reminder_claim(
        certificate_id=certificate.pk, threshold=30, now=later, not_reminded_since=since
    )


def test_no_reminders_after_closing_or_renewing(
    course, certify, django_capture_on_commit_callbacks
):
    closed = certify()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_for(course, days=20)
    course_services.recertification_close(campaign=campaign)
    closed.refresh_from_db()
    assert closed.renew_by is None
    mail.outbox.clear()
    assert services.renewal_reminders_send(now=timezone.now() + 14 * DAY) == 0
    assert not mail.outbox


def test_my_learning_shows_the_reason_in_the_learners_language(
    client, course, certify, django_capture_on_commit_callbacks
):
    certificate = certify()
    campaign = campaign_for(course, days=40)
    client.force_login(certificate.learner)
    with translation.override("ro"):
        page = client.get(reverse("courses:my_learning")).content.decode()
    assert "Recertificare necesară până la" in page
    assert "Codul penal s-a schimbat." in page
    with translation.override("en"):
        page = client.get(reverse("courses:my_learning")).content.decode()
    assert "Re-certification required by" in page
    assert "The Criminal Code changed." in page
    assert campaign.required_by.strftime("%Y") in page


def test_beat_schedule_has_the_reminders(settings):
    from elearning.celery import app

    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in (
        "certificates.tasks.remind_expiring_certificates",
        "certificates.tasks.remind_recertification",
    ):
        assert name in tasks and name in app.tasks


# Two beat runs at once, on PostgreSQL: each reads the same list before either claims ---------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL (CI)"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(demo_site, media_root, monkeypatch):
    from certificates import selectors
    from certificates.tasks import remind_expiring_certificates

    course = make_course(lessons=1)
    learner = UserFactory(full_name="Ioana Țurcanu")
    course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    Certificate.objects.filter(learner=learner).update(expires_at=timezone.now() + 20 * DAY)
    mail.outbox.clear()
    # Both runs have read the certificate as due before either claims it.
    barrier = threading.Barrier(2, timeout=30)
    real_threshold = selectors.reminder_threshold

    def threshold_after_both_read(days_left, thresholds):
        barrier.wait()
        return real_threshold(days_left, thresholds)

    monkeypatch.setattr(selectors, "reminder_threshold", threshold_after_both_read)
    results, errors = [], []

    def run():
        try:
            # The task's own function, as a worker runs it: two eager `apply()` calls in two
            # threads share Celery's task stack, and the first to call `.get()` would find the
            # other's task on it ("Never call result.get() within a task").
            results.append(remind_expiring_certificates.run())
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [0, 1]
    assert [m.to for m in mail.outbox] == [[learner.email]]
