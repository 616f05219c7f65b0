from datetime import date, datetime, time

from innbyggertorg.enums import AttendanceMode, Recurrence
from innbyggertorg.recurrence import ScheduleRule, next_occurrence, occurrence_dates, occurrences
from knutepunkt.opening_hours import OSLO


def rule(**fields):
    base = {
        "recurrence": Recurrence.WEEKLY,
        "start": date(2027, 1, 1),
        "end": date(2027, 12, 31),
        "opens": time(12),
        "closes": time(15),
        "weekday": 1,
    }
    return ScheduleRule(**{**base, **fields})


def test_weekly__every_tuesday_in_the_range():
    days = occurrence_dates(rule(), date(2027, 1, 1), date(2027, 1, 31))
    assert days == [date(2027, 1, 5), date(2027, 1, 12), date(2027, 1, 19), date(2027, 1, 26)]


def test_every_other_week__counts_from_the_start():
    days = occurrence_dates(
        rule(recurrence=Recurrence.EVERY_OTHER_WEEK), date(2027, 1, 1), date(2027, 2, 10)
    )
    assert days == [date(2027, 1, 5), date(2027, 1, 19), date(2027, 2, 2)]


def test_first_tuesday_of_the_month():
    days = occurrence_dates(
        rule(recurrence=Recurrence.MONTHLY_WEEKDAY, week_of_month=1),
        date(2027, 1, 1),
        date(2027, 4, 30),
    )
    assert days == [date(2027, 1, 5), date(2027, 2, 2), date(2027, 3, 2), date(2027, 4, 6)]


def test_last_friday_of_the_month():
    days = occurrence_dates(
        rule(recurrence=Recurrence.MONTHLY_WEEKDAY, weekday=4, week_of_month=-1),
        date(2027, 1, 1),
        date(2027, 2, 28),
    )
    assert days == [date(2027, 1, 29), date(2027, 2, 26)]


def test_single_dates__only_those_within_start_and_end():
    dates = (date(2026, 12, 1), date(2027, 3, 3), date(2028, 1, 1))
    assert occurrence_dates(
        rule(recurrence=Recurrence.SINGLE_DATES, dates=dates), date(2026, 1, 1), date(2028, 12, 31)
    ) == [date(2027, 3, 3)]


def test_cancelled_date_and_public_holiday__kept_and_marked():
    weekly_monday = rule(weekday=0, cancellations=[(date(2027, 1, 11), "Sykdom")])
    found = occurrences(weekly_monday, date(2027, 1, 10), date(2027, 3, 31))
    by_day = {o.day: o for o in found}
    assert by_day[date(2027, 1, 11)].cancelled_reason == "Sykdom"
    assert by_day[date(2027, 3, 29)].cancelled_reason == "Andre påskedag"
    assert not by_day[date(2027, 1, 18)].is_cancelled


def test_next_occurrence__skips_cancelled_and_past_ones():
    weekly = rule(cancellations=[(date(2027, 1, 12), "Kurs")])
    found = next_occurrence(weekly, datetime(2027, 1, 5, 16, 0, tzinfo=OSLO))  # after the 5th
    assert found.day == date(2027, 1, 19)


def test_by_appointment__interval_state_says_so():
    found = occurrences(
        rule(mode=AttendanceMode.BY_APPOINTMENT), date(2027, 1, 1), date(2027, 1, 8)
    )
    assert found[0].interval.state == "by_appointment"
    assert found[0].interval.start == datetime(2027, 1, 5, 12, 0, tzinfo=OSLO)


def test_closed_eves__follow_the_municipality():
    # Friday 24 December 2027: Christmas Eve, closed by default; a municipality whose hubs
    # open on Christmas Eve (no closed eves) keeps the visit.
    friday = rule(weekday=4, start=date(2027, 12, 1))
    by_default = occurrences(friday, date(2027, 12, 24), date(2027, 12, 24))
    assert by_default[0].cancelled_reason == "Julaften"
    open_eves = rule(weekday=4, start=date(2027, 12, 1), closed_eves=frozenset())
    assert not occurrences(open_eves, date(2027, 12, 24), date(2027, 12, 24))[0].is_cancelled
