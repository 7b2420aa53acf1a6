"""Lesson content blocks. Every StructBlock has an icon, a template, a preview and a description."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from elearning.blocks import RICH_TEXT_FEATURES, BaseContentBlock, CalloutBlock

SIMPLE_TEXT = ["bold", "italic", "link"]


class KeyFactBlock(blocks.StructBlock):
    figure = blocks.CharBlock(max_length=40, label=_("figure"), help_text=_("e.g. 451"))
    sentence = blocks.TextBlock(label=_("sentence"), help_text=_("What the figure means."))
    source = blocks.CharBlock(label=_("source"), help_text=_("Where the figure comes from."))

    class Meta:
        icon = "pick"
        template = "blocks/key_fact.html"
        label = _("Key fact")
        description = _("A figure with one sentence of context and its source.")
        preview_value = {
            "figure": "451",
            "sentence": "victims of trafficking identified by Romanian authorities in 2023.",
            "source": "US Embassy in Romania, 2024",
        }


class IndicatorItemBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("indicator"))
    explanation = blocks.TextBlock(label=_("explanation"))


class IndicatorsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"))
    intro = blocks.TextBlock(label=_("introduction"), required=False)
    items = blocks.ListBlock(IndicatorItemBlock(), label=_("indicators"), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "blocks/indicators.html"
        label = _("Indicators checklist")
        description = _(
            "Signs to notice. Learners can tick the ones they recognise and open each explanation."
        )
        preview_value = {
            "heading": "Indicators at school",
            "intro": "Signals for further inquiry, never proof.",
            "items": [
                {"label": "Repeated unexplained absences", "explanation": "Ask, listen, record."}
            ],
        }


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    scenario = blocks.TextBlock(label=_("scenario"))
    questions = blocks.ListBlock(blocks.CharBlock(), label=_("reflection questions"))
    commentary = blocks.TextBlock(
        label=_("expert commentary"), help_text=_("Hidden until the learner asks for it.")
    )

    class Meta:
        icon = "user"
        template = "blocks/case_study.html"
        label = _("Case study")
        description = _("A short scenario with questions and an expert commentary.")
        preview_value = {
            "title": "Andreea, 14",
            "scenario": "Andreea has missed school for two weeks and has a new phone.",
            "questions": ["What do you notice?", "What would you do first?"],
            "commentary": "No single sign is proof; talk to her calmly and notify.",
        }


class StepItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"))
    detail = blocks.TextBlock(label=_("detail"), required=False)


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"))
    steps = blocks.ListBlock(StepItemBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "blocks/steps.html"
        label = _("What to do")
        description = _("Numbered steps to follow.")
        preview_value = {
            "heading": "What to do",
            "steps": [{"title": "Listen", "detail": "Do not promise secrecy."}],
        }


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        template = "blocks/image.html"
        label = _("Image")
        description = _("An image with a caption and required alternative text.")


class VideoBlock(blocks.StructBlock):
    """A link to a video, never an embedded player: pages load nothing from other hosts, and
    the lesson must work without the video, so the summary carries its content."""

    title = blocks.CharBlock(label=_("title"))
    url = blocks.URLBlock(label=_("video address"))
    summary = blocks.TextBlock(
        label=_("summary or transcript"),
        help_text=_("What the video says, so the lesson works without it."),
    )
    duration_minutes = blocks.IntegerBlock(
        label=_("length in minutes"), required=False, min_value=1
    )

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        label = _("Video")
        description = _("An optional video, linked, with a summary that stands in for it.")
        preview_value = {
            "title": "Talking with a child",
            "url": "https://example.org/video",
            "summary": "A trainer shows how to listen without leading questions.",
        }


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("title"))
    description = blocks.TextBlock(label=_("description"), required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/document.html"
        label = _("Downloadable document")
        description = _("A handout or checklist learners can download.")


class ReferralContactsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"))
    contacts = blocks.ListBlock(
        SnippetChooserBlock("courses.ReferralContact"),
        label=_("contacts"),
        required=False,
        help_text=_("Leave empty to show the national contacts and those of the learner's county."),
    )
    show_other_counties = blocks.BooleanBlock(
        label=_("also list the other counties' contacts"),
        required=False,
        help_text=_(
            "When no contacts are chosen: after the learner's county and the national "
            "contacts, list every other county's."
        ),
    )

    class Meta:
        icon = "group"
        template = "blocks/referral_contacts.html"
        label = _("Referral contacts")
        description = _("Whom to call: organisations, what they help with, how to reach them.")
        preview_value = {"heading": "Whom to contact", "contacts": []}


class SourceItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    publisher = blocks.CharBlock(label=_("publisher"), required=False)
    year = blocks.CharBlock(label=_("year"), required=False, max_length=10)
    url = blocks.URLBlock(label=_("link"), required=False)


class SourcesBlock(blocks.StructBlock):
    items = blocks.ListBlock(SourceItemBlock(), label=_("sources"), min_num=1)

    class Meta:
        icon = "openquote"
        template = "blocks/sources.html"
        label = _("Sources")
        description = _("Where the lesson's facts come from; put it at the end of the lesson.")
        preview_value = {
            "items": [
                {"title": "Law 678/2001", "publisher": "Parliament of Romania", "year": "2001"}
            ]
        }


class LessonBodyBlock(BaseContentBlock):
    key_fact = KeyFactBlock(group=_("Text"))
    indicators = IndicatorsBlock(group=_("Learning activities"))
    case_study = CaseStudyBlock(group=_("Learning activities"))
    steps = StepsBlock(group=_("Learning activities"))
    image = ImageBlock(group=_("Media"))
    video = VideoBlock(group=_("Media"))
    document = DocumentBlock(group=_("Media"))
    referral_contacts = ReferralContactsBlock(group=_("References"))
    sources = SourcesBlock(group=_("References"))


__all__ = ["RICH_TEXT_FEATURES", "SIMPLE_TEXT", "CalloutBlock", "LessonBodyBlock"]
