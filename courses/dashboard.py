"""What other apps show on "My learning" (a certificate, a quiz score): courses cannot import
the apps that build on it, so they register a provider here.

Two registries, one item shape ({"label", "url", "note"}):

- beside a completed course: provider(learner, course_keys) -> {course_key: [item, ...]}. An
  item may also say "pending": True (it is still being made: a certificate the worker renders);
  the page then asks for it again every few seconds and shows it when it changes.
- beside each earlier run of a course (its history): provider(learner, course_keys) ->
  {(course_key, run): [item, ...]}, for every run of those courses the provider knows of;
  "My learning" shows those of the runs before the current one. A separate registry because a
  run, not a course, is what these describe, and because an earlier run's facts are final
  (nothing there is pending).
"""

from collections.abc import Callable
from uuid import UUID

Provider = Callable[[object, list[UUID]], dict[UUID, list[dict]]]
RunProvider = Callable[[object, list[UUID]], dict[tuple[UUID, int], list[dict]]]
_providers: list[Provider] = []
_run_providers: list[RunProvider] = []


def register_completed_course_extra(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def completed_course_extras(*, learner, course_keys: list[UUID]) -> dict[UUID, list[dict]]:
    extras: dict[UUID, list[dict]] = {}
    for provider in _providers:
        for key, items in provider(learner, course_keys).items():
            extras.setdefault(key, []).extend(items)
    return extras


def register_run_extra(provider: RunProvider) -> None:
    if provider not in _run_providers:
        _run_providers.append(provider)


def run_extras(*, learner, course_keys: list[UUID]) -> dict[tuple[UUID, int], list[dict]]:
    """Each provider's items by (course_key, run), in the order the providers registered
    (certificates before quizzes: INSTALLED_APPS order)."""
    extras: dict[tuple[UUID, int], list[dict]] = {}
    if not course_keys:
        return extras
    for provider in _run_providers:
        for key, items in provider(learner, course_keys).items():
            extras.setdefault(key, []).extend(items)
    return extras
