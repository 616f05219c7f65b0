"""The text search configuration that the index (services) and the queries (selectors)
share."""

from __future__ import annotations

from django.db.models import Func

SEARCH_CONFIG = "norwegian"


class Unaccent(Func):
    function = "unaccent"
