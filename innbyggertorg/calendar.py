"""iCalendar feeds (RFC 5545) of service hours and events, built by hubportal.core.ics."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from hubportal.core.ics import calendar_bytes, new_calendar, new_event

from .selectors import NextVisit


def visits_calendar(name: str, visits: Iterable[NextVisit]) -> bytes:
    calendar = new_calendar(product="innbyggertorg", name=name)
    stamp = timezone.now()
    for visit in visits:
        schedule, occurrence = visit.schedule, visit.occurrence
        service, hub = schedule.service_type, schedule.hub
        event = new_event(
            uid=f"schedule-{schedule.pk}-{occurrence.day.isoformat()}@hubportal",
            start=occurrence.interval.start,
            end=occurrence.interval.end,
            stamp=stamp,
        )
        event.add("summary", f"{service.name} – {hub.name}")
        event.add("location", f"{hub.name}, {hub.street_address}, {hub.postcode} {hub.post_town}")
        page = settings.SITE_URL + service.get_absolute_url()
        event.add("url", page)
        event.add("description", f"{schedule.note}\n{page}".strip())
        event.add("status", "CANCELLED" if occurrence.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar_bytes(calendar)


def event_calendar(event) -> bytes:
    return events_calendar(event.title, [event])


def events_calendar(name: str, events) -> bytes:
    calendar = new_calendar(product="innbyggertorg", name=name)
    stamp = timezone.now()
    for event in events:
        entry = new_event(
            uid=f"event-{event.pk}@hubportal", start=event.starts_at, end=event.ends_at, stamp=stamp
        )
        entry.add("summary", event.title)
        hub = event.hub
        entry.add("location", f"{hub.name}, {hub.street_address}, {hub.postcode} {hub.post_town}")
        page = settings.SITE_URL + event.get_absolute_url()
        entry.add("url", page)
        entry.add("description", f"{event.description}\n{page}".strip())
        entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        calendar.add_component(entry)
    return calendar_bytes(calendar)
