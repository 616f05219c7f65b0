"""The seasonal pages through real URLs: who sees what (a coordinator only their
organisations' applications, staff of another municipality never the round), the
application form end to end, the tool's actions, the journal exports."""

from __future__ import annotations

import json
from datetime import time

import pytest
from django.utils import timezone

from booking.models import Booking
from hubportal.notifications.models import Notification
from sesong.enums import AllocationStatus, RoundState
from sesong.models import Allocation, Application
from tests.knutepunkt.factories import MunicipalityFactory, UserFactory, municipality_admin
from tests.knutepunkt.factories import hub_staff as make_hub_staff

from .factories import DistrictFactory, HubFactory, season_world, wish

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def form_data(world, org, **changes):
    room = world.rooms[0]
    data = {
        "organisation": org.pk,
        "activity_name": "Kor",
        "age_group": "adults",
        "participants": "15",
        "contact_name": "Kari",
        "contact_email": "kari@example.no",
        "consent_to_partial": "on",
        "wish1-weekday": "2",
        "wish1-starts_at": "18:00",
        "wish1-ends_at": "20:00",
        "wish1-frequency": "weekly",
        "wish1-resource": str(room.pk),
    }
    data.update(changes)
    return data


def test_apply_through_the_form__receipt_page_and_the_application_saved(client):
    world = season_world()
    org, coordinator = world.applicant()
    page = signed_in(client, coordinator).get(f"/sesong/{world.round.pk}/sok/")
    assert page.status_code == 200 and org.name in page.content.decode()
    response = client.post(f"/sesong/{world.round.pk}/sok/", form_data(world, org), follow=True)
    application = Application.objects.get()
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert application.reference in response.content.decode()
    assert application.wishes.get().weekday == 2


def test_apply_form__a_bad_wish__400_with_the_message_on_the_form_nothing_saved(client):
    world = season_world()
    org, coordinator = world.applicant()
    response = signed_in(client, coordinator).post(
        f"/sesong/{world.round.pk}/sok/",
        form_data(world, org, **{"wish1-starts_at": "05:00", "wish1-ends_at": "07:00"}),
    )
    assert response.status_code == 400
    assert "ikke åpent hele tiden" in response.content.decode()
    assert not Application.objects.exists()


def test_coordinator_sees_only_their_organisations_applications(client):
    world = season_world()
    mine, me = world.applicant()
    theirs, them = world.applicant()
    my_application = world.apply(mine, me, [wish(resource=world.rooms[0])])
    their_application = world.apply(theirs, them, [wish(1, resource=world.rooms[0])])
    signed_in(client, me)
    assert client.get(my_application.get_absolute_url()).status_code == 200
    assert client.get(their_application.get_absolute_url()).status_code == 404
    assert client.get(f"/sesong/soknad/{their_application.pk}/endre/").status_code == 404
    mine_page = client.get("/sesong/mine/").content.decode()
    assert my_application.reference in mine_page and their_application.reference not in mine_page
    client.post(f"/sesong/soknad/{their_application.pk}/trekk/")
    assert Application.objects.get(pk=their_application.pk).status == "submitted"


def test_staff_of_another_municipality_never_see_the_round(client):
    world = season_world()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    other = MunicipalityFactory()
    outsiders = [
        municipality_admin(other),
        make_hub_staff(HubFactory(district=DistrictFactory(municipality=other))),
    ]
    for outsider in outsiders:
        signed_in(client, outsider)
        for url in (
            f"/sesong/{world.round.pk}/tildeling/",
            f"/sesong/{world.round.pk}/journal.csv",
            f"/sesong/{world.round.pk}/journal.json",
            application.get_absolute_url(),
            f"/sesong/soknad/{application.pk}/vedtak/",
        ):
            assert client.get(url).status_code == 404, (outsider, url)
        assert (
            client.get(f"/admin/sesong/applicationround/{world.round.pk}/change/").status_code
            == 404
        )
        client.post(f"/sesong/{world.round.pk}/tildeling/forslag/")
        client.post(f"/sesong/{world.round.pk}/status/", {"to": "allocating"})
    world.round.refresh_from_db()
    assert world.round.state == RoundState.OPEN


def test_staff_allocate_publish_coordinator_accepts__through_the_pages(client):
    world = season_world()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.close_applications()
    staff = signed_in(client, world.staff)
    staff.post(f"/sesong/{world.round.pk}/status/", {"to": "allocating"})
    staff.post(f"/sesong/{world.round.pk}/tildeling/forslag/")
    tool = staff.get(f"/sesong/{world.round.pk}/tildeling/?rom={world.rooms[0].pk}")
    assert tool.status_code == 200 and org.name in tool.content.decode()
    allocation = Allocation.objects.get()
    # Adjust: move it to 18:30–20:00 by hand.
    staff.post(
        f"/sesong/{world.round.pk}/tildeling/tildel/",
        {
            "application": application.pk,
            "resource": world.rooms[0].pk,
            "weekday": "0",
            "starts_at": "18:30",
            "ends_at": "20:00",
            "frequency": "weekly",
            "parity": "0",
            "replaces": allocation.pk,
        },
    )
    moved = Allocation.objects.get()
    assert (moved.starts_at, moved.source) == (time(18, 30), "manual")
    staff.post(f"/sesong/{world.round.pk}/status/", {"to": "decided"})
    staff.post(f"/sesong/{world.round.pk}/status/", {"to": "published"})
    world.round.refresh_from_db()
    assert world.round.state == RoundState.PUBLISHED
    assert Notification.objects.filter(template="sesong/email/decision").exists()
    signed_in(client, coordinator)
    decision_page = client.get(f"/sesong/soknad/{application.pk}/vedtak/")
    assert decision_page.status_code == 200 and "klage" in decision_page.content.decode()
    client.post(f"/sesong/soknad/{application.pk}/svar/", {"answer": "accept"})
    assert Allocation.objects.get().status == AllocationStatus.ACCEPTED
    booking = Booking.objects.get(organisation=org)
    assert client.get(booking.get_absolute_url()).status_code == 200


def test_journal_exports__csv_and_json_with_every_step(client):
    world = season_world()
    org, coordinator = world.applicant()
    world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    signed_in(client, world.admin)
    csv_response = client.get(f"/sesong/{world.round.pk}/journal.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == "at;kind;application;organisation;text;by"
    assert any("application_submitted" in line and org.name in line for line in lines)
    data = json.loads(client.get(f"/sesong/{world.round.pk}/journal.json").content)
    assert [e["kind"] for e in data["entries"]][:3] == [
        "round_created",
        "state_changed",
        "application_submitted",
    ]


def test_public_round_page__deadline_rules_and_rooms_for_anyone(client):
    world = season_world()
    page = client.get(f"/sesong/{world.round.pk}/").content.decode()
    assert world.round.name in page and world.rooms[0].name in page
    assert timezone.localtime(world.round.closes_at).strftime("%Y") in page
    assert world.round.name in client.get("/sesong/").content.decode()


def test_a_citizen_cannot_use_the_tool_or_decide(client):
    world = season_world()
    citizen = UserFactory()
    signed_in(client, citizen)
    assert client.get(f"/sesong/{world.round.pk}/tildeling/").status_code == 404
