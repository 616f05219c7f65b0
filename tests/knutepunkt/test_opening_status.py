"""The open-now answer in words: staffed and self-service stretches, gaps, days ahead,
holidays and closed eves named, midnight, daylight-saving changes, nothing ahead; in
Bokmål, Nynorsk and English. Examples first, then properties over random schedules."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knutepunkt.enums import ExceptionKind, SpanState
from knutepunkt.opening_hours import (
    LOOKAHEAD_DAYS,
    OSLO,
    ExceptionPeriod,
    RegularPeriod,
    Schedule,
    TimeSpan,
    WeeklySpan,
    holiday_calendar,
)
from knutepunkt.opening_status import opening_status_wording

STAFFED, SELF = SpanState.STAFFED, SpanState.SELF_SERVICE


def at(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def weekdays(*spans, days=range(5)) -> tuple[WeeklySpan, ...]:
    """(opens, closes, state[, past_midnight]) on each of the days (Monday–Friday)."""
    return tuple(
        WeeklySpan(time(*opens), time(*closes), state, *rest, weekday=day)
        for day in days
        for opens, closes, state, *rest in spans
    )


def schedule(spans, exceptions=(), **calendar) -> Schedule:
    return Schedule(
        periods=(RegularPeriod(date(2020, 1, 1), None, spans),),
        exceptions=tuple(exceptions),
        holiday_lookup=holiday_calendar(**calendar),
    )


# Self-service 07–10, staffed 10–16, self-service 16–22, Monday to Friday.
LONG_DAY = schedule(weekdays(((7,), (10,), SELF), ((10,), (16,), STAFFED), ((16,), (22,), SELF)))


def words(sched: Schedule, moment: datetime, language: str = "nb") -> str:
    return str(opening_status_wording(sched, moment, language))


# Tuesday 1 December 2026.
@pytest.mark.parametrize(
    ("moment", "language", "expected"),
    [
        (
            at(2026, 12, 1, 12),
            "nb",
            "Åpent nå — betjent til 16:00, deretter selvbetjent til 22:00",
        ),
        (
            at(2026, 12, 1, 12),
            "nn",
            "Ope no — betent til 16:00, deretter sjølvbetent til 22:00",
        ),
        (
            at(2026, 12, 1, 12),
            "en",
            "Open now — staffed until 16:00, then self-service until 22:00",
        ),
        (
            at(2026, 12, 1, 8),
            "nb",
            "Åpent nå — selvbetjent til 10:00, deretter betjent til 16:00, "
            "deretter selvbetjent til 22:00",
        ),
        (
            at(2026, 12, 1, 23),
            "nb",
            "Stengt nå — åpner i morgen kl. 07:00 (selvbetjent), betjent fra 10:00",
        ),
        (
            at(2026, 12, 1, 23),
            "en",
            "Closed now — opens tomorrow at 07:00 (self-service), staffed from 10:00",
        ),
        (
            at(2026, 12, 1, 6, 59),
            "nb",
            "Stengt nå — åpner i dag kl. 07:00 (selvbetjent), betjent fra 10:00",
        ),
        # Friday night: the next opening is Monday, named by its weekday.
        (
            at(2026, 12, 4, 22),
            "nb",
            "Stengt nå — åpner mandag kl. 07:00 (selvbetjent), betjent fra 10:00",
        ),
        (
            at(2026, 12, 4, 22),
            "nn",
            "Stengt no — opnar måndag kl. 07:00 (sjølvbetent), betent frå 10:00",
        ),
        # The last minute of the last period of the day.
        (at(2026, 12, 1, 21, 59), "nb", "Åpent nå — selvbetjent til 22:00"),
    ],
)
def test_wording__a_long_day_of_self_service_and_staff(moment, language, expected):
    assert words(LONG_DAY, moment, language) == expected


def test_wording__a_gap_in_the_day__says_when_it_opens_again():
    lunch = schedule(weekdays(((9,), (11, 30), STAFFED), ((12, 30), (15,), STAFFED)))
    assert words(lunch, at(2026, 12, 1, 10)) == (
        "Åpent nå — betjent til 11:30, åpner igjen kl. 12:30 (betjent)"
    )
    assert words(lunch, at(2026, 12, 1, 12)) == "Stengt nå — åpner i dag kl. 12:30 (betjent)"
    assert words(lunch, at(2026, 12, 1, 10), "en") == (
        "Open now — staffed until 11:30, opens again at 12:30 (staffed)"
    )


def test_wording__staffed_only__says_nothing_of_staff_to_come():
    staffed = schedule(weekdays(((10,), (16,), STAFFED)))
    assert words(staffed, at(2026, 12, 1, 9)) == "Stengt nå — åpner i dag kl. 10:00 (betjent)"


def test_wording__self_service_all_day__promises_no_staff():
    self_service = schedule(weekdays(((7,), (22,), SELF)))
    assert words(self_service, at(2026, 12, 1, 23)) == (
        "Stengt nå — åpner i morgen kl. 07:00 (selvbetjent)"
    )


@pytest.mark.parametrize(
    ("moment", "language", "expected"),
    [
        (
            at(2026, 12, 25, 12),
            "nb",
            "Stengt i dag — Første juledag — åpner mandag kl. 07:00 (selvbetjent), "
            "betjent fra 10:00",
        ),
        (
            at(2026, 12, 25, 12),
            "en",
            "Closed today — Christmas Day — opens Monday at 07:00 (self-service), "
            "staffed from 10:00",
        ),
        # Christmas Eve 2026 is a Thursday: a closed eve, named like a holiday.
        (
            at(2026, 12, 24, 9),
            "nb",
            "Stengt i dag — Julaften — åpner mandag kl. 07:00 (selvbetjent), betjent fra 10:00",
        ),
        (
            at(2026, 12, 24, 9),
            "nn",
            "Stengt i dag — Julaftan — opnar måndag kl. 07:00 (sjølvbetent), betent frå 10:00",
        ),
    ],
)
def test_wording__holidays_and_closed_eves__are_named(moment, language, expected):
    assert words(LONG_DAY, moment, language) == expected


def test_wording__a_closed_eve_the_municipality_does_not_close__is_an_ordinary_day():
    open_on_eves = schedule(LONG_DAY.periods[0].spans, closed_eves=[])
    assert words(open_on_eves, at(2026, 12, 24, 12)).startswith("Åpent nå — betjent til 16:00")


def test_wording__a_closed_exception__is_named_and_the_day_after_it_is_given_with_its_date():
    renovation = ExceptionPeriod(date(2026, 12, 1), date(2026, 12, 9), reason="Oppussing")
    sched = schedule(LONG_DAY.periods[0].spans, exceptions=[renovation])
    # Nothing in the next 7 days: the next opening is named by weekday and date.
    assert words(sched, at(2026, 12, 1, 12)) == (
        "Stengt i dag — Oppussing — åpner torsdag 10. desember kl. 07:00 (selvbetjent), "
        "betjent fra 10:00"
    )
    assert words(sched, at(2026, 12, 1, 12), "en") == (
        "Closed today — Oppussing — opens Thursday 10 December at 07:00 (self-service), "
        "staffed from 10:00"
    )


def test_wording__no_opening_within_the_look_ahead__says_so():
    closed = ExceptionPeriod(date(2026, 12, 1), date(2027, 1, 31), reason="Stengt for vinteren")
    sched = schedule(LONG_DAY.periods[0].spans, exceptions=[closed])
    assert words(sched, at(2026, 12, 1, 12)) == (
        f"Stengt i dag — Stengt for vinteren — ingen åpningstider de neste {LOOKAHEAD_DAYS} dagene"
    )
    nothing = Schedule()
    assert words(nothing, at(2026, 12, 1, 12), "en") == (
        f"Closed now — no opening hours in the next {LOOKAHEAD_DAYS} days"
    )


def test_wording__special_hours_on_a_holiday__open_it():
    eve = ExceptionPeriod(
        date(2026, 12, 24),
        date(2026, 12, 24),
        ExceptionKind.SPECIAL_HOURS,
        "Julaften",
        (TimeSpan(time(9), time(12)),),
    )
    sched = schedule(LONG_DAY.periods[0].spans, exceptions=[eve])
    assert words(sched, at(2026, 12, 24, 10)) == "Åpent nå — betjent til 12:00"


@pytest.mark.parametrize(
    ("span", "moment", "expected"),
    [
        (((18,), (0,), SELF, True), at(2026, 12, 1, 20), "Åpent nå — selvbetjent til midnatt"),
        (((18,), (2,), SELF, True), at(2026, 12, 1, 20), "Åpent nå — selvbetjent til 02:00 i natt"),
        # After midnight, inside the span that began yesterday: its end is today, and so is
        # the evening's opening.
        (
            ((18,), (2,), SELF, True),
            at(2026, 12, 2, 1),
            "Åpent nå — selvbetjent til 02:00, åpner igjen kl. 18:00 (selvbetjent)",
        ),
        (
            ((18,), (2,), SELF, True),
            at(2026, 12, 2, 2),
            "Stengt nå — åpner i dag kl. 18:00 (selvbetjent)",
        ),
    ],
)
def test_wording__past_midnight(span, moment, expected):
    assert words(schedule(weekdays(span)), moment) == expected


def test_wording__open_across_midnight_into_the_next_day__names_that_day():
    # Friday 10:00 until Saturday 12:00: staffed, then self-service through the night.
    sched = schedule(
        weekdays(((10,), (16,), STAFFED), ((16,), (10,), SELF, True), days=[4])
        + weekdays(((10,), (12,), STAFFED), days=[5])
    )
    assert words(sched, at(2026, 12, 4, 12)) == (
        "Åpent nå — betjent til 16:00, deretter selvbetjent til i morgen kl. 10:00, "
        "deretter betjent til i morgen kl. 12:00"
    )


def test_wording__daylight_saving_starts__times_are_wall_clock():
    # Sunday 29 March 2026: the clocks go from 02:00 to 03:00.
    night = schedule(weekdays(((1,), (4,), SELF), days=[6]))
    assert words(night, at(2026, 3, 29, 1, 30)) == "Åpent nå — selvbetjent til 04:00"
    assert words(night, at(2026, 3, 29, 0, 30)) == (
        "Stengt nå — åpner i dag kl. 01:00 (selvbetjent)"
    )
    # In 2027 the change falls on Easter Sunday, a public holiday: a week to wait.
    assert words(night, at(2027, 3, 28, 1, 30)) == (
        "Stengt i dag — Første påskedag — åpner søndag 4. april kl. 01:00 (selvbetjent)"
    )


def test_wording__daylight_saving_ends__the_repeated_hour_is_still_open():
    # Sunday 31 October 2027: 03:00 becomes 02:00 again; 01:00–04:00 lasts four hours.
    night = schedule(weekdays(((1,), (4,), SELF), days=[6]))
    first_pass = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 summer time
    second_pass = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 winter time
    assert words(night, first_pass) == "Åpent nå — selvbetjent til 04:00"
    assert words(night, second_pass) == "Åpent nå — selvbetjent til 04:00"
    assert words(night, datetime(2027, 10, 31, 3, 0, tzinfo=UTC)) == (
        "Stengt nå — åpner søndag 7. november kl. 01:00 (selvbetjent)"
    )


def test_wording__valid_until__ends_at_the_next_change_or_midnight():
    assert opening_status_wording(LONG_DAY, at(2026, 12, 1, 12)).valid_until == at(2026, 12, 1, 16)
    # "tomorrow" turns into "today" at midnight, before the hub opens at 07:00.
    assert opening_status_wording(LONG_DAY, at(2026, 12, 1, 23)).valid_until == at(2026, 12, 2, 0)


# --------------------------------------------------------------------------- properties

MINUTES = st.integers(min_value=0, max_value=47).map(lambda half_hours: half_hours * 30)
STATES = st.sampled_from([STAFFED, SELF, SpanState.BY_APPOINTMENT])


@st.composite
def weekly_schedules(draw) -> Schedule:
    """Up to three non-overlapping spans per weekday in any states; sometimes one past
    midnight, sometimes a closed or special-hours exception."""
    spans = []
    for weekday in range(7):
        cuts = sorted(set(draw(st.lists(MINUTES, max_size=6))))
        for opens, closes in zip(cuts[::2], cuts[1::2], strict=False):
            spans.append(
                WeeklySpan(
                    time(opens // 60, opens % 60),
                    time(closes // 60, closes % 60),
                    draw(STATES),
                    weekday=weekday,
                )
            )
    if draw(st.booleans()):
        weekday = draw(st.integers(0, 6))
        late = [s for s in spans if s.weekday == weekday]
        start = max((s.closes for s in late), default=time(20))
        if start >= time(20) and start != time(0):
            spans.append(WeeklySpan(start, time(1), draw(STATES), True, weekday=weekday))
    exceptions = []
    if draw(st.booleans()):
        start = date(2027, 3, 20) + timedelta(days=draw(st.integers(0, 20)))
        length = draw(st.integers(0, 9))
        kind = draw(st.sampled_from([ExceptionKind.CLOSED, ExceptionKind.SPECIAL_HOURS]))
        hours = (TimeSpan(time(11), time(13), draw(STATES)),) if kind.has_hours else ()
        exceptions.append(
            ExceptionPeriod(start, start + timedelta(days=length), kind, "Unntak", hours)
        )
    return Schedule(
        periods=(RegularPeriod(date(2020, 1, 1), None, tuple(spans)),),
        exceptions=tuple(exceptions),
        holiday_lookup=holiday_calendar(),
    )


# Instants around Easter 2027 and the start of summer time (28 March), and the end of
# summer time (31 October): every quarter of an hour, in UTC so both passes of the
# repeated hour are drawn.
def _quarters_from(start: datetime, days: int):
    return st.integers(0, days * 96).map(lambda q: start + q * timedelta(minutes=15))


INSTANTS = st.one_of(
    _quarters_from(datetime(2027, 3, 15, tzinfo=UTC), 30),
    _quarters_from(datetime(2027, 10, 29, tzinfo=UTC), 4),
)
LANGUAGES = st.sampled_from(["nb", "nn", "en"])
HEADLINES = {
    "nb": ("Åpent nå", "Stengt nå", "Stengt i dag"),
    "nn": ("Ope no", "Stengt no", "Stengt i dag"),
    "en": ("Open now", "Closed now", "Closed today"),
}
PROPERTY_SETTINGS = settings(max_examples=300, derandomize=True, deadline=None, database=None)


@PROPERTY_SETTINGS
@given(weekly_schedules(), INSTANTS, LANGUAGES)
def test_property__the_headline_matches_the_engine(sched, moment, language):
    status = sched.status(moment)
    wording = opening_status_wording(sched, moment, language)
    open_now, closed_now, closed_today = HEADLINES[language]
    assert wording.is_open == status.is_open
    assert wording.headline == (open_now if status.is_open else wording.headline)
    assert wording.headline in ((open_now,) if status.is_open else (closed_now, closed_today))
    assert wording.detail  # always something after the headline
    for clock in re.findall(r"\d\d:\d\d", wording.detail):
        assert time.fromisoformat(clock)  # every time a real wall-clock time


@PROPERTY_SETTINGS
@given(weekly_schedules(), INSTANTS, LANGUAGES)
def test_property__the_times_said_are_the_engines(sched, moment, language):
    status = sched.status(moment)
    detail = opening_status_wording(sched, moment, language).detail
    if status.is_open:
        closes = status.closes_at.astimezone(OSLO)
        if closes.time() != time(0):
            assert detail.find(f"{closes:%H:%M}") != -1
        assert f"{status.state_until.astimezone(OSLO):%H:%M}" in detail or (
            status.state_until.astimezone(OSLO).time() == time(0)
        )
    elif status.next_opening is not None:
        assert f"{status.next_opening.start.astimezone(OSLO):%H:%M}" in detail
    else:
        assert str(LOOKAHEAD_DAYS) in detail


@PROPERTY_SETTINGS
@given(weekly_schedules(), INSTANTS, LANGUAGES, st.floats(0, 1, exclude_max=True))
def test_property__the_words_hold_until_valid_until(sched, moment, language, fraction):
    """A page cached until `valid_until` never says something untrue: at any instant
    before it, the words are the same."""
    wording = opening_status_wording(sched, moment, language)
    until = wording.valid_until.astimezone(UTC)
    assert moment < until
    local_midnight = datetime.combine(
        moment.astimezone(OSLO).date() + timedelta(days=1), time(0), tzinfo=OSLO
    )
    assert until <= local_midnight.astimezone(UTC)
    later = moment + (until - timedelta(microseconds=1) - moment) * fraction
    assert str(opening_status_wording(sched, later, language)) == str(wording)
