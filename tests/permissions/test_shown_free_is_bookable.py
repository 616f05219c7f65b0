"""Shown free means bookable, for every role, through the real URLs: the start times the
week view offers a reader are exactly the start times that reader can book. Before, a
municipality administrator was shown the citizens' free times (the week view asked "hub
staff?") but booked with staff rights (the booking asked "hub staff or administrator?")."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import unescape
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone

from booking import services
from booking.models import Blackout
from knutepunkt.opening_hours import localise
from tests.knutepunkt.factories import weekday_hours

from .conftest import ROLES

SIGNED_IN = [role for role in ROLES if role != "anonymous"]
BOOKS_AS_STAFF = {"hub_staff", "municipality_admin", "superuser"}


@pytest.fixture
def week(world):
    """Next week at Heggedal: open 10-16 every day, the room bookable for two hours every
    two hours, Wednesday to Sunday closed by a blackout (for everyone, to keep the test
    small), Monday 12-14 already booked by someone else."""
    room = world.room
    room.min_minutes = room.max_minutes = room.granularity_minutes = 120
    room.only_in_opening_hours = True
    room.min_notice_hours = 0
    room.horizon_days = 60
    room.save()
    weekday_hours(world.heggedal, opens=time(10), closes=time(16))
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    Blackout.objects.create(
        resource=room,
        starts_at=localise(monday + timedelta(days=2), time(0)),
        ends_at=localise(monday + timedelta(days=7), time(0)),
        reason="Oppussing",
    )
    taken = localise(monday, time(12))
    services.booking_create(
        booker=world.users["coordinator"],
        resource=room,
        times=[(taken, taken + timedelta(hours=2))],
        purpose="Sjakk",
    )
    # Every start time of the grid on the two days without the blackout, and one start in
    # the blackout (nothing there is shown, for anyone).
    candidates = [localise(monday, time(0)) + timedelta(hours=2 * n) for n in range(2 * 12)]
    blacked_out = localise(monday + timedelta(days=4), time(10))
    return {
        "monday": monday,
        "room": room,
        "candidates": [*candidates, blacked_out],
        "taken": taken,
    }


def client_for(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def shown_free(client, room, monday) -> set[datetime]:
    page = client.get(f"/rom/{room.pk}/?uke={monday.isoformat()}").content.decode()
    return {
        datetime.fromisoformat(unquote(unescape(value)))
        for value in re.findall(r"\?start=([^\"&]+)", page)
    }


def books(client, room, start) -> bool:
    local = timezone.localtime(start)
    response = client.post(
        f"/rom/{room.pk}/book/",
        {
            "day": local.date().isoformat(),
            "start": local.strftime("%H:%M"),
            "minutes": "120",
            "purpose": "Prøve",
            "attendees": "1",
            "repeat": "none",
        },
    )
    return response.status_code == 302 and "/bookinger/" in response["Location"]


@pytest.mark.parametrize("role", SIGNED_IN)
def test_week_view__the_free_start_times_are_exactly_the_bookable_ones(world, week, role):
    client = client_for(world, role)
    room, candidates = week["room"], week["candidates"]
    shown = shown_free(client, room, week["monday"])
    assert shown and shown <= set(candidates)  # nothing shown inside the blackout
    bookable = {start for start in candidates if books(client, room, start)}
    assert shown == bookable
    # And the rules are those of the role: staff of the room book outside opening hours.
    opening_hours_only = {
        localise(week["monday"] + timedelta(days=day), time(hour))
        for day in range(2)
        for hour in (10, 12, 14)
    } - {week["taken"]}
    if role in BOOKS_AS_STAFF:
        assert len(bookable) == 2 * 12 - 1
    else:
        assert bookable == opening_hours_only


def test_week_view__anonymous_readers_see_the_citizens_free_times_and_must_sign_in(world, week):
    room = week["room"]
    anonymous = shown_free(client_for(world, "anonymous"), room, week["monday"])
    citizen = shown_free(client_for(world, "citizen"), room, week["monday"])
    assert anonymous == citizen and anonymous
    response = client_for(world, "anonymous").post(f"/rom/{room.pk}/book/", {})
    assert response.status_code == 302 and "/konto/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_find_room__outside_opening_hours_finds_the_room_only_for_its_staff(world, week, role):
    evening = localise(week["monday"] + timedelta(days=1), time(20))
    response = client_for(world, role).get(
        "/rom/",
        {"day": evening.date().isoformat(), "start": "20:00", "minutes": "120"},
    )
    found = week["room"] in response.context["rooms"]
    assert found is (role in BOOKS_AS_STAFF)
