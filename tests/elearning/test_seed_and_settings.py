"""The demo seed is idempotent; production settings pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Page

from accounts.models import Institution, User
from elearning import demo

pytestmark = pytest.mark.django_db


def snapshot():
    from certificates.models import Certificate
    from courses.models import Enrollment

    return (
        sorted(Page.objects.values_list("id", "url_path", "live", "latest_revision_id")),
        Institution.objects.count(),
        sorted(User.objects.values_list("email", "password", "full_name")),
        sorted(Enrollment.objects.values_list("learner_id", "course_key", "run", "current")),
        sorted(Certificate.objects.values_list("code", "superseded_by__code", "expires_at")),
    )


def test_seed_creates_every_county_and_the_demo_accounts_once(demo_site):
    # One test for both (a seed takes ~10 s): what the first run creates, then that a second
    # run changes nothing.
    call_command("seed_demo", verbosity=0)
    assert Institution.objects.values("county").distinct().count() == 42
    demo_accounts = User.objects.filter(email__endswith="@demo.local")
    assert demo_accounts.exclude(email__startswith="cohorta-").count() == 11
    # The reports' demo cohort: learners at every stage, most of them in Cluj.
    from reports.demo import COHORT

    assert demo_accounts.filter(email__startswith="cohorta-").count() == len(COHORT)
    coordinator = User.objects.get(email="coordonator@demo.local")
    assert coordinator.coordinator_scope.county == "CJ"
    assert coordinator.has_perm("reports.view_reports")
    for email in ("profesor@demo.local", "coordonator@demo.local", "admin@demo.local"):
        assert User.objects.get(email=email).check_password(demo.DEMO_PASSWORD)
    assert User.objects.get(email="formator@demo.local").groups.filter(name="Editors").exists()
    renewal_learner_is_offered_a_renewal_and_a_retake()
    renewal_learner_takes_her_30_day_check()

    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first


def renewal_learner_is_offered_a_renewal_and_a_retake():
    """The demo learner of issue 16's "Done when": her police course certificate expires in
    about 20 days, so "My learning" offers its renewal; she took the social workers' course
    twice (it allows retakes), so it shows run 1 with its score and renewed certificate."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from certificates.models import Certificate, CertificateStatus
    from courses.demo import RENEWAL_DAYS_LEFT, RENEWAL_LEARNER

    learner = User.objects.get(email=RENEWAL_LEARNER)
    assert learner.check_password(demo.DEMO_PASSWORD)
    certificates = Certificate.objects.filter(learner=learner).order_by("expires_at")
    assert [c.status for c in certificates] == [CertificateStatus.READY] * 3
    expiring = certificates.filter(superseded_by__isnull=True).order_by("expires_at").first()
    left = expiring.expires_at - timezone.now()
    assert timedelta(days=RENEWAL_DAYS_LEFT - 1) < left <= timedelta(days=RENEWAL_DAYS_LEFT)
    renewed = certificates.get(superseded_by__isnull=False)
    assert renewed.run == 1 and renewed.superseded_by.run == 2

    client = Client()
    client.force_login(learner)
    html = client.get("/en/learning/").content.decode()
    assert "Renew your certificate" in html
    assert "Take the course again" in html
    assert "Run 2 · Retake" in html
    assert "Final quiz: 75%" in html
    assert f"Certificate {renewed.grouped_code}" in html


def renewal_learner_takes_her_30_day_check():
    """Issue 17's "Done when" for a learner: she completed the social workers' course 28 days
    ago, so `send_retention_checks --days-ahead 2` (time moved forward) sends her the 30-day
    check by e-mail; she takes it from the link and "My learning" shows the result."""
    import io
    import re

    from django.core import mail
    from django.test import Client

    from courses.demo import RENEWAL_LEARNER
    from courses.models import CoursePage
    from quizzes.models import QuizKind, QuizPage
    from retention.models import RetentionCheck

    learner = User.objects.get(email=RENEWAL_LEARNER)
    mail.outbox.clear()
    call_command("send_retention_checks", "--days-ahead", "1", stdout=io.StringIO())
    assert not RetentionCheck.objects.filter(learner=learner).exists()  # not due yet
    call_command("send_retention_checks", "--days-ahead", "2", stdout=io.StringIO())
    check = RetentionCheck.objects.get(learner=learner)
    course = CoursePage.objects.get(slug="social_workers", locale__language_code="ro")
    assert check.age_days == 30 and check.course_key == course.translation_key
    sent = [message for message in mail.outbox if message.to == [learner.email]]
    assert len(sent) == 1
    link = re.search(r"https?://\S+?(/\w\w/learning/\S+?/)\s", sent[0].body + " ")
    assert link and check.token in link.group(1)

    client = Client()
    client.force_login(learner)
    assert "Verificare de retenție disponibilă" in client.get("/ro/learning/").content.decode()
    path = link.group(1).replace("/en/", "/ro/")
    form = client.get(path)
    assert form.status_code == 200
    pre = QuizPage.objects.get(
        kind=QuizKind.PRE_TEST, locale__language_code="ro", path__startswith=course.path
    )
    by_key = {str(q.key): q for q in pre.questions.all()}
    answers = {
        f"q-{key}": [str(c.pk) for c in by_key[key].choices.all() if c.is_correct]
        for key in check.question_keys
    }
    assert client.post(path, answers).status_code == 302
    check.refresh_from_db()
    assert check.passed and float(check.score) == 100.0
    page = client.get("/ro/learning/").content.decode()
    assert "Verificare de retenție disponibilă" not in page
    assert "Verificare de retenție promovată" in page
    assert "verificarea dumneavoastră la 30 de zile: 100%" in page


def run_check_deploy(**environ):
    # Only what a production server would have (the browser tests allow async-unsafe ORM use).
    unwanted = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(DJANGO_SETTINGS_MODULE="elearning.settings.production", **environ)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 64 + "-production-secret-for-the-check",
    "ALLOWED_HOSTS": "training.example.org",
    "DATABASE_URL": "postgres://user:pass@127.0.0.1:5432/elearning",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://training.example.org",
    # The test session's key (elearning/settings/test.py): the deploy check requires one.
    "CREDENTIALS_SIGNING_KEY": str(settings.CREDENTIALS_SIGNING_KEY),
}


def production_seal(folder) -> dict[str, str]:
    """A seal as production names it (issue 19): a PKCS#12 file and a timestamp authority."""
    from certificates.seal_keys import seal_key, seal_pkcs12, self_signed_seal_certificate

    key = seal_key()
    path = folder / "seal.p12"
    path.write_bytes(seal_pkcs12(key, self_signed_seal_certificate(key), "p"))
    return {
        "CERTIFICATE_SEAL_PKCS12_FILE": str(path),
        "CERTIFICATE_SEAL_PKCS12_PASSPHRASE": "p",
        "CERTIFICATE_SEAL_TSA_URL": "https://tsa.example.org/",
    }


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_check_deploy(**PRODUCTION_ENV, **production_seal(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_a_seal_fails_check_deploy():
    result = run_check_deploy(**PRODUCTION_ENV)
    assert result.returncode != 0
    assert "certificates.E003" in result.stderr + result.stdout


def test_check_deploy_fails_without_the_credentials_signing_key(tmp_path):
    env = dict(
        PRODUCTION_ENV,
        **production_seal(tmp_path),
        CREDENTIALS_SIGNING_KEY=str(tmp_path / "missing.pem"),
    )
    result = run_check_deploy(**env)
    assert result.returncode != 0
    assert "certificates.E010" in result.stderr


def test_production_refuses_to_start_without_its_environment():
    env = dict(PRODUCTION_ENV)
    del env["SECRET_KEY"]
    result = run_check_deploy(**env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
