from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from wagtail.snippets.views.chooser import (
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet


class SnippetViewSetWithoutChooser(SnippetViewSet):
    """A snippet that nothing in the admin chooses (no field or block points to it).

    Wagtail gives every snippet a chooser (choose, search results, chosen, chosen-multiple)
    whose views check only that the person may enter the admin, not the model's permissions:
    a trainer could list and search the whole certificate register through it. For a model
    that no form chooses, the chooser has no use, so it is not registered and its URLs do not
    exist (tests/test_security_matrix.py fails if one comes back without a rule)."""

    def register_chooser_viewset(self):
        pass


def _valid_pk(model, value) -> bool:
    """Whether a value from a URL can be a primary key of the model (a word, or a number
    beyond the database's range, would make the lookup raise, not miss)."""
    try:
        value = model._meta.pk.to_python(value)
        model._meta.pk.get_db_prep_value(value, connection, prepared=False)
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return not isinstance(value, int) or -(2**63) <= value < 2**63


class LookupSafeChosenView(SnippetChosenView):
    """Wagtail's chosen view only expects a missing row: `chosen/abc/` was a 500."""

    def get_object(self, pk):
        if not _valid_pk(self.model_class, pk):
            raise Http404
        return super().get_object(pk)


class LookupSafeChosenMultipleView(SnippetChosenMultipleView):
    """`chosen-multiple/?id=abc` was a 500 too: ids that cannot be keys choose nothing."""

    def get_objects(self, pks):
        return super().get_objects([pk for pk in pks if _valid_pk(self.model_class, pk)])


class LookupSafeChooserViewSet(SnippetChooserViewSet):
    chosen_view_class = LookupSafeChosenView
    chosen_multiple_view_class = LookupSafeChosenMultipleView


class ReferenceDataViewSet(SnippetViewSet):
    """A snippet that forms choose and that is public anyway (institutions on the registration
    form, referral contacts in lessons): its chooser stays open to anyone with the admin, and
    answers a key that cannot exist with a 404."""

    chooser_viewset_class = LookupSafeChooserViewSet
