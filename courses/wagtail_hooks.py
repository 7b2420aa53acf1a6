from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.snippets.models import register_snippet

from elearning.infrastructure.admin_viewsets import ReferenceDataViewSet

from . import admin_views
from .models import CoursePage, ReferralContact


class ReferralContactViewSet(ReferenceDataViewSet):
    """Editing needs the contacts' permissions. Its chooser stays open to anyone with the
    admin: trainers put contacts in lessons (SnippetChooserBlock), which show them publicly."""

    model = ReferralContact
    icon = "group"
    menu_label = _("Referral contacts")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["organisation", "phone", "county", "locale"]
    list_filter = ["county", "locale"]
    search_fields = ["organisation", "helps_with"]


register_snippet(ReferralContactViewSet)


@hooks.register("register_admin_urls")
def register_translation_status_url():
    return [
        path("course-translations/", admin_views.translation_status, name="course_translations"),
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
