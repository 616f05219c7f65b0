"""iCalendar files (RFC 5545) that every common client reads alike.

Every .ics the portal serves or attaches is built here, so that Thunderbird (ical.js),
Outlook, Apple and Google calendars and python's icalendar all show the same local times:

- times are written on the Europe/Oslo wall clock with ``TZID=Europe/Oslo``, except a time
  in the hour that is repeated when the clocks go back: RFC 5545 (3.3.5) reads such a
  wall-clock time as its first pass, ical.js as its second, so both passes are written in
  UTC;
- the VTIMEZONE is derived from zoneinfo, one observance per rule, each with the local time
  *before* its onset in DTSTART (02:00 in March, 03:00 in October) and a yearly RRULE, as
  calendar clients write it themselves. (icalendar's own ``add_missing_timezones`` puts
  the March onset at 03:00 and lists every onset in one multi-valued RDATE, of which ical.js
  reads only the first: Thunderbird then shows every summer time an hour late.)
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

CONTENT_TYPE = "text/calendar; charset=utf-8"
_STEP = timedelta(hours=6)  # no zone changes its offset twice within six hours


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def new_calendar(*, product: str, name: str | None = None) -> Calendar:
    """An empty VCALENDAR of one of the portal's apps (``product``: its PRODID part)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//hubportal//{product}//NO")
    calendar.add("version", "2.0")
    if name is not None:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def new_event(*, uid: str, start: datetime, end: datetime, stamp: datetime) -> Event:
    """A VEVENT with its UID, DTSTAMP (UTC) and its start and end as every client reads them."""
    entry = Event()
    entry.add("uid", uid)
    entry.add("dtstamp", stamp.astimezone(UTC))
    start, end = _as_written(start), _as_written(end)
    if start.tzinfo is UTC or end.tzinfo is UTC:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    entry.add("dtstart", start)
    entry.add("dtend", end)
    return entry


def _as_written(moment: datetime) -> datetime:
    """The moment on the local wall clock, or in UTC where the wall clock is ambiguous."""
    if moment.tzinfo is None:
        raise ValueError("calendar times must be aware")
    local = moment.astimezone(local_zone())
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)  # the repeated hour: clients disagree on which pass
    return local


def calendar_bytes(calendar: Calendar) -> bytes:
    """The calendar as bytes, with a VTIMEZONE for every zone its times name."""
    moments_by_zone: dict[str, list[datetime]] = defaultdict(list)
    for component in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            if name not in component:
                continue
            moment = component.decoded(name)
            key = getattr(getattr(moment, "tzinfo", None), "key", None)
            if key:
                moments_by_zone[key].append(moment)
    timezones = [
        vtimezone(key, min(m.year for m in moments), max(m.year for m in moments))
        for key, moments in sorted(moments_by_zone.items())
    ]
    # VTIMEZONEs first, so that a reader meets each definition before the times that use it.
    calendar.subcomponents[:0] = timezones
    return calendar.to_ical()


def ics_response(content: bytes, filename: str) -> HttpResponse:
    """An .ics download, shown inline by a browser that can (calendar apps subscribe to it)."""
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- VTIMEZONE


def _zone_state(moment: datetime, zone: ZoneInfo) -> tuple[timedelta, timedelta, str]:
    local = moment.astimezone(zone)
    return local.utcoffset(), local.dst(), local.tzname()


def zone_transitions(zone: ZoneInfo, first: datetime, last: datetime):
    """Every change of offset of ``zone`` between two UTC instants, to the second:
    ``(instant, offset_before, offset_after, name_after, is_dst_after)``."""
    found = []
    moment = first
    while moment < last:
        later = moment + _STEP
        before, after = _zone_state(moment, zone), _zone_state(later, zone)
        if before != after:
            low, high = moment, later  # the change is in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) // 2
                if _zone_state(middle, zone) == before:
                    low = middle
                else:
                    high = middle
            offset_after, dst_after, name_after = _zone_state(high, zone)
            found.append((high, before[0], offset_after, name_after, bool(dst_after)))
        moment = later
    return found


def _yearly_rule(onsets: list[datetime], offset_from: timedelta, last_year: int) -> vRecur | None:
    """A yearly RRULE that yields exactly these local onsets (and goes on after the last one
    if the zone still follows it in ``last_year``), or None if there is no such rule."""
    first = onsets[0]
    years = [onset.year for onset in onsets]
    if years != list(range(first.year, first.year + len(onsets))):
        return None
    if any(
        (onset.month, onset.weekday(), onset.time()) != (first.month, first.weekday(), first.time())
        for onset in onsets
    ):
        return None
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
    if all(
        onset.day + 7 > month_calendar.monthrange(onset.year, onset.month)[1] for onset in onsets
    ):
        ordinal = -1
    elif len({(onset.day - 1) // 7 for onset in onsets}) == 1:
        ordinal = (first.day - 1) // 7 + 1
    else:
        return None
    rule = vRecur(freq="YEARLY", bymonth=first.month, byday=f"{ordinal}{weekday}")
    if onsets[-1].year < last_year:
        rule["until"] = (onsets[-1] - offset_from).replace(tzinfo=UTC)  # UTC, as RFC 5545 asks
    return rule


@lru_cache(maxsize=64)
def vtimezone(key: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for the zone ``key`` that is right for every time from ``first_year`` to
    ``last_year`` (and, where the zone's current rule goes on, after it)."""
    zone = ZoneInfo(key)
    start = datetime(first_year - 1, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 2, 1, 1, tzinfo=UTC)
    observances: dict[tuple, list[datetime]] = defaultdict(list)
    offset, dst, name = _zone_state(start, zone)
    observances[(offset, offset, name, bool(dst))].append((start + offset).replace(tzinfo=None))
    for instant, before, after, name, is_dst in zone_transitions(zone, start, end):
        # DTSTART and RDATE of an observance are the local time just before its onset.
        observances[(before, after, name, is_dst)].append((instant + before).replace(tzinfo=None))

    timezone = Timezone()
    timezone.add("tzid", key)
    for (offset_from, offset_to, name, is_dst), onsets in observances.items():
        observance = TimezoneDaylight() if is_dst else TimezoneStandard()
        observance.add("tzname", name)
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        observance.add("dtstart", onsets[0])
        rule = _yearly_rule(onsets, offset_from, last_year + 1) if len(onsets) > 1 else None
        if rule is not None:
            observance.add("rrule", rule)
        else:
            # One RDATE property per onset: ical.js reads only the first value of each.
            for onset in onsets[1:]:
                observance.add("rdate", onset)
        timezone.add_component(observance)
    return timezone
