"""Issue 21's "Done when", as a new user would try it after `make run` (the demo data),
through the real URLs: a citizen of Frosta finds the regional service and the hub in
Stjørdal where it is offered; an association in Malvik books the shared room in Stjørdal;
the regional coordinator opens the coordinating view and exports a figure; staff of a
municipality outside the cooperation see none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from booking.enums import BookingStatus
from booking.models import Booking, Resource
from frivillighet.models import Organisation
from hubportal.core.demo import load_demo_data
from samarbeid.models import GuestBooking

pytestmark = pytest.mark.django_db


def _user(email):
    return get_user_model().objects.get(email=email)


def _next_weekday(days_ahead: int):
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() != 2:  # a Wednesday: staffed 10–16 in Stjørdal
        day += timedelta(days=1)
    return day


def test_done_when__the_journey_of_issue_21(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_data()

    # A citizen of Frosta: the district page names the regional service and the hub in
    # Stjørdal where it is offered; Frosta's search finds it; the hub's page has it.
    district = client.get("/frosta/sentrum/").content.decode()
    assert "Delt med nabokommuner" in district
    assert "Barnevern i Værnesregionen" in district
    assert 'href="/stjordal/knutepunkt/sentrum/">Stjørdal knutepunkt</a>, Stjørdal kommune' in (
        district
    )
    found = client.get("/frosta/sok/?q=barnevern").content.decode()
    assert "Barnevern i Værnesregionen" in found and "/stjordal/tjenester/barnevern/" in found
    hub = client.get("/stjordal/knutepunkt/sentrum/").content.decode()
    assert "Barnevern i Værnesregionen" in hub

    # An association in Malvik books the shared room in Stjørdal (a request for the hub's
    # staff, under the room's guest rules).
    leader = _user("leder.malvik@demo.hubportal.no")
    association = Organisation.objects.get(org_number="921000006")
    room = Resource.objects.get(name="Regionsalen", hub__municipality__slug="stjordal")
    client.force_login(leader)
    day = _next_weekday(7)
    response = client.post(
        f"/rom/{room.pk}/book/",
        {
            "day": f"{day:%d.%m.%Y}",
            "start": "12:00",
            "minutes": "60",
            "repeat": "none",
            "purpose": "Korpsøving",
            "attendees": "20",
            "organisation": str(association.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    booking = Booking.objects.get(resource=room, organisation=association)
    assert booking.status == BookingStatus.REQUESTED
    assert GuestBooking.objects.filter(booking=booking, cooperation_name="Værnesregionen").exists()

    # The regional coordinator opens the coordinating view from the cooperation's page and
    # exports a figure.
    client.force_login(_user("koordinator.vaernes@demo.hubportal.no"))
    page = client.get("/samarbeid/vaernesregionen/").content.decode()
    assert 'href="/samarbeid/vaernesregionen/koordinering/"' in page
    view = client.get("/samarbeid/vaernesregionen/koordinering/")
    assert view.status_code == 200
    assert "Bookingforespørsler" in view.content.decode()
    export = client.get("/samarbeid/vaernesregionen/koordinering/bookingforesporsler.csv")
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0] == "Kommune;Måned;Forespørsler;Besvart;Median timer til svar"
    assert any(line.startswith(f"Stjørdal;{timezone.localdate():%Y-%m};1;0;") for line in lines)

    # Staff of a municipality outside the cooperation (Asker) see none of it.
    client.force_login(_user("ansatt.heggedal@demo.hubportal.no"))
    assert client.get("/samarbeid/vaernesregionen/koordinering/").status_code == 404
    assert (
        client.get("/samarbeid/vaernesregionen/koordinering/romutnyttelse.csv").status_code == 404
    )
    assert client.get("/admin/samarbeid/cooperation/").status_code == 403
    assert "Interkommunalt samarbeid" not in client.get("/admin/").content.decode()
    assert "Delt med nabokommuner" not in client.get("/asker/heggedal/").content.decode()
