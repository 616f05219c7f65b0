"""The opening-hours engine: plain data in, answers out; no database.

A :class:`Schedule` holds regular weekly hours per validity period, exception periods that
override them (closed, or special hours), and a holiday calendar whose days close a hub
unless an exception gives it hours. From a schedule the engine answers "which spans on
this date?", "open now?", "until when?", "when does it open next?" and "the coming days".

Rules, in order of precedence for one date:

1. An exception period covering the date decides. A *closed* exception closes the hub. A
   *special hours* exception gives the spans dated for that very date if it has any, else
   its spans for the whole range -- except on a public holiday inside a range of several
   days, which stays closed unless spans are dated for it ("Christmas week 10–14" does not
   open the hub on Christmas Day; "24 December 09–12", a one-day exception, does).
2. A public holiday (from the `holidays` package, moveable feasts included) or a closed
   eve (Christmas Eve, New Year's Eve, ... chosen per municipality) closes the hub.
3. Otherwise the regular period covering the date gives the spans of its weekday.

All reasoning is in Europe/Oslo wall time; instants are compared in UTC, so a span across a
daylight-saving change has its true length (01:00–04:00 lasts 2 h on the last Sunday of
March and 4 h on the last Sunday of October). A span may run past midnight into the next
day; it belongs to the day it starts on.

The same pieces serve anything that recurs at a place: rotating service hours reuse
:class:`TimeSpan`, :func:`span_interval`, :func:`holiday_name` and :func:`next_intervals`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from .enums import ClosedEve, ExceptionKind, SpanState

OSLO = ZoneInfo("Europe/Oslo")
LOOKAHEAD_DAYS = 14  # how far "next opening" looks ahead
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

DEFAULT_CLOSED_EVES: frozenset[str] = frozenset(str(eve) for eve in ClosedEve.default())
_HOLIDAY_LANGUAGE = {"nb": "no", "nn": "no", "en": "en_US"}  # what the package offers


def _language(language: str | None) -> str:
    code = (language or "nb")[:2].lower()
    return code if code in _HOLIDAY_LANGUAGE else "nb"


# --------------------------------------------------------------------------- holidays


@lru_cache(maxsize=128)
def _public_holidays(year: int, language: str) -> dict[date, str]:
    calendar = holidays_lib.country_holidays(
        "NO", years=year, include_sundays=False, language=_HOLIDAY_LANGUAGE[language]
    )
    return dict(calendar.items())


@lru_cache(maxsize=256)
def _closed_eves(year: int, closed_eves: frozenset[str], language: str) -> dict[date, str]:
    eves = (ClosedEve(value) for value in closed_eves)
    return {eve.date_in(year): eve.calendar_name[language] for eve in eves}


def holiday_name(
    day: date, language: str | None = "nb", closed_eves: Iterable[str] = DEFAULT_CLOSED_EVES
) -> str | None:
    """The name of the Norwegian public holiday or closed eve on this date, if any."""
    language = _language(language)
    eves = frozenset(str(eve) for eve in closed_eves)
    return _public_holidays(day.year, language).get(day) or _closed_eves(
        day.year, eves, language
    ).get(day)


@dataclass(frozen=True)
class HolidayCalendar:
    """The days that close a hub: public holidays plus the municipality's closed eves.
    Callable as ``calendar(day, language) -> name or None``, the shape a Schedule takes."""

    closed_eves: frozenset[str] = DEFAULT_CLOSED_EVES

    def __call__(self, day: date, language: str | None = "nb") -> str | None:
        return holiday_name(day, language, self.closed_eves)


def holiday_calendar(closed_eves: Iterable[str] | None = None) -> HolidayCalendar:
    if closed_eves is None:
        return HolidayCalendar()
    return HolidayCalendar(frozenset(str(eve) for eve in closed_eves))


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class TimeSpan:
    """A span of wall-clock time on some day: opens–closes, maybe into the next day."""

    opens: time
    closes: time
    state: str = SpanState.STAFFED
    past_midnight: bool = False
    note: str = ""

    def __post_init__(self):
        problem = order_problem(self.opens, self.closes, self.past_midnight)
        if problem:
            raise ValueError(problem)


def order_problem(opens: time, closes: time, past_midnight: bool) -> str | None:
    """Why these times do not make a span, if they do not (plain words, for developers)."""
    if not past_midnight and closes <= opens:
        return "a span that does not run past midnight must close after it opens"
    if past_midnight and closes > opens:
        return "a span past midnight must close (next day) no later than its opening time"
    return None


@dataclass(frozen=True)
class WeeklySpan(TimeSpan):
    weekday: int = 0  # Monday = 0


@dataclass(frozen=True)
class DatedSpan(TimeSpan):
    """A span of an exception period: on one date of it, or (day None) on every date."""

    day: date | None = None


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
    spans: tuple[TimeSpan, ...] = ()  # DatedSpan for one date; any span for every date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def spans_on(self, day: date, *, is_holiday: bool = False) -> tuple[TimeSpan, ...] | None:
        """The spans on this date; None when the exception does not decide the date (a
        public holiday inside a range of several days without hours dated for it)."""
        if not ExceptionKind(self.kind).has_hours:
            return ()
        dated = tuple(s for s in self.spans if getattr(s, "day", None) == day)
        if dated:
            return dated
        if is_holiday and self.start != self.end:
            return None
        return tuple(s for s in self.spans if getattr(s, "day", None) is None)


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
    def state_label(self):
        return SpanState(self.state).short_label

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
    holiday: str | None = None  # the holiday's name, in the language asked for

    @property
    def is_holiday(self) -> bool:
        return self.holiday is not None

    @property
    def is_closed(self) -> bool:
        return not any(interval.is_open for interval in self.intervals)

    @property
    def differs_from_regular(self) -> bool:
        return self.is_exception or self.is_holiday


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
    def is_self_service(self) -> bool:
        return self.state == SpanState.SELF_SERVICE

    @property
    def is_staffed(self) -> bool:
        return self.state == SpanState.STAFFED

    @property
    def valid_until(self) -> datetime | None:
        """The next moment the answer can change (for caching)."""
        if self.is_open:
            return self.state_until
        return self.next_opening.start if self.next_opening else None


# --------------------------------------------------------------------------- wall time


def localise(day: date, moment: time) -> datetime:
    """Wall time on a date in Oslo. A time the clocks skip (02:00–03:00 on the last Sunday
    of March) becomes the end of the gap: the moment the clock shows 03:00. A time the
    clocks show twice (02:00–03:00 on the last Sunday of October) is its first occurrence."""
    naive = datetime.combine(day, moment)
    aware = naive.replace(tzinfo=OSLO)
    if aware.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None) == naive:
        return aware
    return _end_of_gap(aware)


def _end_of_gap(aware: datetime) -> datetime:
    """The instant the clocks jumped over this non-existent wall time."""
    low = aware.replace(fold=1).astimezone(UTC)  # read with the offset after the change
    high = aware.replace(fold=0).astimezone(UTC)  # read with the offset before it
    offset_before = low.astimezone(OSLO).utcoffset()
    while high - low > timedelta(seconds=1):  # a few steps: a gap is an hour at most
        middle = low + (high - low) / 2
        if middle.astimezone(OSLO).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0).astimezone(OSLO)


def span_interval(day: date, span: TimeSpan) -> Interval:
    end_day = day + timedelta(days=1) if span.past_midnight else day
    return Interval(
        start=localise(day, span.opens),
        end=localise(end_day, span.closes),
        state=span.state,
        note=span.note,
        past_midnight=span.past_midnight,
    )


# --------------------------------------------------------------------------- schedule


@dataclass(frozen=True)
class Schedule:
    periods: tuple[RegularPeriod, ...] = ()
    exceptions: tuple[ExceptionPeriod, ...] = ()
    holiday_lookup: Callable[[date, str], str | None] = field(default=holiday_name)
    # Answers already worked out: a schedule is immutable, and a week view asks about the
    # same few days for each of its 336 start times.
    _answers: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def day_hours(self, day: date, language: str | None = "nb") -> DayHours:
        key = (day, language)
        if key not in self._answers:
            self._answers[key] = self._work_out_day(day, language)
        return self._answers[key]

    def _work_out_day(self, day: date, language: str | None) -> DayHours:
        holiday = self.holiday_lookup(day, language)
        exception = next((e for e in self.exceptions if e.covers(day)), None)
        if exception is not None:
            spans = exception.spans_on(day, is_holiday=holiday is not None)
            if spans is not None:
                return DayHours(day, _placed(day, spans), True, exception.reason, holiday)
        if holiday is not None:
            return DayHours(day, (), holiday=holiday)
        period = next((p for p in self.periods if p.covers(day)), None)
        if period is None:
            return DayHours(day, ())
        return DayHours(day, _placed(day, [s for s in period.spans if s.weekday == day.weekday()]))

    def week(self, start: date, days: int = 7, language: str | None = "nb") -> list[DayHours]:
        return [self.day_hours(start + timedelta(days=n), language) for n in range(days)]

    def intervals_from(self, day: date) -> Iterator[Interval]:
        """Every interval starting on `day` or later, in order (day before included for
        spans that run past midnight into `day`)."""
        yield from (i for i in self.day_hours(day - timedelta(days=1)).intervals if i.past_midnight)
        for offset in range(LOOKAHEAD_DAYS + 1):
            yield from self.day_hours(day + timedelta(days=offset)).intervals

    def status(self, at: datetime) -> OpeningStatus:
        instant = at.astimezone(UTC)
        intervals = list(self.intervals_from(at.astimezone(OSLO).date()))
        current = next((i for i in intervals if i.is_open and i.contains(instant)), None)
        if current is None:
            upcoming = next((i for i in intervals if i.is_open and _start(i) > instant), None)
            return OpeningStatus(at=at, is_open=False, next_opening=upcoming)
        return OpeningStatus(
            at=at,
            is_open=True,
            state=current.state,
            state_until=_end_of_open_stretch(intervals, current, same_state=True),
            closes_at=_end_of_open_stretch(intervals, current),
            current=current,
        )


def _placed(day: date, spans: Iterable[TimeSpan]) -> tuple[Interval, ...]:
    return tuple(sorted((span_interval(day, span) for span in spans), key=_start))


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
    index: int  # the later of the two spans, as given
    message: str
    other: int | None = None  # the span it overlaps


def span_problems(spans: Iterable[TimeSpan]) -> list[SpanProblem]:
    """Overlaps between spans, as (index, message, other index). Weekly spans clash on the
    same weekday, dated spans on the same date, spans for every date of an exception with
    each other; a span past midnight clashes with the next day's early spans when it runs
    into them (Sunday night runs into Monday morning)."""
    placed: dict[str, list[tuple[int, int, int]]] = {"weekly": [], "dated": [], "daily": []}
    for index, span in enumerate(spans):
        if isinstance(span, WeeklySpan):
            group, base = "weekly", span.weekday * MINUTES_PER_DAY
        elif getattr(span, "day", None) is not None:
            group, base = "dated", span.day.toordinal() * MINUTES_PER_DAY
        else:
            group, base = "daily", 0
        start = base + span.opens.hour * 60 + span.opens.minute
        end = base + span.closes.hour * 60 + span.closes.minute
        if span.past_midnight:
            end += MINUTES_PER_DAY
        placed[group].append((start, end, index))
    repeats = {"weekly": MINUTES_PER_WEEK, "daily": MINUTES_PER_DAY, "dated": None}
    problems = []
    for group, rows in placed.items():
        period = repeats[group]
        shifts = (0,) if period is None else (0, period, -period)
        for position, (a_start, a_end, a_index) in enumerate(rows):
            for b_start, b_end, b_index in rows[position + 1 :]:
                if any(a_start < b_end + s and b_start + s < a_end for s in shifts):
                    problems.append(SpanProblem(b_index, "overlap", a_index))
    return sorted(problems, key=lambda problem: problem.index)
