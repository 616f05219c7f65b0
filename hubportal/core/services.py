"""Writes of plain content that has no domain action of its own (a hub's description, a
district, a room's facilities, a row of an admin inline), and the side effects every change
of public content has: the municipality's cached pages are stale and the search index is
rewritten, both after commit.

The apps' own services call :func:`content_changed` (or :func:`page_cache.invalidate_after_commit
<hubportal.core.page_cache.invalidate_after_commit>` and :func:`search_index_after_commit
<hubportal.search.services.search_index_after_commit>` directly) for what they change; the
admin base classes write through :func:`content_save` and :func:`content_delete`. No signal
follows saves: an ``.update()`` or a bulk action would slip past it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import models, router, transaction
from django.db.models.deletion import Collector

from hubportal import permissions
from hubportal.core.page_cache import invalidate_after_commit
from hubportal.search.registry import provider_for
from hubportal.search.services import search_index_after_commit


def content_changed(*objs: models.Model) -> None:
    """What the public sees of these objects changed, or will once they are deleted (call it
    before deleting): after commit their municipalities' cached pages are stale and their
    search documents (and their dependents') are rewritten from the committed rows."""
    invalidate_after_commit(*{permissions.municipality_id_of(obj) for obj in objs})
    for obj in objs:
        search_index_after_commit(obj=obj)


@transaction.atomic
def content_save(*, obj: models.Model) -> models.Model:
    """Save an object the caller has validated and checked the permission for."""
    obj.save()
    content_changed(obj)
    return obj


@transaction.atomic
def content_delete(*, obj: models.Model) -> None:
    """Delete an object and everything that cascades from it (a hub's events and news go
    with it): their search documents are removed too."""
    # First, while they exist: the objects' way to their municipality and their dependents.
    content_changed(obj)
    for cascaded in _cascade_of(obj):
        search_index_after_commit(obj=cascaded)
    obj.delete()


def _cascade_of(obj: models.Model) -> Iterator[models.Model]:
    """The findable objects that deleting `obj` deletes with it."""
    collector = Collector(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    for model, instances in collector.data.items():
        if provider_for(model) is not None:
            yield from (instance for instance in instances if instance is not obj)
    for queryset in collector.fast_deletes:  # deleted in one statement, never loaded
        if provider_for(queryset.model) is not None:
            yield from queryset


@transaction.atomic
def contents_save(
    *, saved: Iterable[models.Model] = (), deleted: Iterable[models.Model] = ()
) -> None:
    """Several objects written as one change (the rows of an admin inline)."""
    deleted = list(deleted)
    for obj in deleted:
        content_delete(obj=obj)
    for obj in saved:
        content_save(obj=obj)
