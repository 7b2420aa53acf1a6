"""The header and footer links, cached per language: every page shows them, and resolving them
costs a settings query plus a locale and a translation query per link. They follow the page
tree's version, which saving the navigation settings moves on too
(elearning/infrastructure/caching/invalidation.py).
"""

from __future__ import annotations

from wagtail.models import Locale, Site

from .infrastructure.caching import pages


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

    return pages.get("navigation", site.pk, language, fill=fill)
