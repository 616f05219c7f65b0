"""Search: full text with Norwegian stemming, plus trigram matching on unaccented titles
and keywords so that misspellings and missing letters (ø, æ, å) still find the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, FloatField, Q, Value
from django.db.models.expressions import Func
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone

from hubportal.core.lists import capped

from .models import SearchDocument
from .text import SEARCH_CONFIG, Unaccent

MAX_QUERY_LENGTH = 200


class WordSimilarity(Func):
    """pg_trgm's word_similarity(query, text): how well the query matches part of the text."""

    function = "word_similarity"
    output_field = FloatField()


@dataclass(frozen=True)
class SearchResults:
    query: str
    documents: list[SearchDocument]
    truncated: bool = False  # the query was longer than we search for
    more: bool = False  # there were more results than `limit`
    limit: int = 0


def clean_query(raw: str | None) -> tuple[str, bool]:
    text = " ".join((raw or "").split())
    return text[:MAX_QUERY_LENGTH], len(text) > MAX_QUERY_LENGTH


def search_documents(
    *, query: str | None, municipality_id: int | None = None, limit: int = 50
) -> SearchResults:
    text, truncated = clean_query(query)
    if not text:
        return SearchResults("", [], truncated)
    full_text = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    normalised = Lower(Unaccent(Value(text)))
    queryset = SearchDocument.objects.annotate(
        rank=SearchRank(F("search_vector"), full_text),
        similarity=WordSimilarity(normalised, F("match_text")),
    ).filter(
        # `%>` uses the trigram index (pg_trgm.word_similarity_threshold, 0.6 by default).
        Q(search_vector=full_text) | Q(match_text__trigram_word_similar=normalised)
    )
    now = timezone.now()
    queryset = queryset.filter(
        Q(visible_from__isnull=True) | Q(visible_from__lte=now),
        Q(visible_until__isnull=True) | Q(visible_until__gt=now),
    )
    if municipality_id is not None:
        queryset = queryset.filter(
            Q(municipality_id=municipality_id) | Q(municipality_id__isnull=True)
        )
    queryset = queryset.annotate(
        score=Greatest(Coalesce("rank", 0.0), F("similarity") * 0.5) * F("boost")
    ).order_by("-score", "title")
    documents, more = capped(queryset, limit)
    return SearchResults(text, documents, truncated, more, limit)
