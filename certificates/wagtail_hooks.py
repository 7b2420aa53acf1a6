from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Certificate, CertificateDesign


class CertificateViewSet(SnippetViewSet):
    """The register: searchable, filterable, read in the admin (issued by the worker)."""

    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Register")
    list_display = [
        "learner_name",
        "course_title_ro",
        "grouped_code",
        "status",
        "issued_at",
        "revoked_at",
    ]
    list_filter = ["status", "county"]
    search_fields = ["learner_name", "code", "course_title_ro"]
    ordering = ["-issued_at"]
    inspect_view_enabled = True


class CertificateDesignViewSet(SnippetViewSet):
    model = CertificateDesign
    icon = "image"
    menu_label = _("Design")


class CertificatesGroup(SnippetViewSetGroup):
    items = (CertificateViewSet, CertificateDesignViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Certificates")
    menu_order = 320


register_snippet(CertificatesGroup)
