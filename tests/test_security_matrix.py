"""Every view of the project × every kind of person → the expected answer.

The list of views is generated from the URL configuration: a view in one of the project's apps
(or a Django auth view mounted by them) without a row in RULES fails the build, so whoever adds a
view decides who may open it. Requests are GET; views that only accept POST answer 405 to a GET
(after the login check), and who may POST to them is tested with each app (tests/quizzes for
another learner's attempt, tests/certificates for revoke and re-issue, tests/reports for exports
and enrolment).

Answers: a status code, "login" (redirect to the site's login page), "admin-login" (redirect to
the admin's login page), "denied" (an admin user without the permission, sent back to the admin
dashboard with Wagtail's message); for a logged-in person on a page meant for visitors, "profile"
(registration sends them to their profile) and "home" (the login page sends them home).
"""

import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from wagtail.models import Page

from certificates.models import Certificate
from courses.models import ReferralContact
from quizzes.models import Attempt
from reports import services as report_services

from .elearning.factories import PASSWORD, UserFactory
from .reports.conftest import world, world_of_module  # noqa: F401 - learners, coordinators, a course
from .settings_subprocess import settings_in_subprocess

pytestmark = pytest.mark.django_db

APPS = (
    "elearning",
    "accounts",
    "courses",
    "quizzes",
    "certificates",
    "reports",
    "surveys",
    "retention",
    "django.contrib.auth",
    "evaluation",
    "lti",
    "learning_records",
)
PEOPLE = [
    "anonymous",
    "learner",
    "other_learner",
    "trainer",
    "coordinator",
    "other_coordinator",
    "admin",
]

_ADMIN_PAGE = ["admin-login", "admin-login", "admin-login", "denied", "denied", "denied", 200]
_REPORT = ["admin-login", "admin-login", "admin-login", "denied", 200, 200, 200]
_PUBLIC = [200] * 7
_MEMBERS = ["login", 200, 200, 200, 200, 200, 200]
_POST_ONLY = [405] * 7
_LEARNER_POST_ONLY = ["login"] + [405] * 6
_ADMIN_POST_ONLY = ["admin-login"] * 3 + [405] * 4
_VISITORS = [200] + ["profile"] * 6

# url name → (expected answers in the order of PEOPLE, or a dict method → answers)
RULES = {
    # Wagtail's Account page, served by elearning for our user model: anyone with admin access.
    "wagtailadmin_account": ["admin-login"] * 3 + [200] * 4,
    # Wagtail's login page, served by elearning (throttled, admin users only): the form, or for
    # someone already in the admin, the dashboard (the same redirect as "denied").
    "wagtailadmin_login": [200] * 3 + ["denied"] * 4,
    "course_translations": [
        "admin-login",
        "admin-login",
        "admin-login",
        200,
        "denied",
        "denied",
        200,
    ],
    # A course's re-certification: who may edit the course and holds the re-certification
    # permission (trainers, administrators); reviewers are refused in
    # tests/courses/test_recertification.py (this table has no reviewer column).
    "recertification": ["admin-login"] * 3 + [200, "denied", "denied", 200],
    "recertification_close": _ADMIN_POST_ONLY,
    # "Mark verified today" on a national directory entry: those who maintain it (trainers,
    # administrators); a county coordinator gets a 404 (courses.directory).
    "referral_contact_verify": ["admin-login"] * 3 + [200, 404, 404, 200],
    # The directory's CSV (each person's own entries; tests/courses/test_referral_directory.py).
    "referral_directory_export": ["admin-login"] * 3 + [200] * 4,
    "referral_directory_import": ["admin-login"] * 3 + [200] * 4,
    "certificate_revoke": _ADMIN_PAGE,
    # The register's listing (certificates/wagtail_hooks.py: without the bulk-delete column).
    "wagtailsnippets_certificates_certificate:list": _ADMIN_PAGE,
    "wagtailsnippets_certificates_certificate:list_results": _ADMIN_PAGE,
    "certificate_reissue": _ADMIN_POST_ONLY,
    "certificate_retry": _ADMIN_POST_ONLY,
    # (Re)issuing a course's certificates at once: certificate managers and administrators.
    "certificate_bulk:index": _ADMIN_PAGE,
    "certificate_bulk:course": _ADMIN_PAGE,
    "learning_reports:completion": _REPORT,
    "learning_reports:summary": _REPORT,
    "learning_reports:impact": _REPORT,
    "learning_reports:certificates": _REPORT,
    "learning_reports:indicators": _REPORT,
    "learning_reports:export": _REPORT,
    "learning_reports:export_list": _REPORT,
    # The coordinator's own export job: nobody else's to know about, administrators included.
    "learning_reports:export_status": ["admin-login"] * 3 + ["denied", 200, 404, 404],
    "learning_reports:export_download": ["admin-login"] * 3 + ["denied", 200, 404, 404],
    "learning_reports:enrol": _REPORT,
    # Assigning a renewal to the people of a filtered report (the filters ask for one course).
    "learning_reports:renewal": _REPORT,
    # A certificate of the coordinator's county: theirs to revoke (and an administrator's).
    "learning_reports:certificate_revoke": ["admin-login"] * 3 + ["denied", 200, 404, 200],
    "learning_reports:certificate_reissue": _ADMIN_POST_ONLY,
    "certificates:verify_form": _PUBLIC,
    "certificates:verify": _PUBLIC,
    # The learner's certificate: theirs, their coordinator's, an administrator's; 404 to others.
    "certificates:download": [404, 200, 404, 404, 200, 404, 200],
    # The signed digital credential: its holder's alone to hand on (no coordinator or
    # administrator copy, unlike the PDF); 404 to everyone else, anonymous included.
    "certificates:credential_download": [404, 200, 404, 404, 404, 404, 404],
    # What verifiers of a credential read: the issuer's Profile and public key, the course as
    # an Achievement, the status lists. Public, as the verification page is.
    "certificates:credentials_issuer": _PUBLIC,
    "certificates:credentials_jwks": _PUBLIC,
    "certificates:credentials_achievement": _PUBLIC,
    "certificates:credentials_status_list": _PUBLIC,
    "accounts:register": _VISITORS,
    "accounts:register_done": _PUBLIC,
    # A link whose token is wrong, for anybody: the "link not valid" page.
    "accounts:activate": [400] * 7,
    "accounts:login": [200] + ["home"] * 6,
    "accounts:logout": _POST_ONLY,
    "accounts:profile": _MEMBERS,
    "accounts:preferred_language": _LEARNER_POST_ONLY,
    "accounts:my_data": _MEMBERS,
    "accounts:account_delete": _MEMBERS,
    "accounts:account_deleted": _PUBLIC,
    "accounts:password_change": _MEMBERS,
    "accounts:password_change_done": _MEMBERS,
    "accounts:password_reset": _PUBLIC,
    "accounts:password_reset_done": _PUBLIC,
    "accounts:password_reset_confirm": _PUBLIC,
    "accounts:password_reset_complete": _PUBLIC,
    "courses:my_learning": _MEMBERS,
    "courses:course_start": _LEARNER_POST_ONLY,
    "courses:run_start": _LEARNER_POST_ONLY,
    "courses:lesson_complete": _LEARNER_POST_ONLY,
    # The glossary of the terms the courses use (courses/glossary.py): public, like the courses.
    "courses:glossary": _PUBLIC,
    "quizzes:attempt_start": _LEARNER_POST_ONLY,
    "quizzes:attempt_submit": _LEARNER_POST_ONLY,
    # The learner's own attempt: 404 to everyone else (an attempt's answers are the learner's).
    "quizzes:attempt_result": ["login", 200, 404, 404, 404, 404, 404],
    "quizzes:scenario_start": _LEARNER_POST_ONLY,
    "quizzes:scenario_choose": _LEARNER_POST_ONLY,
    # The learner's own finished play: 404 to everyone else.
    "quizzes:scenario_result": ["login", 200, 404, 404, 404, 404, 404],
    "wagtailcore_login": _PUBLIC,
    # The learner's own survey: 404 to everyone else (nothing says the token exists).
    "surveys:survey": ["login", 200, 404, 404, 404, 404, 404],
    # Survey results: trainers (surveys.view_reactionanswer, given to "Editors") and admins.
    "survey_results:index": ["admin-login"] * 3 + [200, "denied", "denied", 200],
    "survey_results:course": ["admin-login"] * 3 + [200, "denied", "denied", 200],
    # Wagtail's pages, served through the cached route (elearning.views.serve_page): a course
    # page is public; the lesson and quiz pages' own rules are tested with courses and quizzes.
    "wagtail_serve": _PUBLIC,
    # A quiz's item analysis and its exports: whoever may edit the quiz (trainers,
    # administrators); coordinators have the admin but no page to edit.
    "quiz_statistics": ["admin-login"] * 3 + [200, "denied", "denied", 200],
    "quiz_statistics_export": ["admin-login"] * 3 + [200, "denied", "denied", 200],
    # The learner's own retention check: 404 to everyone else (tests/retention for the rest).
    "retention:check": ["login", 200, 404, 404, 404, 404, 404],
    # LTI (tests/lti): what a platform calls. The test settings configure no tool key, so the
    # login initiation answers 503 whoever asks (tests/lti give a key: 400/403 for bad
    # requests); launches and the deep linking choice are POSTs from the platform; our public
    # key set is public.
    "lti:login": [503] * 7,
    "lti:launch": _POST_ONLY,
    "lti:deep_link": _POST_ONLY,
    "lti:deep_link_choose": _POST_ONLY,
    # A framed launch's button: a signed, once-only token is the proof (tests/lti).
    "lti:continue": _POST_ONLY,
    "lti:jwks": _PUBLIC,
    # Our tool's configuration and a platform course's roster: LTI platform managers
    # (lti.change_platformregistration: administrators).
    "lti_tool_configuration": _ADMIN_PAGE,
    "lti_roster": _ADMIN_PAGE,
    # The same rosters for coordinators, of the platforms of institutions in their scope
    # (reports.selectors.platform_contexts); another scope's is not theirs to know about.
    "learning_reports:platform_rosters": _REPORT,
    "learning_reports:platform_roster": ["admin-login"] * 3 + ["denied", 200, 404, 200],
    # Settings → Learning record store (the xAPI outbox): administrators (and whoever is given
    # learning_records.view_statement); "Retry now" is a POST (learning_records.
    # change_statement), tested by person in tests/learning_records/test_outbox_admin.py.
    "learning_records_outbox": _ADMIN_PAGE,
    "learning_records_outbox_retry": _ADMIN_POST_ONLY,
}


def named_patterns():
    """Every named URL pattern of the configuration, with its namespace and full name."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                yield from walk(
                    pattern.url_patterns,
                    f"{namespace}:{inner}" if namespace and inner else inner or namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (
                    pattern,
                    namespace,
                    f"{namespace}:{pattern.name}" if namespace else pattern.name,
                )

    yield from walk(get_resolver().url_patterns)


def project_url_names() -> set[str]:
    names = set()
    for pattern, _namespace, name in named_patterns():
        view = pattern.callback
        module = getattr(getattr(view, "view_class", view), "__module__", "")
        if module.startswith(APPS):
            names.add(name)
    return names


def test_every_project_view_has_a_rule():
    # Our own views built on Wagtail's generated ones (a chooser of reference data) have their
    # rows in WAGTAIL_RULES, with the reviewer's column.
    missing = project_url_names() - set(RULES) - set(WAGTAIL_RULES)
    assert not missing, f"views without an access rule: {sorted(missing)}"


@pytest.fixture
def people(world):  # noqa: F811
    trainer = UserFactory(email="formator@example.org")
    editors, _created = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    from wagtail.models import GroupPagePermission, Page

    GroupPagePermission.objects.get_or_create(
        group=editors,
        page=Page.get_first_root_node(),
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    trainer.groups.add(editors)
    return {
        "anonymous": None,
        "learner": world.learners["done"],
        "other_learner": world.learners["halfway"],
        "trainer": trainer,
        "coordinator": world.coordinators["cluj"],
        "other_coordinator": world.coordinators["iasi"],
        "admin": UserFactory(email="admin@example.org", is_superuser=True, is_staff=True),
    }


def _finished_play(learner, course):
    """A finished play of an ungraded scenario in a course of its own (the reports' course keeps
    its steps)."""
    from quizzes.models import PlayStatus, ScenarioPlay

    from .courses.factories import make_course
    from .quizzes.factories import make_scenario

    scenario = make_scenario(
        make_course(lessons=0, slug="curs-scenariu", translate=False), translate=False, graded=False
    )
    play = ScenarioPlay.objects.create(
        learner=learner,
        scenario_key=scenario.translation_key,
        course_key=course.translation_key,
        number=1,
        page=scenario,
        status=PlayStatus.FINISHED,
        score=0,
        best_score=6,
    )
    return scenario, play


@pytest.fixture
def sample_urls(world, media_root):  # noqa: F811
    ana = world.learners["done"]
    certificate = Certificate.objects.get(learner=ana)
    certificate.pdf.save("c.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    job = report_services.export_request(
        user=world.coordinators["cluj"], report="summary", format="xlsx", filters={}
    )
    report_services.export_run(job.pk)
    attempt = Attempt.objects.filter(learner=ana, quiz_key=world.final.translation_key).first()
    page_id = world.course.get_children().first().pk
    survey_token = _survey_token(ana)
    scenario, play = _finished_play(ana, world.course)
    lti_context = _lti_context()
    args = {
        "certificate_revoke": [certificate.pk],
        "certificate_reissue": [certificate.pk],
        "certificate_retry": [certificate.pk],
        "certificate_bulk:course": [world.course.translation_key],
        "recertification": [world.course.pk],
        "recertification_close": [world.course.pk, 1],
        "referral_contact_verify": [
            ReferralContact.objects.create(organisation="119", helps_with="Sesizări").pk
        ],
        "learning_reports:export": ["completion"],
        "learning_reports:export_status": [job.pk],
        "learning_reports:export_download": [job.pk],
        "certificates:verify": [certificate.grouped_code],
        "certificates:download": [certificate.pk],
        "certificates:credential_download": [certificate.pk],
        "certificates:credentials_achievement": [world.course.translation_key, "ro"],
        "certificates:credentials_status_list": ["revocation", _status_list(certificate)],
        "learning_reports:certificate_revoke": [certificate.pk],
        "learning_reports:certificate_reissue": [certificate.pk],
        "accounts:activate": ["MQ", "not-a-token"],
        "accounts:password_reset_confirm": ["MQ", "not-a-token"],
        "courses:course_start": [world.course.pk],
        "courses:run_start": [world.course.pk],
        "courses:lesson_complete": [page_id],
        "quizzes:attempt_start": [world.final.pk],
        "quizzes:attempt_submit": [world.final.pk, attempt.pk],
        "quizzes:attempt_result": [world.final.pk, attempt.pk],
        "quizzes:scenario_start": [scenario.pk],
        "quizzes:scenario_choose": [scenario.pk, play.pk],
        "quizzes:scenario_result": [scenario.pk, play.pk],
        "wagtail_serve": ["cursuri/curs-rapoarte/"],
        "quiz_statistics": [world.final.pk],
        "quiz_statistics_export": [world.final.pk, "xlsx"],
        "surveys:survey": [survey_token],
        "survey_results:course": [world.course.translation_key],
        "retention:check": [_retention_token(ana, world)],
        "lti_roster": [lti_context.pk],
        "learning_reports:platform_roster": [lti_context.pk],
    }
    query = {
        "learning_reports:export": "?format=csv",
        "learning_reports:renewal": f"?course={world.course.translation_key}&status=completed",
    }
    with translation.override("ro"):
        return {
            name: reverse(name, args=args.get(name, [])) + query.get(name, "") for name in RULES
        }


def _status_list(certificate) -> int:
    """The number of the status list the certificate is in (given its place first)."""
    from certificates.credentials.status_lists import position
    from certificates.services import certificate_status_index_assign

    return position(certificate_status_index_assign(certificate=certificate))[0]


def _lti_context():
    """A platform course without a roster service (the roster page says so, without a call),
    of a Cluj institution's platform: in the Cluj coordinator's scope, not in Iași's."""
    from accounts.models import Institution
    from lti.models import LtiContext, PlatformRegistration

    registration = PlatformRegistration.objects.create(
        institution=Institution.objects.filter(county="CJ").order_by("pk").first(),
        name="Moodle",
        issuer="https://moodle.example",
        client_id="c",
        deployment_ids="1",
        jwks_url="https://moodle.example/jwks",
        auth_url="https://moodle.example/auth",
        token_url="https://moodle.example/token",
    )
    return LtiContext.objects.create(registration=registration, context_id="7", deployment_id="1")


def _survey_token(learner) -> str:
    """The learner's end-of-course survey of their completed run (invited as on completion)."""
    from courses.models import Enrollment
    from surveys import services as survey_services
    from surveys.models import SurveyInvitation, SurveyKind

    run = Enrollment.objects.filter(learner=learner, completed_at__isnull=False).first()
    survey_services.invitations_create(
        learner_id=learner.pk, course_key=run.course_key, run=run.run, completed_at=run.completed_at
    )
    return SurveyInvitation.objects.get(enrollment=run, kind=SurveyKind.REACTION).token


def _retention_token(learner, world) -> str:  # noqa: F811
    """An open retention check of the learner's completed run, drawn from the world's pool."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import Enrollment
    from quizzes.models import QuizPage
    from retention.models import RetentionCheck

    # The world's pre-test becomes a pool drawn per objective, which retention needs.
    QuizPage.objects.filter(pk=world.pre.pk).update(per_objective=1)
    key = str(world.pre.questions.first().key)
    now = timezone.now()
    return RetentionCheck.objects.create(
        enrollment=Enrollment.objects.filter(learner=learner).first(),
        learner=learner,
        course_key=world.course.translation_key,
        age_days=30,
        pool_key=world.pre.translation_key,
        invited_at=now,
        expires_at=now + timedelta(days=30),
        question_keys=[key],
        choice_order={key: [str(c.key) for c in world.pre.questions.first().choices.all()]},
        pass_mark=70,
    ).token


def _matches(response, expected) -> bool:
    location = response.get("Location", "")
    if expected == "login":
        return response.status_code == 302 and "/accounts/login/" in location
    if expected == "admin-login":
        return response.status_code == 302 and "/admin/login/" in location
    if expected == "profile":
        return response.status_code == 302 and location.endswith("/accounts/profile/")
    if expected == "home":
        return response.status_code == 302 and location == "/"
    if expected == "denied":
        return response.status_code == 302 and location == reverse("wagtailadmin_home")
    return response.status_code == expected


def test_access_matrix(client, people, sample_urls):
    failures = []
    for person, user in people.items():
        client.logout()
        if user is not None:
            assert client.login(email=user.email, password=PASSWORD)
        for name, expected_row in RULES.items():
            expected = expected_row[PEOPLE.index(person)]
            response = client.get(sample_urls[name])
            if not _matches(response, expected):
                failures.append(
                    (person, name, expected, response.status_code, response.get("Location", ""))
                )
    assert not failures, "\n".join(map(str, failures))


# Public pages beyond one sample per view: both home pages, a Wagtail 404, a verification 404.
EXTRA_PUBLIC_PATHS = ["/ro/", "/en/", "/en/no-such-page/", "/verify/AAAA-BBBB-CCCC-DDDD/"]


def production_security_settings() -> dict:
    """The header settings as the production settings module computes them (in a subprocess:
    it reads its environment at import and refuses to start without it)."""
    from .elearning.test_seed_and_settings import PRODUCTION_ENV

    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "MIDDLEWARE",
    ]
    return settings_in_subprocess("elearning.settings.production", names, **PRODUCTION_ENV)


def test_every_public_page_sends_the_security_headers(client, sample_urls):
    """Every HTML answer an anonymous visitor can get, under the production settings: HSTS,
    no framing, a referrer policy, no MIME sniffing, and a CSP without inline scripts
    (Wagtail's admin, whose login page is public, keeps its own inline scripts)."""
    production = production_security_settings()
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    visitor_pages = [
        url for name, url in sample_urls.items() if RULES[name][0] not in ("login", "admin-login")
    ]
    checked, failures = 0, []
    with override_settings(**production):
        for url in visitor_pages + EXTRA_PUBLIC_PATHS:
            response = client.get(url, secure=True)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue  # a redirect, a 405
            checked += 1
            problems = _header_problems(url, response)
            if problems:
                failures.append((url, response.status_code, problems))
    assert not failures, "\n".join(map(str, failures))
    assert checked >= 15  # every visitor page of the URL configuration was looked at

    # Wagtail's admin, as an administrator sees it: every admin page of the URL configuration's
    # samples, the dashboard, the page explorer and a page's editor.
    client.force_login(UserFactory(email="csp-admin@example.org", is_superuser=True))
    course = Page.objects.get(slug="curs-rapoarte", locale__language_code="ro")
    admin_pages = [url for url in sample_urls.values() if url.startswith("/admin/")]
    admin_pages += ["/admin/", f"/admin/pages/{course.pk}/", f"/admin/pages/{course.pk}/edit/"]
    checked = 0
    with override_settings(**production):
        for url in admin_pages:
            response = client.get(url, secure=True)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            checked += 1
            problems = _header_problems(url, response)
            if problems:
                failures.append((url, response.status_code, problems))
    assert not failures, "\n".join(map(str, failures))
    assert checked >= 10


def _header_problems(url: str, response) -> list[str]:
    problems = []
    expected = {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
    }
    for header, value in expected.items():
        if response.get(header) != value:
            problems.append(f"{header}: {response.get(header)!r}")
    directives = {
        part.split()[0]: part.split()[1:]
        for part in response.get("Content-Security-Policy", "").split(";")
        if part.strip()
    }
    if url.startswith("/admin/"):
        return problems + _admin_policy_problems(directives)
    scripts = directives.get("script-src", directives.get("default-src"))
    if not scripts or "'unsafe-inline'" in scripts or "*" in scripts:
        problems.append(f"script-src: {scripts}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors: {directives.get('frame-ancestors')}")
    if "'unsafe-eval'" in (scripts or []):
        problems.append("script-src allows eval")
    return problems


def _admin_policy_problems(directives: dict) -> list[str]:
    """Wagtail 8's admin needs inline scripts and styles (elearning/infrastructure/middleware.py
    says where); everything else stays shut: no eval, no inline event handler, nothing from
    another host, no plugin, framed only by the admin itself."""
    problems = []
    if directives.get("default-src") != ["'self'"]:
        problems.append(f"default-src: {directives.get('default-src')}")
    allowed = {"'self'", "'unsafe-inline'", "'none'", "data:", "blob:"}
    for name, sources in directives.items():
        if set(sources) - allowed:
            problems.append(f"{name} allows {sorted(set(sources) - allowed)}")
    if "'unsafe-inline'" in directives.get("img-src", []) + directives.get("connect-src", []):
        problems.append("unsafe-inline outside scripts and styles")
    expected = {
        "script-src-attr": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "connect-src": ["'self'"],
    }
    for name, sources in expected.items():
        if directives.get(name) != sources:
            problems.append(f"{name}: {directives.get(name)}")
    return problems


# Wagtail's generated admin URLs for our models (issue 13, item 1) ----------------------------
#
# Wagtail's viewsets generate a listing, a search, edit, inspect, history, usage, delete… and a
# chooser (choose, results, chosen, chosen-multiple, create) for every model registered with its
# admin. Their names are not written in our code, so they are collected here from the URL
# configuration by the model each view serves: every view Wagtail generates for a model of ours
# (snippets, their choosers, the users' admin for our user model, any ModelViewSet) needs a row
# in WAGTAIL_RULES (or RULES), so a new chooser without a rule fails the build.

OUR_APP_LABELS = (
    "elearning",
    "accounts",
    "courses",
    "quizzes",
    "certificates",
    "reports",
    "surveys",
    "lti",
)
# Reviewers (Wagtail "Moderators") have the admin like trainers and, like them, no business with
# learners' data; they are one more column here.
WAGTAIL_PEOPLE = [*PEOPLE[:4], "reviewer", *PEOPLE[4:]]

# anonymous, learner, other_learner, trainer, reviewer, coordinator, other_coordinator, admin
_LOGIN3 = ["admin-login"] * 3
_ADMINISTRATORS = [*_LOGIN3, "denied", "denied", "denied", "denied", 200]
_NOBODY = [*_LOGIN3, "denied", "denied", "denied", "denied", "denied"]
# Reference data that is public anyway (the registration form lists the institutions, lessons
# show the referral contacts): anyone with the admin may choose it (a trainer puts a referral
# contact in a lesson; an administrator an institution in a coordinator's scope).
_ANY_ADMIN_USER = [*_LOGIN3, 200, 200, 200, 200, 200]
# The referral directory: trainers (national entries), county coordinators (their county's),
# administrators (all); reviewers maintain none.
_DIRECTORY_MAINTAINERS = [*_LOGIN3, 200, "denied", 200, 200, 200]
# (the entry is looked up before the permission: a reviewer's answer is a 404 too)
_NATIONAL_ENTRY = [*_LOGIN3, 200, 404, 404, 404, 200]


def _snippet_rules(namespace: str, **overrides) -> dict:
    """The snippet views Wagtail generates for one model: only for those with the model's
    permissions (administrators here; nobody else is given any of them)."""
    views = ["list", "list_results", "add", "edit", "copy", "delete", "usage", "history"]
    views.append("history_results")
    rules = {f"{namespace}:{view}": _ADMINISTRATORS for view in views}
    rules.update({f"{namespace}:{view}": rule for view, rule in overrides.items()})
    return rules


def _reference_chooser_rules(namespace: str) -> dict:
    return {
        f"{namespace}:choose": _ANY_ADMIN_USER,
        f"{namespace}:choose_results": _ANY_ADMIN_USER,
        f"{namespace}:chosen": _ANY_ADMIN_USER,
        f"{namespace}:chosen_multiple": _ANY_ADMIN_USER,
        # Creating from the chooser needs the model's "add" permission.
        f"{namespace}:create": _ADMINISTRATORS,
    }


WAGTAIL_RULES = {
    **_snippet_rules("wagtailsnippets_accounts_institution"),
    **_reference_chooser_rules("wagtailsnippetchoosers_accounts_institution"),
    # The referral directory (courses.directory): each person lists the entries they maintain;
    # the sample is a national entry: the trainers' and administrators', 404 to a county
    # coordinator; no copy view (one entry per county and kind).
    **{
        name: rule
        for name, rule in _snippet_rules(
            "wagtailsnippets_courses_referralcontact",
            list=_DIRECTORY_MAINTAINERS,
            list_results=_DIRECTORY_MAINTAINERS,
            add=_DIRECTORY_MAINTAINERS,
            edit=_NATIONAL_ENTRY,
            delete=_NATIONAL_ENTRY,
            usage=_NATIONAL_ENTRY,
            history=_NATIONAL_ENTRY,
            inspect=_NATIONAL_ENTRY,
            history_results=_NATIONAL_ENTRY,
        ).items()
        if not name.endswith(":copy")
    },
    **_reference_chooser_rules("wagtailsnippetchoosers_courses_referralcontact"),
    # Those who write no lessons choose only the entries they maintain.
    "wagtailsnippetchoosers_courses_referralcontact:chosen": [*_LOGIN3, 200, 200, 404, 404, 200],
    "wagtailsnippetchoosers_courses_referralcontact:create": _DIRECTORY_MAINTAINERS,
    # The national register: certificate managers (certificates.change_certificate, a national
    # role, as for certificates.admin_views) and administrators. Nobody adds, copies or deletes
    # a certificate (CertificatePermissionPolicy). It has no chooser: nothing chooses one.
    **{
        name: rule
        for name, rule in _snippet_rules(
            "wagtailsnippets_certificates_certificate",
            inspect=_ADMINISTRATORS,
            add=_NOBODY,
            copy=_NOBODY,
            delete=_NOBODY,
        ).items()
        if name not in RULES  # the listing has its row above, with the register's own views
    },
    **_snippet_rules("wagtailsnippets_certificates_certificatedesign"),
    # Institutions' Moodle registrations (issue 20): administrators only, and no chooser.
    **_snippet_rules("wagtailsnippets_lti_platformregistration"),
    # Coordinators' scopes name coordinators: administrators only, and no chooser.
    **_snippet_rules("wagtailsnippets_reports_coordinatorscope"),
    # Wagtail's users admin lists every account, learners included: only for those with the
    # user model's permissions (administrators); coordinators see their people in the reports.
    **{
        f"wagtailusers_users:{view}": _ADMINISTRATORS
        for view in ["index", "index_results", "add", "edit", "delete", "history"]
        + ["history_results", "usage", "copy"]
    },
}


def _served_model(pattern: URLPattern):
    """The model a generated view serves (Wagtail passes it to `as_view`), or None."""
    from django.apps import apps
    from django.db.models import Model

    view = pattern.callback
    model = getattr(view, "view_initkwargs", {}).get("model")
    if model is None:
        model = getattr(getattr(view, "view_class", None), "model", None)
    if isinstance(model, str):
        model = apps.get_model(model)
    return model if isinstance(model, type) and issubclass(model, Model) else None


def wagtail_generated_views() -> dict:
    """Every named URL that serves one of our models through a view of Wagtail's (or of a
    viewset of ours built on Wagtail's), and every name in a snippet namespace of our apps:
    name → model."""
    from django.apps import apps

    snippet_namespace = re.compile(
        rf"^wagtailsnippet(?:s|choosers)_({'|'.join(OUR_APP_LABELS)})_([a-z0-9]+)$"
    )
    views = {}
    for pattern, namespace, name in named_patterns():
        model = _served_model(pattern)
        snippet = snippet_namespace.match(namespace or "")
        if model is None and snippet:
            model = apps.get_model(*snippet.groups())
        if model is not None and model._meta.app_label in OUR_APP_LABELS:
            views[name] = model
    return views


def test_every_wagtail_generated_view_of_our_models_has_a_rule():
    names = set(wagtail_generated_views())
    # The generator finds what it should (if Wagtail changed how it passes the model, this
    # test would otherwise pass on an empty set).
    assert {"wagtailusers_users:index", "wagtailsnippets_certificates_certificate:edit"} <= names
    missing = names - set(RULES) - set(WAGTAIL_RULES)
    assert not missing, f"Wagtail-generated views without an access rule: {sorted(missing)}"
    stale = set(WAGTAIL_RULES) - names
    assert not stale, f"rules for views that no longer exist: {sorted(stale)}"


@pytest.fixture
def wagtail_people(people):
    """The matrix's people, and a reviewer: a Wagtail "Moderators" member who approves and
    publishes pages."""
    from wagtail.models import GroupPagePermission, Page

    reviewer = UserFactory(email="evaluator@example.org", full_name="Evaluator Test")
    moderators, _created = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=moderators,
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    reviewer.groups.add(moderators)
    return {**people, "reviewer": reviewer}


@pytest.fixture
def samples(world):  # noqa: F811
    """One object of each model our Wagtail admin serves, to fill the URLs' <pk>."""
    from accounts.models import Institution, User
    from certificates.models import CertificateDesign
    from courses.models import ReferralContact
    from lti.models import PlatformRegistration
    from reports.models import CoordinatorScope

    return {
        PlatformRegistration: PlatformRegistration.objects.create(
            name="Moodle",
            issuer="https://moodle.example",
            client_id="c",
            deployment_ids="1",
            jwks_url="https://moodle.example/jwks",
            auth_url="https://moodle.example/auth",
            token_url="https://moodle.example/token",
        ),
        Certificate: Certificate.objects.get(learner=world.learners["iasi"]),
        CertificateDesign: CertificateDesign.objects.create(issuers="Programul național"),
        ReferralContact: ReferralContact.objects.create(
            organisation="Linia de urgență", helps_with="Sfaturi"
        ),
        Institution: Institution.objects.get(pk=world.iasi_police.pk),
        CoordinatorScope: CoordinatorScope.objects.get(user=world.coordinators["iasi"]),
        User: world.learners["iasi"],
    }


def wagtail_sample_urls(samples: dict) -> dict[str, str]:
    """The URL of every generated view, with the sample object of its model where it takes one."""
    from django.urls import NoReverseMatch

    urls = {}
    for name, model in wagtail_generated_views().items():
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = reverse(name, kwargs={"pk": samples[model].pk})
        if name.endswith(":chosen_multiple"):
            url += f"?id={samples[model].pk}"
        urls[name] = url
    return urls


def test_wagtail_generated_admin_matrix(client, wagtail_people, samples):
    """Every generated view of our models × every kind of person (GET)."""
    urls = wagtail_sample_urls(samples)
    failures = []
    for person, user in wagtail_people.items():
        client.logout()
        if user is not None:
            assert client.login(email=user.email, password=PASSWORD)
        for name, url in sorted(urls.items()):
            if name not in WAGTAIL_RULES:
                continue  # a view with its row in RULES: test_access_matrix
            expected = WAGTAIL_RULES[name][WAGTAIL_PEOPLE.index(person)]
            response = client.get(url)
            if not _matches(response, expected):
                failures.append(
                    (person, name, expected, response.status_code, response.get("Location", ""))
                )
    assert not failures, "\n".join(map(str, failures))


# What the tester opened: the certificate chooser, its search, its chosen endpoint,
# and the coordinator-scope chooser (they must not exist any more, for anybody).
REMOVED_CHOOSERS = ["certificates/certificate", "certificates/certificatedesign"]
REMOVED_CHOOSERS.append("reports/coordinatorscope")


def _forms_of(text: str) -> list[str]:
    """A name as it can appear in a page: as is, HTML-escaped, JSON-escaped (the modal's
    chosen response is JSON, with non-ASCII letters as \\u escapes)."""
    import html

    return [text, html.escape(text), json.dumps(text)[1:-1]]


def _other_chooser_urls() -> list[str]:
    """Every chooser listing of the URL configuration that takes no argument."""
    from django.urls import NoReverseMatch

    urls = []
    for pattern, _namespace, name in named_patterns():
        if "choose" not in pattern.name or any(w in name for w in ("chosen", "create", "upload")):
            continue
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


def test_choosers_and_listings_show_nobody_out_of_scope(client, wagtail_people, samples, world):  # noqa: F811
    """A trainer and a reviewer see no learner and no coordinator in any chooser, listing,
    search or chosen answer Wagtail generates for our models; a coordinator of Cluj sees no
    learner or certificate outside Cluj and no other coordinator. The searches ask for each
    hidden name; the chosen endpoints are asked for the out-of-scope objects (Iași's)."""
    from reports.models import CoordinatorScope

    for key, coordinator in world.coordinators.items():
        coordinator.full_name = f"Coordonatoare {key.capitalize()}"
        coordinator.save()
    learners = [u for k, u in world.learners.items() if k != "iasi_certificate"]
    certificates = list(Certificate.objects.all())
    outside_cluj = [world.learners["iasi"]]
    other_coordinators = [u for k, u in world.coordinators.items() if k != "cluj"]
    hidden = {
        "trainer": learners + list(world.coordinators.values()),
        "reviewer": learners + list(world.coordinators.values()),
        "coordinator": outside_cluj + other_coordinators,
    }
    hidden_certificates = {
        "trainer": certificates,
        "reviewer": certificates,
        "coordinator": [c for c in certificates if c.learner_id == world.learners["iasi"].pk],
    }
    iasi_scope = CoordinatorScope.objects.get(user=world.coordinators["iasi"])
    out_of_scope = {**samples, CoordinatorScope: iasi_scope}

    # (url, searched): the results views are also asked for each hidden name.
    urls = []
    for name, model in wagtail_generated_views().items():
        view = name.rsplit(":", 1)[1]
        if view in ("choose", "list", "index"):
            urls.append((reverse(name), False))
        elif view in ("choose_results", "list_results", "index_results"):
            urls.append((reverse(name), True))
        elif view in ("chosen", "edit", "inspect", "history", "usage", "delete"):
            urls.append((reverse(name, kwargs={"pk": out_of_scope[model].pk}), False))
        elif view == "chosen_multiple":
            urls.append((reverse(name) + f"?id={out_of_scope[model].pk}", False))
    iasi_certificate = world.learners["iasi_certificate"]
    for path in REMOVED_CHOOSERS:
        urls.append((f"/admin/snippets/choose/{path}/", False))
        urls.append((f"/admin/snippets/choose/{path}/results/", True))
    urls += [
        (f"/admin/snippets/choose/certificates/certificate/chosen/{iasi_certificate.pk}/", False),
        (f"/admin/snippets/choose/reports/coordinatorscope/chosen/{iasi_scope.pk}/", False),
        (reverse("wagtailsnippets:index"), False),
        # The admin's own search box (pages, and links to the other areas one may search).
        (reverse("wagtailadmin_pages:search"), True),
    ]
    # And every other chooser of the admin (pages, images, documents, tasks…): none may list
    # a learner either.
    urls += [(url, True) for url in _other_chooser_urls() if (url, True) not in urls]

    leaks = []
    for person in ("trainer", "reviewer", "coordinator"):
        client.force_login(wagtail_people[person])
        forbidden = [
            form
            for user in hidden[person]
            for text in (user.full_name, user.email)
            for form in _forms_of(text)
        ] + [code for c in hidden_certificates[person] for code in (c.code, c.grouped_code)]
        searches = ["", *(f"?q={user.full_name.split()[-1]}" for user in hidden[person])]
        for url, searched in urls:
            for query in searches if searched else [""]:
                content = client.get(url + query).content.decode()
                found = [text for text in forbidden if text in content]
                if found:
                    leaks.append((person, url + query, found[:3]))
    assert not leaks, "\n".join(map(str, leaks))


def test_site_history_shows_a_coordinator_no_scope(client, wagtail_people, world):  # noqa: F811
    """Wagtail's site history lists the changes to every model on which a person holds any
    permission: coordinators, whose reports permission sat on CoordinatorScope, saw every
    scope an administrator assigned, with the other coordinators' names. Administrators
    still see them."""
    from wagtail.log_actions import log

    from reports.models import CoordinatorScope

    other = world.coordinators["iasi"]
    other.full_name = "Coordonatoare Iasi"
    other.save()
    scope = CoordinatorScope.objects.get(user=other)
    log(instance=scope, action="wagtail.create", user=wagtail_people["admin"])
    urls = [reverse("wagtailadmin_reports:site_history")]
    urls.append(reverse("wagtailadmin_reports:site_history_results") + "?label=Iasi")
    for person in ("trainer", "reviewer", "coordinator", "admin"):
        client.force_login(wagtail_people[person])
        for url in urls:
            content = client.get(url).content.decode()
            assert ("Coordonatoare Iasi" in content) == (person == "admin"), (person, url)
