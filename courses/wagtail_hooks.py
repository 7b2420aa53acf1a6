from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from elearning.infrastructure.admin_viewsets import ReferenceDataViewSet

from . import admin_views
from .models import ReferralContact


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
        path("course-translations/", admin_views.translation_status, name="course_translations")
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
