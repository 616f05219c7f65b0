"""iCalendar files of booked times (per booking, private feed, public busy feed), built by
hubportal.core.ics."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hubportal.core.ics import calendar_bytes, new_calendar, new_event
from hubportal.core.money import kroner

from . import charges
from .enums import BookingStatus


def _price_text(ore: int) -> str:
    return _("Price: %(amount)s (VAT included)") % {"amount": kroner(ore)}


def booking_calendar(booking) -> bytes:
    calendar = new_calendar(product="booking")
    hub = booking.resource.hub
    stamp = timezone.now()
    occurrences = list(booking.occurrences.filter(resource=booking.resource))
    prices = charges.of_occurrences(occurrences)
    for occurrence in occurrences:
        entry = new_event(
            uid=f"booking-{occurrence.pk}@hubportal",
            start=occurrence.starts_at,
            end=occurrence.ends_at,
            stamp=stamp,
        )
        entry.add("summary", f"{booking.purpose} – {booking.resource.name}")
        entry.add("location", f"{hub.name}, {hub.street_address}")
        entry.add("url", settings.SITE_URL + booking.get_absolute_url())
        if occurrence.pk in prices:
            entry.add("description", _price_text(prices[occurrence.pk]))
        held = occurrence.status in BookingStatus.holding_time()
        entry.add("status", "CONFIRMED" if held else "CANCELLED")
        calendar.add_component(entry)
    return calendar_bytes(calendar)


def occurrences_calendar(name: str, occurrences, *, private: bool) -> bytes:
    """A feed of booked times. The public one shows only that a resource is busy."""
    calendar = new_calendar(product="booking", name=name)
    stamp = timezone.now()
    occurrences = list(occurrences)
    prices = charges.of_occurrences(occurrences) if private else {}
    for occurrence in occurrences:
        entry = new_event(
            uid=f"booking-{occurrence.pk}@hubportal",
            start=occurrence.starts_at,
            end=occurrence.ends_at,
            stamp=stamp,
        )
        if private:
            entry.add("summary", f"{occurrence.booking.purpose} – {occurrence.resource.name}")
            entry.add("url", settings.SITE_URL + occurrence.booking.get_absolute_url())
            if occurrence.pk in prices:
                entry.add("description", _price_text(prices[occurrence.pk]))
        else:
            entry.add(
                "summary", occurrence.booking.purpose if occurrence.booking.is_public else _("Busy")
            )
            entry.add("transp", "OPAQUE")
        calendar.add_component(entry)
    return calendar_bytes(calendar)
