from django.conf import settings
from django.utils import timezone
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
