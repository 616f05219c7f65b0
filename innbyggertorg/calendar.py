"""iCalendar feeds (RFC 5545) built with the `icalendar` package."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .selectors import NextVisit


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//hubportal//innbyggertorg//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Oslo")
    return calendar


def visits_calendar(name: str, visits: Iterable[NextVisit]) -> bytes:
    calendar = _calendar(name)
    stamp = timezone.now()
    for visit in visits:
        schedule, occurrence = visit.schedule, visit.occurrence
        service, hub = schedule.service_type, schedule.hub
        event = Event()
        event.add("uid", f"schedule-{schedule.pk}-{occurrence.day.isoformat()}@hubportal")
        event.add("dtstamp", stamp)
        event.add("dtstart", occurrence.interval.start)
        event.add("dtend", occurrence.interval.end)
        event.add("summary", f"{service.name} – {hub.name}")
        event.add("location", f"{hub.name}, {hub.street_address}, {hub.postcode} {hub.post_town}")
        page = settings.SITE_URL + service.get_absolute_url()
        event.add("url", page)
        event.add("description", f"{schedule.note}\n{page}".strip())
        event.add("status", "CANCELLED" if occurrence.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()  # a VTIMEZONE for Europe/Oslo, as RFC 5545 asks
    return calendar.to_ical()


def event_calendar(event) -> bytes:
    return events_calendar(event.title, [event])


def events_calendar(name: str, events) -> bytes:
    calendar = _calendar(name)
    stamp = timezone.now()
    for event in events:
        entry = Event()
        entry.add("uid", f"event-{event.pk}@hubportal")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.title)
        hub = event.hub
        entry.add("location", f"{hub.name}, {hub.street_address}, {hub.postcode} {hub.post_town}")
        page = settings.SITE_URL + event.get_absolute_url()
        entry.add("url", page)
        entry.add("description", f"{event.description}\n{page}".strip())
        entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
