"""The API's lists are built in a fixed number of queries, whatever they hold."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.booking.factories import ResourceFactory
from tests.frivillighet.factories import ShiftFactory
from tests.innbyggertorg.factories import EventFactory, ServiceOfferFactory
from tests.knutepunkt.factories import HubFactory, weekday_hours

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/hubs?municipality=asker",
    "/api/v1/opening-hours?municipality=asker&start=2027-12-20&end=2027-12-31",
    "/api/v1/services?municipality=asker",
    "/api/v1/events?municipality=asker",
    "/api/v1/resources?municipality=asker",
    "/api/v1/volunteering/opportunities?municipality=asker",
]


def queries(path: str) -> int:
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(path).status_code == 200
    return len(captured)


def grow(world, n: int) -> None:
    for _ in range(n):
        hub = HubFactory(district=world.district)
        weekday_hours(hub)
        ServiceOfferFactory(hub=hub, service_type=world.service)
        EventFactory(hub=hub)
        ResourceFactory(hub=hub)
        ShiftFactory(opportunity__hub=hub)


@pytest.mark.parametrize("path", LISTS)
def test_list__same_queries_for_one_item_or_many(api_world, path):
    few = queries(path)
    grow(api_world, 4)
    assert queries(path) == few


@pytest.mark.parametrize("path", LISTS)
def test_cookieless_read_again__from_the_early_cache_without_a_query(api_world, path):
    caches["pages"].clear()
    first = Client().get(path)
    with CaptureQueriesContext(connection) as captured:
        again = Client().get(path)
    assert len(captured) == 0
    assert again.content == first.content and again["ETag"] == first["ETag"]
