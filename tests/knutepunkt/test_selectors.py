from datetime import time

import pytest

from knutepunkt import selectors
from knutepunkt.selectors import PostcodeMalformed

from .factories import DistrictFactory, ExceptionFactory, HubFactory, weekday_hours

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
