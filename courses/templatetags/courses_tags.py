from django import template
from django.db.models import Q
from django.utils.translation import get_language
from wagtail.models import Locale

from courses.models import ReferralContact

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_contacts(context, value):
    """The block's chosen contacts, or the national ones and those of the learner's county,
    in the active language."""
    locale = Locale.objects.filter(language_code=get_language()).first()
    chosen = list(value.get("contacts") or [])
    if chosen:
        return [contact.get_translation_or_none(locale) or contact for contact in chosen]
    request = context.get("request")
    county = getattr(getattr(request, "user", None), "county", "") or ""
    where = Q(county="") | Q(county=county) if county else Q(county="")
    return list(ReferralContact.objects.filter(where, locale=locale))
