"""Certificate PDFs are private files: stored through the "private" storage, never under
MEDIA_ROOT, handed out only by the download view (streamed, or by the proxy's header)."""

import importlib
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import re_path, reverse
from django.views.static import serve

from certificates import services
from certificates.models import Certificate
from courses import services as course_services

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def serve_media(request, path):
    """What `make run` (DEBUG) mounts at /media/: Django's static view over MEDIA_ROOT."""
    from django.conf import settings

    return serve(request, path, document_root=settings.MEDIA_ROOT)


# The site's URLs with /media/ served as in `make run` (elearning/urls.py does it when DEBUG).
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve_media),
    *importlib.import_module("elearning.urls").urlpatterns,
]


@pytest.fixture
def certificate(demo_site, media_root, django_capture_on_commit_callbacks):
    learner = UserFactory(full_name="Ioana Țurcanu", preferred_language="ro")
    course = make_course(lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    return Certificate.objects.get(learner=learner)


def test_an_issued_pdf_is_in_the_private_folder_and_not_under_media(
    client, certificate, media_root, private_root, settings
):
    settings.ROOT_URLCONF = __name__
    assert certificate.pdf.name == f"certificates/{certificate.pk}.pdf"
    assert (private_root / certificate.pdf.name).read_bytes().startswith(b"%PDF")
    assert not (media_root / certificate.pdf.name).exists()
    # Nobody, logged in or not, gets it by its old public address, even with /media/ served.
    assert client.get(f"/media/{certificate.pdf.name}").status_code == 404
    client.force_login(certificate.learner)
    assert client.get(f"/media/{certificate.pdf.name}").status_code == 404
    # A private file has no public address at all.
    with pytest.raises(ValueError, match="no public address"):
        certificate.pdf.url  # noqa: B018


def test_download_streams_the_file_through_the_storage(client, certificate, settings):
    settings.PRIVATE_FILES_SERVE = ""
    client.force_login(certificate.learner)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response
    assert b"".join(response.streaming_content) == certificate.pdf.open("rb").read()
    assert f'filename="certificat-{certificate.code}.pdf"' in response["Content-Disposition"]


def test_download_with_x_accel_redirect_leaves_the_file_to_nginx(client, certificate, settings):
    settings.PRIVATE_FILES_SERVE = "x-accel-redirect"
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    url = reverse("certificates:download", args=[certificate.pk])
    client.force_login(UserFactory())  # not the holder: nothing for the proxy either
    refused = client.get(url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused
    client.force_login(certificate.learner)
    response = client.get(url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/certificates/{certificate.pk}.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificat-{certificate.code}.pdf"'
    )


def test_download_with_x_sendfile_names_the_files_path(client, certificate, private_root, settings):
    settings.PRIVATE_FILES_SERVE = "x-sendfile"
    client.force_login(certificate.learner)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 200 and response.content == b""
    assert Path(response["X-Sendfile"]) == private_root / "certificates" / f"{certificate.pk}.pdf"
    assert "attachment" in response["Content-Disposition"]


def test_a_pdf_missing_from_the_storage_is_404_not_500(client, certificate):
    storages["private"].delete(certificate.pdf.name)
    client.force_login(certificate.learner)
    assert client.get(reverse("certificates:download", args=[certificate.pk])).status_code == 404


def _public_certificate(certificate, media_root: Path, content: bytes) -> str:
    """The certificate as it was before: its PDF under MEDIA_ROOT, not in the private storage."""
    storages["private"].delete(certificate.pdf.name)
    (media_root / "certificates").mkdir(parents=True, exist_ok=True)
    (media_root / certificate.pdf.name).write_bytes(content)
    return certificate.pdf.name


def test_the_migration_moves_existing_pdfs_out_of_media_once(
    certificate, media_root, private_root, client, settings
):
    from django.apps import apps

    name = _public_certificate(certificate, media_root, b"%PDF-1.7 issued before")
    other = Certificate.objects.create(
        learner=UserFactory(),
        course_key=certificate.course_key,
        learner_name="Dan Pop",
        course_title_ro="Curs",
        hours=1,
        completed_at=certificate.completed_at,
        status="ready",
        pdf="certificates/lost.pdf",  # in neither place: left as it is, and said
    )
    migration = importlib.import_module("certificates.migrations.0002_pdf_in_private_storage")

    migration.move_files_to_private_storage(apps, None)

    assert not (media_root / name).exists()
    assert (private_root / name).read_bytes() == b"%PDF-1.7 issued before"
    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    other.refresh_from_db()
    assert other.pdf.name == "certificates/lost.pdf"
    client.force_login(certificate.learner)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.7 issued before"
    # Again (the command, or the migration run twice): nothing moves, nothing is lost.
    assert services.certificate_files_make_private() == {
        "moved": 0,
        "already_private": 1,
        "missing": 1,
    }
    assert (private_root / name).read_bytes() == b"%PDF-1.7 issued before"


def test_a_move_interrupted_mid_copy_is_completed_by_the_next_run(
    certificate, media_root, private_root
):
    name = _public_certificate(certificate, media_root, b"%PDF-1.7 the whole file")
    (private_root / name).write_bytes(b"%PDF-1.7 the wh")  # the copy cut short
    out = io.StringIO()
    call_command("certificates_make_private", stdout=out)
    assert "moved 1" in out.getvalue()
    assert (private_root / name).read_bytes() == b"%PDF-1.7 the whole file"
    assert not (media_root / name).exists()


def test_a_new_pdf_replaces_the_old_one_in_the_private_storage(certificate, private_root):
    services.certificate_reissue(certificate=certificate)
    assert sorted(p.name for p in (private_root / "certificates").iterdir()) == [
        f"{certificate.pk}.pdf"
    ]
    storages["private"].save("certificates/stray.pdf", ContentFile(b"x"))  # not ours: kept
    services.certificate_reissue(certificate=certificate)
    assert len(list((private_root / "certificates").iterdir())) == 2
