"""Writes for progress: enrolment, runs (retakes and renewals), visits, step completion and
course completion."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from elearning.infrastructure.caching import PROGRESS

from . import progress_store
from .models import CoursePage, Enrollment, RecertificationCampaign, RunKind, StepCompletion
from .selectors import (
    LearnerProgress,
    course_required_keys,
    enrollment_not_reminded_since,
    open_recertification,
    run_offer,
)
from .signals import (
    course_completed,
    recertification_closed,
    recertification_started,
    run_started,
    step_completed,
    step_visited,
)

# A reload of the step last visited writes nothing unless the last visit is older than this:
# "Continue where you left off" needs the step, and a visit time this coarse is enough.
VISIT_REFRESH = timedelta(minutes=10)


def progress_changed(*, learner_id: int, course_key: UUID) -> None:
    """Retire the learner's cached progress in this course (courses.selectors.learner_progress),
    now and after the transaction commits."""
    PROGRESS.move_on(learner_id, course_key)


class RunError(Exception):
    """A new run that may not start; `message` is for the learner, `status` for the reply."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


RUN_NOT_OFFERED = _("This course cannot be taken again yet.")
RUN_ALREADY_STARTED = _("You have already started this course again: continue where you are.")


def enrollment_start(*, learner, course: CoursePage) -> Enrollment:
    """Enrol the learner: their current run, or run 1 on the first call."""
    course_key = course.translation_key
    enrollment = Enrollment.objects.filter(
        learner=learner, course_key=course_key, current=True
    ).first()
    if enrollment is not None:
        return enrollment
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(learner=learner, course_key=course_key)
    except IntegrityError:  # a concurrent request enrolled first
        return Enrollment.objects.get(learner=learner, course_key=course_key, current=True)
    progress_changed(learner_id=learner.pk, course_key=course_key)
    return enrollment


def enrollment_assign(
    *, learner, course_key: UUID, due_on: date, by, renewal: bool = False
) -> bool:
    """Enrol the learner on someone else's behalf (a coordinator's bulk enrolment) with a due
    date; True when this created a run. A run in progress takes the new due date and its
    assigner. A completed run is not overdue again: it is left alone, unless `renewal` asks
    for a renewal run (a coordinator's "assign renewal"), which starts one with the due date.
    Any change shows on the learner's pages, so their progress entry is retired."""
    enrollment, created = Enrollment.objects.get_or_create(
        learner=learner,
        course_key=course_key,
        current=True,
        defaults={"due_on": due_on, "enrolled_by": by, "started_at": timezone.now()},
    )
    if created:
        progress_changed(learner_id=learner.pk, course_key=course_key)
        return True
    if enrollment.completed_at is not None:
        if not renewal:
            return False
        return (
            _run_open(
                learner=learner,
                course_key=course_key,
                previous=enrollment,
                kind=RunKind.RENEWAL,
                due_on=due_on,
                by=by,
            )
            is not None
        )
    if Enrollment.objects.filter(pk=enrollment.pk, completed_at__isnull=True).update(
        due_on=due_on, enrolled_by=by
    ):
        progress_changed(learner_id=learner.pk, course_key=course_key)
    return False


def run_start(*, learner, course: CoursePage, after_run: int) -> Enrollment:
    """The learner starts the course again (a retake, or the renewal of their certificate).

    `after_run` is the number of the run the learner was shown as current: a second click, a
    second tab or a forged number finds another current run and changes nothing. What may
    start is `courses.selectors.run_offer` (a completed run; a renewal when the certificate
    asks for one, otherwise a retake where the course allows it). Raises RunError."""
    course_key = course.translation_key
    current = Enrollment.objects.filter(
        learner=learner, course_key=course_key, current=True
    ).first()
    if current is None or current.run != after_run:
        if current is not None and current.run > after_run:
            raise RunError(RUN_ALREADY_STARTED, status=409)
        raise RunError(RUN_NOT_OFFERED, status=409)
    kind = run_offer(learner=learner, course=course, enrollment=current)
    if kind is None:
        raise RunError(RUN_NOT_OFFERED, status=403)
    run = _run_open(learner=learner, course_key=course_key, previous=current, kind=kind)
    if run is None:
        raise RunError(RUN_ALREADY_STARTED, status=409)
    return run


def _run_open(
    *, learner, course_key: UUID, previous: Enrollment, kind: str, due_on=None, by=None
) -> Enrollment | None:
    """Close `previous` (still the current, completed run) and open the next; None when a
    concurrent call did first. The conditional UPDATE lets one of two concurrent starts win;
    the partial unique index one_current_run_per_course would refuse a second current run
    anyway. The previous run and everything of it stay as they are. A renewal under an open
    re-certification copies the steps the trainer lets carry over."""
    with transaction.atomic():
        closed = Enrollment.objects.filter(
            pk=previous.pk, current=True, completed_at__isnull=False
        ).update(current=False)
        if not closed:
            return None
        now = timezone.now()
        # Numbered after the highest run (not previous.run + 1), so a gap never reuses a number.
        number = (
            Enrollment.objects.filter(learner=learner, course_key=course_key).aggregate(
                n=Max("run")
            )["n"]
            or 0
        ) + 1
        run = Enrollment.objects.create(
            learner=learner,
            course_key=course_key,
            run=number,
            kind=kind,
            started_at=now,
            last_visited_at=now,
            due_on=due_on,
            enrolled_by=by,
        )
        if kind == RunKind.RENEWAL:
            campaign = open_recertification(course_key=course_key)
            if campaign is not None and campaign.carry_over_step_keys:
                StepCompletion.objects.bulk_create(
                    [
                        StepCompletion(
                            learner=learner,
                            course_key=course_key,
                            step_key=done.step_key,
                            run=number,
                            completed_at=done.completed_at,
                            carried_over=True,
                        )
                        for done in StepCompletion.objects.filter(
                            learner=learner,
                            course_key=course_key,
                            run=previous.run,
                            step_key__in=campaign.carry_over_step_keys,
                        )
                    ]
                )
        # In the transaction: what other apps close with the old run closes with it.
        run_started.send(
            sender=Enrollment, learner_id=learner.pk, course_key=course_key, run=number
        )
    progress_changed(learner_id=learner.pk, course_key=course_key)
    return run


class RecertificationError(Exception):
    """A re-certification that may not start now; `message` is for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


RECERTIFICATION_RACE = _(
    "Someone else started a re-certification of this course at the same time: reload the page."
)


def recertification_start(
    *,
    course_key: UUID,
    required_by: date,
    reason_ro: str,
    reason_en: str,
    carry_over_step_keys: list[UUID],
    by,
) -> RecertificationCampaign:
    """Ask every holder of a current certificate of the course to re-certify by `required_by`
    (a trainer's or administrator's campaign; the form has checked the date and the steps).

    Closes the course's open campaign, if any, and opens this one; `recertification_started`
    is sent inside the transaction, so the certificates it marks and the campaign are written
    together (the announcement e-mails are queued after commit by the certificates app). A
    renewal run opened while it is open keeps the `carry_over_step_keys` steps done in the run
    before (`_run_open`). Two starts at once: the partial unique index
    one_open_recertification_per_course lets one in; the other raises RecertificationError."""
    try:
        with transaction.atomic():
            now = timezone.now()
            RecertificationCampaign.objects.filter(
                course_key=course_key, closed_at__isnull=True
            ).update(closed_at=now)
            campaign = RecertificationCampaign.objects.create(
                course_key=course_key,
                required_by=required_by,
                reason_ro=reason_ro,
                reason_en=reason_en,
                carry_over_step_keys=[str(key) for key in carry_over_step_keys],
                created_at=now,
                created_by=by,
            )
            recertification_started.send(sender=RecertificationCampaign, campaign=campaign)
    except IntegrityError as error:
        raise RecertificationError(RECERTIFICATION_RACE) from error
    return campaign


def recertification_close(*, campaign: RecertificationCampaign) -> bool:
    """Close an open campaign: holders who have not renewed yet are no longer asked to (the
    certificates app clears their `renew_by` on `recertification_closed`, in the same
    transaction). False, and nothing changed, when it was already closed (two clicks)."""
    with transaction.atomic():
        closed = RecertificationCampaign.objects.filter(
            pk=campaign.pk, closed_at__isnull=True
        ).update(closed_at=timezone.now())
        if closed:
            recertification_closed.send(sender=RecertificationCampaign, campaign=campaign)
    return bool(closed)


def enrollment_reminder_claim(
    *, enrollment_id: int, now: datetime, not_reminded_since: datetime
) -> bool:
    """Claim the overdue reminder of an enrolment (courses.selectors.enrollments_overdue)
    before it is sent: False when another run has reminded its learner since
    `not_reminded_since`. One conditional UPDATE, so two beat runs never send the same reminder
    twice. The reminder date is bookkeeping no page shows: the progress entry stays."""
    return bool(
        Enrollment.objects.filter(
            enrollment_not_reminded_since(not_reminded_since), pk=enrollment_id
        ).update(reminded_at=now)
    )


def step_visit(
    *, learner, course: CoursePage, step: Page, progress: LearnerProgress | None = None
) -> None:
    """Remember where the learner is (for "Continue where you left off"); enrols on first visit.

    With the learner's `progress` (as the lesson view has read it), a reload of the step last
    visited within VISIT_REFRESH writes nothing; otherwise one UPDATE.
    """
    now = timezone.now()
    enrollment = progress.enrollment if progress is not None else None
    if (
        enrollment is not None
        and enrollment.last_step_key == step.translation_key
        and now - enrollment.last_visited_at < VISIT_REFRESH
    ):
        return
    updated = Enrollment.objects.filter(
        learner=learner, course_key=course.translation_key, current=True
    ).update(last_step_key=step.translation_key, last_visited_at=now)
    if not updated:
        enrollment = enrollment_start(learner=learner, course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            last_step_key=step.translation_key, last_visited_at=now
        )
    progress_changed(learner_id=learner.pk, course_key=course.translation_key)
    step_visited.send(
        sender=Enrollment,
        learner_id=learner.pk,
        course_key=course.translation_key,
        step=step,
        visited_at=now,
    )


# No savepoint: inside a caller's transaction (a quiz submission) an error here must roll the
# whole of it back anyway, and a savepoint pair is two more round trips to the database.
@transaction.atomic(savepoint=False)
def step_complete(*, learner, course: CoursePage, step: Page) -> bool:
    """Record a step as complete (idempotent) and complete the course when it is the last one.

    Used by "Mark as complete" and by quizzes when a graded quiz is passed. The step belongs to
    the learner's current run. Returns True when this call completed the course (the run). A
    run is completed exactly once: the conditional UPDATE below matches only while its
    `completed_at` is empty, and `course_completed` is sent after the transaction commits.
    A fixed number of statements: those of `progress_store.step_record` (two on PostgreSQL,
    four elsewhere), plus that UPDATE when every required step is done (a submitted quiz must
    cost the same for 10 or 30 questions).
    """
    course_key = course.translation_key
    required = course_required_keys(course=course)
    run, done = progress_store.step_record(
        learner_id=learner.pk,
        course_key=course_key,
        step_key=step.translation_key,
        required=required,
    )
    progress_changed(learner_id=learner.pk, course_key=course_key)
    step_completed.send(
        sender=StepCompletion, learner_id=learner.pk, course_key=course_key, step=step, run=run
    )
    if not required or required - done:
        return False
    completed_at = timezone.now()
    won = Enrollment.objects.filter(
        learner=learner, course_key=course_key, run=run, completed_at__isnull=True
    ).update(completed_at=completed_at)
    if won:
        learner_id = learner.pk
        transaction.on_commit(
            lambda: course_completed.send(
                sender=CoursePage,
                learner_id=learner_id,
                course_key=course_key,
                completed_at=completed_at,
                run=run,
            )
        )
    return bool(won)


def referral_contact_verify(*, contact, user) -> None:
    """Mark a directory entry verified today by `user`, in every language (the Romanian entry
    and its translations share the verification). Saved row by row, so the lesson bodies that
    show it are read afresh (the page-tree version moves on each ReferralContact save)."""
    from .models import ReferralContact

    today = timezone.localdate()
    for entry in ReferralContact.objects.filter(translation_key=contact.translation_key):
        entry.last_verified_on = today
        entry.verified_by = user
        entry.save(update_fields=["last_verified_on", "verified_by"])


def referral_verifications_erase(user) -> None:
    """On account erasure: the entries keep their date, not who verified them."""
    from .models import ReferralContact

    ReferralContact.objects.filter(verified_by=user).update(verified_by=None)


@transaction.atomic
def referral_directory_import(*, user, rows) -> int:
    """Upsert checked rows (courses.directory_csv.parse) by county and kind ("other" entries
    by their Romanian name too), in Romanian and English; a changed verification date records
    the importer as who verified. Returns the number of entries written."""
    from wagtail.models import Locale

    from .models import ReferralContact, ReferralKind

    ro_locale = Locale.objects.get(language_code="ro")
    en_locale = Locale.objects.get(language_code="en")
    for row in rows:
        values = row.values
        lookup = {"locale": ro_locale, "county": values["county"], "kind": values["kind"]}
        if values["kind"] == ReferralKind.OTHER:
            lookup["organisation"] = values["name_ro"]
        entry = ReferralContact.objects.filter(**lookup).first() or ReferralContact(**lookup)
        shared = {
            "phone": values["phone"],
            "email": values["email"],
            "website": values["website"],
            "notes": values["notes"],
        }
        day = values["last_verified_on"]
        if day is not None and day != entry.last_verified_on:
            shared.update(last_verified_on=day, verified_by=user)
        for name, value in {**shared, "organisation": values["name_ro"]}.items():
            setattr(entry, name, value)
        entry.helps_with = values["helps_with_ro"]
        entry.save()
        english = entry.get_translation_or_none(en_locale)
        if english is None:
            english = entry.copy_for_translation(en_locale)
        for name, value in shared.items():
            setattr(english, name, value)
        english.organisation = values["name_en"] or values["name_ro"]
        english.helps_with = values["helps_with_en"]
        english.save()
    return len(rows)
