from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from elearning.infrastructure.admin_viewsets import SnippetViewSetWithoutChooser

from . import selectors, urls
from .models import CoordinatorScope


class CoordinatorMenuItem(MenuItem):
    """Shown to whoever has a scope (coordinators, administrators); the views check again."""

    def is_shown(self, request):
        return selectors.scope_for(request.user) is not None


@hooks.register("register_permissions")
def register_report_permission():
    """Administrators grant the reports permission on a group's page (it sits on ReportAccess,
    which no viewset registers; see reports.models)."""
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="reports", codename="view_reports")


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("learning-reports/", include(urls, namespace="learning_reports"))]


_ITEMS = [
    ("completion", _("Completion"), "tasks", 100),
    ("summary", _("Course summary"), "table", 110),
    ("impact", _("Impact: knowledge gain"), "pick", 120),
    ("certificates", _("Certificates register"), "doc-full", 130),
    ("indicators", _("Indicators"), "pick", 135),
    ("export_list", _("My exports"), "download", 140),
    ("enrol", _("Enrol learners"), "group", 150),
    ("platform_rosters", _("Platform rosters"), "group", 160),
]


def _register(name, label, icon, order):
    @hooks.register("register_reports_menu_item")
    def item():
        return CoordinatorMenuItem(
            label,
            reverse(f"learning_reports:{name}"),
            name=f"learning-{name}",
            icon_name=icon,
            order=order,
        )


for _item in _ITEMS:
    _register(*_item)


class CoordinatorScopeViewSet(SnippetViewSetWithoutChooser):
    """Administrators assign each coordinator their scope here. A scope names its coordinator,
    and nothing chooses a scope: no chooser (it listed every coordinator to anyone with the
    admin)."""

    model = CoordinatorScope
    icon = "group"
    menu_label = _("Coordinator scopes")
    menu_order = 330
    add_to_settings_menu = True
    list_display = ["user", "level", "institution", "county"]
    list_filter = ["level", "county"]
    search_fields = ["user__full_name", "user__email"]


register_snippet(CoordinatorScopeViewSet)
