"""Starter courses, from the data files in courses/demo_content/, in Romanian and English.

Idempotent: a course that exists is left as it is (trainers may have edited it); a missing
translation is added.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page

from accounts.models import County
from elearning.infrastructure.reference_index import indexing_once
from elearning.models import HomePage, NavigationSettings

from .models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    ReferralContact,
    ReferralKind,
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

# Only numbers given in the programme's reference facts (shared/reference/CONTENT.md and
# sources/romanian-law-and-helplines.txt). County entries carry no phone number: the reference
# note forbids inventing them; coordinators enter and verify them in the directory.
REFERENCE_CHECKED_ON = date(2026, 12, 1)  # when the reference note was compiled
CONTACTS = [
    {
        "sort_order": 1,
        "kind": ReferralKind.EMERGENCY,
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
        "kind": ReferralKind.CHILD_HELPLINE,
        "phone": "119",
        "ro": {
            "organisation": "119 – numărul unic pentru semnalarea cazurilor de violență "
            "asupra copilului",
            "helps_with": "Pentru a semnala o suspiciune de abuz, neglijare, exploatare sau "
            "orice altă formă de violență asupra unui copil. Gratuit din orice rețea, 24 de ore "
            "din 24. Răspund consilierii DGASPC, care trimit echipe mobile și alertează 112 "
            "când poliția sau ambulanța trebuie să intervină imediat.",
        },
        "en": {
            "organisation": "119 – single number for reporting violence against a child",
            "helps_with": "To report a suspicion of abuse, neglect, exploitation or any other "
            "form of violence against a child. Free from any network, 24 hours a day. Answered "
            "by DGASPC counsellors, who send mobile teams and alert 112 when the police or an "
            "ambulance must act at once.",
        },
    },
    {
        "sort_order": 3,
        "kind": ReferralKind.ANTI_TRAFFICKING,
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

# What the county entries say, without a phone number (the learner is told to use 119 or 112
# until the coordinator has entered and verified one).
COUNTY_CONTACTS = {
    ReferralKind.CHILD_PROTECTION: {
        "sort_order": 10,
        "ro": {
            "organisation": "Direcția Generală de Asistență Socială și Protecția Copilului "
            "(DGASPC) {county}",
            "helps_with": "Autoritatea de protecție a copilului din județ: evaluează copilul, "
            "ia măsuri de protecție de urgență și gestionează cazul. Sesizările prin 119 ajung "
            "la consilierii ei.",
        },
        "en": {
            "organisation": "General Directorate for Social Assistance and Child Protection "
            "(DGASPC) {county}",
            "helps_with": "The county's child-protection authority: assesses the child, takes "
            "emergency protection measures and manages the case. Reports made through 119 "
            "reach its counsellors.",
        },
    },
    ReferralKind.POLICE: {
        "sort_order": 11,
        "ro": {
            "organisation": "Inspectoratul de Poliție Județean {county}",
            "helps_with": "Poliția județului. Când un copil este în pericol imediat, sunați "
            "la 112.",
        },
        "en": {
            "organisation": "{county} County Police Inspectorate",
            "helps_with": "The county's police. When a child is in immediate danger, call 112.",
        },
    },
}
# Bucharest has a DGASPC per sector and a General Directorate of Police instead of an IPJ.
BUCHAREST_CONTACTS = {
    ReferralKind.CHILD_PROTECTION: {
        "ro": "DGASPC-urile sectoarelor municipiului București",
        "en": "The DGASPCs of Bucharest's sectors",
    },
    ReferralKind.POLICE: {
        "ro": "Direcția Generală de Poliție a Municipiului București (DGPMB)",
        "en": "Bucharest Municipal Police General Directorate (DGPMB)",
    },
}


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


def _referral_entry(locales, *, county: str, kind: str, fields: dict) -> None:
    """One entry in Romanian and its English translation, created once (idempotent: an entry
    of that county and kind, edited since by its coordinator, is left as it is)."""
    shared = {name: fields[name] for name in ("sort_order", "phone") if name in fields}
    shared.update(last_verified_on=fields.get("last_verified_on"))
    ro = ReferralContact.objects.filter(locale=locales["ro"], county=county, kind=kind).first()
    if ro is None:
        ro = ReferralContact.objects.create(
            locale=locales["ro"], county=county, kind=kind, **shared, **fields["ro"]
        )
    if ro.get_translation_or_none(locales["en"]) is None:
        en = ro.copy_for_translation(locales["en"])
        for name, value in fields["en"].items():
            setattr(en, name, value)
        en.save()


def seed_referral_contacts() -> None:
    locales = _locales()
    for data in CONTACTS:
        _referral_entry(
            locales,
            county="",
            kind=data["kind"],
            fields={**data, "last_verified_on": REFERENCE_CHECKED_ON},
        )
    for county in County:
        for kind, texts in COUNTY_CONTACTS.items():
            fields = {"sort_order": texts["sort_order"]}
            for language in ("ro", "en"):
                name = str(county.label) if county != County.B else "București"
                if language == "en" and county == County.B:
                    name = "Bucharest"
                fields[language] = {
                    "organisation": texts[language]["organisation"].format(county=name),
                    "helps_with": texts[language]["helps_with"],
                }
                if county == County.B:
                    fields[language]["organisation"] = BUCHAREST_CONTACTS[kind][language]
            _referral_entry(locales, county=county.value, kind=kind, fields=fields)


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


@indexing_once
def seed_courses() -> list[CoursePage]:
    index = seed_catalogue()
    seed_referral_contacts()
    return [seed_course(data, index) for data in load_course_data()]


# The demo learner whose certificate is about to expire (elearning.demo.DEMO_LEARNERS), and her
# runs: (course key, kind, days before today it was completed). A completion date of None for
# the police course means "one validity period ago, 20 days from now": her certificate
# (certificates.demo.seed_demo_run_certificates) then expires in 20 days, inside the renewal
# window, whenever the demo is seeded. The social workers' course allows retakes: she has taken
# it twice, so "My learning" shows an earlier run and offers a retake. The retake was completed
# 28 days ago: its 30-day retention check falls due in two days, so
# `manage.py send_retention_checks --days-ahead 2` sends it to her (README).
RENEWAL_LEARNER = "reinnoire@demo.local"
RENEWAL_DAYS_LEFT = 20
RETENTION_DEMO_DAYS_AGO = 28
DEMO_RUNS = [
    ("police", RunKind.FIRST, None),
    ("social_workers", RunKind.FIRST, 420),
    ("social_workers", RunKind.RETAKE, RETENTION_DEMO_DAYS_AGO),
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
