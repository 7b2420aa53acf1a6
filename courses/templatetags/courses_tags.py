from django import template
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import get_language
from wagtail.models import Locale

from courses.models import ReferralContact

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_contacts(context, value):
    """The block's chosen contacts, or the directory in the active language: the learner's
    county first, then the national entries, then (when the block says so) the other counties.

    Two queries whatever the number of entries (the locale, the contacts); the lesson body is
    cached per county (courses/lesson_page.html), so they run once per county and tree version."""
    locale = Locale.objects.filter(language_code=get_language()).first()
    chosen = list(value.get("contacts") or [])
    if chosen:
        keys = [contact.translation_key for contact in chosen]
        translated = {
            contact.translation_key: contact
            for contact in ReferralContact.objects.filter(translation_key__in=keys, locale=locale)
        }
        return [translated.get(contact.translation_key, contact) for contact in chosen]
    request = context.get("request")
    county = getattr(getattr(request, "user", None), "county", "") or ""
    where = Q(county="") | Q(county=county) if county else Q(county="")
    if value.get("show_other_counties"):
        where = Q()
    places = [When(county=county, then=Value(0))] if county else []
    places.append(When(county="", then=Value(1)))
    place = Case(*places, default=Value(2), output_field=IntegerField())
    contacts = ReferralContact.objects.filter(where, locale=locale).annotate(place=place)
    return list(contacts.order_by("place", "county", "sort_order", "organisation"))
