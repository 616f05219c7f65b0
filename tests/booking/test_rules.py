"""The booking rules' pure parts, without the database."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from booking.rules import _inside_open_intervals, check_times
from knutepunkt.enums import SpanState
from knutepunkt.opening_hours import OSLO, RegularPeriod, Schedule, WeeklySpan

# Open 01:00-02:30 every Sunday. On Sunday 31 October 2027 the clocks go back at 03:00
# (CEST) to 02:00 (CET): the wall clock shows 02:00-03:00 twice.
night = Schedule(
    periods=(
        RegularPeriod(
            valid_from=date(2027, 1, 1),
            valid_until=None,
            spans=(WeeklySpan(time(1), time(2, 30), SpanState.STAFFED, weekday=6),),
        ),
    )
)


def test_inside_open_hours__the_first_0215_of_the_october_change__is_open():
    first = datetime(2027, 10, 31, 2, 15, tzinfo=OSLO)  # fold=0: still summer time
    assert first.astimezone(UTC).hour == 0
    end = datetime(2027, 10, 31, 2, 30, tzinfo=OSLO)
    assert _inside_open_intervals(night, first, end, staffed_only=False)


def test_inside_open_hours__the_second_0215_of_the_october_change__is_after_closing():
    # 02:15 read the second time comes an hour after the first; the hub closed at the
    # first 02:30. Compared by wall clock the two look the same and the booking slips in.
    second = datetime(2027, 10, 31, 2, 15, fold=1, tzinfo=OSLO)
    end = datetime(2027, 10, 31, 2, 25, fold=1, tzinfo=OSLO)
    assert second.astimezone(UTC) == datetime(2027, 10, 31, 1, 15, tzinfo=UTC)
    assert not _inside_open_intervals(night, second, end, staffed_only=False)


def test_check_times__an_hour_from_the_first_to_the_second_0230__is_sixty_minutes():
    # 02:30 summer time + 1 hour = 02:30 winter time: the same wall clock, one zone object.
    # Python compares and subtracts such times on the wall clock (end == start, 0 minutes);
    # the rules compare instants, so the hour is an hour and the booking is allowed.
    start = datetime(2027, 10, 31, 2, 30, tzinfo=OSLO)
    end = datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=OSLO)
    room = SimpleNamespace(
        min_minutes=60, max_minutes=60, granularity_minutes=30, _blackouts=[], horizon_days=9999
    )
    now = datetime(2027, 10, 1, tzinfo=UTC)
    assert check_times(room, start, end, night, staff=True, now=now) == []
