"""Writes for accounts: registration, activation, profile changes, and queued e-mail."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from elearning.infrastructure.queueing import enqueue_on_commit

from .models import User
from .tokens import account_activation_token

logger = logging.getLogger(__name__)


def _account_link(user: User, view: str, token_generator) -> str:
    """A full one-time link for the user, in their language: uid plus a token."""
    with translation.override(user.preferred_language):
        path = reverse(
            view,
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": token_generator.make_token(user),
            },
        )
    return f"{settings.SITE_URL}{path}"


def activation_url(*, user: User) -> str:
    return _account_link(user, "accounts:activate", account_activation_token)


def password_set_url(*, user: User) -> str:
    """Where a learner a coordinator enrolled chooses their first password (Django's reset
    view: the link works once and for PASSWORD_RESET_TIMEOUT)."""
    from django.contrib.auth.tokens import default_token_generator

    return _account_link(user, "accounts:password_reset_confirm", default_token_generator)


@transaction.atomic
def registration_submit(*, email: str, password: str, profile: dict) -> User | None:
    """Register a learner, or, when the address already has an account, tell its owner.

    Both paths queue one e-mail and return to the same page, so the answer never reveals
    whether an address is registered. The new account stays inactive until the link in the
    welcome e-mail is opened. Returns the new user, or None when the address was taken.
    """
    from .tasks import send_account_exists_notice, send_welcome_email

    # Hashed on both paths, before anything else: hashing is nearly all the time a registration
    # takes, and a path without it would tell by its speed that the address has an account.
    password_hash = make_password(password)
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is not None:
        enqueue_on_commit(send_account_exists_notice, existing.pk)
        return None
    user = User(email=email.lower(), is_active=False, awaiting_activation=True, **profile)
    user.password = password_hash
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations for one address raced; the other one won.
        existing = User.objects.get(email__iexact=email)
        enqueue_on_commit(send_account_exists_notice, existing.pk)
        return None
    enqueue_on_commit(send_welcome_email, user.pk)
    return user


def account_activate(*, user: User) -> bool:
    """Activate an account whose e-mail address has just been confirmed. False when it was not
    awaiting its confirmation any more (already activated, deactivated by an administrator).

    One conditional UPDATE, so two clicks on the link at once activate it once.
    """
    from elearning.infrastructure.caching.invalidation import account_changed

    activated = User.objects.filter(pk=user.pk, is_active=False, awaiting_activation=True).update(
        is_active=True, awaiting_activation=False
    )
    if not activated:
        return False
    account_changed(user.pk)  # an UPDATE sends no post_save: retire the cached copy
    user.is_active, user.awaiting_activation = True, False
    return True


def profile_update(*, user: User, data: dict) -> User:
    """Save the learner's profile; the full name is what later certificates will print."""
    for field, value in data.items():
        setattr(user, field, value)
    user.save(update_fields=list(data))
    return user


def email_queue_rendered(*, to: str, subject_template: str, body_template: str, context: dict):
    """Render an e-mail now (in the active language) and send it from the worker."""
    from .tasks import send_email

    subject = "".join(render_to_string(subject_template, context).splitlines())
    body = render_to_string(body_template, context)
    enqueue_on_commit(send_email, to=to, subject=subject, body=body)


# The reserved top-level domain (RFC 2606) of addresses that name no mailbox: accounts created
# by an LTI launch log in with one (lti.services.identity_for).
NO_MAILBOX_DOMAIN = ".invalid"


def email_deliverable(address: str) -> bool:
    """False for an address that names no mailbox (NO_MAILBOX_DOMAIN), which accounts created
    by an LTI launch get when the platform proves no address of theirs. Mail to it would only
    bounce, retried by the task queue."""
    return bool(address) and not address.rsplit("@", 1)[-1].lower().endswith(NO_MAILBOX_DOMAIN)


def email_send_to_user(*, user: User, template: str, context: dict | None = None) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` in the user's language and send
    (nothing for an address that names no mailbox)."""
    from django.core.mail import send_mail

    if not email_deliverable(user.email):
        return
    context = {"user": user, "site_url": settings.SITE_URL, **(context or {})}
    with translation.override(user.preferred_language):
        subject = "".join(render_to_string(f"{template}_subject.txt", context).splitlines())
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [user.email])


def learner_account_create(
    *,
    email: str,
    full_name: str,
    role: str,
    institution,
    county: str,
    preferred_language: str,
) -> User:
    """An account someone else makes for a learner (a coordinator's bulk enrolment): active,
    without a usable password until its owner chooses one through the link they are sent
    (`password_set_url`)."""
    return User.objects.create_user(
        email=email,
        password=None,
        full_name=full_name,
        role=role,
        institution=institution,
        county=county,
        preferred_language=preferred_language,
    )
