"""The opening-hours engine on plain data: holidays, exceptions, midnight, DST, periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from knutepunkt.enums import ClosedEve, ExceptionKind, SpanState
from knutepunkt.opening_hours import (
    OSLO,
    DatedSpan,
    ExceptionPeriod,
    RegularPeriod,
    Schedule,
    TimeSpan,
    WeeklySpan,
    holiday_calendar,
    holiday_name,
    localise,
    span_interval,
    span_problems,
)

EVERY_DAY_10_16 = tuple(WeeklySpan(time(10), time(16), weekday=d) for d in range(7))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def schedule(spans=EVERY_DAY_10_16, exceptions=(), periods=None, **calendar) -> Schedule:
    periods = periods or (RegularPeriod(date(2020, 1, 1), None, tuple(spans)),)
    lookup = holiday_calendar(**calendar) if calendar else holiday_name
    return Schedule(periods=periods, exceptions=tuple(exceptions), holiday_lookup=lookup)


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
        date(2027, 12, 24),
        date(2027, 12, 24),
        ExceptionKind.SPECIAL_HOURS,
        "Julaften: åpent til 12",
        (TimeSpan(time(9), time(12)),),
    )
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


# --------------------------------------------------------------------------- holidays


def test_opening_status__on_easter_monday__is_closed():
    assert not schedule().status(at(2027, 3, 29, 12, 0)).is_open


def test_next_opening__from_the_wednesday_before_easter__is_the_tuesday_after():
    # Maundy Thursday, Good Friday, Holy Saturday (a closed eve), Easter Sunday and Monday.
    status = schedule().status(at(2027, 3, 24, 18, 0))
    assert not status.is_open
    assert status.next_opening.start == at(2027, 3, 30, 10, 0)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2027, 5, 6), "Ascension Day"),
        (date(2027, 5, 17), "Pentecost Monday"),  # Whit Monday on Constitution Day
        (date(2028, 6, 5), "Pentecost Monday"),
        (date(2027, 3, 27), "Holy Saturday"),  # a closed eve by default
    ],
)
def test_holiday_names__in_english__moveable_feasts(day, name):
    assert name in holiday_name(day, "en")
    assert schedule().day_hours(day, "en").is_holiday


def test_holiday_names__nynorsk_eves():
    assert holiday_name(date(2027, 12, 24), "nn") == "Julaftan"
    assert holiday_name(date(2027, 12, 25), "nn") == "Første juledag"  # the package's name


def test_christmas_eve__closes_by_default_but_not_when_the_municipality_opts_out():
    friday = at(2027, 12, 24, 12, 0)
    assert not schedule().status(friday).is_open
    assert schedule(closed_eves=[]).status(friday).is_open
    assert schedule(closed_eves=[]).day_hours(friday.date()).holiday is None


def test_whitsun_eve__closes_only_when_chosen():
    saturday = at(2027, 5, 15, 12, 0)
    assert ClosedEve.WHITSUN_EVE.date_in(2027) == saturday.date()
    assert schedule().status(saturday).is_open
    assert not schedule(closed_eves=[ClosedEve.WHITSUN_EVE]).status(saturday).is_open


def test_special_hours_over_several_days__do_not_open_a_public_holiday_inside():
    christmas = ExceptionPeriod(
        date(2027, 12, 23),
        date(2027, 12, 27),
        ExceptionKind.SPECIAL_HOURS,
        "Julehelg",
        (TimeSpan(time(10), time(13)),),
    )
    days = {d.day: d for d in schedule(exceptions=[christmas]).week(date(2027, 12, 23), 5)}
    assert [i.start.hour for i in days[date(2027, 12, 23)].intervals] == [10]
    for holiday in (date(2027, 12, 24), date(2027, 12, 25), date(2027, 12, 26)):
        assert days[holiday].is_closed and days[holiday].is_holiday
        assert not days[holiday].is_exception
    assert days[date(2027, 12, 27)].is_exception and not days[date(2027, 12, 27)].is_closed


def test_special_hours_dated_for_a_holiday_inside_a_range__open_it():
    christmas = ExceptionPeriod(
        date(2027, 12, 23),
        date(2027, 12, 27),
        ExceptionKind.SPECIAL_HOURS,
        "Julehelg",
        (TimeSpan(time(10), time(13)), DatedSpan(time(9), time(12), day=date(2027, 12, 24))),
    )
    hours = schedule(exceptions=[christmas])
    assert hours.status(at(2027, 12, 24, 9, 30)).is_open
    assert hours.status(at(2027, 12, 24, 12, 30)).is_open is False
    christmas_eve = hours.day_hours(date(2027, 12, 24))
    assert christmas_eve.is_exception and christmas_eve.holiday == "Julaften"


def test_dated_special_hours__replace_the_range_hours_on_their_date():
    week = ExceptionPeriod(
        date(2027, 1, 4),
        date(2027, 1, 8),
        ExceptionKind.SPECIAL_HOURS,
        "Kortere dager",
        (TimeSpan(time(10), time(14)), DatedSpan(time(18), time(21), day=date(2027, 1, 6))),
    )
    days = schedule(exceptions=[week]).week(date(2027, 1, 4), 5)
    assert [[(i.start.hour, i.end.hour) for i in d.intervals] for d in days] == [
        [(10, 14)],
        [(10, 14)],
        [(18, 21)],
        [(10, 14)],
        [(10, 14)],
    ]


def test_special_hours_without_any_span__close_the_day():
    nothing = ExceptionPeriod(date(2027, 1, 4), date(2027, 1, 4), ExceptionKind.SPECIAL_HOURS)
    day = schedule(exceptions=[nothing]).day_hours(date(2027, 1, 4))
    assert day.is_exception and day.is_closed


# --------------------------------------------------------------------------- next opening


def test_next_opening__skips_a_closed_exception_and_the_holidays_after_it():
    closed = ExceptionPeriod(date(2027, 3, 22), date(2027, 3, 24), ExceptionKind.CLOSED, "Kurs")
    status = schedule(exceptions=[closed]).status(at(2027, 3, 22, 9, 0))
    assert status.next_opening.start == at(2027, 3, 30, 10, 0)


def test_next_opening__none_within_the_lookahead__says_none():
    closed = ExceptionPeriod(date(2027, 1, 1), date(2027, 3, 1), ExceptionKind.CLOSED, "Oppussing")
    status = schedule(exceptions=[closed]).status(at(2027, 1, 10, 12, 0))
    assert not status.is_open and status.next_opening is None and status.valid_until is None


def test_next_opening__later_the_same_day():
    status = schedule().status(at(2027, 1, 4, 8, 0))
    assert status.next_opening.start == at(2027, 1, 4, 10, 0)
    assert status.valid_until == at(2027, 1, 4, 10, 0)


def test_status__exactly_at_closing_time__is_closed():
    assert not schedule().status(at(2027, 1, 4, 16, 0)).is_open
    assert schedule().status(at(2027, 1, 4, 10, 0)).is_open


# --------------------------------------------------------------------------- midnight and DST


def test_span_past_midnight__belongs_to_its_first_day_in_the_week():
    late_friday = (WeeklySpan(time(22), time(2), weekday=4, past_midnight=True),)
    days = schedule(late_friday).week(date(2027, 1, 8), 2)  # Friday, Saturday
    assert [len(d.intervals) for d in days] == [1, 0]
    assert days[0].intervals[0].end == at(2027, 1, 9, 2, 0)


def test_span_past_midnight__into_a_holiday__keeps_running():
    # Thursday 31 Dec 2026 is a closed eve; Wednesday 30 Dec runs past midnight into it.
    late = (WeeklySpan(time(22), time(2), weekday=2, past_midnight=True),)
    assert schedule(late).status(at(2026, 12, 31, 1, 0)).is_open


def test_localise__a_time_the_clocks_skip__is_the_end_of_the_gap():
    moment = localise(date(2027, 3, 28), time(2, 30))
    assert moment.astimezone(UTC) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert moment.strftime("%H:%M") == "03:00"


def test_localise__a_time_the_clocks_show_twice__is_its_first_occurrence():
    moment = localise(date(2027, 10, 31), time(2, 30))
    assert moment.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # CEST


def test_daylight_saving__night_span_past_midnight_into_the_spring_change_is_an_hour_short():
    interval = span_interval(date(2027, 3, 27), TimeSpan(time(22), time(4), past_midnight=True))
    assert interval.duration == timedelta(hours=5)


def test_daylight_saving__open_status_in_the_repeated_hour_of_the_autumn_change():
    spans = tuple(WeeklySpan(time(1), time(4), weekday=d) for d in range(7))
    hours = schedule(spans)
    second_two_thirty = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 CET, the second time
    status = hours.status(second_two_thirty)
    assert status.is_open
    assert status.closes_at.astimezone(UTC) == datetime(2027, 10, 31, 3, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- overlaps


def test_span_problems__sunday_night_runs_into_monday_morning():
    spans = [
        WeeklySpan(time(6), time(9), weekday=0),
        WeeklySpan(time(23), time(7), weekday=6, past_midnight=True),
    ]
    assert [(p.index, p.other) for p in span_problems(spans)] == [(1, 0)]


def test_span_problems__dated_spans_clash_only_on_the_same_date():
    spans = [
        DatedSpan(time(10), time(14), day=date(2027, 1, 4)),
        DatedSpan(time(10), time(14), day=date(2027, 1, 5)),
        DatedSpan(time(13), time(15), day=date(2027, 1, 5)),
    ]
    assert [(p.index, p.other) for p in span_problems(spans)] == [(2, 1)]


def test_span_problems__touching_spans_do_not_overlap():
    spans = [WeeklySpan(time(10), time(16), weekday=0), WeeklySpan(time(16), time(22), weekday=0)]
    assert span_problems(spans) == []
