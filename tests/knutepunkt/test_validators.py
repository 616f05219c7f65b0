"""validate_spans: what an admin formset and the services call with every row of a period."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from knutepunkt.models import ExceptionSpan, OpeningHoursSpan
from knutepunkt.validators import validate_dates_within, validate_spans


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def problems(spans) -> list[tuple[int, str]]:
    with pytest.raises(ValidationError) as caught:
        validate_spans(spans)
    return [
        (error.params["index"], error.message % error.params) for error in caught.value.error_list
    ]


def test_validate_spans__overlap_on_the_same_weekday__names_both_spans():
    rows = [
        {"weekday": 0, "opens": time(10), "closes": time(16)},
        {"weekday": 0, "opens": time(15), "closes": time(18)},
    ]
    assert problems(rows) == [(1, "Monday 15:00–18:00 overlaps Monday 10:00–16:00.")]


def test_validate_spans__closing_before_opening_without_past_midnight__is_refused():
    rows = [{"weekday": 2, "opens": time(16), "closes": time(10), "past_midnight": False}]
    [(index, message)] = problems(rows)
    assert index == 0 and "closing time must be after the opening time" in message


def test_validate_spans__past_midnight_closing_later_than_opening__is_refused():
    rows = [{"weekday": 2, "opens": time(10), "closes": time(16), "past_midnight": True}]
    [(_index, message)] = problems(rows)
    assert "past midnight" in message


def test_validate_spans__late_friday_into_saturday_morning__overlap_is_found():
    rows = [
        OpeningHoursSpan(weekday=4, opens=time(22), closes=time(2), past_midnight=True),
        OpeningHoursSpan(weekday=5, opens=time(1), closes=time(5)),
    ]
    assert problems(rows) == [(1, "Saturday 01:00–05:00 overlaps Friday 22:00–02:00.")]


def test_validate_spans__every_problem_at_once_in_row_order():
    rows = [
        {"weekday": 0, "opens": time(10), "closes": time(16)},
        {"weekday": 1, "opens": time(18), "closes": time(9)},
        {"weekday": 0, "opens": time(12), "closes": time(13)},
    ]
    assert [index for index, _message in problems(rows)] == [1, 2]


def test_validate_spans__good_week_and_incomplete_rows__pass():
    validate_spans(
        [
            {"weekday": 0, "opens": time(10), "closes": time(16)},
            {"weekday": 0, "opens": time(16), "closes": time(22)},
            {"weekday": 1, "opens": time(10), "closes": time(16)},
            {"weekday": 6, "opens": time(22), "closes": time(2), "past_midnight": True},
            {"weekday": 0, "opens": None, "closes": time(9)},  # the form reports that row
        ]
    )


def test_validate_spans__exception_hours_on_different_dates_do_not_clash():
    validate_spans(
        [
            ExceptionSpan(day=date(2027, 12, 23), opens=time(10), closes=time(13)),
            ExceptionSpan(day=date(2027, 12, 27), opens=time(10), closes=time(13)),
        ]
    )
    rows = [
        ExceptionSpan(day=None, opens=time(10), closes=time(14)),
        ExceptionSpan(day=None, opens=time(13), closes=time(15)),
    ]
    assert problems(rows) == [(1, "13:00–15:00 overlaps 10:00–14:00.")]


def test_validate_dates_within__a_date_outside_the_exception__is_named():
    with pytest.raises(ValidationError, match=r"02\.01\.2028 lie outside the exception"):
        validate_dates_within(
            [date(2027, 12, 30), date(2028, 1, 2)], date(2027, 12, 27), date(2027, 12, 31)
        )
