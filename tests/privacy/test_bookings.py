"""Deleting a person releases their upcoming booked times through the cancellation path,
tells staff where they had approved a booking, and keeps the person's past use of the
premises in the usage statistics, anonymised."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from booking import services
from booking.enums import ApprovalRule, BookingStatus
from booking.models import Booking, CalendarFeed, Occurrence, SpaceClaim
from booking.selectors import is_bookable
from booking.statistics import usage
from hubportal.notifications.enums import Status
from hubportal.notifications.models import Notification
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import HubFactory, UserFactory, hub_staff
from tests.privacy.helpers import delete_account, download, messages_to, person

pytestmark = pytest.mark.django_db


def at(days=0, hours=0, hour=None):
    when = timezone.localtime() + timedelta(days=days, hours=hours)
    when = when.replace(minute=0, second=0, microsecond=0)
    if hour is not None:
        when = when.replace(hour=hour)
    return when


def two_hours(start):
    return (start, start + timedelta(hours=2))


def move_to_the_past(booking, start):
    """Test set-up only: a booking made earlier whose time has passed."""
    end = start + timedelta(hours=2)
    for occurrence in booking.occurrences.all():
        Occurrence.objects.filter(pk=occurrence.pk).update(starts_at=start, ends_at=end)
        SpaceClaim.objects.filter(occurrence=occurrence).update(
            during=DateTimeTZRange(start, end, "[)")
        )


@pytest.fixture
def premises():
    hub = HubFactory(name="Heggedal")
    staff = hub_staff(hub, email="ansatt@heggedal.no")
    hall = ResourceFactory(hub=hub, name="Storsalen", approval=ApprovalRule.APPROVAL)
    room = ResourceFactory(hub=hub, name="Møterom 2")  # confirmed at once, no staff involved
    return hub, staff, hall, room


def test_bookings__export_holds_every_booking_and_time_and_the_feed_without_its_secret(
    client, premises
):
    _hub, staff, hall, room = premises
    kari = person()
    start = at(days=5, hour=18)
    result = services.booking_create(
        booker=kari, resource=hall, times=[(start, start + timedelta(hours=2))], purpose="Bursdag"
    )
    services.booking_decide(booking=result.booking, by=staff, approve=True)
    services.booking_create(
        booker=kari,
        resource=room,
        times=[(start, start + timedelta(hours=1))],
        purpose="Lesesirkel",
        attendees=6,
    )
    token = services.calendar_feed_renew(user=kari)

    data = download(client, kari)["bookings"]

    assert [(b["resource"], b["purpose"], b["status"]) for b in data["bookings"]] == [
        ("Storsalen", "Bursdag", BookingStatus.CONFIRMED),
        ("Møterom 2", "Lesesirkel", BookingStatus.CONFIRMED),
    ]
    assert data["bookings"][1]["attendees"] == 6 and data["bookings"][0]["hub"] == "Heggedal"
    assert data["bookings"][0]["times"] == [
        {
            "resource": "Storsalen",
            "starts_at": timezone.localtime(start).isoformat(),
            "ends_at": timezone.localtime(start + timedelta(hours=2)).isoformat(),
            "status": BookingStatus.CONFIRMED,
            "no_show": False,
        }
    ]
    assert data["calendar_feed"]["created_at"]
    assert token not in str(data)


def test_bookings__deletion_releases_upcoming_times_tells_staff_and_keeps_statistics(
    client, premises
):
    _hub, staff, hall, room = premises
    kari = person()
    other = person("ola@example.no", full_name="Ola")

    # An approved booking of the hall next week.
    hall_start = at(days=6, hour=18)
    hall_time = (hall_start, hall_start + timedelta(hours=3))
    approved = services.booking_create(
        booker=kari, resource=hall, times=[hall_time], purpose="Bursdag for Kari"
    ).booking
    services.booking_decide(booking=approved, by=staff, approve=True)
    # A room in three hours: inside the cancellation deadline, which does not bind deletion.
    soon_start = at(hours=3)
    soon_time = (soon_start, soon_start + timedelta(hours=1))
    soon = services.booking_create(
        booker=kari, resource=room, times=[soon_time], purpose="Lesesirkel"
    ).booking
    # Last month's use of the room, which the statistics document.
    past_start = at(days=-40, hour=12)
    past = services.booking_create(
        booker=kari, resource=room, times=[two_hours(at(days=8, hour=12))], purpose="Kari sitt møte"
    ).booking
    move_to_the_past(past, past_start)
    Occurrence.objects.filter(booking=past).update(no_show=True)
    token = services.calendar_feed_renew(user=kari)
    reminder_keys = [f"booking-reminder:{o.pk}" for o in approved.occurrences.all()]
    assert Notification.objects.filter(dedupe_key__in=reminder_keys, status=Status.PENDING)
    assert not is_bookable(hall, other, *hall_time) and not is_bookable(room, other, *soon_time)
    month = past_start.date()
    (before,) = usage(resources=[room], month=month)

    delete_account(client, kari)

    # The times are free again: shown free and bookable by someone else at once.
    assert is_bookable(hall, other, *hall_time) and is_bookable(room, other, *soon_time)
    assert services.booking_create(
        booker=other, resource=room, times=[soon_time], purpose="Strikkekafé"
    ).booked
    assert services.booking_create(
        booker=other, resource=hall, times=[hall_time], purpose="Konsert"
    ).booked
    for booking in (approved, soon):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert set(booking.occurrences.values_list("status", flat=True)) == {
            BookingStatus.CANCELLED
        }
        assert not SpaceClaim.objects.filter(occurrence__booking=booking, holds_time=True)
    assert set(
        Notification.objects.filter(dedupe_key__in=reminder_keys).values_list("status", flat=True)
    ) == {Status.CANCELLED}

    # Staff had approved the hall: they are told which times are free; the instant room
    # never needed them, so nothing is said about it.
    (told,) = messages_to(staff, "booking/email/staff_booking_released")
    assert "Storsalen" in told.subject and "Storsalen" in told.body_text
    assert f"{timezone.localtime(hall_start):%H:%M}" in told.body_text
    assert "Møterom 2" not in told.body_text
    assert not messages_to(kari)  # nothing more is sent to, or kept for, the person

    # Every booking stays only anonymised; the statistics do not change.
    for booking in Booking.objects.filter(pk__in=[approved.pk, soon.pk, past.pk]):
        assert booking.booker_id is None and booking.purpose == "" and not booking.is_public
        assert booking.booker_kind == "citizen"
    assert Occurrence.objects.get(booking=past).no_show
    (after,) = usage(resources=[room], month=month)
    assert after.hours_booked == before.hours_booked == 2.0
    assert dict(after.bookings_by_booker) == dict(before.bookings_by_booker) == {"citizen": 1}
    assert after.no_shows == before.no_shows == 1

    # The private calendar address is revoked.
    assert not CalendarFeed.objects.exists()
    assert client.get(f"/kalender/{token}.ics").status_code == 404


def test_bookings__a_staff_members_own_bookings_stay_counted_as_staff(client, premises):
    _hub, staff, _hall, room = premises
    past = services.booking_create(
        booker=staff, resource=room, times=[two_hours(at(days=8, hour=10))], purpose="Teammøte"
    ).booking
    move_to_the_past(past, at(days=-40, hour=10))
    month = at(days=-40).date()
    (before,) = usage(resources=[room], month=month)
    assert dict(before.bookings_by_booker) == {"staff": 1}
    delete_account(client, staff)
    (after,) = usage(resources=[room], month=month)
    assert dict(after.bookings_by_booker) == {"staff": 1}
    assert Booking.objects.get(pk=past.pk).booker_kind == "staff"


def test_bookings__staff_who_delete_their_account_are_not_told_about_their_own_booking(
    client, premises
):
    hub, staff, hall, _room = premises
    colleague = hub_staff(hub, email="kollega@heggedal.no")
    start = at(days=4, hour=9)
    booking = services.booking_create(
        booker=staff, resource=hall, times=[(start, start + timedelta(hours=1))], purpose="Kurs"
    ).booking
    assert booking.status == BookingStatus.CONFIRMED  # staff book their own hub at once
    delete_account(client, staff)
    assert messages_to(colleague, "booking/email/staff_booking_released")
    assert not Notification.objects.filter(
        template="booking/email/staff_booking_released", to_address="ansatt@heggedal.no"
    )
    assert UserFactory._meta.model.objects.filter(email="ansatt@heggedal.no").count() == 0
