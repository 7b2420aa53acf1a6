"""Bulk enrolment from a coordinator's CSV, invitations, and overdue reminders."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses.models import Enrollment
from reports import services

from ..elearning.factories import UserFactory
from .test_reports import login

pytestmark = pytest.mark.django_db

ENROL = reverse("learning_reports:enrol")


def upload(client, world, text: str | bytes, *, due=None, name="clasa.csv"):
    content = text.encode("utf-8-sig") if isinstance(text, str) else text
    due = due or (timezone.localdate() + datetime.timedelta(days=30))
    return client.post(
        ENROL,
        {
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "courses": [str(world.course.translation_key)],
            "due_on": due.isoformat(),
        },
    )


CLASS = (
    "Nume complet;E-mail;Rol;Instituție;Județ\n"
    "Maria Știrbu;maria.stirbu@example.org;Cadru didactic sau personal școlar;"
    "Școala Gimnazială „Avram Iancu”;Cluj\n"
    "Vlad Țepeș;VLAD@example.org;teacher;școala gimnazială „avram iancu”;CJ\n"
    "Radu Moldovan;radu@example.org;Teacher or school staff;Școala Gimnazială „Avram Iancu”;Cluj\n"
)


def test_clean_file_enrols_everyone_and_invites_new_learners(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world.coordinators["cluj"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world, CLASS)
    assert response.status_code == 302
    maria = User.objects.get(email="maria.stirbu@example.org")
    vlad = User.objects.get(email="vlad@example.org")
    assert (maria.full_name, maria.role, maria.county) == ("Maria Știrbu", "teacher", "CJ")
    assert maria.institution == world.cluj_school and not maria.has_usable_password()
    due = timezone.localdate() + datetime.timedelta(days=30)
    for learner in (maria, vlad, world.learners["late"]):
        enrollment = Enrollment.objects.get(
            learner=learner, course_key=world.course.translation_key
        )
        assert enrollment.due_on == due
        assert enrollment.enrolled_by == world.coordinators["cluj"]
    # Two invitations (Radu already had an account), in Romanian, with a set-password link.
    assert sorted(m.to[0] for m in mail.outbox) == ["maria.stirbu@example.org", "vlad@example.org"]
    assert "Ați fost înscris" in mail.outbox[0].subject
    assert "/ro/" in mail.outbox[0].body and "parol" in mail.outbox[0].body
    # The invited learner opens the link and chooses a password.
    link = next(line for line in mail.outbox[0].body.splitlines() if "/ro/" in line).strip()
    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    set_url = page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Un-parola-buna-2026", "new_password2": "Un-parola-buna-2026"}
    )
    assert done.status_code == 302
    invited = User.objects.get(email=mail.outbox[0].to[0])
    assert invited.check_password("Un-parola-buna-2026")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '=HYPERLINK("http://x");a@example.org;teacher;Școala Gimnazială „Avram Iancu”;CJ',
            "doar litere",
        ),
        (
            "Ana Pop;not-an-address;teacher;Școala Gimnazială „Avram Iancu”;CJ",
            "nu este o adresă de e-mail",
        ),
        ("Ana Pop;a@example.org;astronaut;Școala Gimnazială „Avram Iancu”;CJ", "Rol necunoscut"),
        (
            "Ana Pop;a@example.org;teacher;Școala Gimnazială „Avram Iancu”;Atlantida",
            "Județ necunoscut",
        ),
        ("Ana Pop;a@example.org;teacher;Școala Fantomă;CJ", "Nu există instituția"),
        (
            "Ana Pop;a@example.org;police_officer;Inspectoratul de Poliție Județean Iași;IS",
            "nu este în aria",
        ),
    ],
)
def test_one_bad_line_imports_nothing_and_names_the_problem(client, world, line, message):
    login(client, world.coordinators["cluj"])
    good = "Maria Știrbu;maria.stirbu@example.org;teacher;Școala Gimnazială „Avram Iancu”;CJ"
    before = (User.objects.count(), Enrollment.objects.count())
    response = upload(client, world, f"Nume;E-mail;Rol;Instituție;Județ\n{good}\n{line}\n")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nu s-a importat nimic" in html and message in html
    assert ">3<" in html  # the line number of the bad line
    assert (User.objects.count(), Enrollment.objects.count()) == before
    assert not mail.outbox


def _enrol_one(client, world, line: str) -> str:
    """Upload a one-learner file; the answer the coordinator sees (status and message)."""
    from django.contrib.messages import get_messages

    response = upload(client, world, f"Nume;E-mail;Rol;Instituție;Județ\n{line}\n")
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(list(get_messages(response.wsgi_request))[-1])  # earlier ones were not shown


def test_an_address_with_an_account_outside_the_scope_reads_as_a_new_one(
    client, world, django_capture_on_commit_callbacks
):
    """The coordinator of Cluj lists the address of a learner of Iași: the answer is the same
    as for an address without an account (nothing tells them an account exists), the account
    is neither enrolled nor changed, and its owner is told by e-mail."""
    login(client, world.coordinators["cluj"])
    school = "Școala Gimnazială „Avram Iancu”;CJ"
    mihai = world.learners["iasi"]
    before = User.objects.values().get(pk=mihai.pk)
    enrolments = set(Enrollment.objects.filter(learner=mihai).values_list("pk", "due_on"))
    with django_capture_on_commit_callbacks(execute=True):
        new = _enrol_one(client, world, f"Nou Venit;nou.venit@example.org;teacher;{school}")
        elsewhere = _enrol_one(client, world, f"Mihai Iașiotul;{mihai.email};teacher;{school}")
    assert new == elsewhere
    assert "e-mail" in new
    assert User.objects.values().get(pk=mihai.pk) == before
    assert set(Enrollment.objects.filter(learner=mihai).values_list("pk", "due_on")) == enrolments
    assert User.objects.get(email="nou.venit@example.org").institution == world.cluj_school
    # Both addresses got one e-mail; Mihai's names the course and changes nothing.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["nou.venit@example.org", mihai.email])
    (notice,) = [m for m in mail.outbox if m.to == [mihai.email]]
    assert "Curs pentru rapoarte" in notice.body and "nu ați fost înscris" in notice.body


def test_the_check_of_a_file_answers_alike_with_or_without_an_account(world):
    """With an error elsewhere in the file, the list of problems is the same whether a line's
    address has an account outside the scope or none."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import CoordinatorScope

    scope = CoordinatorScope.objects.get(user=world.coordinators["cluj"])
    school = "Școala Gimnazială „Avram Iancu”;CJ"
    bad = "Ana Pop;a@example.org;astronaut;Școala Gimnazială „Avram Iancu”;CJ"

    def problems(address):
        text = f"Nume;E-mail;Rol;Instituție;Județ\nX Y;{address};teacher;{school}\n{bad}\n"
        upload_file = SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")
        check = services.enrollment_check(upload=upload_file, scope=scope)
        return [(row.line, row.errors) for row in check.error_rows]

    assert problems(world.learners["iasi"].email) == problems("nimeni@example.org")
    assert [line for line, _errors in problems("nimeni@example.org")] == [3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02PK\x03\x04" * 100, "nu este"),
        ("Nume;E-mail\nAna;a@example.org\n", "Lipsesc"),
        ("", "gol"),
        ("Nume;E-mail;Rol;Instituție;Județ\n", "nu conține niciun cursant"),
        ("Nume;E-mail;Rol;Instituție;Județ\nAna;a@x.org;teacher;X;CJ\n".encode("utf-16"), "UTF-8"),
    ],
)
def test_malformed_files_are_refused(client, world, content, message):
    login(client, world.coordinators["cluj"])
    before = User.objects.count()
    response = upload(client, world, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_a_50_mb_file_is_refused_without_reading_it(client, world):
    login(client, world.coordinators["cluj"])
    big = b"Nume;E-mail;Rol;Institutie;Judet\n" + b"x" * (50 * 1024 * 1024)
    response = upload(client, world, big)
    assert response.status_code == 400
    assert "mai mult de 2 MB" in response.content.decode()


def test_form_errors_are_400(client, world):
    login(client, world.coordinators["cluj"])
    past = timezone.localdate() - datetime.timedelta(days=1)
    assert "Termenul a trecut" in upload(client, world, CLASS, due=past).content.decode()
    response = client.post(ENROL, {"courses": ["not-a-course"], "due_on": "mâine"})
    assert response.status_code == 400
    assert not User.objects.filter(email="maria.stirbu@example.org").exists()


def test_bulk_enrollment_shows_on_the_learners_pages_at_once(client, world):
    """The enrolment goes through courses.services, which retires the learner's cached progress:
    a learner who has the course page open (progress cached) sees the coordinator's enrolment
    and due date on their next request, not after the cache entry times out."""
    from courses.selectors import learner_progress

    dan = world.learners["fresh"]
    new = UserFactory(
        email="ana.noua@example.org", full_name="Ana Pop", institution=world.cluj_school
    )
    key = world.course.translation_key
    for learner in (dan, new):
        login(client, learner)
        client.get(world.course.url)  # read, and cached
    assert "Începeți cursul" in client.get(world.course.url).content.decode()
    due = timezone.localdate() + datetime.timedelta(days=30)
    login(client, world.coordinators["cluj"])
    line = ";teacher;Școala Gimnazială „Avram Iancu”;Cluj\n"
    assert (
        upload(
            client,
            world,
            f"Nume;E-mail;Rol;Instituție;Județ\nDan Pop;{dan.email}{line}Ana Pop;{new.email}{line}",
            due=due,
        ).status_code
        == 302
    )
    assert learner_progress(learner=dan, course_key=key).enrollment.due_on == due
    assert learner_progress(learner=new, course_key=key).enrollment.due_on == due
    login(client, new)
    assert "Continuați de unde ați rămas" in client.get(world.course.url).content.decode()


def test_overdue_reminder_at_most_once_a_week(world):
    late = world.learners["late"]
    now = timezone.now()
    assert services.overdue_reminders_send(now=now) == 1
    (message,) = mail.outbox
    assert message.to == [late.email]
    assert "Curs pentru rapoarte" in message.subject and "/ro/" in message.body
    assert services.overdue_reminders_send(now=now + datetime.timedelta(days=3)) == 0
    assert services.overdue_reminders_send(now=now + datetime.timedelta(days=8)) == 1
    # Completing the course ends the reminders; a later due date (Dan's) starts its own.
    Enrollment.objects.filter(learner=late).update(completed_at=now)
    mail.outbox.clear()
    assert services.overdue_reminders_send(now=now + datetime.timedelta(days=20)) == 1
    assert [m.to for m in mail.outbox] == [[world.learners["fresh"].email]]


def test_beat_schedule_names_registered_tasks(settings):
    from elearning.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
