from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSetGroup

from elearning.infrastructure.admin_viewsets import SnippetViewSetWithoutChooser

from . import admin_views
from .models import Certificate, CertificateDesign, CertificateStatus
from .selectors import certificate_state


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Certificates are created by the worker from a completed course, never typed in the admin
    (a hand-made one would have no completion behind it), and never deleted: the register is
    permanent, and a certificate that should no longer count is revoked (with a reason), so its
    code still verifies as revoked. Not even a superuser adds or deletes one."""

    NEVER = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.NEVER and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = set(actions) - self.NEVER
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)


register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))

# What the certificate says, as printed when it was issued. Read-only panels are left out of
# the form, so a POST cannot change them either. A name correction goes through Re-issue, which
# renders a new PDF and keeps the history; editing the row would make the register disagree
# with the PDF the learner already holds.
AS_PRINTED = [
    "code",
    "learner_name",
    "learner_role",
    "institution_name",
    "county",
    "course_title_ro",
    "course_title_en",
    "hours",
    "run",
    "first_certified_at",
    "completed_at",
    "issued_at",
    "expires_at",
]
STATE = [
    "learner",
    "status",
    "failure",
    "superseded_by",
    "renew_by",
    "revoked_at",
    "revoked_by",
    "revocation_reason",
]


class CertificateIndexView(IndexView):
    """The register's listing without selection checkboxes: their only use for a snippet is the
    bulk "delete", which the permission policy refuses for certificates anyway."""

    @cached_property
    def columns(self):
        return [
            column
            for column in super().columns
            if not isinstance(column, BulkActionsCheckboxColumn)
        ]


class CertificateViewSet(SnippetViewSetWithoutChooser):
    """The register: searchable, filterable, read in the admin (issued by the worker).

    Its views need the certificates' permissions (a national role, as for the actions in
    admin_views); coordinators see their own people's certificates in the reports. Nothing
    chooses a certificate, so it has no chooser (which would show the register to anyone
    with the admin)."""

    model = Certificate
    index_view_class = CertificateIndexView
    index_template_name = "certificates/admin/register_index.html"
    icon = "doc-full-inverse"
    menu_label = _("Register")
    list_display = [
        "learner_name",
        "course_title_ro",
        "grouped_code",
        # What the certificate is now (revoked, expired, ...), as the verification page and the
        # reports say it; the raw issuing status stays a filter.
        Column("state", label=_("Status"), accessor=lambda c: certificate_state(c).label),
        # 1 for a first certificate; a renewal's run is 2 or more.
        "run",
        "issued_at",
        "revoked_at",
    ]
    list_filter = ["status", "county"]
    search_fields = ["learner_name", "code", "course_title_ro"]
    ordering = ["-issued_at"]
    inspect_view_enabled = True
    panels = [
        HelpPanel(
            content=_(
                "A certificate keeps what was true when it was issued and cannot be edited here. "
                "To correct a learner's name, correct it in their account, then use Re-issue in "
                "the register: the code stays, the PDF is rendered again and the history is kept."
            )
        ),
        MultiFieldPanel(
            [FieldPanel(name, read_only=True) for name in AS_PRINTED], heading=_("As printed")
        ),
        MultiFieldPanel([FieldPanel(name, read_only=True) for name in STATE], heading=_("State")),
    ]


class CertificateDesignViewSet(SnippetViewSetWithoutChooser):
    """Nothing chooses a design (the certificate finds the one in its language)."""

    model = CertificateDesign
    icon = "image"
    menu_label = _("Design")


class CertificateManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_manage(request.user)


class CertificateBulkViewSet(ViewSet):
    """(Re)issue a course's certificates at once, with progress."""

    name = "certificate_bulk"
    url_prefix = "certificates/bulk"
    icon = "repeat"
    menu_label = _("Issue for a course")
    add_to_admin_menu = False  # shown in the Certificates group
    menu_item_class = CertificateManagerMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.bulk_index, name="index"),
            path("<uuid:course_key>/", admin_views.bulk_course, name="course"),
        ]


class CertificatesGroup(SnippetViewSetGroup):
    items = (CertificateViewSet, CertificateDesignViewSet, CertificateBulkViewSet)
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
    if snippet.status == CertificateStatus.READY:
        buttons.append(
            ListingButton(
                _("Re-issue"),
                reverse("certificate_reissue", args=[snippet.pk]),
                priority=32,
                attrs=post,
            )
        )
    if snippet.status == CertificateStatus.FAILED:
        buttons.append(
            ListingButton(
                _("Retry"),
                reverse("certificate_retry", args=[snippet.pk]),
                priority=31,
                attrs={"data-controller": "w-action", "data-action": "w-action#post"},
            )
        )
    return buttons
