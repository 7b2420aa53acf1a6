"""The header and footer links, cached per language: every page shows them, and resolving them
costs a settings query plus a locale and a translation query per link.

The cache is dropped whenever a page is published, unpublished, moved or deleted, or the
navigation settings change.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Locale, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

VERSION_KEY = "navigation:version"
TIMEOUT = 60 * 60


def _version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None)


def invalidate(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def navigation_links(site: Site | None, language: str) -> dict[str, dict | None]:
    """{"catalogue"|"accessibility"|"contact": {"title", "url"} or None} in `language`."""
    if site is None:
        return {"catalogue": None, "accessibility": None, "contact": None}
    key = f"navigation:{_version()}:{site.pk}:{language}"
    links = cache.get(key)
    if links is None:
        from .models import NavigationSettings

        settings = NavigationSettings.for_site(site)
        locale = Locale.objects.filter(language_code=language).first()
        links = {}
        for name in ("catalogue", "accessibility", "contact"):
            page = getattr(settings, f"{name}_page")
            if page is not None and locale is not None:
                page = page.get_translation_or_none(locale) or page
            links[name] = (
                {"title": page.title, "url": page.get_url()} if page and page.live else None
            )
        cache.set(key, links, TIMEOUT)
    return links


def connect_signals() -> None:
    from .models import NavigationSettings

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(invalidate, dispatch_uid=f"navigation-{signal}")
    post_save.connect(
        invalidate, sender=NavigationSettings, dispatch_uid="navigation-settings-save"
    )
    post_delete.connect(
        invalidate, sender="wagtailcore.Page", dispatch_uid="navigation-page-delete"
    )
