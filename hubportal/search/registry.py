"""Providers turn an object into a search entry. Apps register them in search_documents.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SearchEntry:
    kind: str  # a short translatable label key, e.g. "hub", "district", "news"
    title: str
    url: str
    summary: str = ""
    body: str = ""
    keywords: str = ""
    municipality_id: int | None = None
    district_id: int | None = None
    hub_id: int | None = None
    boost: float = 1.0
    visible_from: datetime | None = None  # not found before (e.g. news not yet published)
    visible_until: datetime | None = None


@dataclass
class Provider:
    model_label: str
    build: Callable[[object], SearchEntry | None]  # None: not (or no longer) public
    queryset: Callable[[], Iterable] | None = None  # everything to index on a rebuild
    dependents: Callable[[object], Iterable] = field(default=lambda obj: ())


_providers: dict[str, Provider] = {}
_kind_labels: dict[str, object] = {}


def register_kind(kind: str, label) -> None:
    """A (lazily translated) label for a kind of result, e.g. "hub" -> _("Hub")."""
    _kind_labels[kind] = label


def kind_label(kind: str):
    return _kind_labels.get(kind, kind)


def register(
    model_label: str,
    *,
    queryset: Callable[[], Iterable] | None = None,
    dependents: Callable[[object], Iterable] | None = None,
):
    """Decorate a function ``obj -> SearchEntry | None`` as the provider for a model."""

    def decorator(build):
        _providers[model_label.lower()] = Provider(
            model_label.lower(), build, queryset, dependents or (lambda obj: ())
        )
        return build

    return decorator


def provider_for(model) -> Provider | None:
    return _providers.get(model._meta.label_lower)


def providers() -> list[Provider]:
    return list(_providers.values())
