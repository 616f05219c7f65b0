"""The coordinating view and its CSVs: for the cooperation's regional coordinators and
superusers only (everyone else: the sign-in, or a 404), aggregated figures per member
municipality and month that add up to what happened, a bad period refused naming it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services as booking_services
from booking.enums import ApprovalRule
from frivillighet.enums import SignupStatus
from frivillighet.models import ShiftSignup
from innbyggertorg.enums import RegistrationStatus
from innbyggertorg.models import Registration
from samarbeid import figures, services
from tests.booking.factories import ResourceFactory
from tests.frivillighet.factories import OpportunityFactory, ShiftFactory
from tests.innbyggertorg.factories import EventFactory
from tests.knutepunkt.factories import UserFactory, hub_staff, weekday_hours

pytestmark = pytest.mark.django_db

ROLES_WITH_ACCESS = {"regional_coordinator", "superuser"}
FIGURE_KEYS = [figure.key for figure in figures.FIGURES]


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.parametrize(
    "role",
    [
        "visitor",
        "citizen",
        "regional_coordinator",
        "member_hub_staff",
        "member_admin",
        "non_member_hub_staff",
        "non_member_admin",
        "superuser",
    ],
)
def test_coordinating_view_and_every_export__as_every_role(client, region, role):
    user = region.users[role]
    if user.is_authenticated:
        client.force_login(user)
    urls = ["/samarbeid/vaernesregionen/koordinering/"] + [
        f"/samarbeid/vaernesregionen/koordinering/{key}.csv" for key in FIGURE_KEYS
    ]
    for url in urls:
        response = client.get(url)
        if role == "visitor":
            assert response.status_code == 302 and "/konto/login/" in response["Location"], url
        elif role in ROLES_WITH_ACCESS:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, url
    page = client.get("/samarbeid/vaernesregionen/").content.decode()
    assert ("Åpne koordineringsvisningen" in page) == (role in ROLES_WITH_ACCESS)


def test_coordinating_view__another_cooperations_coordinator_sees_nothing(client, region):
    other = services.cooperation_create(
        name="Annen region",
        slug="annen",
        members=[region.municipality["c"], region.municipality["d"]],
    )
    outsider = UserFactory(email="annen.koordinator@example.no")
    services.regional_coordinator_appoint(cooperation=other, user=outsider)
    client.force_login(outsider)
    assert client.get("/samarbeid/vaernesregionen/koordinering/").status_code == 404
    assert client.get("/samarbeid/annen/koordinering/").status_code == 200


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("fra=2027-13", "«fra» må være en dato skrevet YYYY-MM."),
        ("fra=januar", "«fra» må være en dato skrevet YYYY-MM."),
        ("fra=2027-05&til=2027-01", "«til» må være samme måned som «fra» eller senere."),
        ("fra=2020-01&til=2027-01", "Høyst 24 måneder om gangen: velg en kortere periode."),
    ],
)
def test_coordinating_view__bad_period__is_a_400_saying_why(client, region, query, said):
    client.force_login(region.users["regional_coordinator"])
    for url in (
        f"/samarbeid/vaernesregionen/koordinering/?{query}",
        f"/samarbeid/vaernesregionen/koordinering/frivillige.csv?{query}",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert said in response.content.decode(), url


def test_figures__add_up_to_what_happened(client, region):
    start = timezone.localtime().replace(hour=11, minute=0, second=0, microsecond=0)
    start += timedelta(days=3)
    month = f"{start:%Y-%m}"
    # Frosta's hub: an event with four people there (a group of three and one).
    event = EventFactory(hub=region.hub["b"], starts_at=start, ends_at=start + timedelta(hours=2))
    for index, (size, attended) in enumerate([(3, True), (1, True), (2, False)]):
        Registration.objects.create(
            event=event,
            name=f"Deltaker {index}",
            email=f"d{index}@example.no",
            group_size=size,
            status=RegistrationStatus.CONFIRMED,
            attended=attended,
        )
    # Stjørdal's hub open 10–16 every day; a room there booked for two hours, and a request
    # answered five hours after it was made.
    weekday_hours(region.hub["a"])
    citizen = region.users["citizen"]
    booking_services.booking_create(
        booker=citizen,
        resource=region.room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Møte",
    )
    asked = ResourceFactory(hub=region.hub["a"], name="Lite rom", approval=ApprovalRule.APPROVAL)
    request = booking_services.booking_create(
        booker=citizen,
        resource=asked,
        times=[(start + timedelta(hours=3), start + timedelta(hours=4))],
        purpose="Spørsmål",
    ).booking
    type(request).objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(hours=5)
    )
    booking_services.booking_decide(
        booking=request, by=hub_staff(region.hub["a"], "ansatt.a@example.no"), approve=True
    )
    # Malvik's hub: two volunteers gave 2 and 1.5 hours.
    shift = ShiftFactory(opportunity=OpportunityFactory(hub=region.hub["c"]), starts_at=start)
    for index, hours in enumerate(["2", "1.5"]):
        ShiftSignup.objects.create(
            shift=shift,
            volunteer=UserFactory(email=f"frivillig{index}@example.no"),
            status=SignupStatus.CONFIRMED,
            hours=hours,
            during=(shift.starts_at, shift.ends_at),
        )
    client.force_login(region.users["regional_coordinator"])
    query = f"?fra={month}&til={month}"

    def rows(key):
        response = client.get(f"/samarbeid/vaernesregionen/koordinering/{key}.csv{query}")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return {tuple(row[:2]): row[2:] for row in _csv(response)[1:]}

    assert rows("arrangementer")[("Frosta", month)] == ["1", "4"]
    assert rows("arrangementer")[("Malvik", month)] == ["0", "0"]
    assert rows("frivillige")[("Malvik", month)] == ["2", "3.5"]
    occupancy = rows("romutnyttelse")[("Stjørdal", month)]
    assert occupancy[0] == "3.0"  # two hours in the room, one in the small room
    assert float(occupancy[1]) > 0 and 0 < float(occupancy[2]) < 100
    requests = rows("bookingforesporsler")[("Stjørdal", month)]
    assert requests[:2] == ["1", "1"] and 4.9 < float(requests[2]) < 5.1
    month_row, staffed, self_service = rows("apningstider")[("Stjørdal", "Stjørdal knutepunkt")]
    # Six staffed hours a day, seven days a week, less the days public holidays close it.
    assert month_row == month and 30.0 <= float(staffed) <= 42.0 and self_service == "0.0"
    missing = rows("basismoduler")
    assert set(missing) >= {("Stjørdal", "Stjørdal knutepunkt"), ("Frosta", "Frosta knutepunkt")}
    page = client.get(f"/samarbeid/vaernesregionen/koordinering/{query}").content.decode()
    assert page.count('<svg class="figure-chart"') == len(FIGURE_KEYS)
    assert "Deltaker" not in page and "frivillig0@example.no" not in page  # aggregates only


def test_coordinating_view__a_fixed_number_of_queries(
    client, region, django_assert_max_num_queries
):
    client.force_login(region.users["regional_coordinator"])
    with django_assert_max_num_queries(60):
        assert (
            client.get(
                "/samarbeid/vaernesregionen/koordinering/?fra=2026-01&til=2027-12"
            ).status_code
            == 200
        )
