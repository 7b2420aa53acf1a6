"""Extras other apps show beside a completed course on "My learning" (a certificate, say).

courses cannot import the apps that build on it, so they register a provider here:
provider(learner, course_keys) -> {course_key: [{"label", "url", "note"}]}. An item may also
say "pending": True (it is still being made: a certificate the worker renders); the page then
asks for it again every few seconds and shows it when it changes.
"""

from collections.abc import Callable
from uuid import UUID

Provider = Callable[[object, list[UUID]], dict[UUID, list[dict]]]
_providers: list[Provider] = []


def register_completed_course_extra(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def completed_course_extras(*, learner, course_keys: list[UUID]) -> dict[UUID, list[dict]]:
    extras: dict[UUID, list[dict]] = {}
    for provider in _providers:
        for key, items in provider(learner, course_keys).items():
            extras.setdefault(key, []).extend(items)
    return extras
