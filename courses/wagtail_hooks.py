from django.http import Http404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.widgets import HeaderButton, ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView

from elearning.infrastructure.admin_viewsets import (
    LookupSafeChooserViewSet,
    LookupSafeChosenMultipleView,
    LookupSafeChosenView,
    ReferenceDataViewSet,
)

from . import admin_views, directory
from .forms import ReferralContactForm
from .models import CoursePage, ReferralContact


class ReferralDirectoryPermissionPolicy(ModelPermissionPolicy):
    """Add, change, delete and view the entries one maintains (courses.directory): an
    administrator every entry, a trainer the national ones, a county coordinator their county's
    (through reports' provider). Nothing else widens it; the views below also filter by it."""

    ACTIONS = frozenset({"add", "change", "delete", "view"})

    def user_has_permission(self, user, action):
        if action in self.ACTIONS:
            counties = directory.counties_maintained_by(user)
            return counties is directory.EVERY or bool(counties)
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action in self.ACTIONS:
            return directory.maintains(user, instance.county)
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_permission_for(self, user, action):
        if action in self.ACTIONS:
            return directory.maintained_entries(user, self.model.objects.all())
        return super().instances_user_has_permission_for(user, action)


register_permission_policy(ReferralContact, ReferralDirectoryPermissionPolicy(ReferralContact))


class MaintainedEntryMixin:
    """An entry out of the person's scope does not exist for them (404), whatever the view."""

    def get_object(self, *args, **kwargs):
        entry = super().get_object(*args, **kwargs)
        if not directory.maintains(self.request.user, entry.county):
            raise Http404
        return entry


def _scoped(view_class):
    return type(view_class.__name__, (MaintainedEntryMixin, view_class), {})


class DirectoryChooseView(ChooseView):
    def get_object_list(self):
        return directory.choosable_entries(self.request.user, super().get_object_list())


class DirectoryChooseResultsView(ChooseResultsView):
    def get_object_list(self):
        return directory.choosable_entries(self.request.user, super().get_object_list())


class DirectoryChosenView(LookupSafeChosenView):
    def get_object(self, pk):
        entry = super().get_object(pk)
        if not directory.choosable_entries(
            self.request.user, ReferralContact.objects.filter(pk=entry.pk)
        ).exists():
            raise Http404
        return entry


class DirectoryChosenMultipleView(LookupSafeChosenMultipleView):
    def get_objects(self, pks):
        allowed = directory.choosable_entries(self.request.user, ReferralContact.objects.all())
        return [e for e in super().get_objects(pks) if allowed.filter(pk=e.pk).exists()]


class DirectoryChooserViewSet(LookupSafeChooserViewSet):
    choose_view_class = DirectoryChooseView
    choose_results_view_class = DirectoryChooseResultsView
    chosen_view_class = DirectoryChosenView
    chosen_multiple_view_class = DirectoryChosenMultipleView


class DirectoryIndexView(snippet_views.IndexView):
    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Import or export CSV"),
                url=reverse("referral_directory_import"),
                icon_name="upload",
            ),
        ]


class ReferralContactViewSet(ReferenceDataViewSet):
    """The referral directory. Each person lists, edits, inspects and deletes only the entries
    they maintain (courses.directory); its chooser lists every entry to those who write lessons
    (SnippetChooserBlock), which show them publicly, and a coordinator's own entries otherwise."""

    model = ReferralContact
    icon = "group"
    menu_label = _("Referral contacts")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["organisation", "kind", "county", "phone", "last_verified_on", "locale"]
    list_filter = ["county", "kind", "locale"]
    search_fields = ["organisation", "helps_with"]
    chooser_viewset_class = DirectoryChooserViewSet
    index_view_class = DirectoryIndexView
    edit_view_class = _scoped(snippet_views.EditView)
    delete_view_class = _scoped(snippet_views.DeleteView)
    inspect_view_class = _scoped(snippet_views.InspectView)
    usage_view_class = _scoped(snippet_views.UsageView)
    history_view_class = _scoped(snippet_views.HistoryView)
    # A copy would be a second entry of the same county and kind: nothing to copy.
    copy_view_enabled = False
    inspect_view_enabled = True
    edit_handler = ObjectList(
        [
            FieldPanel("organisation"),
            FieldPanel("helps_with"),
            FieldPanel("kind"),
            FieldPanel("county"),
            FieldPanel("phone"),
            FieldPanel("email"),
            FieldPanel("website"),
            FieldPanel("notes"),
            FieldPanel("sort_order"),
        ],
        base_form_class=ReferralContactForm,
    )

    def get_queryset(self, request):
        return directory.maintained_entries(request.user, ReferralContact.objects.all())


register_snippet(ReferralContactViewSet)


@hooks.register("register_snippet_listing_buttons")
def referral_contact_verify_button(snippet, user, next_url=None):
    if isinstance(snippet, ReferralContact) and directory.maintains(user, snippet.county):
        yield ListingButton(
            _("Mark verified today"),
            reverse("referral_contact_verify", args=[snippet.pk]),
            icon_name="check",
            priority=5,
        )


@hooks.register("register_admin_urls")
def register_translation_status_url():
    return [
        path("course-translations/", admin_views.translation_status, name="course_translations"),
        path(
            "referral-directory/export/",
            admin_views.referral_directory_export,
            name="referral_directory_export",
        ),
        path(
            "referral-directory/import/",
            admin_views.referral_directory_import,
            name="referral_directory_import",
        ),
        path(
            "referral-directory/<id:pk>/verify/",
            admin_views.referral_contact_verify,
            name="referral_contact_verify",
        ),
        path(
            "recertification/<id:page_id>/",
            admin_views.recertification,
            name="recertification",
        ),
        path(
            "recertification/<id:page_id>/close/<id:campaign_id>/",
            admin_views.recertification_close,
            name="recertification_close",
        ),
    ]


class PageEditorsMenuItem(MenuItem):
    def is_shown(self, request):
        from wagtail.permission_policies.pages import PagePermissionPolicy

        return PagePermissionPolicy().user_has_any_permission(request.user, ["change", "publish"])


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    return PageEditorsMenuItem(
        _("Course translations"),
        reverse("course_translations"),
        name="course-translations",
        icon_name="globe",
        order=800,
    )


class RecertificationButton(PageMenuItem):
    """ "Re-certification" on a course's page in the admin (its header and the listing's "More"
    menu), for those who may start one (courses.admin_views.may_manage_recertification)."""

    label = _("Re-certification")
    icon_name = "repeat"
    url_name = "recertification"
    priority = 62

    def is_shown(self, user):
        return admin_views.may_manage_recertification(user, self.page)


def _recertification_button(page):
    specific = page.specific_deferred
    if isinstance(specific, CoursePage):
        yield RecertificationButton(page=specific)


@hooks.register("register_page_header_buttons")
def course_recertification_header_button(page, user, view_name, next_url=None):
    yield from _recertification_button(page)


@hooks.register("register_page_listing_more_buttons")
def course_recertification_listing_button(page, user, next_url=None):
    yield from _recertification_button(page)


@hooks.register("register_permissions")
def register_recertification_permissions():
    """Administrators give "start and close a re-certification" to a group on its page
    (trainers, the "Editors", have it from courses.apps)."""
    from django.contrib.auth.models import Permission

    from .apps import TRAINER_PERMISSIONS

    return Permission.objects.filter(
        content_type__app_label="courses", codename__in=TRAINER_PERMISSIONS
    )
