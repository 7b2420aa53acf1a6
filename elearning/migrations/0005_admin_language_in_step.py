"""Existing accounts: Wagtail's admin language and the site's preferred language agree.

From now on elearning.admin_language keeps them in step; this brings earlier accounts in line
as those signals would have: a language chosen in Wagtail's account settings (Romanian or
English) becomes the person's; otherwise (none chosen, no profile yet, or a language the admin
no longer offers) the admin takes the site's preferred language.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

LANGUAGES = ("ro", "en")


def forwards(apps, schema_editor):
    User = apps.get_model("elearning", "User")
    UserProfile = apps.get_model("wagtailusers", "UserProfile")
    for profile in UserProfile.objects.filter(preferred_language__in=LANGUAGES).iterator():
        User.objects.filter(pk=profile.user_id).exclude(
            preferred_language=profile.preferred_language
        ).update(preferred_language=profile.preferred_language)
    site_language = User.objects.filter(pk=OuterRef("user_id")).values("preferred_language")
    UserProfile.objects.exclude(preferred_language__in=LANGUAGES).update(
        preferred_language=Subquery(site_language[:1])
    )
    missing = User.objects.exclude(pk__in=UserProfile.objects.values("user_id"))
    UserProfile.objects.bulk_create(
        [
            UserProfile(user_id=pk, preferred_language=language)
            for pk, language in missing.values_list("pk", "preferred_language").iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("elearning", "0004_pending_task"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
