"""Brute-force protection: fixed-window counters in the shared cache.

Counters are keyed by a hash of the e-mail address typed (whether or not an account exists, so
the lock-out itself reveals nothing) and by the client's IP address. In production the cache is
Redis, so every web process sees the same counts.

Passwords are checked in one place, the authentication backend
(`accounts.backends.AccountBackend`), which every entry point reaches through Django's
`authenticate()`: the site's and Wagtail's login forms, changing the password on the site or in
the admin, deleting the account. Each attempt is counted first, with an atomic increment, and
only an attempt within the limits has its password checked (`password_attempt_begin`): thirty
wrong passwords sent at once check at most the limit, not thirty.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext_lazy


def client_ip(request: HttpRequest) -> str:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window_seconds: int


class Throttle:
    """Counts events per (scope, value) within a window; blocks once the limit is reached."""

    def __init__(self, limit: Limit):
        self.limit = limit

    def _window(self) -> tuple[int, int]:
        now = int(time.time())
        start = now - now % self.limit.window_seconds
        return start, start + self.limit.window_seconds - now

    def _window_key(self, value: str) -> str:
        start, _remaining = self._window()
        return f"{_key(self.limit.scope, value)}:{start}"

    def count(self, value: str) -> int:
        return cache.get(self._window_key(value), 0)

    def is_blocked(self, value: str) -> bool:
        return self.count(value) >= self.limit.limit

    def hit(self, value: str) -> int:
        key = self._window_key(value)
        _start, remaining = self._window()
        # add() then incr() is atomic on Redis and good enough on the local-memory cache.
        if cache.add(key, 1, timeout=remaining + 1):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=remaining + 1)
            return 1

    def reset(self, value: str) -> None:
        cache.delete(self._window_key(value))

    def release(self, value: str) -> None:
        """Give back one counted event (it turned out not to be a failure)."""
        try:
            cache.decr(self._window_key(value))
        except ValueError:  # the window ended meanwhile: nothing left to give back
            pass

    def retry_after(self) -> int:
        return self._window()[1]


def login_account_throttle() -> Throttle:
    return Throttle(
        Limit(
            "login-account",
            settings.LOGIN_FAILURES_PER_ACCOUNT,
            settings.LOGIN_FAILURE_WINDOW_SECONDS,
        )
    )


def login_ip_throttle() -> Throttle:
    return Throttle(
        Limit("login-ip", settings.LOGIN_FAILURES_PER_IP, settings.LOGIN_FAILURE_WINDOW_SECONDS)
    )


def account_email_throttle() -> Throttle:
    """Registration and password-reset requests per IP: each one sends an e-mail."""
    return Throttle(Limit("account-email-ip", settings.ACCOUNT_EMAILS_PER_IP_PER_HOUR, 3600))


class TooManyPasswordAttempts(ValidationError):
    """An attempt over the limit: its password was not checked.

    Raised from the authentication backend through `authenticate()` (which passes on anything
    but PermissionDenied) into the form that asked, so every form that checks a password shows
    it as its error, with no code of its own; views answer 429 (`password_lock_retry_after`).
    """

    code = "too_many_attempts"

    def __init__(self, retry_after: int):
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            ngettext_lazy(
                "Too many wrong passwords. For your security, wait %(minutes)d minute and "
                "try again.",
                "Too many wrong passwords. For your security, wait %(minutes)d minutes and "
                "try again.",
                "minutes",
            ),
            code=self.code,
            params={"minutes": minutes, "retry_after": retry_after},
        )


def password_attempt_begin(*, request: HttpRequest | None, email: str) -> None:
    """Count a password attempt, then refuse it if it is over a limit.

    Counting comes first and is one atomic increment, so of many attempts made at once only
    the first `LOGIN_FAILURES_PER_ACCOUNT` get their password checked. The per-IP limit applies
    when there is a request (a form that asks for the current password may have none).
    """
    account = login_account_throttle()
    over = account.hit(email) > account.limit.limit
    if request is not None:
        per_ip = login_ip_throttle()
        over = per_ip.hit(client_ip(request)) > per_ip.limit.limit or over
    if over:
        raise TooManyPasswordAttempts(account.retry_after())


def password_attempt_succeeded(*, request: HttpRequest | None, email: str) -> None:
    """The password was right: the account's failures are forgotten, and the IP address gets
    back the attempt it was charged (its limit counts failures)."""
    login_account_throttle().reset(email)
    if request is not None:
        login_ip_throttle().release(client_ip(request))


def password_lock_retry_after(form) -> int | None:
    """Seconds until the lock ends, when the form was refused for too many attempts."""
    for field_errors in form.errors.as_data().values():
        for error in field_errors:
            if error.code == TooManyPasswordAttempts.code:
                return error.params["retry_after"]
    return None
