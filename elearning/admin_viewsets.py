from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .admin_forms import UserCreationForm, UserEditForm


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm


class SnippetViewSetWithoutChooser(SnippetViewSet):
    """A snippet that nothing in the admin chooses (no field or block points to it).

    Wagtail gives every snippet a chooser (choose, search results, chosen, chosen-multiple)
    whose views check only that the person may enter the admin, not the model's permissions:
    a trainer could list and search the whole certificate register through it. For a model
    that no form chooses, the chooser has no use, so it is not registered and its URLs do not
    exist (tests/test_security_matrix.py fails if one comes back without a rule)."""

    def register_chooser_viewset(self):
        pass
