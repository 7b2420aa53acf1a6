"""Wagtail's reference index (the admin's "Usage" of pages, images, documents and snippets),
brought up to date once per object when many rows are written together.

Wagtail re-indexes an object on every save of it *and of each of its child rows*: saving a quiz
with 12 questions of 4 choices re-reads and re-indexes the whole quiz about 60 times. Seeding
the starter courses did that ~660 times (10 of its 26 seconds on PostgreSQL). Inside
`indexed_once()` nothing is indexed on save; the objects saved are remembered (a child row as
its parent, as Wagtail's own task does) and each is indexed once when the block ends, so the
index ends exactly as it would have.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from modelcluster.fields import ParentalKey
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import (
    disable_reference_index_auto_update,
    reference_index_auto_update_disabled,
)


def _indexed_object(instance):
    """What Wagtail indexes for a saved row: the row, or for a child row its parent (up the
    chain of parental keys); None when the parent is not set."""
    while True:
        keys = [f for f in instance._meta.get_fields() if isinstance(f, ParentalKey)]
        if not keys:
            return instance
        instance = getattr(instance, keys[0].name)
        if instance is None:
            return None


@contextmanager
def indexed_once():
    """Index each object saved inside the block once, at its end. Nested blocks leave the
    indexing to the outermost one (an inner exit would otherwise switch auto-indexing back on
    for the rest of the outer block)."""
    if getattr(reference_index_auto_update_disabled, "value", False):
        yield
        return
    saved: dict[tuple[type, object], None] = {}
    deleted: list = []

    def remember(sender, instance, raw=False, **kwargs):
        if not raw and sender in ReferenceIndex.tracked_models:
            saved[(sender, instance.pk)] = None

    def forget(sender, instance, **kwargs):
        if sender in ReferenceIndex.tracked_models:
            deleted.append(instance)

    post_save.connect(remember, weak=False, dispatch_uid="indexed_once")
    post_delete.connect(forget, weak=False, dispatch_uid="indexed_once")
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        post_save.disconnect(dispatch_uid="indexed_once")
        post_delete.disconnect(dispatch_uid="indexed_once")
    with transaction.atomic():
        # What Wagtail's delete handler would have done (a deleted child row's references
        # belong to its parent, which is indexed again below).
        for instance in deleted:
            ReferenceIndex.remove_for_object(instance)
            ReferenceIndex.remove_references_to(instance)
    objects: dict[tuple[type, object], object] = {}
    for model, pk in saved:
        instance = model._default_manager.filter(pk=pk).first()
        indexed = _indexed_object(instance) if instance is not None else None
        if indexed is not None and ReferenceIndex.is_indexed(indexed._meta.model):
            objects[(indexed._meta.concrete_model, indexed.pk)] = indexed
    with transaction.atomic():
        for instance in objects.values():
            ReferenceIndex.create_or_update_for_object(instance)


def indexing_once(function):
    """`indexed_once()` around a function (the demo's seeds)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with indexed_once():
            return function(*args, **kwargs)

    return wrapper
