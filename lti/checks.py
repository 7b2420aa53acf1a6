"""System checks of the LTI platforms' registrations (`check --deploy`).

The registration form refuses http addresses in production, but a registration stored before
that rule (or with dev settings, then deployed) keeps them: it is named here, so it is fixed
before a launch or a grade travels in the clear (the HTTP client refuses to call it anyway)."""

from django.conf import settings
from django.core.checks import Warning, register
from django.db import DatabaseError

HINT = (
    "Open Settings → LTI platforms and give the platform's https:// addresses; until then its "
    "launches are refused and its grades and rosters are not sent or read."
)


@register(deploy=True)
def platform_urls_secure(app_configs, **kwargs):
    """A warning per enabled or disabled registration with an http key set, login or token URL,
    where LTI_ALLOW_INSECURE_PLATFORM_URLS is off; and one when it is on in a deployment."""
    if settings.LTI_ALLOW_INSECURE_PLATFORM_URLS:
        return [
            Warning(
                "LTI_ALLOW_INSECURE_PLATFORM_URLS is True: platforms may be registered and "
                "called over http.",
                hint="Leave it False in production (the production settings do).",
                id="lti.W002",
            )
        ]
    from .models import PlatformRegistration

    try:
        registrations = list(PlatformRegistration.objects.order_by("pk"))
    except DatabaseError:  # no database or no table yet (before migrate): nothing stored
        return []
    messages = []
    for registration in registrations:
        fields = registration.insecure_url_fields
        if fields:
            messages.append(
                Warning(
                    f"The LTI platform {registration.name!r} (id {registration.pk}) has http "
                    f"addresses: {', '.join(fields)}.",
                    hint=HINT,
                    obj=registration,
                    id="lti.W001",
                )
            )
    return messages
