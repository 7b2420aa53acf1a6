"""One preferred language per person, for the site and for Wagtail's admin.

The learner's `User.preferred_language` decides the site's language, e-mails and certificates;
Wagtail's admin reads its own `UserProfile.preferred_language` (Account → Locale). The two are
kept in step whichever one is changed: the profile form, registration, bulk enrolment or the
admin's user forms write the user; Wagtail's account settings write its profile. Each side is
written with a queryset update when it differs, so neither save triggers the other again.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def user_saved(*, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    """A new user gets the admin's profile in their language; a changed language is copied."""
    from wagtail.users.models import UserProfile

    language = instance.preferred_language
    if raw or not language:
        return
    if created:
        UserProfile.objects.create(user_id=instance.pk, preferred_language=language)
    elif update_fields is None or "preferred_language" in update_fields:
        UserProfile.objects.filter(user_id=instance.pk).exclude(preferred_language=language).update(
            preferred_language=language
        )


def profile_saved(*, instance, raw=False, **kwargs) -> None:
    """Wagtail's account settings changed the admin's language: the site follows it.
    "Use the default" (empty) or a language the site does not offer changes nothing."""
    from .models import User

    language = instance.preferred_language
    if not raw and language in LANGUAGES:
        # An update sends no signal: the user's cached copy follows the profile's save
        # (elearning/infrastructure/caching/invalidation.py).
        User.objects.filter(pk=instance.user_id).exclude(preferred_language=language).update(
            preferred_language=language
        )


def connect_signals() -> None:
    from wagtail.users.models import UserProfile

    from .models import User

    post_save.connect(user_saved, sender=User, dispatch_uid="admin-language-user")
    post_save.connect(profile_saved, sender=UserProfile, dispatch_uid="admin-language-profile")
