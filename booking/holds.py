"""Times held for someone before anyone books them, as the week grid shows them (*held*).

The seasonal allocation (an association's fixed Tuesday evening for the school year) is the
first thing that holds time, and it lives in an app that builds on booking, so booking
cannot ask it. Instead such an app registers a *held-times provider* here, from its
``AppConfig.ready``::

    from booking.holds import HeldTime, register_held_times

    @register_held_times
    def season_allocations(*, resource_ids, start, end):
        return [HeldTime(resource_id=..., starts_at=..., ends_at=..., label="Sesong 2027/28")]

A provider is called once per grid (one week of one resource: the resource and every
atomic space under it) and should answer in one query. Booking itself registers none: until
an app does, no cell of the grid is held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HeldTime:
    resource_id: int
    starts_at: datetime
    ends_at: datetime
    label: str = ""  # shown with the held cells, e.g. the season and who holds the time

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.starts_at < end and start < self.ends_at


HeldTimesProvider = Callable[..., Iterable[HeldTime]]
_providers: list[HeldTimesProvider] = []


def register_held_times(provider: HeldTimesProvider) -> HeldTimesProvider:
    """Add a provider (usable as a decorator); registering one twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_held_times(provider: HeldTimesProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def held_times(*, resource_ids: Sequence[int], start: datetime, end: datetime) -> list[HeldTime]:
    """Every held time of these resources that overlaps [start, end), from every provider."""
    ids = list(resource_ids)
    found: list[HeldTime] = []
    for provider in _providers:
        found.extend(
            held
            for held in provider(resource_ids=ids, start=start, end=end)
            if held.resource_id in ids and held.overlaps(start, end)
        )
    return found
