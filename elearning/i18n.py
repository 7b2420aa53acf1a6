"""Finding the same page in the other language, for the switcher and for post-login redirects."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.urls import Resolver404, resolve, translate_url
from django.utils.translation import get_language_from_path, override
from wagtail.models import Locale, Page, Site


def home_page_url(language: str, site: Site | None = None) -> str:
    site = site or Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        locale = Locale.objects.filter(language_code=language).first()
        home = site.root_page.get_translation_or_none(locale) if locale else None
        if home is not None and home.live:
            return home.url
    return f"/{language}/"


def page_translation_url(page: Page, language: str, site: Site | None = None) -> str:
    """The URL of `page` in `language`, or that language's home page when it has none."""
    if page.locale.language_code == language:
        return page.url
    translation = page.get_translation_or_none(
        Locale.objects.filter(language_code=language).first()
    )
    if translation is not None and translation.live:
        return translation.url
    return home_page_url(language, site)


def _page_for_path(path: str, language: str) -> Page | None:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    locale = Locale.objects.filter(language_code=language).first()
    root = site.root_page.get_translation_or_none(locale) if locale else None
    if root is None:
        return None
    rest = path[len(f"/{language}/") :]
    return Page.objects.filter(url_path=f"{root.url_path}{rest}", locale=locale).first()


def url_in_language(url: str, language: str) -> str:
    """Rewrite a local URL to `language`: Wagtail pages by their translation, views by prefix."""
    parts = urlsplit(url)
    path = parts.path or "/"
    current = get_language_from_path(path)
    if current is None:
        if path == "/":
            return f"/{language}/"
        return url  # outside the language prefix (admin, verification): unchanged
    if current == language:
        return url
    # i18n_patterns resolve only the active language's prefix: resolve in the URL's own.
    with override(current):
        try:
            match = resolve(path)
        except Resolver404:
            return home_page_url(language)
        if match.url_name == "wagtail_serve":
            page = _page_for_path(path, current)
            new_path = page_translation_url(page, language) if page else home_page_url(language)
        else:
            new_path = urlsplit(translate_url(path, language)).path
    return urlunsplit(("", "", new_path, parts.query, ""))
