"""Keep the search index in step with the objects it describes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db import transaction
from django.db.models import Func, Value
from django.db.models.functions import Concat, Lower
from django.utils import translation

from .models import SearchDocument
from .registry import provider_for, providers

SEARCH_CONFIG = "norwegian"


class Unaccent(Func):
    function = "unaccent"


def search_index_object(*, obj) -> SearchDocument | None:
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
            content_type=content_type,
            object_id=obj.pk,
            defaults={
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
            },
        )
        title, body, keywords = Value(entry.title), Value(entry.body), Value(entry.keywords)
        SearchDocument.objects.filter(pk=document.pk).update(
            search_vector=(
                SearchVector(title, weight="A", config=SEARCH_CONFIG)
                + SearchVector(keywords, weight="A", config=SEARCH_CONFIG)
                + SearchVector(Value(entry.summary), weight="B", config=SEARCH_CONFIG)
                + SearchVector(body, weight="C", config=SEARCH_CONFIG)
            ),
            # Trigram matching also looks into the text, so that "bostote" finds a hub
            # whose description mentions bostøtte.
            match_text=Lower(
                Unaccent(Concat(title, Value(" "), keywords, Value(" "), Value(entry.body[:4000])))
            ),
        )
    for dependent in provider.dependents(obj):
        search_index_object(obj=dependent)
    return document


def search_remove_object(*, model, pk) -> None:
    content_type = ContentType.objects.get_for_model(model)
    SearchDocument.objects.filter(content_type=content_type, object_id=pk).delete()


@transaction.atomic
def search_rebuild() -> int:
    """Rebuild the whole index from the registered providers."""
    SearchDocument.objects.all().delete()
    count = 0
    for provider in providers():
        if provider.queryset is None:
            continue
        for obj in provider.queryset():
            count += search_index_object(obj=obj) is not None
    return count
