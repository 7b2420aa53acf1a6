"""A small world for coordinators' reports: one course with a pre-test, a post-test and a final
quiz; learners in Cluj and in Iași at every stage; coordinators of each scope.

It is built once per test module (`world_of_module`, in the module's shared transaction) and
each test gets its own copy of the Python objects (`world`): a test that changes the database
rolls back to the world as built, and one that changes an object changes only its copy. A module
outside tests/reports imports both fixtures."""

import copy
import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import County, ProfessionalRole
from certificates.models import Certificate, CertificateStatus
from courses.models import Enrollment, StepCompletion
from courses.selectors import course_step_links
from quizzes.models import Attempt, AttemptStatus
from reports.apps import COORDINATORS_GROUP, ensure_coordinators_group
from reports.models import CoordinatorScope, ScopeLevel

from ..courses.factories import make_course
from ..elearning.factories import InstitutionFactory, UserFactory
from ..quizzes.factories import make_quiz


@dataclass
class World:
    course: object
    steps: tuple  # courses.selectors.StepLink, in tree order
    pre: object
    post: object
    final: object
    cluj_school: object
    iasi_police: object
    learners: dict
    coordinators: dict


def _attempt(learner, quiz, course, number, score, passed=None):
    attempt = Attempt.objects.create(
        # The world's pre-test and post-test are matched: both draw from the pre-test's pool.
        pool_key=pool_of(quiz),
        learner=learner,
        quiz_key=quiz.translation_key,
        course_key=course.translation_key,
        number=number,
        page=quiz,
        status=AttemptStatus.SUBMITTED,
        submitted_at=timezone.now(),
        score=Decimal(score),
        passed=passed,
    )
    measured(attempt, quiz)
    return attempt


def measured(attempt, quiz):
    """Fix the run's matched pair as grading a post-test does (quizzes.services)."""
    from quizzes.models import QuizKind
    from quizzes.services import measured_pair_record

    if quiz.kind == QuizKind.POST_TEST and attempt.pool_key:
        measured_pair_record(attempt, attempt.score)


def pool_of(quiz):
    from quizzes.models import QuizKind
    from quizzes.selectors import question_source

    if quiz.kind in (QuizKind.PRE_TEST, QuizKind.POST_TEST):
        return question_source(quiz).translation_key
    return None


def _coordinator(email, level, **where):
    from django.apps import apps

    ensure_coordinators_group(apps.get_app_config("reports"))
    user = UserFactory(email=email, full_name="Coordonator Test", role=ProfessionalRole.OTHER)
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    CoordinatorScope.objects.create(user=user, level=level, **where)
    return user


def build_world() -> World:
    course = make_course(lessons=2, slug="curs-rapoarte", title="Curs pentru rapoarte")
    pre = make_quiz(course, kind="pre_test", slug="pre-test")
    post = make_quiz(
        course,
        kind="post_test",
        slug="post-test",
        matched_with_pre_test=True,
        review_policy="never",
    )
    final = make_quiz(course, kind="final", slug="test-final", pass_mark=70)
    links = course_step_links(course=course)
    lessons = [s for s in links if s.counts_for_completion and not s.kind]
    cluj_school = InstitutionFactory(name="Școala Gimnazială „Avram Iancu”", county=County.CJ)
    iasi_police = InstitutionFactory(
        name="Inspectoratul de Poliție Județean Iași", county=County.IS
    )
    today = timezone.localdate()
    now = timezone.now()

    done = UserFactory(
        email="ana@example.org", full_name="Ana Țăranu", institution=cluj_school, county="CJ"
    )
    Enrollment.objects.create(
        learner=done,
        course_key=course.translation_key,
        started_at=now - datetime.timedelta(days=10),
        completed_at=now - datetime.timedelta(days=2),
        last_step_key=final.translation_key,
    )
    for step in [*lessons, final]:
        StepCompletion.objects.create(
            learner=done, course_key=course.translation_key, step_key=step.translation_key
        )
    _attempt(done, pre, course, 1, "40.00")
    _attempt(done, post, course, 1, "80.00")
    _attempt(done, final, course, 1, "60.00", passed=False)
    _attempt(done, final, course, 2, "90.00", passed=True)
    Certificate.objects.create(
        learner=done,
        course_key=course.translation_key,
        learner_name=done.full_name,
        course_title_ro=course.title,
        hours=Decimal("0.5"),
        completed_at=now - datetime.timedelta(days=2),
        status=CertificateStatus.READY,
    )

    # A learner typed a formula as their institution's name ("not listed").
    halfway = UserFactory(
        email="ioana@example.org",
        full_name="Ioana Șerban",
        role=ProfessionalRole.SOCIAL_WORKER,
        institution=None,
        institution_other='=HYPERLINK("http://x")',
        county="CJ",
        preferred_language="en",
    )
    Enrollment.objects.create(
        learner=halfway, course_key=course.translation_key, last_step_key=lessons[0].translation_key
    )
    StepCompletion.objects.create(
        learner=halfway, course_key=course.translation_key, step_key=lessons[0].translation_key
    )

    late = UserFactory(email="radu@example.org", full_name="Radu Moldovan", institution=cluj_school)
    Enrollment.objects.create(
        learner=late, course_key=course.translation_key, due_on=today - datetime.timedelta(days=1)
    )

    fresh = UserFactory(email="dan@example.org", full_name="Dan Pop", institution=cluj_school)
    Enrollment.objects.create(
        learner=fresh, course_key=course.translation_key, due_on=today + datetime.timedelta(days=9)
    )

    iasi = UserFactory(
        email="mihai@example.org",
        full_name="Mihai Iașiotul",
        role=ProfessionalRole.POLICE_OFFICER,
        institution=iasi_police,
        county="IS",
    )
    Enrollment.objects.create(
        learner=iasi,
        course_key=course.translation_key,
        started_at=now - datetime.timedelta(days=5),
        completed_at=now - datetime.timedelta(days=1),
    )
    _attempt(iasi, pre, course, 1, "20.00")
    _attempt(iasi, post, course, 1, "100.00")
    _attempt(iasi, final, course, 1, "100.00", passed=True)
    iasi_certificate = Certificate.objects.create(
        learner=iasi,
        course_key=course.translation_key,
        learner_name=iasi.full_name,
        course_title_ro=course.title,
        hours=Decimal("0.5"),
        completed_at=now,
        status=CertificateStatus.READY,
    )

    coordinators = {
        "cluj": _coordinator("coord.cj@example.org", ScopeLevel.COUNTY, county=County.CJ),
        "iasi": _coordinator("coord.is@example.org", ScopeLevel.COUNTY, county=County.IS),
        "school": _coordinator(
            "coord.scoala@example.org", ScopeLevel.INSTITUTION, institution=cluj_school
        ),
        "national": _coordinator("coord.ro@example.org", ScopeLevel.NATIONAL),
    }
    return World(
        course=course,
        steps=links,
        pre=pre,
        post=post,
        final=final,
        cluj_school=cluj_school,
        iasi_police=iasi_police,
        learners={
            "done": done,
            "halfway": halfway,
            "late": late,
            "fresh": fresh,
            "iasi": iasi,
            "iasi_certificate": iasi_certificate,
        },
        coordinators=coordinators,
    )


@pytest.fixture(scope="module")
def world_of_module(module_db):
    with module_db.unblock():
        return build_world()


@pytest.fixture
def world(world_of_module, demo_site):
    """The module's world, as built; copied as Django's TestCase copies setUpTestData's."""
    return copy.deepcopy(world_of_module)
