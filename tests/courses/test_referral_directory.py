"""The referral directory (issue 18, point 6): seeded per county without invented phone
numbers, dated by its last verification, shown to learners with their county first."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from accounts.models import County
from courses import demo, services
from courses.models import LessonPage, ReferralContact, ReferralKind
from courses.models.snippets import VERIFICATION_VALID_FOR

from ..elearning.factories import UserFactory
from .factories import lesson_queries, make_course, publish

pytestmark = pytest.mark.django_db

COUNTIES = len(County)  # the 41 counties and Bucharest


def test_the_directory_is_seeded_once_per_county_in_both_languages(demo_site):
    demo.seed_referral_contacts()
    demo.seed_referral_contacts()  # idempotent
    for language in ("ro", "en"):
        entries = ReferralContact.objects.filter(locale__language_code=language)
        assert entries.filter(county="").count() == 3  # 112, 119, ANITP
        for kind in (ReferralKind.CHILD_PROTECTION, ReferralKind.POLICE):
            assert entries.filter(kind=kind).exclude(county="").count() == COUNTIES
    assert COUNTIES == 42
    # No invented numbers: the county entries have none; the national ones are the note's.
    assert not ReferralContact.objects.exclude(county="").exclude(phone="").exists()
    assert set(ReferralContact.objects.filter(county="").values_list("phone", flat=True)) == {
        "112",
        "119",
        "0800 800 678",
    }
    # Each Romanian entry has its English translation (same key, same county and kind).
    ro = ReferralContact.objects.filter(locale__language_code="ro")
    en = {c.translation_key: c for c in ReferralContact.objects.filter(locale__language_code="en")}
    for entry in ro:
        assert (en[entry.translation_key].county, en[entry.translation_key].kind) == (
            entry.county,
            entry.kind,
        )
    bucharest = ro.get(county=County.B, kind=ReferralKind.POLICE)
    assert "DGPMB" in bucharest.organisation
    cluj = en[ro.get(county=County.CJ, kind=ReferralKind.CHILD_PROTECTION).translation_key]
    assert cluj.organisation.endswith("(DGASPC) Cluj")
    for entry in ReferralContact.objects.all():
        assert "ş" not in entry.organisation + entry.helps_with
        assert "ţ" not in entry.organisation + entry.helps_with


def test_an_entry_is_stale_when_never_verified_or_verified_over_six_months_ago():
    today = timezone.localdate()
    assert ReferralContact(last_verified_on=None).is_stale
    assert ReferralContact(last_verified_on=today - VERIFICATION_VALID_FOR).is_stale is False
    assert ReferralContact(
        last_verified_on=today - VERIFICATION_VALID_FOR - datetime.timedelta(days=1)
    ).is_stale
    assert ReferralContact(last_verified_on=today).is_stale is False


def test_marking_verified_dates_the_entry_in_every_language(demo_site):
    demo.seed_referral_contacts()
    coordinator = UserFactory(email="coord.cj@example.org")
    entry = ReferralContact.objects.get(
        locale__language_code="ro", county=County.CJ, kind=ReferralKind.POLICE
    )
    services.referral_contact_verify(contact=entry, user=coordinator)
    both = ReferralContact.objects.filter(translation_key=entry.translation_key)
    assert both.count() == 2
    assert {(c.last_verified_on, c.verified_by_id) for c in both} == {
        (timezone.localdate(), coordinator.pk)
    }


def _directory_lesson(course, *, others=False):
    lesson = LessonPage.objects.child_of(course).first().specific
    lesson.body = [
        (
            "referral_contacts",
            {"heading": "Cui vă adresați", "contacts": [], "show_other_counties": others},
        )
    ]
    publish(lesson)
    return lesson


def _headings(html: str) -> list[str]:
    import re

    return re.findall(r"<h3>(.*?)</h3>", html)


def test_learners_see_their_county_first_then_the_national_entries(client, demo_site):
    demo.seed_referral_contacts()
    course = make_course(translate=False)
    lesson = _directory_lesson(course)
    client.force_login(UserFactory(county=County.CJ))
    html = client.get(lesson.url).content.decode()
    names = _headings(html)
    assert names[:2] == [
        "Direcția Generală de Asistență Socială și Protecția Copilului (DGASPC) Cluj",
        "Inspectoratul de Poliție Județean Cluj",
    ]
    assert names[2].startswith("Numărul unic")  # then 112, 119, ANITP
    assert len(names) == 5
    assert not any("Iași" in name for name in names)
    # The seeded county entries were never verified: learners are told, and told whom to call.
    assert "Neverificat încă" in html
    assert "Poate fi depășit" in html
    assert "sunați la 119" in html
    # 112 carries the date the reference note was checked.
    assert "Verificat ultima dată la" in html


def test_the_block_may_list_the_other_counties_after_the_learners_and_national(client, demo_site):
    demo.seed_referral_contacts()
    course = make_course(translate=False)
    lesson = _directory_lesson(course, others=True)
    client.force_login(UserFactory(county=County.IS))
    names = _headings(client.get(lesson.url).content.decode())
    assert len(names) == 3 + 2 * COUNTIES
    assert all("Iași" in name for name in names[:2])
    assert names[2].startswith("Numărul unic")
    assert "Iași" not in " ".join(names[5:])


def test_a_verified_entry_shows_its_date_and_no_warning(client, demo_site):
    demo.seed_referral_contacts()
    course = make_course(translate=False)
    lesson = _directory_lesson(course)
    learner = UserFactory(county=County.CJ, preferred_language="en")
    entry = ReferralContact.objects.get(
        locale__language_code="ro", county=County.CJ, kind=ReferralKind.POLICE
    )
    ReferralContact.objects.filter(translation_key=entry.translation_key).update(
        phone="0264 000 000", last_verified_on=datetime.date(2026, 11, 30)
    )
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    card = html.split("Inspectoratul de Poliție Județean Cluj", 1)[1].split("</li>", 1)[0]
    assert 'href="tel:0264000000"' in card
    assert "Poate fi depășit" not in card
    assert "Verificat ultima dată la" in card


def test_the_lesson_page_queries_do_not_grow_with_the_directory(client, demo_site):
    course = make_course(translate=False)
    lesson = _directory_lesson(course, others=True)
    client.force_login(UserFactory(county=County.CJ))
    counts = []
    for seeded in (False, True):
        if seeded:
            demo.seed_referral_contacts()
        lesson_queries(client, lesson)
        # A cold view each time (the body fragment is rendered again), after a warm one.
        for cache in caches.all():
            cache.clear()
        counts.append(len(lesson_queries(client, lesson)))
    assert counts[0] == counts[1], counts
    assert ReferralContact.objects.count() > 100
