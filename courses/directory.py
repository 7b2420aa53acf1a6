"""Who maintains which entries of the referral directory (issue 18, point 6).

Administrators maintain every entry, trainers (holders of the contacts' model permissions,
given to "Editors" by courses.apps) the national ones. Coordinators' scopes belong to
`reports`, which courses may not import: reports registers a provider here instead
(`reports.apps`), which answers for a user with the counties they maintain."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

# A provider's answer: EVERY county and the national entries, or a set of county codes
# ("" stands for the national entries), or an empty set.
EVERY = None
Counties = frozenset[str] | None
_providers: list[Callable[[object], Counties]] = []

NATIONAL = frozenset({""})


def register_maintainer_scope(provider: Callable[[object], Counties]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def counties_maintained_by(user) -> Counties:
    """EVERY (None), or the county codes whose entries the user maintains ("" = national)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return EVERY
    counties = set()
    if user.has_perm("courses.change_referralcontact"):
        counties |= NATIONAL
    for provider in _providers:
        answer = provider(user)
        if answer is EVERY:
            return EVERY
        counties |= answer
    return frozenset(counties)


def maintains(user, county: str) -> bool:
    counties = counties_maintained_by(user)
    return counties is EVERY or county in counties


def maintained_entries(user, queryset: QuerySet) -> QuerySet:
    """The entries of `queryset` the user maintains, filtered in SQL."""
    counties = counties_maintained_by(user)
    if counties is EVERY:
        return queryset
    return queryset.filter(Q(county__in=counties)) if counties else queryset.none()


def choosable_entries(user, queryset: QuerySet) -> QuerySet:
    """What the contacts' chooser lists: everything to those who write lessons (they put
    any contact in a lesson, which shows it publicly), else only the entries they maintain."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    if user.is_superuser or PagePermissionPolicy().user_has_any_permission(
        user, ["add", "change", "publish"]
    ):
        return queryset
    return maintained_entries(user, queryset)
