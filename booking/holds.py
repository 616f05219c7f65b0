"""Times held for someone before anyone books them: as the week grid shows them (*held*),
and as booking's write path refuses or marks a booking in them.

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


# --------------------------------------------------------------------------- the write path
# The same app may hold times against single bookings while it allocates: it registers a
# *booking hold* here, which booking's write path (``booking_create``) asks for every
# booking made by someone who does not book the resource as staff:
#
# - ``holds_on(resource, times, organisation)``: the times of the booking that fall in a
#   held time; a hold that *refuses* makes that time a problem of the booking, like a
#   clash; one that *marks* lets it through;
# - ``mark_booked(booking, holds)``: called in the booking's own transaction once it is
#   made, so the app can record the marked times ("until the season is allocated").
#
# With none registered, nothing is held against a booking.


@dataclass(frozen=True)
class Hold:
    """One time of a booking that falls in a held time."""

    at: datetime
    message: str
    refuse: bool
    holder: object = None  # what the app needs to record a marked booking (its round)


@dataclass(frozen=True)
class BookingHold:
    holds_on: Callable[..., list[Hold]]
    mark_booked: Callable[..., None]


_booking_holds: list[BookingHold] = []


def register_booking_hold(hold: BookingHold) -> None:
    if hold not in _booking_holds:
        _booking_holds.append(hold)


def holds_on(*, resource, times: Sequence[tuple[datetime, datetime]], organisation) -> list[Hold]:
    return [
        hold
        for source in _booking_holds
        for hold in source.holds_on(resource=resource, times=times, organisation=organisation)
    ]


def mark_booked(*, booking, holds: Sequence[Hold]) -> None:
    if holds:
        for source in _booking_holds:
            source.mark_booked(booking=booking, holds=list(holds))
