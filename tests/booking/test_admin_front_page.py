"""The admin's front page as staff meet it: hub staff see the booking requests waiting for
them at their hubs (each linked to its page, where it is approved or rejected) and their
hubs' week (opening hours, bookings a day); municipality administrators their
municipality's counts per hub. Nothing outside what the permission module lets them see."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking import services
from booking.enums import BookingStatus
from booking.selectors import staff_front_page
from knutepunkt.opening_hours import OSLO
from knutepunkt.selectors import local_today
from tests.knutepunkt.factories import (
    DistrictFactory,
    HubFactory,
    MunicipalityFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
    weekday_hours,
)

from .factories import ResourceFactory

pytestmark = pytest.mark.django_db


def _at(day, hour) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


@pytest.fixture
def place():
    asker = MunicipalityFactory(name="Asker", slug="asker")
    drammen = MunicipalityFactory(name="Drammen", slug="drammen")
    heggedal = HubFactory(district=DistrictFactory(municipality=asker), name="Heggedal")
    holmen = HubFactory(district=DistrictFactory(municipality=asker), name="Holmen")
    bragernes = HubFactory(district=DistrictFactory(municipality=drammen), name="Bragernes")
    for hub in (heggedal, holmen, bragernes):
        weekday_hours(hub, opens=time(10), closes=time(16))
    rooms = {
        hub.name: ResourceFactory(hub=hub, name=f"Rom {hub.name}", approval="approval")
        for hub in (heggedal, holmen, bragernes)
    }
    # A week well ahead (bookings must lie in the future): Monday to Sunday.
    monday = local_today() + timedelta(days=28)
    monday -= timedelta(days=monday.weekday())
    citizen = UserFactory(email="innbygger@example.no", full_name="Ina Innbygger")
    requests = {}
    for name, room in rooms.items():
        requests[name] = services.booking_create(
            booker=citizen,
            resource=room,
            times=[(_at(monday + timedelta(days=1), 18), _at(monday + timedelta(days=1), 19))],
            purpose=f"Søknad {name}",
        ).booking
    staff = hub_staff(heggedal)
    # Two confirmed bookings at Heggedal on Wednesday, one on Friday (booked as staff: at once).
    for day, hour in ((2, 12), (2, 14), (4, 11)):
        start = _at(monday + timedelta(days=day), hour)
        booking = services.booking_create(
            booker=citizen,
            by=staff,
            resource=rooms["Heggedal"],
            times=[(start, start + timedelta(hours=1))],
            purpose="Møte",
        ).booking
        assert booking.status == BookingStatus.CONFIRMED
    return {
        "asker": asker,
        "heggedal": heggedal,
        "holmen": holmen,
        "bragernes": bragernes,
        "monday": monday,
        "requests": requests,
        "hub_staff": staff,
        "municipality_admin": municipality_admin(asker),
    }


def test_hub_staff_see_their_hubs_requests_and_week(place):
    monday = place["monday"]
    front = staff_front_page(user=place["hub_staff"], at=_at(monday + timedelta(days=2), 9))
    assert [page.hub for page in front.hubs] == [place["heggedal"]]
    page = front.hubs[0]
    assert [booking.purpose for booking in page.requests] == ["Søknad Heggedal"]
    assert page.waiting == 1
    assert [day.hours.day for day in page.week] == [monday + timedelta(days=n) for n in range(7)]
    assert [day.bookings for day in page.week] == [0, 0, 2, 0, 1, 0, 0]
    assert [day.is_today for day in page.week] == [False, False, True, False, False, False, False]
    assert [(i.start.time(), i.end.time()) for i in page.week[0].hours.intervals] == [
        (time(10), time(16))
    ]
    assert front.municipalities == []  # hub staff administer no municipality


def test_municipality_administrators_see_their_municipalitys_counts(place):
    monday = place["monday"]
    front = staff_front_page(
        user=place["municipality_admin"], at=_at(monday + timedelta(days=2), 9)
    )
    assert front.hubs == []  # staff of no hub
    [asker] = front.municipalities
    assert asker.municipality == place["asker"]
    assert [(row.hub.name, row.waiting, row.bookings) for row in asker.hubs] == [
        ("Heggedal", 1, 3),
        ("Holmen", 1, 0),
    ]
    assert (asker.waiting, asker.bookings) == (2, 3)


def test_the_front_page_costs_the_same_queries_for_one_hub_as_for_three(place):
    staff = place["hub_staff"]
    at = _at(place["monday"], 9)

    def queries() -> int:
        fresh = type(staff).objects.get(pk=staff.pk)  # the scope is cached on the user
        with CaptureQueriesContext(connection) as captured:
            staff_front_page(user=fresh, at=at)
        return len(captured)

    one = queries()
    for hub in (place["holmen"], HubFactory(district=place["heggedal"].district)):
        hub_staff(hub, email=staff.email)
    assert queries() == one


def _front_page(user) -> str:
    browser = Client()
    browser.force_login(user)
    response = browser.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_hub_staff_see_the_requests_linked_to_their_pages_through_the_real_url(place):
    page = _front_page(place["hub_staff"])
    request = place["requests"]["Heggedal"]
    assert re.search(
        rf'<a href="/admin/booking/booking/{request.pk}/change/">Søknad Heggedal</a>', page
    )
    assert "Søknad Holmen" not in page
    assert "Søknad Bragernes" not in page
    assert (
        f"/admin/booking/booking/?status__exact=requested&amp;"
        f"resource__hub__id__exact={place['heggedal'].pk}"
    ) in page
    week = page[page.index('class="hubportal-week"') :]
    week = week[: week.index("</table>")]
    assert week.count("<tr") == 8  # the header and seven days
    assert "10:00–16:00" in week
    assert 'aria-current="date"' in week


def test_municipality_administrators_see_the_counts_through_the_real_url(place):
    page = _front_page(place["municipality_admin"])
    counts = page[page.index('class="hubportal-counts"') :]
    counts = counts[: counts.index("</table>")]
    assert "Heggedal" in counts
    assert "Holmen" in counts
    assert "Bragernes" not in page
    assert "Søknad Heggedal" not in page  # counts, not the requests themselves


def test_superusers_and_citizens_get_no_hub_sections(place):
    superuser = UserFactory(email="super@example.no", is_staff=True, is_superuser=True)
    page = _front_page(superuser)
    assert 'class="module hubportal-hub"' not in page
    assert 'class="module hubportal-municipality"' not in page
    citizen = Client()
    citizen.force_login(UserFactory(email="borger@example.no"))
    response = citizen.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("language", "waiting", "week", "hours_heading"),
    [
        (
            "nn",
            "1 bookingførespurnad ventar på avgjerda di",
            "opningstider og bookingar",
            "Ordinære vekeopningstider",
        ),
        (
            "en",
            "1 booking request waits for your decision",
            "opening hours and bookings",
            "Regular weekly hours",
        ),
    ],
)
def test_the_front_page_and_the_hub_page_in_nynorsk_and_english(
    place, language, waiting, week, hours_heading
):
    browser = Client()
    browser.force_login(place["hub_staff"])
    front = browser.get(f"/{language}/admin/")
    assert front.status_code == 200
    page = front.content.decode()
    assert f'<html lang="{language}"' in page
    assert waiting in page
    assert week in page
    hub_page = browser.get(f"/{language}/admin/knutepunkt/hub/{place['heggedal'].pk}/change/")
    assert hub_page.status_code == 200
    assert hours_heading in hub_page.content.decode()
