from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet

from elearning.infrastructure.admin_viewsets import SnippetViewSetWithoutChooser

from . import admin_views
from .models import PlatformRegistration


@hooks.register("register_admin_urls")
def register_lti_urls():
    return [
        path("lti/tool/", admin_views.tool_configuration, name="lti_tool_configuration"),
        path("lti/contexts/<id:pk>/roster/", admin_views.context_roster, name="lti_roster"),
    ]


class ToolConfigurationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_settings_menu_item")
def tool_configuration_menu_item():
    return ToolConfigurationMenuItem(
        _("LTI tool configuration"),
        reverse("lti_tool_configuration"),
        name="lti-tool",
        icon_name="link",
        order=341,
    )


class PlatformRegistrationViewSet(SnippetViewSetWithoutChooser):
    """Institutions' Moodle sites (administrators only: the model's permissions). Nothing
    chooses a registration: no chooser."""

    model = PlatformRegistration
    icon = "link"
    menu_label = _("LTI platforms")
    menu_order = 340
    add_to_settings_menu = True
    list_display = ["name", "institution", "issuer", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["name", "issuer"]
    panels = [
        HelpPanel(
            content=_(
                "Register the tool in the platform first (Moodle: Site administration, "
                "Plugins, External tool, Manage tools, Configure a tool manually) with the "
                "addresses under Settings, LTI tool configuration; choose 'Keyset URL' and "
                "launch in a new window. Then copy the platform's values here."
            )
        ),
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("institution"), FieldPanel("enabled")],
            heading=_("Institution"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issuer"),
                FieldPanel("client_id"),
                FieldPanel("deployment_ids"),
                FieldPanel("jwks_url"),
                FieldPanel("auth_url"),
                FieldPanel("token_url"),
                FieldPanel("audience"),
            ],
            heading=_("The platform's values"),
        ),
    ]


register_snippet(PlatformRegistrationViewSet)
