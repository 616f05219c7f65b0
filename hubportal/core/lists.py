"""Lists the portal shortens on a reader's behalf say so: `capped` fetches one row more
than it shows, so the page knows (without counting) that there is more than it lists."""

from __future__ import annotations


def capped(rows, limit: int) -> tuple[list, bool]:
    """The first `limit` rows of a queryset (or any sequence), and whether there were more."""
    fetched = list(rows[: limit + 1])
    return fetched[:limit], len(fetched) > limit
