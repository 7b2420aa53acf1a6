"""An institution's platform registration and what its launches leave behind."""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def _token() -> str:
    return secrets.token_urlsafe(32)


def platform_url_allowed(url: str) -> bool:
    """Whether we may use this address of a platform: https, or http where
    LTI_ALLOW_INSECURE_PLATFORM_URLS allows it (dev and tests). Over http anyone on the way
    could swap the platform's keys (and so forge launches) or read our tokens and grades."""
    if settings.LTI_ALLOW_INSECURE_PLATFORM_URLS:
        return True
    return urlsplit(str(url or "")).scheme.lower() == "https"


# The registration's addresses we call or send people to (the issuer and audience are
# identifiers, compared, never fetched).
PLATFORM_URL_FIELDS = ("jwks_url", "auth_url", "token_url")


class PlatformRegistration(models.Model):
    """One LTI 1.3 platform (a Moodle site) that may launch our courses. Values come from the
    platform's tool configuration; ours (login, launch, key set URLs) are shown beside them."""

    name = models.CharField(_("name"), max_length=200)
    institution = models.ForeignKey(
        "accounts.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lti_registrations",
    )
    enabled = models.BooleanField(
        _("enabled"), default=False, help_text=_("Launches are refused until this is ticked.")
    )
    issuer = models.CharField(
        _("issuer"), max_length=255, help_text=_("The platform's address, e.g. its site URL.")
    )
    client_id = models.CharField(_("client ID"), max_length=255)
    deployment_ids = models.TextField(
        _("deployment IDs"), help_text=_("One per line, as the platform shows them.")
    )
    jwks_url = models.URLField(_("public keyset URL"), max_length=500)
    auth_url = models.URLField(_("authentication request URL"), max_length=500)
    token_url = models.URLField(_("access token URL"), max_length=500)
    audience = models.CharField(
        _("token audience"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty to use the access token URL (as Moodle expects)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI platform")
        verbose_name_plural = _("LTI platforms")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="one_lti_registration")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if not self.deployment_id_list:
            errors["deployment_ids"] = _("Give at least one deployment ID.")
        for field in PLATFORM_URL_FIELDS:
            value = getattr(self, field)
            if value and not platform_url_allowed(value):
                errors[field] = _(
                    "Use the platform's https:// address: over http its keys, logins and "
                    "grades could be read or changed on the way."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def insecure_url_fields(self) -> list[str]:
        """The names of its addresses that are not allowed (http in production)."""
        return [f for f in PLATFORM_URL_FIELDS if not platform_url_allowed(getattr(self, f))]

    @property
    def deployment_id_list(self) -> list[str]:
        return [line.strip() for line in self.deployment_ids.splitlines() if line.strip()]

    @property
    def token_audience(self) -> str:
        return self.audience or self.token_url


class LoginState(models.Model):
    """An OIDC login initiation: its `state` comes back with the launch and its `nonce` inside
    the signed id_token. A row, used once (a conditional UPDATE), so a replayed launch is
    refused even after a cache is cleared."""

    registration = models.ForeignKey(PlatformRegistration, on_delete=models.CASCADE)
    state = models.CharField(max_length=64, unique=True, default=_token)
    nonce = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # A deep linking request's settings, kept for the answer; answered once.
    deep_link = models.JSONField(null=True, blank=True)
    deployment_id = models.CharField(max_length=255, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # A framed launch's button, pressed (lti.services.framed_launch_continue): once.
    continued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.registration_id} · {self.created_at:%Y-%m-%d %H:%M}"


class LtiIdentity(models.Model):
    """A platform's user (issuer + subject) and our account. Accounts are found by this pair
    only, never by e-mail: a platform asserts an address, it does not prove it."""

    registration = models.ForeignKey(
        PlatformRegistration, verbose_name=_("LTI platform"), on_delete=models.CASCADE
    )
    subject = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    # Profile data from the platform's claims (never used to find an account).
    email = models.EmailField(_("e-mail address"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "subject"], name="one_lti_identity")
        ]

    def __str__(self):
        return f"{self.registration_id} · {self.subject}"


class LineItem(models.Model):
    """Where the platform wants this learner's grade for a course (the AGS claim of their last
    launch of it). A link added by hand in the platform (not through deep linking) comes with
    the platform's line items service but no line item: `url` stays empty until the passback
    finds or creates the link's line item (`services.line_item_resolve`)."""

    identity = models.ForeignKey(LtiIdentity, on_delete=models.CASCADE)
    course_key = models.UUIDField()
    url = models.URLField(max_length=500, blank=True)
    # The launch's line items service and resource link, to find or create the line item.
    lineitems_url = models.URLField(max_length=500, blank=True)
    resource_link_id = models.CharField(max_length=255, blank=True)
    # The launch's language: a line item we create is labelled with the course's title in it.
    language = models.CharField(max_length=8, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identity", "course_key"], name="one_lti_lineitem")
        ]

    def __str__(self):
        return self.url


class PassbackStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ScorePassback(models.Model):
    """One run's score sent to one line item: the unique row is the claim (a run sends its
    score once; a failure is retried; a success is never sent again)."""

    line_item = models.ForeignKey(LineItem, on_delete=models.CASCADE)
    run = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2)
    completed_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=PassbackStatus.choices, default=PassbackStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line_item", "run"], name="one_passback_per_run")
        ]

    def __str__(self):
        return f"{self.line_item_id} · {self.run} · {self.status}"


class LtiContext(models.Model):
    """A platform course (context) our courses were launched from, with its roster service."""

    registration = models.ForeignKey(
        PlatformRegistration, verbose_name=_("LTI platform"), on_delete=models.CASCADE
    )
    context_id = models.CharField(max_length=255)
    title = models.CharField(_("title"), max_length=255, blank=True)
    memberships_url = models.URLField(max_length=500, blank=True)
    deployment_id = models.CharField(max_length=255)
    course_keys = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "context_id"], name="one_lti_context")
        ]

    def __str__(self):
        return self.title or self.context_id
