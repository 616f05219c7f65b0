"""The booking services own their side effects: the shared (cached) week view shows a change
at once, whichever way the service wrote it (cancelling one time of a series is an
``.update()``, which no signal would follow)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from booking import services
from booking.enums import BookingStatus
from tests.knutepunkt.factories import UserFactory, hub_staff
from tests.support.admin import admin_submit

from .factories import ResourceFactory


def _evening(days: int):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )


def _week_url(room, start) -> str:
    monday = timezone.localtime(start).date() - timedelta(days=timezone.localtime(start).weekday())
    return f"/rom/{room.pk}/?uke={monday.isoformat()}"


def _busy(page: str) -> list[str]:
    """The booked times the week grid names (the first cell of each booked run)."""
    return re.findall(
        r'data-state="booked"><span class="cell-word">Booket</span> '
        r'<span class="cell-range">([^<]*)</span>',
        page,
    )


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)  # real commits: the cache is told after each
def test_cancel_one_time_of_a_series__the_shared_week_view_shows_it_free_at_once():
    citizen = UserFactory()
    room = ResourceFactory(cancellation_deadline_hours=0)
    start = _evening(days=8)
    times = [
        (start + timedelta(days=7 * n), start + timedelta(days=7 * n, hours=1)) for n in (0, 1)
    ]
    booking = services.booking_create(
        booker=citizen, resource=room, times=times, purpose="Strikkeklubb"
    ).booking
    url = _week_url(room, start)
    cookieless, other_citizen = Client(), _signed_in(UserFactory())
    assert _busy(cookieless.get(url).content.decode()) == ["18:00–19:00"]
    assert _busy(other_citizen.get(url).content.decode()) == ["18:00–19:00"]
    first = booking.occurrences.order_by("starts_at").first()
    response = _signed_in(citizen).post(
        f"/bookinger/{booking.pk}/avbestill/", {"occurrence": first.pk, "scope": "one"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # the rest of the series stands
    assert _busy(cookieless.get(url).content.decode()) == []  # the early cache too
    assert _busy(other_citizen.get(url).content.decode()) == []
    assert _busy(cookieless.get(_week_url(room, times[1][0])).content.decode()) == ["18:00–19:00"]


@pytest.mark.django_db
def test_booking_create__a_new_booking_shows_busy_in_the_cached_week_view(
    django_capture_on_commit_callbacks,
):
    room = ResourceFactory()
    start = _evening(days=3)
    url = _week_url(room, start)
    reader = Client()
    assert _busy(reader.get(url).content.decode()) == []  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        response = _signed_in(UserFactory()).post(
            f"/rom/{room.pk}/book/",
            {
                "day": start.date().isoformat(),
                "start": "18:00",
                "minutes": "60",
                "purpose": "Sjakk",
                "attendees": "4",
                "repeat": "none",
            },
        )
    assert response.status_code == 302
    assert _busy(reader.get(url).content.decode()) == ["18:00–19:00"]


@pytest.mark.django_db
def test_booking_decide__a_rejected_request_frees_the_time_in_the_cached_week_view(
    django_capture_on_commit_callbacks,
):
    room = ResourceFactory(approval="approval")
    start = _evening(days=3)
    booking = services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(start, start + timedelta(hours=1))],
        purpose="?",
    ).booking
    assert booking.status == BookingStatus.REQUESTED
    url = _week_url(room, start)
    reader = Client()
    assert _busy(reader.get(url).content.decode()) == ["18:00–19:00"]  # a request holds time
    staff = _signed_in(hub_staff(room.hub))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            "/admin/booking/booking/",
            {"action": "reject", "_selected_action": [booking.pk]},
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REJECTED
    assert _busy(reader.get(url).content.decode()) == []


@pytest.mark.django_db
def test_account_deleted__its_bookings_go_and_the_cached_week_view_shows_the_time_free(
    django_capture_on_commit_callbacks,
):
    citizen = UserFactory()
    citizen.set_password("passord-2026")
    citizen.save()
    room = ResourceFactory()
    start = _evening(days=3)
    services.booking_create(
        booker=citizen, resource=room, times=[(start, start + timedelta(hours=1))], purpose="Kor"
    )
    url = _week_url(room, start)
    reader = Client()
    assert _busy(reader.get(url).content.decode()) == ["18:00–19:00"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _signed_in(citizen).post("/konto/slett/", {"password": "passord-2026"})
    assert response.status_code == 302
    assert _busy(reader.get(url).content.decode()) == []


@pytest.mark.django_db
def test_room_renamed_in_the_admin__the_cached_week_view_shows_the_new_name(
    django_capture_on_commit_callbacks,
):
    room = ResourceFactory(name="Lille sal")
    url = f"/rom/{room.pk}/"
    reader = Client()
    assert "Lille sal" in reader.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(
            _signed_in(hub_staff(room.hub)),
            f"/admin/booking/resource/{room.pk}/change/",
            name="Verkstedet",
        )
    assert response.status_code == 302
    page = reader.get(url).content.decode()
    assert "Verkstedet" in page and "Lille sal" not in page
