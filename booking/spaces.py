"""The atomic spaces a resource occupies and the claims holding time on them: the reads
that both the availability selectors and the booking services are built on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from .models import Resource


def atomic_spaces(resource: Resource) -> list[Resource]:
    """The leaves under a resource (itself when it has no parts)."""
    parts = list(resource.parts.all())
    if not parts:
        return [resource]
    spaces = []
    for part in parts:
        spaces.extend(atomic_spaces(part))
    return spaces


def claims_overlapping(
    space_ids: Iterable[int], start: datetime, end: datetime
) -> list[tuple[int, DateTimeTZRange]]:
    """(space id, time) of every claim holding time on these spaces that overlaps
    [start, end). One statement with one probe per space into the exclusion constraint's
    GiST index on (space, time). A GiST index cannot take ``space IN (...)`` as an index
    condition, and searched by time alone it reads every space's claims (at national scale
    5,300 pages for one hour), so the cost would grow with the whole installation."""
    ids = sorted(set(space_ids))
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_CLAIMS_OVERLAPPING_SQL, [ids, DateTimeTZRange(start, end, "[)")])
        return cursor.fetchall()


# The ids arrive as bigint[], so each probe compares bigint with bigint: the GiST operator
# class (btree_gist) has no cross-type operators, and a plain integer would leave the
# index searched by time alone.
_CLAIMS_OVERLAPPING_SQL = """
SELECT claim.space_id, claim.during
FROM unnest(%s::bigint[]) AS space(id)
CROSS JOIN LATERAL (
    SELECT space_id, during FROM booking_spaceclaim
    WHERE space_id = space.id AND holds_time AND during && %s::tstzrange
    OFFSET 0  -- keeps the probe per space: flattened, the planner searches by time alone
) AS claim
"""
