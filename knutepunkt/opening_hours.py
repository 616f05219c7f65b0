"""The opening-hours engine: plain data in, answers out; no database.

A :class:`Schedule` holds regular weekly hours per validity period, exception periods that
override them (closed, or special hours), and the public holidays that close a hub unless an
exception gives it hours. From a schedule the engine answers "which spans on this date?",
"open now?", "until when?", "when does it open next?" and "the coming seven days".

All reasoning is in Europe/Oslo wall time; instants are compared in UTC, so a span across a
daylight-saving change has its true length (01:00–04:00 lasts 2 h on the last Sunday of
March and 4 h on the last Sunday of October). A span may run past midnight into the next day.

The same pieces serve anything that recurs at a place: rotating service hours reuse
:class:`TimeSpan`, :func:`span_interval` and :func:`next_intervals`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from .enums import ExceptionKind, SpanState

OSLO = ZoneInfo("Europe/Oslo")
LOOKAHEAD_DAYS = 14

# Days the `holidays` package does not count as public holidays, but on which Norwegian
# municipal service desks are closed: Christmas Eve and New Year's Eve. A hub that opens
# on them says so with an exception (special hours), as for any public holiday.
EXTRA_CLOSED_DAYS = {(12, 24): "Julaften", (12, 31): "Nyttårsaften"}
_HOLIDAY_LANGUAGE = {"nb": "no", "nn": "no", "en": "en_US"}
_EXTRA_NAMES_EN = {(12, 24): "Christmas Eve", (12, 31): "New Year's Eve"}


@lru_cache(maxsize=64)
def _country_holidays(year: int, language: str) -> dict[date, str]:
    calendar = holidays_lib.country_holidays(
        "NO", years=year, include_sundays=False, language=_HOLIDAY_LANGUAGE.get(language, "no")
    )
    days = dict(calendar.items())
    for (month, day), name in EXTRA_CLOSED_DAYS.items():
        days[date(year, month, day)] = _EXTRA_NAMES_EN[(month, day)] if language == "en" else name
    return days


def holiday_name(day: date, language: str = "nb") -> str | None:
    """The name of the Norwegian public holiday (or closed day) on this date, if any."""
    return _country_holidays(day.year, language).get(day)


@dataclass(frozen=True)
class TimeSpan:
    """A span of wall-clock time on some day: opens–closes, maybe into the next day."""

    opens: time
    closes: time
    state: str = SpanState.STAFFED
    past_midnight: bool = False
    note: str = ""

    def __post_init__(self):
        if not self.past_midnight and self.closes <= self.opens:
            raise ValueError("a span that does not run past midnight must close after it opens")
        if self.past_midnight and self.closes > self.opens:
            raise ValueError("a span past midnight must close (next day) before its opening time")


@dataclass(frozen=True)
class WeeklySpan(TimeSpan):
    weekday: int = 0  # Monday = 0


@dataclass(frozen=True)
class RegularPeriod:
    valid_from: date
    valid_until: date | None
    spans: tuple[WeeklySpan, ...]
    name: str = ""

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class ExceptionPeriod:
    start: date
    end: date
    kind: str = ExceptionKind.CLOSED
    reason: str = ""
    spans: tuple[TimeSpan, ...] = ()  # for special hours: the hours on every date in the period

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Interval:
    """A span placed on a date: aware start and end in Europe/Oslo."""

    start: datetime
    end: datetime
    state: str
    note: str = ""
    past_midnight: bool = False

    @property
    def is_open(self) -> bool:
        return SpanState(self.state).is_open

    @property
    def duration(self) -> timedelta:
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    def contains(self, instant: datetime) -> bool:
        return self.start.astimezone(UTC) <= instant.astimezone(UTC) < self.end.astimezone(UTC)


@dataclass(frozen=True)
class DayHours:
    day: date
    intervals: tuple[Interval, ...]
    is_exception: bool = False
    exception_reason: str = ""
    holiday: str | None = None

    @property
    def is_closed(self) -> bool:
        return not any(interval.is_open for interval in self.intervals)

    @property
    def differs_from_regular(self) -> bool:
        return self.is_exception or self.holiday is not None


@dataclass(frozen=True)
class OpeningStatus:
    at: datetime
    is_open: bool
    state: str | None = None  # the current state when open
    state_until: datetime | None = None  # when the current state changes
    closes_at: datetime | None = None  # end of the continuous open stretch
    next_opening: Interval | None = None  # when closed: the next open interval
    current: Interval | None = None

    @property
    def valid_until(self) -> datetime | None:
        """The next moment the answer can change (for caching)."""
        if self.is_open:
            return self.state_until
        return self.next_opening.start if self.next_opening else None


def localise(day: date, moment: time) -> datetime:
    """Wall time on a date in Oslo; a time in the spring-forward gap moves to the gap's end."""
    naive = datetime.combine(day, moment)
    aware = naive.replace(tzinfo=OSLO)
    round_trip = aware.astimezone(UTC).astimezone(OSLO)
    if round_trip.replace(tzinfo=None) != naive:  # did not exist: 02:30 on the spring change
        return round_trip
    return aware


def span_interval(day: date, span: TimeSpan) -> Interval:
    end_day = day + timedelta(days=1) if span.past_midnight else day
    return Interval(
        start=localise(day, span.opens),
        end=localise(end_day, span.closes),
        state=span.state,
        note=span.note,
        past_midnight=span.past_midnight,
    )


@dataclass(frozen=True)
class Schedule:
    periods: tuple[RegularPeriod, ...] = ()
    exceptions: tuple[ExceptionPeriod, ...] = ()
    holiday_lookup: Callable[[date, str], str | None] = field(default=holiday_name)

    def day_hours(self, day: date, language: str = "nb") -> DayHours:
        exception = next((e for e in self.exceptions if e.covers(day)), None)
        holiday = self.holiday_lookup(day, language)
        if exception is not None:
            spans = exception.spans if exception.kind == ExceptionKind.SPECIAL_HOURS else ()
            intervals = tuple(sorted((span_interval(day, s) for s in spans), key=_start))
            return DayHours(day, intervals, True, exception.reason, holiday)
        if holiday is not None:
            return DayHours(day, (), False, "", holiday)
        period = next((p for p in self.periods if p.covers(day)), None)
        if period is None:
            return DayHours(day, ())
        spans = [s for s in period.spans if s.weekday == day.weekday()]
        return DayHours(day, tuple(sorted((span_interval(day, s) for s in spans), key=_start)))

    def week(self, start: date, days: int = 7, language: str = "nb") -> list[DayHours]:
        return [self.day_hours(start + timedelta(days=n), language) for n in range(days)]

    def intervals_from(self, day: date) -> Iterator[Interval]:
        """Every interval starting on `day` or later, in order (day before included for
        spans that run past midnight into `day`)."""
        yield from (i for i in self.day_hours(day - timedelta(days=1)).intervals if i.past_midnight)
        for offset in range(LOOKAHEAD_DAYS + 1):
            yield from self.day_hours(day + timedelta(days=offset)).intervals

    def status(self, at: datetime) -> OpeningStatus:
        local = at.astimezone(OSLO)
        intervals = list(self.intervals_from(local.date()))
        open_now = [i for i in intervals if i.is_open and i.contains(at)]
        if not open_now:
            upcoming = next(
                (
                    i
                    for i in intervals
                    if i.is_open and i.start.astimezone(UTC) > at.astimezone(UTC)
                ),
                None,
            )
            return OpeningStatus(at=at, is_open=False, next_opening=upcoming)
        current = open_now[0]
        closes_at = _end_of_open_stretch(intervals, current)
        return OpeningStatus(
            at=at,
            is_open=True,
            state=current.state,
            state_until=_end_of_open_stretch(intervals, current, same_state=True),
            closes_at=closes_at,
            current=current,
        )


def _start(interval: Interval) -> datetime:
    return interval.start.astimezone(UTC)


def _end_of_open_stretch(
    intervals: Iterable[Interval], current: Interval, same_state: bool = False
) -> datetime:
    """Follow open intervals that start where the previous one ends (staffed 10–16, then
    self-service 16–22, closes at 22); with `same_state`, only those in the same state."""
    end = current.end
    open_intervals = sorted(
        (i for i in intervals if i.is_open and (not same_state or i.state == current.state)),
        key=_start,
    )
    changed = True
    while changed:
        changed = False
        for interval in open_intervals:
            if _start(interval) <= end.astimezone(UTC) < interval.end.astimezone(UTC):
                end = interval.end
                changed = True
    return end


def next_intervals(
    schedule: Schedule, after: datetime, limit: int = 1, predicate=lambda i: True
) -> list[Interval]:
    """The next `limit` intervals that start after `after` and satisfy the predicate."""
    found = []
    for interval in schedule.intervals_from(after.astimezone(OSLO).date()):
        if _start(interval) > after.astimezone(UTC) and predicate(interval):
            found.append(interval)
            if len(found) == limit:
                break
    return found


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class SpanProblem:
    index: int
    message: str


def span_problems(spans: Iterable[WeeklySpan | TimeSpan]) -> list[SpanProblem]:
    """Overlaps between spans (of the same weekday, for weekly spans), as (index, message).
    A span past midnight overlaps the next day's early spans when it runs into them."""
    placed = []
    for index, span in enumerate(spans):
        weekday = getattr(span, "weekday", 0)
        start = weekday * 1440 + span.opens.hour * 60 + span.opens.minute
        end = weekday * 1440 + span.closes.hour * 60 + span.closes.minute
        if span.past_midnight:
            end += 1440
        placed.append((start, end, index))
    problems = []
    week = 7 * 1440
    for a_pos, (a_start, a_end, _index) in enumerate(placed):
        for b_start, b_end, b_index in placed[a_pos + 1 :]:
            for shift in (0, week, -week):
                if a_start < b_end + shift and b_start + shift < a_end:
                    problems.append(SpanProblem(b_index, "overlap"))
                    break
    return problems


def as_mapping(days: Iterable[DayHours]) -> Mapping[date, DayHours]:
    return {day.day: day for day in days}
