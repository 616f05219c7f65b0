"""The booking rules' pure parts, without the database."""

from datetime import UTC, date, datetime, time

from booking.rules import _inside_open_intervals
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
