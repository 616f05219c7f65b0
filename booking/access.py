"""Bookers let in from another municipality: an association of a neighbouring municipality
booking a room its own municipality shares with the room's (a room shared by an
inter-municipal cooperation, in ``samarbeid``), under rules of their own.

The cooperation lives in an app that builds on booking, so booking cannot ask it. Instead
such an app registers a *guest-access source* here, from its ``AppConfig.ready``:

- ``access_for(resource, organisation)``: the :class:`GuestAccess` that lets the
  organisation (of another municipality than the resource's) book the resource, or None;
- ``record(booking, access)``: called in the booking's own transaction once it is made,
  so the app knows which bookings came in as guests (to tell staff about them if the
  room stops being shared).

booking's write path (``booking_create``) asks for every booking made for an organisation
of another municipality by someone who does not book the resource as staff, and applies
the access's rules: the resource may be booked by such an association even without an
agreement with the hub, only within the access's horizon, and as a request for staff to
approve where the access says so. The price lists (betaling) ask the same access for the
renter category of such a booking. With no source registered, nobody is a guest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class GuestAccess:
    label: str  # what lets the guest in, e.g. the cooperation's name
    horizon_days: int  # bookable at most this many days ahead
    needs_approval: bool  # every guest booking is a request for staff
    price_category: str = ""  # the renter category of the price lists ("": the usual one)
    grant: object = None  # what the app needs to record the booking (its arrangement)


@dataclass(frozen=True)
class GuestAccessSource:
    access_for: Callable[..., GuestAccess | None]
    record: Callable[..., None]


_sources: list[GuestAccessSource] = []


def register_guest_access(source: GuestAccessSource) -> None:
    if source not in _sources:
        _sources.append(source)


def unregister_guest_access(source: GuestAccessSource) -> None:
    if source in _sources:
        _sources.remove(source)


def guest_access(*, resource, organisation) -> GuestAccess | None:
    """The access that lets an organisation of another municipality book the resource."""
    if organisation is None or organisation.municipality_id == resource.municipality_id:
        return None
    for source in _sources:
        found = source.access_for(resource=resource, organisation=organisation)
        if found is not None:
            return found
    return None


def record_guest(*, booking, access: GuestAccess | None) -> None:
    if access is not None:
        for source in _sources:
            source.record(booking=booking, access=access)
