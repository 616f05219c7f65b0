"""Keep the search index in step with the objects it describes.

The services that change something findable call :func:`search_index_after_commit`
themselves; no signal follows saves (an ``.update()`` or a bulk action would slip past it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import translation

from hubportal.core.page_cache import bump_content_version

from .models import SearchDocument
from .registry import SearchEntry, provider_for, providers
from .text import SEARCH_CONFIG

# The text columns of documents, written from their entries in one statement for any
# number of documents: the weighted full-text vector, and the lower-cased, unaccented text
# that trigram matching looks into (so that "bostote" finds a hub whose description
# mentions bostøtte).
_TEXT_SQL = """
UPDATE search_searchdocument AS document SET
    search_vector =
        setweight(to_tsvector(%(config)s::regconfig, entry.title), 'A')
        || setweight(to_tsvector(%(config)s::regconfig, entry.keywords), 'A')
        || setweight(to_tsvector(%(config)s::regconfig, entry.summary), 'B')
        || setweight(to_tsvector(%(config)s::regconfig, entry.body), 'C'),
    match_text = lower(unaccent(
        entry.title || ' ' || entry.keywords || ' ' || left(entry.body, 4000)
    ))
FROM unnest(%(ids)s::bigint[], %(titles)s::text[], %(keywords)s::text[], %(summaries)s::text[],
            %(bodies)s::text[]) AS entry(id, title, keywords, summary, body)
WHERE document.id = entry.id
"""


def _document_fields(entry: SearchEntry) -> dict:
    return {
        "kind": entry.kind,
        "title": entry.title[:300],
        "summary": entry.summary[:1000],
        "url": entry.url,
        "municipality_id": entry.municipality_id,
        "district_id": entry.district_id,
        "hub_id": entry.hub_id,
        "boost": entry.boost,
        "visible_from": entry.visible_from,
        "visible_until": entry.visible_until,
    }


def _write_text(pairs: list[tuple[int, SearchEntry]]) -> None:
    if not pairs:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _TEXT_SQL,
            {
                "config": SEARCH_CONFIG,
                "ids": [pk for pk, _entry in pairs],
                "titles": [entry.title for _pk, entry in pairs],
                "keywords": [entry.keywords for _pk, entry in pairs],
                "summaries": [entry.summary for _pk, entry in pairs],
                "bodies": [entry.body for _pk, entry in pairs],
            },
        )


def search_index_object(*, obj, with_dependents: bool = True) -> SearchDocument | None:
    """Write (or remove) the search document of one object, and those of its dependents."""
    provider = provider_for(type(obj))
    if provider is None:
        return None
    content_type = ContentType.objects.get_for_model(type(obj))
    with translation.override(settings.LANGUAGE_CODE):  # addresses are stored unprefixed
        entry = provider.build(obj)
    document = None
    if entry is None:
        SearchDocument.objects.filter(content_type=content_type, object_id=obj.pk).delete()
    else:
        document, _created = SearchDocument.objects.update_or_create(
            content_type=content_type, object_id=obj.pk, defaults=_document_fields(entry)
        )
        _write_text([(document.pk, entry)])
    if with_dependents:
        for dependent in provider.dependents(obj):
            search_index_object(obj=dependent)
    return document


def search_index_after_commit(*, obj) -> None:
    """Once the current transaction commits, rewrite the search document of the object (and
    of its dependents) from its row as committed: removed if the row is gone or no longer
    public. Then cached pages (search results among them) are stale. Nothing happens if the
    transaction rolls back, or for a model nobody made findable.

    The row is read again after commit, so a caller that changed it with ``.update()`` (or
    is about to delete it) may pass the object it holds."""
    provider = provider_for(type(obj))
    if provider is None:
        return
    model, pk = type(obj), obj.pk
    # Now, while the object still exists: it may be deleted before the commit.
    dependents = [(type(dependent), dependent.pk) for dependent in provider.dependents(obj)]

    def index() -> None:
        for each_model, each_pk in [(model, pk), *dependents]:
            current = each_model._default_manager.filter(pk=each_pk).first()
            if current is None:
                search_remove_object(model=each_model, pk=each_pk)
            else:
                search_index_object(obj=current, with_dependents=False)
        bump_content_version()  # after the index: a cached result page is never older

    transaction.on_commit(index, robust=True)


def search_remove_object(*, model, pk) -> None:
    content_type = ContentType.objects.get_for_model(model)
    SearchDocument.objects.filter(content_type=content_type, object_id=pk).delete()


@transaction.atomic
def search_rebuild(*, batch_size: int = 2000) -> int:
    """Rebuild the whole index from the registered providers, in batches: a few statements
    per thousand documents (a national installation has some 80,000). Cached pages (search
    results among them) are stale once it commits."""
    transaction.on_commit(bump_content_version, robust=True)
    SearchDocument.objects.all().delete()
    count = 0
    with translation.override(settings.LANGUAGE_CODE):  # addresses are stored unprefixed
        for provider in providers():
            if provider.queryset is None:
                continue
            content_type = ContentType.objects.get_for_model(apps.get_model(provider.model_label))
            objects = provider.queryset()
            if isinstance(objects, QuerySet):
                objects = objects.iterator(chunk_size=batch_size)
            for chunk in _chunks(objects, batch_size):
                built = [(obj.pk, provider.build(obj)) for obj in chunk]
                entries = [(pk, entry) for pk, entry in built if entry is not None]
                documents = SearchDocument.objects.bulk_create(
                    SearchDocument(
                        content_type=content_type, object_id=pk, **_document_fields(entry)
                    )
                    for pk, entry in entries
                )
                _write_text(
                    [(doc.pk, entry) for doc, (_pk, entry) in zip(documents, entries, strict=True)]
                )
                count += len(documents)
    return count


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
