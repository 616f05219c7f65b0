"""The times of a booking series: python-dateutil's rrule on local dates, each occurrence
placed in Oslo time and given the duration the user chose in real time (so a booking
across the October change lasts as long as the user asked)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dateutil import rrule

from knutepunkt.opening_hours import OSLO, localise

from .enums import Repeat

MAX_OCCURRENCES = 104


def series_times(
    *,
    first_day: date,
    start_time: time,
    duration: timedelta,
    repeat: str,
    until: date | None = None,
    count: int | None = None,
) -> list[tuple[datetime, datetime]]:
    if repeat == Repeat.NONE:
        days = [first_day]
    else:
        # The booking form refuses a longer series (series_length), so nothing is cut here.
        rule = _rule(first_day=first_day, repeat=repeat, until=until, count=count)
        days = [moment.date() for moment in list(rule)[:MAX_OCCURRENCES]]
    times = []
    for day in days:
        start = localise(day, start_time)
        end = (start.astimezone(UTC) + duration).astimezone(OSLO)
        times.append((start, end))
    return times


def series_length(*, first_day: date, repeat: str, until: date) -> int:
    """How many times a series repeating until a date has (to refuse one too long)."""
    if repeat == Repeat.NONE:
        return 1
    return _rule(first_day=first_day, repeat=repeat, until=until, count=None).count()


def _rule(*, first_day: date, repeat: str, until: date | None, count: int | None):
    frequency, options = {
        Repeat.WEEKLY: (rrule.WEEKLY, {}),
        Repeat.EVERY_OTHER_WEEK: (rrule.WEEKLY, {"interval": 2}),
        Repeat.MONTHLY_DATE: (rrule.MONTHLY, {"bymonthday": first_day.day}),
        Repeat.MONTHLY_WEEKDAY: (
            rrule.MONTHLY,
            {"byweekday": rrule.weekday(first_day.weekday())((first_day.day - 1) // 7 + 1)},
        ),
    }[Repeat(repeat)]
    if until is not None:
        limit = {"until": datetime.combine(until, time.max)}
    else:
        limit = {"count": min(count or MAX_OCCURRENCES, MAX_OCCURRENCES)}
    return rrule.rrule(frequency, dtstart=datetime.combine(first_day, time.min), **options, **limit)
