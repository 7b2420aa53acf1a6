from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ReferralContact


class ReferralContactViewSet(SnippetViewSet):
    model = ReferralContact
    icon = "group"
    menu_label = _("Referral contacts")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["organisation", "phone", "county", "locale"]
    list_filter = ["county", "locale"]
    search_fields = ["organisation", "helps_with"]


register_snippet(ReferralContactViewSet)
