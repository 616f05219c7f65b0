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
        frequency, options = {
            Repeat.WEEKLY: (rrule.WEEKLY, {}),
            Repeat.EVERY_OTHER_WEEK: (rrule.WEEKLY, {"interval": 2}),
            Repeat.MONTHLY_DATE: (rrule.MONTHLY, {"bymonthday": first_day.day}),
            Repeat.MONTHLY_WEEKDAY: (
                rrule.MONTHLY,
                {"byweekday": rrule.weekday(first_day.weekday())((first_day.day - 1) // 7 + 1)},
            ),
        }[Repeat(repeat)]
        limit = {"count": min(count or MAX_OCCURRENCES, MAX_OCCURRENCES)}
        if until is not None:
            limit = {"until": datetime.combine(until, time.max), "count": None}
            limit = {k: v for k, v in limit.items() if v is not None}
        rule = rrule.rrule(
            frequency, dtstart=datetime.combine(first_day, time.min), **options, **limit
        )
        days = [moment.date() for moment in list(rule)[:MAX_OCCURRENCES]]
    times = []
    for day in days:
        start = localise(day, start_time)
        end = (start.astimezone(UTC) + duration).astimezone(OSLO)
        times.append((start, end))
    return times
