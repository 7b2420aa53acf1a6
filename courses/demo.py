"""Starter courses, from the data files in courses/demo_content/, in Romanian and English.

Idempotent: a course that exists is left as it is (trainers may have edited it); a missing
translation is added.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page

from elearning.models import HomePage, NavigationSettings

from .models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    ReferralContact,
    RunKind,
    StepCompletion,
)

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
COURSE_FILES = ["teachers.json", "police.json", "justice.json", "social_workers.json"]
PDF_FONTS = Path(settings.BASE_DIR) / "elearning" / "static" / "fonts" / "pdf"

CATALOGUE = {
    "ro": {
        "title": "Cursuri",
        "slug": "cursuri",
        "intro": "<p>Cursuri scurte pentru fiecare profesie care lucrează cu copii. Cele "
        "recomandate pentru rolul dumneavoastră apar primele.</p>",
    },
    "en": {
        "title": "Courses",
        "slug": "courses",
        "intro": "<p>Short courses for every profession that works with children. Those "
        "recommended for your role come first.</p>",
    },
}

# Only numbers given in the programme's reference facts (shared/reference/CONTENT.md).
CONTACTS = [
    {
        "sort_order": 1,
        "phone": "112",
        "ro": {
            "organisation": "Numărul unic pentru apeluri de urgență",
            "helps_with": "Când un copil este în pericol imediat: poliție, ambulanță, pompieri.",
        },
        "en": {
            "organisation": "Single emergency number",
            "helps_with": "When a child is in immediate danger: police, ambulance, fire brigade.",
        },
    },
    {
        "sort_order": 2,
        "phone": "0800 800 678",
        "ro": {
            "organisation": "Agenția Națională împotriva Traficului de Persoane (ANITP)",
            "helps_with": "Linie telefonică gratuită: informații și sesizarea situațiilor de "
            "posibil trafic de persoane. Orice instituție care identifică o posibilă victimă "
            "anunță ANITP, prin Mecanismul național de identificare și referire.",
        },
        "en": {
            "organisation": "National Agency against Trafficking in Persons (ANITP)",
            "helps_with": "Free helpline: information and reporting of possible trafficking. "
            "Any institution that identifies a potential victim notifies ANITP, through the "
            "National Identification and Referral Mechanism.",
        },
    },
]


def _locales() -> dict[str, Locale]:
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("ro", "en")}


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def _translation(page: Page, locale: Locale, fields: dict) -> Page:
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale)
        for name, value in fields.items():
            setattr(translation, name, value)
        _publish(translation)
    return translation.specific


def seed_catalogue() -> CourseIndexPage:
    locales = _locales()
    home = HomePage.objects.get(locale=locales["ro"])
    index = CourseIndexPage.objects.filter(locale=locales["ro"]).first()
    if index is None:
        texts = CATALOGUE["ro"]
        index = CourseIndexPage(title=texts["title"], slug=texts["slug"], intro=texts["intro"])
        home.add_child(instance=index)
        _publish(index)
    _translation(index, locales["en"], CATALOGUE["en"])
    navigation = NavigationSettings.for_site(home.get_site())
    if navigation.catalogue_page_id is None:
        navigation.catalogue_page = index
        navigation.save()
    return index


def seed_referral_contacts() -> None:
    locales = _locales()
    for data in CONTACTS:
        ro = ReferralContact.objects.filter(locale=locales["ro"], phone=data["phone"]).first()
        if ro is None:
            ro = ReferralContact.objects.create(
                locale=locales["ro"],
                phone=data["phone"],
                sort_order=data["sort_order"],
                **data["ro"],
            )
        if ro.get_translation_or_none(locales["en"]) is None:
            en = ro.copy_for_translation(locales["en"])
            for name, value in data["en"].items():
                setattr(en, name, value)
            en.save()


def _handout(course_data: dict, language: str, course_title: str):
    """The course's handout as a PDF document in Wagtail's library."""
    from weasyprint import HTML

    texts = course_data["handout"][language]
    html = render_to_string(
        "courses/handout/handout.html",
        {
            "language": language,
            "title": texts["title"],
            "course_title": course_title,
            "paragraphs": texts["paragraphs"],
        },
    )
    pdf = HTML(string=html, base_url=f"{PDF_FONTS}/").write_pdf()
    document = get_document_model()(title=texts["title"])
    document.file.save(f"{course_data['key']}-{language}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def _stream(blocks: list[dict], document) -> list[tuple[str, object]]:
    """The data file's blocks as StreamField content."""
    stream = []
    for block in blocks:
        kind, value = block["type"], block["value"]
        if kind == "document":
            if document is None:
                continue
            value = {"document": document, "title": value["title"], "description": ""}
        elif kind == "referral_contacts":
            value = {"heading": value["heading"], "contacts": []}
        stream.append((kind, value))
    return stream


def _course_fields(data: dict, language: str) -> dict:
    texts = data[language]
    return {
        "title": texts["title"],
        "summary": texts["summary"],
        "learning_outcomes": [("outcome", o) for o in texts["learning_outcomes"]],
        "content_status": texts["content_status"],
    }


@transaction.atomic
def seed_course(data: dict, index: CourseIndexPage) -> CoursePage:
    locales = _locales()
    slug = data["key"]
    course = CoursePage.objects.filter(locale=locales["ro"], slug=slug).first()
    if course is None:
        course = CoursePage(
            slug=slug,
            target_roles=data["target_roles"],
            estimated_minutes=data["estimated_minutes"],
            issues_certificate=True,
            certificate_validity_months=data.get("certificate_validity_months"),
            allows_retakes=data.get("allows_retakes", False),
            **_course_fields(data, "ro"),
        )
        index.add_child(instance=course)
        _publish(course)
    en_fields = {**_course_fields(data, "en"), "slug": slug}
    course_en = course.get_translation_or_none(locales["en"])
    documents = {}
    if course.get_children().count() == 0 or course_en is None:
        documents = {lang: _handout(data, lang, data[lang]["title"]) for lang in ("ro", "en")}
    _translation(course, locales["en"], en_fields)

    for lesson_data in data["lessons"]:
        lesson = LessonPage.objects.child_of(course).filter(slug=lesson_data["key"]).first()
        if lesson is None:
            document = documents.get("ro")
            lesson = LessonPage(
                title=lesson_data["ro"]["title"],
                slug=lesson_data["key"],
                estimated_minutes=lesson_data["estimated_minutes"],
                body=_stream(lesson_data["ro"]["body"], document),
            )
            course.add_child(instance=lesson)
            _publish(lesson)
        document = documents.get("en")
        _translation(
            lesson,
            locales["en"],
            {
                "title": lesson_data["en"]["title"],
                "slug": lesson_data["key"],
                "body": _stream(lesson_data["en"]["body"], document),
            },
        )
    return course


def load_course_data() -> list[dict]:
    return [json.loads((CONTENT_DIR / name).read_text(encoding="utf-8")) for name in COURSE_FILES]


def seed_courses() -> list[CoursePage]:
    index = seed_catalogue()
    seed_referral_contacts()
    return [seed_course(data, index) for data in load_course_data()]


# The demo learner whose certificate is about to expire (elearning.demo.DEMO_LEARNERS), and her
# runs: (course key, kind, days before today it was completed). A completion date of None for
# the police course means "one validity period ago, 20 days from now": her certificate
# (certificates.demo.seed_demo_run_certificates) then expires in 20 days, inside the renewal
# window, whenever the demo is seeded. The social workers' course allows retakes: she has taken
# it twice, so "My learning" shows an earlier run and offers a retake.
RENEWAL_LEARNER = "reinnoire@demo.local"
RENEWAL_DAYS_LEFT = 20
DEMO_RUNS = [
    ("police", RunKind.FIRST, None),
    ("social_workers", RunKind.FIRST, 420),
    ("social_workers", RunKind.RETAKE, 60),
]


def seed_demo_runs() -> int:
    """The renewal learner's completed runs, each with every required step done (idempotent:
    nothing when she has any run). Returns how many runs it created."""
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from accounts.models import User

    from .selectors import course_required_keys

    learner = User.objects.filter(email=RENEWAL_LEARNER).first()
    if learner is None or Enrollment.objects.filter(learner=learner).exists():
        return 0
    courses = {
        c.slug: c
        for c in CoursePage.objects.filter(
            locale__language_code="ro", slug__in={key for key, _kind, _days in DEMO_RUNS}
        )
    }
    now = timezone.now()
    runs = {}
    with transaction.atomic():
        for key, kind, days in DEMO_RUNS:
            course = courses.get(key)
            if course is None:
                continue
            if days is None:
                months = course.certificate_validity_months or 24
                completed = now + timedelta(days=RENEWAL_DAYS_LEFT) - relativedelta(months=months)
            else:
                completed = now - timedelta(days=days)
            number = runs.get(key, 0) + 1
            runs[key] = number
            # The previous run is no longer current once this one starts.
            Enrollment.objects.filter(
                learner=learner, course_key=course.translation_key, current=True
            ).update(current=False)
            steps = sorted(course_required_keys(course=course), key=str)
            Enrollment.objects.create(
                learner=learner,
                course_key=course.translation_key,
                run=number,
                kind=kind,
                started_at=completed - timedelta(days=3),
                completed_at=completed,
                last_step_key=steps[-1] if steps else None,
                last_visited_at=completed,
            )
            StepCompletion.objects.bulk_create(
                StepCompletion(
                    learner=learner,
                    course_key=course.translation_key,
                    step_key=step,
                    run=number,
                    completed_at=completed,
                )
                for step in steps
            )
    return sum(runs.values())
