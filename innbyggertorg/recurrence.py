"""When a rotating service is at a hub: dates from a recurrence rule (python-dateutil's
rrule), placed in Oslo time by the opening-hours engine's span_interval. Cancelled dates
and public holidays or the municipality's closed eves (the hub is closed) are kept, marked,
so citizens see why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil import rrule

from knutepunkt.enums import SpanState
from knutepunkt.opening_hours import (
    DEFAULT_CLOSED_EVES,
    Interval,
    TimeSpan,
    holiday_name,
    span_interval,
)

from .enums import AttendanceMode, Recurrence


@dataclass(frozen=True)
class ScheduleRule:
    recurrence: str
    start: date
    end: date
    opens: time
    closes: time
    weekday: int | None = None
    week_of_month: int | None = None
    dates: tuple[date, ...] = ()
    mode: str = AttendanceMode.DROP_IN
    cancellations: Sequence[tuple[date, str]] = ()
    closed_eves: frozenset[str] = DEFAULT_CLOSED_EVES  # the hub's municipality's


@dataclass(frozen=True)
class Occurrence:
    day: date
    interval: Interval
    cancelled_reason: str = ""

    @property
    def is_cancelled(self) -> bool:
        return bool(self.cancelled_reason)


def occurrence_dates(rule: ScheduleRule, first: date, last: date) -> list[date]:
    """The dates of the rule between first and last (both included)."""
    first, last = max(first, rule.start), min(last, rule.end)
    if first > last:
        return []
    if rule.recurrence == Recurrence.SINGLE_DATES:
        return sorted(d for d in rule.dates if first <= d <= last)
    weekday = rrule.weekday(rule.weekday)
    if rule.recurrence == Recurrence.MONTHLY_WEEKDAY:
        recurrence = rrule.rrule(
            rrule.MONTHLY,
            byweekday=weekday(rule.week_of_month),
            dtstart=_midnight(rule.start),
            until=_midnight(rule.end),
        )
    else:
        interval = 2 if rule.recurrence == Recurrence.EVERY_OTHER_WEEK else 1
        # Every other week counts from the first such weekday on or after the start date
        # (an rrule alone would count from the week the start date falls in).
        first_day = rule.start + timedelta(days=(rule.weekday - rule.start.weekday()) % 7)
        recurrence = rrule.rrule(
            rrule.WEEKLY,
            interval=interval,
            byweekday=weekday,
            dtstart=_midnight(first_day),
            until=_midnight(rule.end),
        )
    return [
        moment.date() for moment in recurrence.between(_midnight(first), _midnight(last), inc=True)
    ]


def occurrences(
    rule: ScheduleRule, first: date, last: date, language: str = "nb"
) -> list[Occurrence]:
    cancelled = dict(rule.cancellations)
    state = (
        SpanState.BY_APPOINTMENT
        if rule.mode == AttendanceMode.BY_APPOINTMENT
        else SpanState.STAFFED
    )
    result = []
    for day in occurrence_dates(rule, first, last):
        reason = cancelled.get(day) or holiday_name(day, language, rule.closed_eves) or ""
        interval = span_interval(day, TimeSpan(rule.opens, rule.closes, state))
        result.append(Occurrence(day, interval, reason))
    return result


def next_occurrence(
    rule: ScheduleRule, after: datetime, horizon_days: int = 400
) -> Occurrence | None:
    today = after.date()
    for occurrence in occurrences(rule, today, today + timedelta(days=horizon_days)):
        if not occurrence.is_cancelled and occurrence.interval.end > after:
            return occurrence
    return None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min)
