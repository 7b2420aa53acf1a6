"""Site-wide StreamField blocks; apps extend BaseContentBlock with their own."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("warning", _("Warning"))],
        default="info",
        label=_("kind"),
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"], label=_("text"))

    class Meta:
        icon = "warning"
        template = "blocks/callout.html"
        label = _("Callout")
        description = _("A highlighted note: information, or a warning.")
        preview_value = {"kind": "info", "text": "<p>Indicators are signals, never proof.</p>"}


class BaseContentBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        label=_("Text"),
        template="blocks/rich_text.html",
        group=_("Text"),
    )
    callout = CalloutBlock(group=_("Text"))
