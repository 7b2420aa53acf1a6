"""Certificates: issued once, PDF content and QR, safe rendering, access, verification."""

import re
import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from certificates import services
from certificates.codes import grouped, normalise
from certificates.models import Certificate, CertificateEvent, CertificateStatus
from certificates.rendering import ProjectFilesFetcher
from courses import services as course_services

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def complete(learner, course, capture):
    with capture(execute=True):
        for lesson in lessons_of(course):
            course_services.step_complete(learner=learner, course=course, step=lesson)
    return Certificate.objects.get(learner=learner, course_key=course.translation_key)


def pdf_text(certificate) -> str:
    return subprocess.run(
        ["pdftotext", certificate.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def learner(demo_site, media_root):
    return UserFactory(full_name="Ana-Maria Ștefănescu-Țurcanu", preferred_language="ro")


def test_completing_a_course_issues_one_certificate_and_mails_the_learner(
    learner, django_capture_on_commit_callbacks
):
    course = make_course(lessons=2)
    certificate = complete(learner, course, django_capture_on_commit_callbacks)
    assert certificate.status == CertificateStatus.READY
    text = pdf_text(certificate)
    assert "Ana-Maria Ștefănescu-Țurcanu" in text
    assert certificate.grouped_code in text
    assert certificate.course_title_ro == course.title and certificate.course_title_en.endswith(
        "(EN)"
    )
    assert any("certificat" in m.subject.lower() for m in mail.outbox)
    # Idempotent: issuing again changes nothing and makes no second file.
    assert services.certificate_issue(certificate_id=certificate.pk) is None
    assert CertificateEvent.objects.filter(certificate=certificate, kind="issued").count() == 1
    folder = Path(certificate.pdf.path).parent
    assert [p.name for p in folder.glob("*.pdf")] == [f"{certificate.pk}.pdf"]
    # The project's fonts, embedded (they are loaded once per thread, not from the document).
    fonts = subprocess.run(
        ["pdffonts", certificate.pdf.path], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all("+Noto-Sans" in line and " yes " in line for line in fonts), fonts


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools is installed by make test")
def test_qr_code_decodes_to_the_verification_url(
    learner, django_capture_on_commit_callbacks, tmp_path
):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", certificate.pdf.path, str(tmp_path / "page")], check=True
    )
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True
    )
    assert decoded.stdout.strip() == f"http://testserver/verify/{certificate.grouped_code}/"


def test_what_a_learner_typed_prints_as_text(learner, django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    # Names are validated at registration; the renderer must not rely on it.
    type(learner).objects.filter(pk=learner.pk).update(full_name='<img src="file:///etc/passwd">')
    certificate = complete(learner, course, django_capture_on_commit_callbacks)
    text = pdf_text(certificate)
    assert '<img src="file:///etc/passwd">' in text
    assert "root:" not in text


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/x.css",
        "file:///etc/passwd",
        "file:///etc/../etc/hostname",
        "ftp://example.org/x",
    ],
)
def test_renderer_fetches_nothing_outside_the_project(url):
    with pytest.raises(ValueError):
        ProjectFilesFetcher().fetch(url)


def test_codes_have_80_bits_and_forgive_case_and_dashes():
    certificate = Certificate(code="7KQ2M9XD4T1P8ZRW")
    assert len(certificate.code) == 16  # 16 symbols of 32 = 80 bits
    assert grouped(certificate.code) == "7KQ2-M9XD-4T1P-8ZRW"
    assert normalise("7kq2-m9xd 4t1p-8zrw") == "7KQ2M9XD4T1P8ZRW"
    assert normalise("7KQ2-M9XD-4T1P-8ZRO") == "7KQ2M9XD4T1P8ZR0"  # O read as zero
    assert normalise("too-short") is None and normalise("<script>") is None


def test_dashboard_shows_being_prepared_then_the_download_link(client, learner):
    course = make_course(lessons=1)
    course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    certificate = services.certificate_request(
        learner_id=learner.pk, course_key=course.translation_key, completed_at=timezone.now()
    )
    client.force_login(learner)
    with translation.override("ro"):
        dashboard = reverse("courses:my_learning")
    assert "Certificatul este în curs de pregătire" in client.get(dashboard).content.decode()
    services.certificate_issue(certificate_id=certificate.pk)
    html = client.get(dashboard).content.decode()
    assert reverse("certificates:download", args=[certificate.pk]) in html


def test_download_is_the_learners_own_and_404_for_everyone_else(
    client, learner, django_capture_on_commit_callbacks
):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    url = reverse("certificates:download", args=[certificate.pk])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # another learner
    assert client.get(reverse("certificates:download", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/certificates/not-a-uuid/pdf/", follow=True).status_code == 404
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_verification_page_states(client, learner, django_capture_on_commit_callbacks):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    url = reverse("certificates:verify", args=[certificate.grouped_code])
    html = client.get(url).content.decode()
    assert "Acest certificat este valid." in html and "Ana-Maria Ștefănescu-Țurcanu" in html
    assert learner.email not in html  # the name, course, date and issuer, nothing more
    english = client.get(url + "?lang=en").content.decode()
    assert "This certificate is valid." in english and '<html lang="en">' in english
    assert client.get(f"/verify/{certificate.code.lower()}/").status_code == 200

    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert "a expirat" in client.get(url).content.decode()

    services.certificate_revoke(
        certificate=Certificate.objects.get(pk=certificate.pk), by=None, reason="Eroare"
    )
    assert "a fost revocat" in client.get(url).content.decode()


@pytest.mark.parametrize("code", ["AAAA-BBBB-CCCC-DDDD", "nonsense", "x" * 300, "%3Cscript%3E"])
def test_unknown_codes_are_404_in_both_languages(client, demo_site, code):
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    assert "Certificatul nu a fost găsit" in response.content.decode()
    english = client.get(f"/verify/{code}/?lang=en")
    assert english.status_code == 404 and "Certificate not found" in english.content.decode()


def test_verify_form_accepts_a_typed_code(client, learner, django_capture_on_commit_callbacks):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    typed = certificate.code.lower()[:8] + " " + certificate.code.lower()[8:]
    response = client.get(reverse("certificates:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.grouped_code}/"
    bad = client.get(reverse("certificates:verify_form"), {"code": "123"})
    assert bad.status_code == 400 and "16 litere și cifre" in bad.content.decode()


def test_verification_is_rate_limited(client, demo_site, monkeypatch):
    from accounts.throttling import Limit
    from certificates import views

    monkeypatch.setattr(views, "VERIFY_LIMIT", Limit("verify-ip", 3, 60))
    for _ in range(3):
        client.get("/verify/AAAA-BBBB-CCCC-DDDD/")
    assert client.get("/verify/AAAA-BBBB-CCCC-DDDD/").status_code == 429


def test_reissue_keeps_the_code_and_uses_the_corrected_name(
    learner, django_capture_on_commit_callbacks
):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    learner.full_name = "Ana-Maria Popescu"
    learner.save()
    reissued = services.certificate_reissue(certificate=certificate)
    assert reissued.code == certificate.code
    assert "Ana-Maria Popescu" in pdf_text(reissued)
    kinds = list(reissued.events.values_list("kind", flat=True))
    assert kinds == ["issued", "reissued"]


def test_no_certificate_for_a_course_that_issues_none(learner, django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    course.issues_certificate = False
    course.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    assert not Certificate.objects.exists()


def test_admin_revokes_reissues_and_retries(client, learner, django_capture_on_commit_callbacks):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    listing = client.get(reverse("wagtailsnippets_certificates_certificate:list"))
    assert listing.status_code == 200 and certificate.learner_name in listing.content.decode()
    revoke = reverse("certificate_revoke", args=[certificate.pk])
    assert client.get(revoke).status_code == 200
    assert client.post(revoke, {"reason": ""}).status_code == 400  # a reason is required
    assert client.post(revoke, {"reason": "Date greșite"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == admin
    assert certificate.revocation_reason == "Date greșite"

    assert client.post(reverse("certificate_reissue", args=[certificate.pk])).status_code == 302
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificate_retry", args=[certificate.pk]))
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
    assert list(certificate.events.values_list("kind", flat=True)) == [
        "issued",
        "revoked",
        "reissued",
        "issued",
    ]


def test_learners_cannot_use_the_admin_actions(client, learner, django_capture_on_commit_callbacks):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    client.force_login(learner)
    response = client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_bulk_command_issues_missing_certificates(learner, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    course = make_course(slug="bulk", lessons=1)
    others = UserFactory.create_batch(3)
    for person in [learner, *others]:
        course_services.step_complete(learner=person, course=course, step=lessons_of(course)[0])
    output = StringIO()
    call_command("issue_certificates", "bulk", stdout=output)
    assert (
        Certificate.objects.filter(course_key=course.translation_key, status="ready").count() == 4
    )
    assert "4/4" in output.getvalue()


def test_admin_cannot_edit_what_the_certificate_says(
    client, learner, django_capture_on_commit_callbacks
):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    edit = reverse("wagtailsnippets_certificates_certificate:edit", args=[certificate.pk])
    page = client.get(edit)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ana-Maria Ștefănescu-Țurcanu" in html  # shown...
    assert 'name="learner_name"' not in html  # ...but not as a field
    forged = {
        "code": "AAAABBBBCCCCDDDD",
        "learner_name": "Altcineva",
        "learner_role": "judge",
        "institution_name": "Alta",
        "county": "CJ",
        "course_title_ro": "Alt curs",
        "course_title_en": "Other course",
        "hours": "99.0",
        "completed_at": "2020-01-01 10:00",
        "issued_at": "2020-01-01 10:00",
        "expires_at": "2099-01-01 10:00",
        "status": "failed",
        "revocation_reason": "x",
    }
    client.post(edit, forged)
    after = Certificate.objects.get(pk=certificate.pk)
    for field in forged:
        assert getattr(after, field) == getattr(certificate, field), field
    # Certificates come from completed courses only: no "add" in the admin, even for a superuser.
    add = client.get(reverse("wagtailsnippets_certificates_certificate:add"))
    assert add.status_code in (302, 403)
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_nobody_deletes_a_certificate_in_the_admin(
    client, learner, django_capture_on_commit_callbacks, who
):
    """The register is permanent: revoking is the way to withdraw a certificate."""
    from django.contrib.auth.models import Group, Permission

    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    if who == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = UserFactory()
        group = Group.objects.create(name="Certificate managers")
        group.permissions.set(
            Permission.objects.filter(
                codename__in=["access_admin", "change_certificate", "delete_certificate"]
            )
        )
        user.groups.add(group)
    client.force_login(user)
    delete = reverse("wagtailsnippets_certificates_certificate:delete", args=[certificate.pk])
    bulk_delete = (
        reverse("wagtail_bulk_action", args=["certificates", "certificate", "delete"])
        + f"?id={certificate.pk}"
    )
    listing = client.get(reverse("wagtailsnippets_certificates_certificate:list"))
    edit = client.get(
        reverse("wagtailsnippets_certificates_certificate:edit", args=[certificate.pk])
    )
    assert listing.status_code == 200 and edit.status_code == 200
    for page in (listing, edit):
        html = page.content.decode()
        assert delete not in html and "/bulk/certificates/certificate/delete/" not in html
    assert reverse("certificate_revoke", args=[certificate.pk]) in listing.content.decode()
    assert client.get(delete).status_code in (302, 403)
    assert client.post(delete).status_code in (302, 403)
    client.post(bulk_delete)
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_rendering_reads_both_designs_in_one_query(
    learner, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from wagtail.models import Locale

    from certificates.models import CertificateDesign
    from certificates.rendering import render_certificate_pdf

    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    for language in ("ro", "en"):
        CertificateDesign.objects.create(
            locale=Locale.objects.get(language_code=language), issuers=f"Emitent {language}"
        )
    with django_assert_num_queries(1):
        pdf = render_certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF")


def transparent_png(name: str, colour: str):
    """A Wagtail image: a transparent PNG with a coloured mark, as trainers upload logos."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from PIL import ImageDraw
    from wagtail.images.models import Image

    picture = PillowImage.new("RGBA", (900, 300), (255, 255, 255, 0))
    ImageDraw.Draw(picture).ellipse((20, 20, 880, 280), outline=colour, width=12)
    data = io.BytesIO()
    picture.save(data, "PNG")
    return Image.objects.create(title=name, file=ImageFile(data, name=f"{name}.png"))


def embedded_images(pdf: bytes, tmp_path) -> list[list[str]]:
    """`pdfimages -list`: one row per image (type, size, colour, encoding...)."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [line.split() for line in listing.splitlines()[2:]]


def test_the_designs_images_are_printed_as_jpeg_and_follow_a_new_upload(
    learner, django_capture_on_commit_callbacks, tmp_path, django_assert_num_queries
):
    # WeasyPrint re-encodes a PNG (twice with transparency) for every PDF; a JPEG it embeds as
    # it is. The certificate is white, so the transparent parts print white either way.
    from wagtail.models import Locale

    from certificates.models import CertificateDesign
    from certificates.rendering import render_certificate_pdf

    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    design = CertificateDesign.objects.create(
        locale=Locale.objects.get(language_code="ro"),
        issuers="Emitent",
        logo=transparent_png("logo", "navy"),
        signatory_name="Maria Ionescu",
        signature=transparent_png("semnatura", "black"),
        second_signatory_name="Ion Popa",
        second_signature=transparent_png("semnatura-2", "black"),
    )
    images = embedded_images(render_certificate_pdf(certificate), tmp_path)
    assert [(row[2], row[5], row[8]) for row in images] == [("image", "rgb", "jpeg")] * 3
    # Later certificates find the renditions without asking the database for them.
    with django_assert_num_queries(1):  # the designs
        render_certificate_pdf(certificate)

    assert logo_colour(render_certificate_pdf(certificate), tmp_path) == "blue"

    # A trainer uploads another logo: the next certificate prints it.
    design.logo = transparent_png("logo-nou", "darkred")
    design.save()
    assert logo_colour(render_certificate_pdf(certificate), tmp_path) == "red"


def logo_colour(pdf: bytes, tmp_path) -> str:
    """Whether the first image printed (the logo) is drawn in blue or in red."""
    from PIL import Image as PillowImage

    path = tmp_path / "logo-check.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdfimages", "-f", "1", "-png", str(path), str(tmp_path / "img")], check=True)
    logo = PillowImage.open(tmp_path / "img-000.png").convert("RGB")
    darkest = min(logo.get_flattened_data(), key=sum)
    return "blue" if darkest[2] > darkest[0] else "red"


@pytest.mark.parametrize("renewal", [False, True])
def test_the_longest_texts_fit_on_one_page_above_the_footer(demo_site, tmp_path, renewal):
    """Every field at its maximum length: one page, and the last line of the text (the dates;
    on a renewal, the line of its first certification and renewal under them) ends above the
    QR code, the tallest block of the footer."""
    from decimal import Decimal

    from certificates.rendering import render_certificate_pdf

    def longest(field, words):
        size = Certificate._meta.get_field(field).max_length
        return (" ".join([words] * size))[:size]

    certificate = Certificate(
        code="7KQ2M9XD4T1P8ZRW",
        learner_name=longest("learner_name", "Ștefănescu-Țurcanu Îngerașu"),
        learner_role="social_worker",
        institution_name=longest("institution_name", "Direcția Generală de Asistență Socială"),
        course_title_ro=longest("course_title_ro", "Identificarea copiilor victime ale traficului"),
        course_title_en=longest("course_title_en", "Identifying child victims of trafficking"),
        hours=Decimal("2.5"),
        completed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=730),
        first_certified_at=timezone.now() - timedelta(days=700) if renewal else None,
    )
    path = tmp_path / "longest.pdf"
    path.write_bytes(render_certificate_pdf(certificate))
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    boxes = subprocess.run(
        ["pdftotext", "-bbox", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    words = {}  # the last occurrence of each word: (top, bottom) in points
    for match in re.finditer(
        r'<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)">([^<]+)<', boxes
    ):
        words[match[3]] = (float(match[1]), float(match[2]))
    qr_height = 26 / 25.4 * 72
    dates_bottom = words["until"][1]
    if renewal:
        assert words["renewed"][1] > dates_bottom  # the renewal line, under the dates
        dates_bottom = words["renewed"][1]
    verification_top = words["Cod"][0]
    assert dates_bottom < verification_top - qr_height, (dates_bottom, verification_top)
