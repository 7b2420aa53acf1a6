"""Page slugs are ASCII (“curs-de-proba”, not “curs-de-probă”), whoever makes them.

`WAGTAIL_ALLOW_UNICODE_SLUGS = False` (settings) covers the admin's JavaScript and the slugs
Wagtail derives from a title on the server. Two paths it leaves alone are covered here:

- the page form: a trainer who saves within a second of typing the title sends an empty slug
  (the title is copied into it only after a pause), and Wagtail would answer with an error on
  the "Promote" tab, out of sight. The form fills the slug from the title instead, so the page
  saves; a slug typed by hand is made ASCII the way the admin's JavaScript would.
- "Translate" copies the source page's slug as it is; a page made before slugs were ASCII would
  hand its diacritics on to its translation.
"""

from __future__ import annotations

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.coreutils import find_available_slug


def ascii_slug(text: str) -> str:
    """ă→a, â→a, î→i, ș/ş→s, ț/ţ→t (comma below and cedilla alike), lower case, hyphens."""
    # NFKD splits each of these letters into its base letter and a combining mark, which
    # slugify drops with everything else that is not ASCII.
    return slugify(text, allow_unicode=False)


class PageForm(WagtailAdminPageForm):
    """The admin form of every page type: the slug may be left empty (it comes from the title)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        typed = (self.cleaned_data.get("slug") or "").strip()
        if typed:
            self.cleaned_data["slug"] = ascii_slug(typed) or typed
        elif "slug" in self.fields and not self.has_error("slug"):
            title = self.cleaned_data.get("title") or ""
            base = ascii_slug(title)
            if base and self.parent_page is not None:
                # Derived, not chosen: a sibling's slug is no reason to refuse the page.
                self.cleaned_data["slug"] = find_available_slug(
                    self.parent_page, base, ignore_page_id=self.instance.pk
                )
            elif title:
                # Said on the title, where the trainer is, not on the "Promote" tab.
                self.add_error(
                    "title",
                    _(
                        "This title gives no web address: add letters or digits to it, or type "
                        "the address (slug) on the “Promote” tab."
                    ),
                )
        return super().clean()


def translation_slug_to_ascii(sender, source_obj, target_obj, **kwargs) -> None:
    """A translation's slug is ASCII even when its source page's is not."""
    from wagtail.models import Page

    if not isinstance(target_obj, Page):  # snippets are translated too, and have no slug
        return
    slug = target_obj.slug
    if slug.isascii() or not ascii_slug(slug):
        return
    target_obj.slug = find_available_slug(
        target_obj.get_parent(), ascii_slug(slug), ignore_page_id=target_obj.pk
    )
    # url_path follows the slug (Page.save recomputes it, and its descendants').
    target_obj.save(update_fields=["slug", "url_path"])


def connect_signals() -> None:
    from wagtail.signals import copy_for_translation_done

    copy_for_translation_done.connect(translation_slug_to_ascii, dispatch_uid="ascii-slug")
