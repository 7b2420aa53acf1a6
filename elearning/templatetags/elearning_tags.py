from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_from_path
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from elearning.i18n import page_translation_url, url_in_language
from elearning.infrastructure.caching import PAGE_TREE, pages
from elearning.infrastructure.caching.auth import user_can_access_admin

register = template.Library()


@register.simple_tag
def page_tree_version() -> int:
    """The published tree's version, for a `{% cache %}` fragment to vary on: whatever moves
    the tree on (elearning/infrastructure/caching/invalidation.py) retires the fragment."""
    return PAGE_TREE.number()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language, to this page's translation (or that language's home page).

    Pages outside /ro/ and /en/ (certificate verification) switch language with ?lang=.
    """
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    outside_prefix = request is not None and get_language_from_path(request.path) is None
    links = []
    for code, name in settings.LANGUAGES:
        if outside_prefix:
            url = f"{request.path}?lang={code}"
        elif code == current:
            url = request.get_full_path() if request else "#"
        elif page is not None and getattr(page, "locale_id", None):
            url = pages.get(
                "translation-url",
                page.pk,
                code,
                fill=lambda code=code: page_translation_url(page, code),
            )
        elif request is not None:
            url = url_in_language(request.get_full_path(), code)
        else:
            url = f"/{code}/"
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag(takes_context=True)
def navigation(context):
    """The header and footer links in the active language (elearning.navigation)."""
    from wagtail.models import Site

    from elearning.navigation import navigation_links

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return navigation_links(site, get_language())


@register.simple_tag(takes_context=True)
def editor_userbar(context):
    """Wagtail's userbar, asked only for people who may use the admin (cached per user; see
    elearning.infrastructure.caching.auth), so a learner's page costs no permission queries."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user_can_access_admin(user=user):
        return ""
    return wagtailuserbar(context)
