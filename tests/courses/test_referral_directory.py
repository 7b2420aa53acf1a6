"""The referral directory (issue 18, point 6): seeded per county without invented phone
numbers, dated by its last verification, shown to learners with their county first."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone
from wagtail.models import Locale

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


# The admin: who maintains which entries ---------------------------------------------------


def _coordinator(email, level, **where):
    from django.apps import apps
    from django.contrib.auth.models import Group

    from reports.apps import COORDINATORS_GROUP, ensure_coordinators_group
    from reports.models import CoordinatorScope

    ensure_coordinators_group(apps.get_app_config("reports"))
    user = UserFactory(email=email)
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    CoordinatorScope.objects.create(user=user, level=level, **where)
    return user


def _entry(county, kind=ReferralKind.CHILD_PROTECTION):
    return ReferralContact.objects.get(locale__language_code="ro", county=county, kind=kind)


def _url(view, entry=None):
    from django.urls import reverse

    name = f"wagtailsnippets_courses_referralcontact:{view}"
    return reverse(name, args=[entry.pk]) if entry else reverse(name)


@pytest.fixture
def cluj(demo_site):
    from reports.models import ScopeLevel

    demo.seed_referral_contacts()
    return _coordinator("coord.cj@example.org", ScopeLevel.COUNTY, county=County.CJ)


def test_a_cluj_coordinator_maintains_only_cluj(client, cluj):
    client.force_login(cluj)
    listing = client.get(_url("list") + "?locale=ro").content.decode()
    assert "Județean Cluj" in listing
    assert "Județean Iași" not in listing
    assert "Numărul unic" not in listing  # national: the trainers'
    iasi, own = _entry(County.IS), _entry(County.CJ)
    for view in ("edit", "delete", "inspect", "usage", "history"):
        assert client.get(_url(view, iasi)).status_code == 404, view
        assert client.get(_url(view, own)).status_code == 200, view
    # Editing Iași's entry by POST changes nothing.
    response = client.post(_url("edit", iasi), {"organisation": "Schimbat", "kind": "police"})
    assert response.status_code == 404
    assert _entry(County.IS).organisation != "Schimbat"
    assert client.post(_url("delete", iasi)).status_code == 404
    assert ReferralContact.objects.filter(pk=iasi.pk).exists()


def test_a_cluj_coordinator_edits_and_verifies_a_cluj_entry(client, cluj):
    from django.urls import reverse

    client.force_login(cluj)
    own = _entry(County.CJ, ReferralKind.POLICE)
    data = {
        "organisation": own.organisation,
        "helps_with": own.helps_with,
        "kind": own.kind,
        "county": County.CJ,
        "phone": "0264 000 000",
        "email": "",
        "website": "",
        "notes": "",
        "sort_order": own.sort_order,
    }
    assert client.post(_url("edit", own), data).status_code == 302
    assert _entry(County.CJ, ReferralKind.POLICE).phone == "0264 000 000"
    # Moving it to Iași is refused with a message.
    response = client.post(_url("edit", own), {**data, "county": County.IS})
    assert response.status_code == 200
    assert _entry(County.CJ, ReferralKind.POLICE).county == County.CJ
    verify = reverse("referral_contact_verify", args=[own.pk])
    assert client.get(verify).status_code == 200
    assert client.post(verify).status_code == 302
    for entry in ReferralContact.objects.filter(translation_key=own.translation_key):
        assert (entry.last_verified_on, entry.verified_by_id) == (timezone.localdate(), cluj.pk)
    iasi = _entry(County.IS)
    assert client.post(reverse("referral_contact_verify", args=[iasi.pk])).status_code == 404
    assert _entry(County.IS).last_verified_on is None


def test_choosers_follow_the_scope_for_those_who_write_no_lessons(client, cluj):
    from django.urls import reverse

    client.force_login(cluj)
    chooser = "wagtailsnippetchoosers_courses_referralcontact"
    iasi, own = _entry(County.IS), _entry(County.CJ)
    assert client.get(reverse(f"{chooser}:chosen", args=[iasi.pk])).status_code == 404
    assert client.get(reverse(f"{chooser}:chosen", args=[own.pk])).status_code == 200
    listing = client.get(reverse(f"{chooser}:choose_results") + "?q=Iași").content.decode()
    assert "Iași" not in listing
    multiple = client.get(reverse(f"{chooser}:chosen_multiple") + f"?id={iasi.pk}")
    assert "Iași" not in multiple.content.decode()


def test_trainers_keep_the_national_entries_and_administrators_all(client, cluj):
    from django.apps import apps
    from django.contrib.auth.models import Group

    from courses.apps import ensure_trainer_permissions

    ensure_trainer_permissions(apps.get_app_config("courses"))
    trainer = UserFactory(email="formator@example.org")
    trainer.groups.add(Group.objects.get(name="Editors"))
    client.force_login(trainer)
    national = ReferralContact.objects.get(locale__language_code="ro", phone="119")
    assert client.get(_url("edit", national)).status_code == 200
    assert client.get(_url("edit", _entry(County.CJ))).status_code == 404
    admin = UserFactory(email="admin@example.org", is_superuser=True)
    client.force_login(admin)
    assert client.get(_url("edit", _entry(County.IS))).status_code == 200


def test_an_institution_coordinator_maintains_nothing(client, demo_site):
    from accounts.models import Institution
    from reports.models import ScopeLevel

    demo.seed_referral_contacts()
    institution = Institution.objects.first()
    user = _coordinator("coord.inst@example.org", ScopeLevel.INSTITUTION, institution=institution)
    client.force_login(user)
    assert client.get(_url("edit", _entry(County.CJ))).status_code == 404
    assert client.get(_url("list")).status_code == 302  # Wagtail's "permission denied"


def test_a_second_entry_of_the_same_county_and_kind_is_refused(client, cluj):
    client.force_login(cluj)
    count = ReferralContact.objects.count()
    data = {"organisation": "Alt DGASPC", "kind": ReferralKind.CHILD_PROTECTION}
    response = client.post(_url("add") + "?locale=ro", {**data, "county": County.CJ})
    assert response.status_code == 200
    assert "already has an entry of this kind" in response.content.decode() or (
        "are deja" in response.content.decode()
    )
    assert ReferralContact.objects.count() == count


def test_who_verified_is_in_the_data_download_and_erased_with_the_account(cluj):
    from accounts import personal_data

    services.referral_contact_verify(contact=_entry(County.CJ), user=cluj)
    assert personal_data.EXPORTERS["referral_directory_verifications"](cluj)[0]["county"] == "CJ"
    for eraser in personal_data.ERASERS:
        eraser(cluj)
    assert not ReferralContact.objects.filter(verified_by=cluj).exists()
    assert _entry(County.CJ).last_verified_on == timezone.localdate()


# CSV export and import ---------------------------------------------------------------------

HEADER = (
    "county,kind,name_ro,name_en,helps_with_ro,helps_with_en,phone,email,website,notes,"
    "last_verified_on\n"
)
GOOD_ROW = (
    "CJ,police,Inspectoratul de Poliție Județean Cluj,Cluj County Police Inspectorate,,,"
    "'+40 264 000 000,,https://cj.politiaromana.example,verificat telefonic,2026-12-01\n"
)


def _upload(client, content: bytes, name="director.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("referral_directory_import"), {"file": SimpleUploadedFile(name, content)}
    )


def _snapshot():
    return list(ReferralContact.objects.order_by("pk").values())


def test_the_export_lists_the_coordinators_entries_in_both_languages(client, cluj):
    import csv
    import io

    from django.urls import reverse

    client.force_login(cluj)
    response = client.get(reverse("referral_directory_export"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["county", "kind", "name_ro", "name_en"]
    assert {row[0] for row in rows[1:]} == {"CJ"}
    assert len(rows) == 3
    assert any(row[3] == "Cluj County Police Inspectorate" for row in rows)


def test_a_good_file_upserts_by_county_and_kind_in_both_languages(client, cluj):
    client.force_login(cluj)
    count = ReferralContact.objects.count()
    response = _upload(client, (HEADER + GOOD_ROW).encode())
    assert response.status_code == 302
    assert ReferralContact.objects.count() == count  # updated, not added
    entry = _entry(County.CJ, ReferralKind.POLICE)
    english = entry.get_translation(Locale.objects.get(language_code="en"))
    assert entry.phone == english.phone == "+40 264 000 000"  # the apostrophe taken off
    assert english.organisation == "Cluj County Police Inspectorate"
    assert (entry.last_verified_on, entry.verified_by_id) == (datetime.date(2026, 12, 1), cluj.pk)
    # The export says it again, behind the apostrophe that keeps a spreadsheet from computing.
    from django.urls import reverse

    exported = client.get(reverse("referral_directory_export")).content.decode("utf-8-sig")
    assert "'+40 264 000 000" in exported
    assert _upload(client, exported.encode()).status_code == 302  # a round trip


BAD_FILES = {
    "unknown county": HEADER + GOOD_ROW.replace("CJ,", "XX,", 1),
    "county out of scope": HEADER + GOOD_ROW.replace("CJ,", "IS,", 1),
    "bad date": HEADER + GOOD_ROW.replace("2026-12-01", "31.12.2026"),
    "too long": HEADER + GOOD_ROW.replace("verificat telefonic", "x" * 2001),
    "formula": HEADER + GOOD_ROW.replace("verificat telefonic", "=HYPERLINK(1)"),
    "unknown kind": HEADER + GOOD_ROW.replace(",police,", ",pompieri,"),
    "missing columns": HEADER.replace(",notes", "") + GOOD_ROW,
    "duplicate row": HEADER + GOOD_ROW + GOOD_ROW,
    "national by a county coordinator": HEADER + GOOD_ROW.replace("CJ,", ",", 1),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_file_with_a_bad_row_changes_nothing(client, cluj, case):
    client.force_login(cluj)
    # A good row first: it is not written either.
    content = BAD_FILES[case]
    if case not in ("missing columns", "duplicate row"):
        content = content.replace(
            HEADER, HEADER + GOOD_ROW.replace(",police,", ",child_protection,")
        )
    before = _snapshot()
    response = _upload(client, content.encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nu s-a importat nimic" in html
    assert _snapshot() == before


def test_a_file_not_in_utf8_or_too_big_is_refused(client, cluj):
    client.force_login(cluj)
    before = _snapshot()
    response = _upload(client, (HEADER + GOOD_ROW).encode("utf-16"))
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    response = _upload(client, (HEADER + GOOD_ROW * 20000).encode())
    assert response.status_code == 400
    assert "1 MB" in response.content.decode()
    response = _upload(client, b"")
    assert response.status_code == 400
    assert _snapshot() == before


# The weekly reminder -----------------------------------------------------------------------


def test_each_county_coordinator_is_sent_their_stale_entries_once_a_week(cluj, mailoutbox):
    from reports.models import ScopeLevel
    from reports.tasks import remind_stale_directory_entries

    iasi = _coordinator("coord.is@example.org", ScopeLevel.COUNTY, county=County.IS)
    services.referral_contact_verify(contact=_entry(County.IS), user=iasi)
    services.referral_contact_verify(contact=_entry(County.IS, ReferralKind.POLICE), user=iasi)
    assert remind_stale_directory_entries() == 1  # Iași has nothing stale
    assert remind_stale_directory_entries() == 0  # claimed for this week
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [cluj.email]
    assert "Inspectoratul de Poliție Județean Cluj" in message.body
    assert "Iași" not in message.body
    assert "Neverificat încă" in message.body
    assert "2 contacte" in message.subject


def test_the_listing_links_to_the_csv_page(client, cluj):
    from django.urls import reverse

    client.force_login(cluj)
    listing = client.get(_url("list")).content.decode()
    assert reverse("referral_directory_import") in listing
    assert reverse("referral_contact_verify", args=[_entry(County.CJ).pk]) in listing
