from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
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


@hooks.register("register_admin_urls")
def register_certificate_action_urls():
    return [
        path(
            "certificate-actions/<uuid:certificate_id>/revoke/",
            admin_views.revoke,
            name="certificate_revoke",
        ),
        path(
            "certificate-actions/<uuid:certificate_id>/reissue/",
            admin_views.reissue,
            name="certificate_reissue",
        ),
        path(
            "certificate-actions/<uuid:certificate_id>/retry/",
            admin_views.retry,
            name="certificate_retry",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def certificate_listing_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, Certificate) or not admin_views.can_manage(user):
        return []
    buttons = []
    if not snippet.is_revoked:
        buttons.append(
            ListingButton(
                _("Revoke"), reverse("certificate_revoke", args=[snippet.pk]), priority=30
            )
        )
    post = {"data-controller": "w-action", "data-action": "w-action#post"}
    if snippet.status == "ready":
        buttons.append(
            ListingButton(
                _("Re-issue"),
                reverse("certificate_reissue", args=[snippet.pk]),
                priority=32,
                attrs=post,
            )
        )
    if snippet.status == "failed":
        buttons.append(
            ListingButton(
                _("Retry"),
                reverse("certificate_retry", args=[snippet.pk]),
                priority=31,
                attrs={"data-controller": "w-action", "data-action": "w-action#post"},
            )
        )
    return buttons
