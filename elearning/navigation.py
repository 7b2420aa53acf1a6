"""The header and footer links, cached per language: every page shows them, and resolving them
costs a settings query plus a locale and a translation query per link.

The cache follows the page tree's version (`elearning.page_cache`), so it is dropped whenever a
page is published, unpublished, moved or deleted; saving the navigation settings drops it too.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from wagtail.models import Locale, Site

from . import page_cache


def navigation_links(site: Site | None, language: str) -> dict[str, dict | None]:
    """{"catalogue"|"accessibility"|"contact": {"title", "url"} or None} in `language`."""
    if site is None:
        return {"catalogue": None, "accessibility": None, "contact": None}

    def fill() -> dict[str, dict | None]:
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
        return links

    return page_cache.cached(f"navigation:{site.pk}:{language}", fill)


def connect_signals() -> None:
    from .models import NavigationSettings

    post_save.connect(
        page_cache.invalidate, sender=NavigationSettings, dispatch_uid="navigation-settings-save"
    )
