from datetime import date, datetime, time, timedelta

import pytest

from knutepunkt import selectors
from knutepunkt.models import Hub
from knutepunkt.opening_hours import OSLO
from knutepunkt.selectors import PostcodeMalformed

from .factories import (
    DistrictFactory,
    ExceptionFactory,
    ExceptionSpanFactory,
    HubFactory,
    PeriodFactory,
    SpanFactory,
    weekday_hours,
)

pytestmark = pytest.mark.django_db


def test_postcode__shared_by_two_districts__gives_both():
    first = DistrictFactory(postcodes=["1389", "1390"])
    second = DistrictFactory(postcodes=["1389"])
    DistrictFactory(postcodes=["1391"])
    assert set(selectors.districts_for_postcode(postcode="1389")) == {first, second}


def test_postcode__unknown__gives_none():
    DistrictFactory(postcodes=["1389"])
    assert selectors.districts_for_postcode(postcode="9999") == []


@pytest.mark.parametrize("bad", ["", "138", "13890", "12a4", "<script>", "1389; DROP TABLE"])
def test_postcode__malformed__is_an_error_of_its_own(bad):
    with pytest.raises(PostcodeMalformed):
        selectors.districts_for_postcode(postcode=bad)


def test_hubs_hours__same_number_of_queries_for_one_and_twenty_hubs(django_assert_num_queries):
    def hubs_with_hours(count):
        hubs = [HubFactory() for _ in range(count)]
        for hub in hubs:
            weekday_hours(hub, opens=time(9), closes=time(15))
            ExceptionFactory(hub=hub, start_date=today, end_date=today)
        return hubs

    today = selectors.local_today()
    one, twenty = hubs_with_hours(1), hubs_with_hours(20)
    with django_assert_num_queries(4):
        selectors.hubs_hours(hubs=one)
    with django_assert_num_queries(4):
        hours = selectors.hubs_hours(hubs=twenty)
    assert len(hours) == 20


def test_nearest_hubs__orders_by_distance():
    far = HubFactory(latitude=63.47, longitude=10.92)  # Stjørdal
    near = HubFactory(latitude=59.78, longitude=10.44)  # Heggedal
    assert selectors.nearest_hubs(latitude=59.8, longitude=10.45)[:2] == [near, far]


# --------------------------------------------------------------------------- opening hours


def _oslo(*args):
    return datetime(*args, tzinfo=OSLO)


def test_opening_status__on_easter_monday__is_closed_and_opens_on_tuesday():
    hub = HubFactory()
    weekday_hours(hub)
    status = selectors.hub_opening_status(hub=hub, at=_oslo(2027, 3, 29, 12, 0))
    assert not status.is_open
    assert status.next_opening.start == _oslo(2027, 3, 30, 10, 0)


def test_opening_status__at_one_on_saturday__open_from_fridays_late_span():
    hub = HubFactory()
    weekday_hours(hub, opens=time(22), closes=time(2), days=[4], past_midnight=True)
    status = selectors.hub_opening_status(hub=hub, at=_oslo(2027, 1, 9, 1, 0))
    assert status.is_open and status.closes_at == _oslo(2027, 1, 9, 2, 0)


def test_opening_status__christmas_eve_follows_the_municipalitys_choice():
    friday = _oslo(2027, 12, 24, 11, 0)
    closing, opening = HubFactory(), HubFactory(district__municipality__closed_eves=[])
    for hub in (closing, opening):
        weekday_hours(hub)
    statuses = selectors.hubs_opening_status(hubs=[closing, opening], at=friday)
    assert not statuses[closing.pk].is_open
    assert statuses[opening.pk].is_open


def test_opening_status__special_hours_on_christmas_eve_open_the_hub():
    hub = HubFactory()
    weekday_hours(hub)
    ExceptionSpanFactory(
        exception__hub=hub,
        exception__start_date=date(2027, 12, 24),
        exception__end_date=date(2027, 12, 24),
        opens=time(9),
        closes=time(12),
    )
    status = selectors.hub_opening_status(hub=hub, at=_oslo(2027, 12, 24, 11, 0))
    assert status.is_open and status.closes_at == _oslo(2027, 12, 24, 12, 0)


def test_opening_status__next_opening_after_a_closed_exception():
    hub = HubFactory()
    weekday_hours(hub)
    ExceptionFactory(hub=hub, start_date=date(2027, 1, 4), end_date=date(2027, 1, 8))
    status = selectors.hub_opening_status(hub=hub, at=_oslo(2027, 1, 4, 12, 0))
    assert status.next_opening.start == _oslo(2027, 1, 9, 10, 0)


def test_opening_status__summer_period_takes_over():
    hub = HubFactory()
    PeriodFactory(hub=hub, valid_from=date(2027, 1, 1), valid_until=date(2027, 6, 20))
    summer = PeriodFactory(hub=hub, valid_from=date(2027, 6, 21), valid_until=date(2027, 8, 8))
    for day in range(7):
        SpanFactory(period=summer, weekday=day, opens=time(12), closes=time(15))
    assert not selectors.hub_opening_status(hub=hub, at=_oslo(2027, 7, 1, 11, 0)).is_open
    assert selectors.hub_opening_status(hub=hub, at=_oslo(2027, 7, 1, 13, 0)).is_open


def test_week_hours__flags_exceptions_and_names_holidays_in_the_language_asked():
    hub = HubFactory()
    weekday_hours(hub)
    ExceptionFactory(hub=hub, start_date=date(2027, 5, 4), end_date=date(2027, 5, 4))
    week = selectors.hub_week_hours(hub=hub, start=date(2027, 5, 3), language="en")
    assert [(d.is_exception, d.is_holiday) for d in week[:4]] == [
        (False, False),
        (True, False),
        (False, False),
        (False, True),
    ]
    assert week[3].holiday == "Ascension Day" and week[1].exception_reason
    assert selectors.hub_week_hours(hub=hub, start=date(2027, 5, 6), language="nb")[0].holiday == (
        "Kristi himmelfartsdag"
    )


def test_week_hours__daylight_saving_days_have_their_true_length():
    hub = HubFactory()
    weekday_hours(hub, opens=time(1), closes=time(4))
    # 2026: in 2027 the last Sunday of March is Easter Sunday, a holiday.
    spring = selectors.hub_week_hours(hub=hub, start=date(2026, 3, 29), days=1)[0]
    autumn = selectors.hub_week_hours(hub=hub, start=date(2027, 10, 31), days=1)[0]
    assert spring.intervals[0].duration == timedelta(hours=2)
    assert autumn.intervals[0].duration == timedelta(hours=4)


def test_opening_status__same_number_of_queries_for_one_and_twenty_hubs_in_many_municipalities(
    django_assert_num_queries,
):
    def hubs(count):
        made = [HubFactory(district__municipality__closed_eves=[]) for _ in range(count)]
        for hub in made:
            weekday_hours(hub)
            ExceptionSpanFactory(exception__hub=hub)
        return [Hub.objects.get(pk=hub.pk) for hub in made]  # nothing cached on them

    one, twenty = hubs(1), hubs(20)
    at = _oslo(2027, 1, 4, 12, 0)
    with django_assert_num_queries(4):
        selectors.hubs_opening_status(hubs=one, at=at)
    with django_assert_num_queries(4):
        statuses = selectors.hubs_opening_status(hubs=twenty, at=at)
    with django_assert_num_queries(4):
        selectors.hubs_hours(hubs=twenty, at=at)
    assert len(statuses) == 20 and all(status.is_open for status in statuses.values())


def test_postcode__spaces_around_and_inside__are_forgiven():
    district = DistrictFactory(postcodes=["1389"])
    assert selectors.districts_for_postcode(postcode=" 13 89 ") == [district]
