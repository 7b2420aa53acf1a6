"""The two survey forms. Ranges and lengths are checked here and again by the database; the
free text is screened for what identifies a person (surveys.screening)."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX_LENGTH, COUNT_MAX, LIKERT_MAX, LIKERT_MIN
from .screening import screen

# The messages are built at import, before any request's language is active: formatted lazily.
_formatted = lazy(lambda message, values: str(message) % values, str)

LIKERT_CHOICES = [
    (1, _("1 – not at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – very much")),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _likert(label):
    return forms.TypedChoiceField(
        label=label,
        choices=LIKERT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _formatted(
                _("Choose a rating from %(low)d to %(high)d."),
                {"low": LIKERT_MIN, "high": LIKERT_MAX},
            ),
            "invalid_choice": _formatted(
                _("Choose a rating from %(low)d to %(high)d."),
                {"low": LIKERT_MIN, "high": LIKERT_MAX},
            ),
        },
    )


def _yes_no(label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Answer yes or no."),
            "invalid_choice": _("Answer yes or no."),
        },
    )


def _count(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=COUNT_MAX,
        initial=0,
        help_text=_formatted(_("A number from 0 to %(max)d."), {"max": COUNT_MAX}),
        error_messages={
            "required": _formatted(_("Write a number from 0 to %(max)d."), {"max": COUNT_MAX}),
            "invalid": _formatted(_("Write a number from 0 to %(max)d."), {"max": COUNT_MAX}),
            "min_value": _formatted(_("Write a number from 0 to %(max)d."), {"max": COUNT_MAX}),
            "max_value": _formatted(_("Write a number from 0 to %(max)d."), {"max": COUNT_MAX}),
        },
    )


class CommentField(forms.CharField):
    """Optional free text, at most COMMENT_MAX_LENGTH characters, refused when it holds a name,
    a phone number, an address or another detail that identifies a person."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={
                "max_length": _(
                    "Write at most %(limit_value)d characters (you wrote %(show_value)d)."
                )
            },
            **kwargs,
        )

    def clean(self, value):
        # The length is checked first: screening a 100,000-character text would cost time for
        # an answer that is refused anyway.
        value = super().clean(value)
        reasons = screen(value)
        if reasons:
            raise forms.ValidationError(
                [*reasons, _("Describe what you did in general terms, without details.")]
            )
        return value


class ReactionForm(forms.Form):
    relevance = _likert(_("How relevant was the course to your job?"))
    clarity = _likert(_("How clear was the course?"))
    confidence = _likert(_("How confident do you feel to act on a suspicion of child trafficking?"))
    recommend = _likert(_("Would you recommend the course to a colleague?"))
    comment = CommentField(label=_("Anything else you would like to tell the trainers?"))


class FollowUpForm(forms.Form):
    noticed_indicators = _yes_no(
        _("Since the course, have you noticed indicators of child trafficking?")
    )
    conversations = _count(
        _("How many times have you talked with a child or a colleague about a concern?")
    )
    used_directory = _yes_no(_("Have you used the referral directory?"))
    notifications = _count(_("How many times have you notified an authority?"))
    comment = CommentField(label=_("Anything else you would like to tell the trainers?"))
