"""Certificate PDFs with WeasyPrint: A4 landscape, embedded fonts, a vector QR code.

WeasyPrint may read only the project's own files: the PDF fonts and uploaded images under
MEDIA_ROOT. Everything else (other hosts, other files, redirects) is refused, and every value a
learner typed reaches the template escaped, so a name like <img src="file:///etc/passwd">
prints as text.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from accounts.models import ProfessionalRole

from .models import Certificate, CertificateDesign

PDF_FONTS = Path(settings.BASE_DIR) / "elearning" / "static" / "fonts" / "pdf"


def allowed_roots() -> list[Path]:
    return [PDF_FONTS.resolve(), Path(settings.MEDIA_ROOT).resolve()]


class ProjectFilesFetcher(URLFetcher):
    """Fetches only files under the allowed roots; no network, no redirects."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=2)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Refused: {url}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in allowed_roots()) or not path.is_file():
            raise ValueError(f"Refused: {url}")
        return super().fetch(path.as_uri(), headers)


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("certificates:verify", args=[certificate.grouped_code])


# segno tries all eight masks and scores each in pure Python (a visible share of a render: see
# benchmarks/README.md, "Certificates") to pick the one with the fewest patterns a scanner
# might misread. Every mask is valid, and for our
# printed, vector, version-4 codes mask 6 decoded best in a zbarimg test (150 random codes,
# increasingly blurred images): at least as well as the best-of-eight choice.
QR_MASK = 6


def qr_svg(url: str) -> str:
    return segno.make(url, error="m", mask=QR_MASK).svg_inline(scale=3, border=0, dark="#1b1f24")


# The design's images (logo, signatures) as JPEG on white. WeasyPrint embeds a JPEG as it is,
# but decodes and re-encodes a PNG for every PDF, twice when it has transparency (colour and
# alpha mask): with a logo and two signatures that was about a quarter of the render
# (benchmarks/README.md, "With a real design"). The certificate is white, so flattening onto
# white changes nothing printed (compared at 200 dpi).
IMAGE_SPEC = "max-600x300|format-jpeg|bgcolor-ffffff|jpegquality-90"

# Rendition files by image and file: finding one is a query per image per certificate. A
# replaced file gets a new name, and a deleted rendition is looked up again.
_rendition_paths: dict[tuple[int, str], Path] = {}


def _image_uri(image) -> str | None:
    if image is None:
        return None
    key = (image.pk, image.file.name)
    path = _rendition_paths.get(key)
    if path is None or not path.is_file():
        path = _rendition_paths[key] = Path(image.get_rendition(IMAGE_SPEC).file.path).resolve()
    return path.as_uri()


def _designs() -> dict[str, CertificateDesign]:
    """Both languages' designs and their images in one query (it was four or more per PDF)."""
    designs = CertificateDesign.objects.filter(
        locale__language_code__in=("ro", "en")
    ).select_related("locale", "logo", "signature", "second_signature")
    return {design.locale.language_code: design for design in designs}


def _test_render_gate(certificate: Certificate) -> None:
    """Test-only: hold a render at a known point so a test can kill the worker mid-render.

    Only the fault tests (tests/certificates/worker_settings.py) set CERTIFICATES_TEST_RENDER_GATE
    (a folder); no real settings module does, and then this returns at once. When set, each
    render appends its process id to `<pk>.rendering` in the folder, then waits (at most 60 s)
    until a file named `open` exists.
    """
    gate = getattr(settings, "CERTIFICATES_TEST_RENDER_GATE", None)
    if not gate:
        return
    folder = Path(gate)
    with (folder / f"{certificate.pk}.rendering").open("a") as announcement:
        announcement.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 60
    while not (folder / "open").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def text_size_classes(certificate: Certificate) -> dict[str, str]:
    """Classes that shrink long names and titles (certificate_pdf.css), so the text stays above
    the footer even with every field at its maximum length."""
    name, title_ro, title_en = (
        certificate.learner_name,
        certificate.course_title_ro,
        certificate.course_title_en,
    )
    total = len(name) + len(certificate.institution_name) + len(title_ro) + len(title_en)
    return {
        "frame": "compact" if total > 380 else "",
        "name": "longer" if len(name) > 72 else "long" if len(name) > 36 else "",
        "course": "long" if len(title_ro) > 70 else "",
        "course_en": "long" if len(title_en) > 110 else "",
    }


_stylesheets = threading.local()


def _stylesheets_parsed_once() -> tuple[FontConfiguration, list[CSS], dict]:
    """The PDF fonts and the certificate's styles, parsed once per thread instead of once per
    certificate, and the thread's cache of WeasyPrint's images.

    Given its @font-face rules inside the document, WeasyPrint makes a new FontConfiguration and
    loads both font files into it for every PDF, the largest part of a render, and parses the
    styles of a <style> element again each time (benchmarks/README.md, "Where the render
    time goes").
    One per thread, because Pango's font maps are not meant to be shared between threads;
    Celery's prefork children each have one.
    """
    if not hasattr(_stylesheets, "config"):
        config = FontConfiguration()
        _stylesheets.sheets = [
            CSS(
                string=render_to_string(template),
                base_url=f"{PDF_FONTS}/",
                url_fetcher=ProjectFilesFetcher(),
                font_config=config,
            )
            for template in ("pdf/fonts.css", "certificates/certificate_pdf.css")
        ]
        _stylesheets.config = config
        # WeasyPrint's images by URL: the design's few images are read once, not per PDF.
        _stylesheets.images = {}
    if len(_stylesheets.images) > 50:  # designs changed many times: start again
        _stylesheets.images.clear()
    return _stylesheets.config, _stylesheets.sheets, _stylesheets.images


def render_certificate_pdf(certificate: Certificate) -> bytes:
    url = verification_url(certificate)
    roles = dict(ProfessionalRole.choices)
    found = _designs()
    ro, en = found.get("ro"), found.get("en")
    # The Romanian design's images are the ones printed (the English one gives its texts).
    images = {
        "logo": _image_uri(ro.logo) if ro else None,
        "signature": _image_uri(ro.signature) if ro else None,
        "second_signature": _image_uri(ro.second_signature) if ro else None,
    }
    with translation.override("ro"):
        role_ro = str(roles.get(certificate.learner_role, ""))
    with translation.override("en"):
        role_en = str(roles.get(certificate.learner_role, ""))
    html = render_to_string(
        "certificates/certificate_pdf.html",
        {
            "certificate": certificate,
            "ro": {"design": ro, **images},
            "en": {"design": en},
            "role_ro": role_ro,
            "role_en": role_en,
            "sizes": text_size_classes(certificate),
            "verification_url": url,
            # segno's SVG is generated from our own URL, never from learner input.
            "qr": mark_safe(qr_svg(url)),  # noqa: S308
        },
    )
    _test_render_gate(certificate)
    font_config, stylesheets, images = _stylesheets_parsed_once()
    document = HTML(string=html, base_url=f"{PDF_FONTS}/", url_fetcher=ProjectFilesFetcher())
    return document.write_pdf(stylesheets=stylesheets, font_config=font_config, cache=images)
