"""Bookings: the person's bookings with every booked time, and their private calendar feed."""

from __future__ import annotations

from hubportal.accounts import registry
from hubportal.accounts.registry import iso

from .models import Booking, CalendarFeed
from .services import booking_erase_person, calendar_feed_revoke


def _export(user) -> dict:
    feed = CalendarFeed.objects.filter(user=user).first()
    return {
        "bookings": [
            {
                "resource": b.resource.name,
                "hub": b.resource.hub.name,
                "purpose": b.purpose,
                "attendees": b.attendees,
                "public": b.is_public,
                "on_behalf_of": b.organisation.name if b.organisation_id else None,
                "free_of_charge": b.free_of_charge,
                "status": b.status,
                "reason": b.rejection_reason,
                "repeats": b.repeat,
                "created_at": iso(b.created_at),
                "times": [
                    {
                        "resource": o.resource.name,
                        "starts_at": iso(o.starts_at),
                        "ends_at": iso(o.ends_at),
                        "status": o.status,
                        "no_show": o.no_show,
                    }
                    for o in sorted(b.occurrences.all(), key=lambda o: (o.starts_at, o.pk))
                ],
            }
            for b in Booking.objects.filter(booker=user)
            .select_related("resource__hub", "organisation")
            .prefetch_related("occurrences__resource")
            .order_by("created_at", "pk")
        ],
        # The feed's address is a secret, like a password: that it exists is shown, not it.
        "calendar_feed": None if feed is None else {"created_at": iso(feed.created_at)},
    }


def _erase(user) -> None:
    booking_erase_person(user=user)
    calendar_feed_revoke(user=user)


registry.register(
    "bookings",
    export=_export,
    erase=_erase,
    models=["booking.Booking", "booking.CalendarFeed"],
)
