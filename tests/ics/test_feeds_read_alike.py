"""Every .ics the portal serves, read by ical.js (Thunderbird) and by python's icalendar:
the same start and end on an Oslo wall clock for every event, and the right ones, across
both daylight-saving changes of 2027 (28 March 02:00 → 03:00, 31 October 03:00 → 02:00)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from booking import services as booking_services
from booking.enums import Repeat
from booking.models import Occurrence
from booking.recurrence import series_times
from innbyggertorg import selectors
from tests.booking.factories import ResourceFactory
from tests.innbyggertorg.factories import EventFactory, ScheduleFactory
from tests.knutepunkt.factories import HubFactory, UserFactory

from .conftest import OSLO, assert_read_alike

pytestmark = pytest.mark.django_db

SPRING, AUTUMN = date(2027, 3, 28), date(2027, 10, 31)  # both Sundays


def oslo(*args, fold=0):
    return datetime(*args, tzinfo=OSLO, fold=fold)


# Events at every kind of wall-clock time around both changes: before, over and after the
# skipped hour; in, over and after the repeated hour (both passes of it).
DST_EVENTS = [
    (oslo(2027, 3, 28, 1, 30), oslo(2027, 3, 28, 3, 30)),  # over the skipped hour: 1 h long
    (oslo(2027, 3, 28, 3, 0), oslo(2027, 3, 28, 4, 0)),  # the first summer hour
    (oslo(2027, 3, 28, 10, 0), oslo(2027, 3, 28, 12, 0)),
    (oslo(2027, 10, 31, 1, 30), oslo(2027, 10, 31, 2, 30)),  # into the repeated hour
    (oslo(2027, 10, 31, 2, 30), oslo(2027, 10, 31, 2, 30, fold=1)),  # first pass to second
    (oslo(2027, 10, 31, 2, 15, fold=1), oslo(2027, 10, 31, 3, 15)),  # second pass onwards
    (oslo(2027, 10, 31, 3, 0), oslo(2027, 10, 31, 4, 0)),  # the first winter hour
    (oslo(2027, 6, 15, 18, 0), oslo(2027, 6, 15, 20, 0)),  # summer time
    (oslo(2027, 12, 15, 18, 0), oslo(2027, 12, 15, 20, 0)),  # winter time
]


@pytest.fixture
def clock(monkeypatch):
    """Set the portal's clock (timezone.now) to an instant, for feeds that show 'from now'."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))

    return set_to


def spanning_series(resource, booker, start_time, hours=1):
    """A weekly booking on Sundays from early March to late November 2027: over both changes."""
    times = series_times(
        first_day=date(2027, 3, 7),
        start_time=start_time,
        duration=timedelta(hours=hours),
        repeat=Repeat.WEEKLY,
        until=date(2027, 11, 28),
    )
    result = booking_services.booking_create(
        booker=booker, resource=resource, times=times, purpose="Sjakklubb"
    )
    assert result.booking is not None, result
    return times


def bookable_room():
    return ResourceFactory(horizon_days=500, max_minutes=24 * 60, granularity_minutes=15)


def held_times(**filters):
    return [(o.starts_at, o.ends_at) for o in Occurrence.objects.filter(**filters)]


# --------------------------------------------------------------------------- one per URL


def event_ics(client, clock):
    hub = HubFactory()
    fetches = []
    for start, end in (DST_EVENTS[0], DST_EVENTS[4]):
        event = EventFactory(hub=hub, starts_at=start, ends_at=end)
        url = reverse("innbyggertorg:event_ics", args=[hub.municipality.slug, event.pk])
        fetches.append((url, [(start, end)]))
    return fetches


def hub_events_ics(client, clock):
    hub = HubFactory()
    for start, end in DST_EVENTS:
        EventFactory(hub=hub, starts_at=start, ends_at=end)
    url = reverse("innbyggertorg:hub_events_ics", args=[hub.municipality.slug, hub.slug])
    return [(url, DST_EVENTS)]


def _visits_feed(clock, name, args_of):
    """Rotating service hours on Sundays, 01:30–03:30 (over the skipped and the repeated
    hour) and 10:00–14:00, fetched with the clock in the weeks before each change (the feeds
    show the coming weeks)."""
    hub = HubFactory()
    night = ScheduleFactory(hub=hub, weekday=6, opens=time(1, 30), closes=time(3, 30))
    ScheduleFactory(
        hub=hub, service_type=night.service_type, weekday=6, opens=time(10), closes=time(14)
    )
    url = reverse(name, args=args_of(hub, night))
    fetches = []
    for day in (date(2027, 3, 14), date(2027, 10, 17)):
        moment = oslo(day.year, day.month, day.day, 0, 0)
        if name == "innbyggertorg:hub_calendar":
            visits = selectors.hub_visits(hub=hub, at=moment)
        else:
            visits = selectors.service_where_and_when(service_type=night.service_type, at=moment)
        expected = [(v.occurrence.interval.start, v.occurrence.interval.end) for v in visits]
        fetches.append((url, expected, moment))
    return fetches


def service_calendar(client, clock):
    return _visits_feed(
        clock,
        "innbyggertorg:service_calendar",
        lambda hub, schedule: [hub.municipality.slug, schedule.service_type.slug],
    )


def hub_calendar(client, clock):
    return _visits_feed(
        clock,
        "innbyggertorg:hub_calendar",
        lambda hub, schedule: [hub.municipality.slug, hub.slug],
    )


def booking_ics(client, clock):
    booker = UserFactory()
    room = bookable_room()
    spanning_series(room, booker, time(2, 30))  # the skipped hour in March, repeated in October
    client.force_login(booker)
    occurrence = Occurrence.objects.filter(resource=room).first()
    return [(reverse("booking:ics", args=[occurrence.booking_id]), held_times(resource=room))]


def private_feed(client, clock):
    booker = UserFactory()
    room = bookable_room()
    spanning_series(room, booker, time(10))
    spanning_series(room, booker, time(1, 45), hours=2)
    client.force_login(booker)
    client.post(reverse("booking:renew_feed"))
    booker.refresh_from_db()
    client.logout()  # a calendar app fetches the feed without a session
    url = reverse("booking:private_feed", args=[booker.booking_feed.token])
    return [(url, held_times(booking__booker=booker))]


def resource_feed(client, clock):
    room = bookable_room()
    spanning_series(room, UserFactory(), time(4))
    spanning_series(room, UserFactory(), time(2, 15), hours=0.5)
    return [(reverse("booking:resource_feed", args=[room.pk]), held_times(resource=room))]


FEEDS = {
    "innbyggertorg:event_ics": event_ics,
    "innbyggertorg:hub_events_ics": hub_events_ics,
    "innbyggertorg:service_calendar": service_calendar,
    "innbyggertorg:hub_calendar": hub_calendar,
    "booking:ics": booking_ics,
    "booking:private_feed": private_feed,
    "booking:resource_feed": resource_feed,
}


def _ics_routes(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _ics_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".ics"):
            yield f"{namespace}{pattern.name}"


def test_every_ics_address_of_the_url_conf_is_read_by_both_readers():
    assert set(_ics_routes()) == set(FEEDS)


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_feed__read_alike_by_icaljs_and_icalendar_across_both_dst_changes(
    name, client, clock, read_with_icaljs
):
    days = set()
    for url, expected, *now in FEEDS[name](client, clock):
        if now:
            clock(now[0])
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"].startswith('inline; filename="')
        assert expected
        readings = assert_read_alike(response.content, read_with_icaljs, expected)
        days |= {r["start"][:10] for r in readings}
    assert {SPRING.isoformat(), AUTUMN.isoformat()} <= days, sorted(days)


def test_repeated_hour__both_passes_are_written_in_utc_every_other_time_on_the_oslo_clock(
    client, read_with_icaljs
):
    ((url, _expected),) = hub_events_ics(client, None)
    content = client.get(url).content.decode()
    starts = [line for line in content.splitlines() if line.startswith("DTSTART")]
    assert "DTSTART:20271031T003000Z" in starts  # 02:30 summer time, the first pass
    assert "DTSTART:20271031T011500Z" in starts  # 02:15 winter time, the second pass
    assert "DTSTART;TZID=Europe/Oslo:20270328T013000" in starts
    assert "DTSTART;TZID=Europe/Oslo:20271031T030000" in starts
    # 01:30–02:30 (first pass), 02:30–02:30 (second pass), 02:15 (second pass)–03:15
    assert sum(line.endswith("Z") for line in starts) == 3
