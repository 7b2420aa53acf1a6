"""Brute-force protection: fixed-window failure counters in the shared cache.

Counters are keyed by a hash of the e-mail address typed (whether or not an account exists, so
the lock-out itself reveals nothing) and by the client's IP address. In production the cache is
Redis, so every web process sees the same counts.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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
