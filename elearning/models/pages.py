"""Site-wide pages: the home page and plain content pages (accessibility statement, contact)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from elearning.blocks import BaseContentBlock
from elearning.infrastructure.slugs import PageForm


class HomePage(Page):
    """The root of each language tree: /ro/ and /en/."""

    base_form_class = PageForm

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseContentBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["elearning.ContentPage", "courses.CourseIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")


class ContentPage(Page):
    """A page of prose: the accessibility statement, contact, about."""

    base_form_class = PageForm

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(BaseContentBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["elearning.HomePage", "elearning.ContentPage"]
    subpage_types = ["elearning.ContentPage"]

    class Meta:
        verbose_name = _("content page")
