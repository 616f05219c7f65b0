from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .enums import BookingStatus


def booking_calendar(booking) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//hubportal//booking//NO")
    calendar.add("version", "2.0")
    hub = booking.resource.hub
    for occurrence in booking.occurrences.filter(resource=booking.resource):
        entry = Event()
        entry.add("uid", f"booking-{occurrence.pk}@hubportal")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", timezone.localtime(occurrence.starts_at))
        entry.add("dtend", timezone.localtime(occurrence.ends_at))
        entry.add("summary", f"{booking.purpose} – {booking.resource.name}")
        entry.add("location", f"{hub.name}, {hub.street_address}")
        entry.add("url", settings.SITE_URL + booking.get_absolute_url())
        held = occurrence.status in BookingStatus.holding_time()
        entry.add("status", "CONFIRMED" if held else "CANCELLED")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def occurrences_calendar(name: str, occurrences, *, private: bool) -> bytes:
    """A feed of booked times. The public one shows only that a resource is busy."""
    calendar = Calendar()
    calendar.add("prodid", "-//hubportal//booking//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for occurrence in occurrences:
        entry = Event()
        entry.add("uid", f"booking-{occurrence.pk}@hubportal")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", timezone.localtime(occurrence.starts_at))
        entry.add("dtend", timezone.localtime(occurrence.ends_at))
        if private:
            entry.add("summary", f"{occurrence.booking.purpose} – {occurrence.resource.name}")
            entry.add("url", settings.SITE_URL + occurrence.booking.get_absolute_url())
        else:
            entry.add(
                "summary", occurrence.booking.purpose if occurrence.booking.is_public else _("Busy")
            )
            entry.add("transp", "OPAQUE")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
