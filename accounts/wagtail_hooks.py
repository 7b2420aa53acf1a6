from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet

from elearning.infrastructure.admin_viewsets import ReferenceDataViewSet

from .models import Institution


class InstitutionViewSet(ReferenceDataViewSet):
    """Editing needs the institutions' permissions (administrators). Its chooser stays open to
    anyone with the admin: a coordinator's scope chooses an institution, and the list is public
    anyway (registration offers it); an institution holds no learner's data."""

    model = Institution
    icon = "site"
    menu_label = _("Institutions")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "type", "county", "is_active"]
    list_filter = ["type", "county", "is_active", "share_learning_records"]
    search_fields = ["name"]
    ordering = ["county", "name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("type"),
        FieldPanel("county"),
        FieldPanel("is_active"),
        FieldPanel("share_learning_records"),
    ]


register_snippet(InstitutionViewSet)
