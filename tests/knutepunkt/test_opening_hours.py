"""The opening-hours engine on plain data: holidays, exceptions, midnight, DST, periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from knutepunkt.enums import ExceptionKind, SpanState
from knutepunkt.opening_hours import (
    OSLO,
    ExceptionPeriod,
    RegularPeriod,
    Schedule,
    TimeSpan,
    WeeklySpan,
    holiday_name,
    span_interval,
    span_problems,
)

EVERY_DAY_10_16 = tuple(WeeklySpan(time(10), time(16), weekday=d) for d in range(7))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def schedule(spans=EVERY_DAY_10_16, exceptions=(), periods=None) -> Schedule:
    periods = periods or (RegularPeriod(date(2020, 1, 1), None, tuple(spans)),)
    return Schedule(periods=periods, exceptions=tuple(exceptions))


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2027, 3, 25), "Skjærtorsdag"),
        (date(2027, 3, 26), "Langfredag"),
        (date(2027, 3, 29), "Andre påskedag"),
        (date(2027, 5, 6), "Kristi himmelfartsdag"),
        (date(2026, 5, 17), "Grunnlovsdag"),
        (date(2027, 5, 17), "Andre pinsedag"),  # Whit Monday falls on Constitution Day
        (date(2027, 12, 24), "Julaften"),
        (date(2027, 12, 31), "Nyttårsaften"),
    ],
)
def test_holidays__moveable_feasts_and_christmas_eve__close_the_hub(day, name):
    assert name in holiday_name(day)
    status = schedule().status(at(day.year, day.month, day.day, 12, 0))
    assert not status.is_open
    assert name in schedule().day_hours(day).holiday


def test_holidays__ordinary_sunday__is_not_a_holiday():
    assert holiday_name(date(2027, 3, 7)) is None
    assert schedule().status(at(2027, 3, 7, 12, 0)).is_open


def test_holidays__names_in_english():
    assert holiday_name(date(2027, 12, 25), "en") == "Christmas Day"
    assert holiday_name(date(2027, 12, 24), "en") == "Christmas Eve"


def test_status__on_easter_monday__is_closed_and_opens_tuesday():
    status = schedule().status(at(2027, 3, 29, 11, 0))
    assert not status.is_open
    assert status.next_opening.start == at(2027, 3, 30, 10, 0)


def test_special_hours_on_a_holiday__override_the_holiday():
    christmas_eve = ExceptionPeriod(
        date(2027, 12, 24), date(2027, 12, 24), ExceptionKind.SPECIAL_HOURS,
        "Julaften: åpent til 12", (TimeSpan(time(9), time(12)),),
    )  # fmt: skip
    hours = schedule(exceptions=[christmas_eve])
    assert hours.status(at(2027, 12, 24, 11, 0)).is_open
    assert not hours.status(at(2027, 12, 24, 13, 0)).is_open
    day = hours.day_hours(date(2027, 12, 24))
    assert day.is_exception and day.holiday == "Julaften"


def test_closed_exception__renovation__next_opening_after_it():
    renovation = ExceptionPeriod(
        date(2027, 1, 4), date(2027, 1, 8), ExceptionKind.CLOSED, "Oppussing"
    )
    status = schedule(exceptions=[renovation]).status(at(2027, 1, 5, 12, 0))
    assert not status.is_open
    assert status.next_opening.start == at(2027, 1, 9, 10, 0)


def test_span_past_midnight__open_at_one_on_saturday_from_friday_evening():
    late_friday = (WeeklySpan(time(22), time(2), weekday=4, past_midnight=True),)
    status = schedule(late_friday).status(at(2027, 1, 9, 1, 0))  # Saturday 01:00
    assert status.is_open
    assert status.closes_at == at(2027, 1, 9, 2, 0)


def test_adjacent_spans__closes_at_follows_the_open_stretch():
    spans = (
        WeeklySpan(time(10), time(16), weekday=0),
        WeeklySpan(time(16), time(22), SpanState.SELF_SERVICE, weekday=0),
    )
    status = schedule(spans).status(at(2027, 1, 4, 12, 0))
    assert status.is_open and status.state == SpanState.STAFFED
    assert status.state_until == at(2027, 1, 4, 16, 0)
    assert status.closes_at == at(2027, 1, 4, 22, 0)


def test_by_appointment__is_not_open_for_drop_in():
    spans = (WeeklySpan(time(10), time(12), SpanState.BY_APPOINTMENT, weekday=0),)
    assert not schedule(spans).status(at(2027, 1, 4, 11, 0)).is_open


@pytest.mark.parametrize(
    ("day", "hours"), [(date(2027, 3, 28), 2), (date(2027, 10, 31), 4), (date(2027, 3, 21), 3)]
)
def test_daylight_saving__span_one_to_four_has_its_true_length(day, hours):
    interval = span_interval(day, TimeSpan(time(1), time(4)))
    assert interval.duration == timedelta(hours=hours)


def test_daylight_saving__open_status_across_the_spring_change():
    spans = tuple(WeeklySpan(time(1), time(4), weekday=d) for d in range(7))
    hours = schedule(spans)
    # On 2026-03-29 02:00–03:00 does not exist in Oslo; 01:30 UTC is 03:30 CEST.
    status = hours.status(datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
    assert status.is_open
    assert status.closes_at == at(2026, 3, 29, 4, 0)
    assert not hours.status(datetime(2026, 3, 29, 2, 0, tzinfo=UTC)).is_open  # 04:00 CEST


def test_validity_periods__summer_hours_take_over():
    summer = RegularPeriod(
        date(2027, 6, 21),
        date(2027, 8, 8),
        tuple(WeeklySpan(time(12), time(15), weekday=d) for d in range(7)),
    )
    regular = RegularPeriod(date(2020, 1, 1), date(2027, 6, 20), EVERY_DAY_10_16)
    autumn = RegularPeriod(date(2027, 8, 9), None, EVERY_DAY_10_16)
    hours = schedule(periods=(regular, summer, autumn))
    assert not hours.status(at(2027, 7, 1, 11, 0)).is_open
    assert hours.status(at(2027, 7, 1, 13, 0)).is_open
    assert hours.status(at(2027, 8, 9, 11, 0)).is_open


def test_week__seven_days_with_exceptions_flagged():
    closed = ExceptionPeriod(date(2027, 1, 6), date(2027, 1, 6), ExceptionKind.CLOSED, "Kurs")
    week = schedule(exceptions=[closed]).week(date(2027, 1, 4))
    assert len(week) == 7
    assert [d.differs_from_regular for d in week] == [
        False,
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    assert week[2].is_closed and week[2].exception_reason == "Kurs"


def test_no_hours_at_all__closed_without_next_opening():
    status = Schedule().status(at(2027, 1, 4, 12, 0))
    assert not status.is_open and status.next_opening is None


def test_span_problems__overlap_on_the_same_day_is_found():
    spans = [WeeklySpan(time(10), time(16), weekday=0), WeeklySpan(time(15), time(18), weekday=0)]
    assert [p.index for p in span_problems(spans)] == [1]


def test_span_problems__same_hours_on_different_days_are_fine():
    spans = [WeeklySpan(time(10), time(16), weekday=0), WeeklySpan(time(10), time(16), weekday=1)]
    assert span_problems(spans) == []


def test_span_problems__past_midnight_into_next_mornings_span():
    spans = [
        WeeklySpan(time(22), time(3), weekday=0, past_midnight=True),
        WeeklySpan(time(2), time(8), weekday=1),
    ]
    assert len(span_problems(spans)) == 1


def test_time_span__closing_before_opening_without_midnight__is_refused():
    with pytest.raises(ValueError):
        TimeSpan(time(16), time(10))
