"""A room shared by a cooperation: associations of the other participating municipalities
book it through booking's one write path under the room's guest rules (a shorter horizon,
approval by the hub's staff, their own price category); when it stops being shared with
them their bookings stand and the hub's staff are told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from betaling.enums import RenterCategory
from betaling.selectors import renter_category
from booking import services as booking_services
from booking.enums import BookingStatus, WhoMayBook
from frivillighet.enums import MemberRole
from frivillighet.models import OrganisationMember
from hubportal.core.errors import DomainError
from hubportal.notifications.models import Notification
from samarbeid import services
from samarbeid.models import GuestBooking
from tests.frivillighet.factories import OrganisationFactory
from tests.knutepunkt.factories import UserFactory, hub_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(region):
    region.room.who_may_book = WhoMayBook.ASSOCIATIONS
    region.room.save(update_fields=["who_may_book"])
    services.shared_arrangement_update(
        arrangement=region.shared_room,
        name=region.shared_room.name,
        resource=region.room,
        participants=[region.municipality[k] for k in "abc"],
        guest_horizon_days=30,
        guest_needs_approval=True,
        guest_price_category=RenterCategory.CITIZEN,
    )
    region.staff_a = hub_staff(region.hub["a"], "ansatt.a@example.no")
    return region.room


def _association(region, key, number="974760673"):
    organisation = OrganisationFactory(
        municipality=region.municipality[key], name=f"Korps {key}", org_number=number
    )
    leader = UserFactory(email=f"leder.{key}@example.no")
    OrganisationMember.objects.create(
        organisation=organisation, user=leader, role=MemberRole.COORDINATOR
    )
    return organisation, leader


def _evening(days):
    start = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    start += timedelta(days=days)
    return [(start, start + timedelta(hours=2))]


def _book(room, organisation, leader, days=7):
    return booking_services.booking_create(
        booker=leader,
        resource=room,
        times=_evening(days),
        purpose="Korpsøving",
        organisation=organisation,
    )


def test_guest_association__books_the_shared_room_as_a_request_and_is_recorded(region, room):
    malvik, leader = _association(region, "c")
    result = _book(room, malvik, leader)
    assert result.booking.status == BookingStatus.REQUESTED  # the hub's staff approve
    guest = GuestBooking.objects.get(booking=result.booking)
    assert guest.municipality == region.municipality["c"]
    assert guest.arrangement == region.shared_room
    assert guest.cooperation_name == "Værnesregionen"


def test_guest_association__beyond_the_guest_horizon__is_refused_with_the_horizon(region, room):
    malvik, leader = _association(region, "c")
    with pytest.raises(DomainError) as refused:
        _book(room, malvik, leader, days=45)
    assert (
        "Lag og foreninger fra de andre kommunene i Værnesregionen kan booke Regionsalen "
        "høyst 30 dager fram i tid." in str(refused.value)
    )
    assert not GuestBooking.objects.exists()


def test_association_of_a_non_member__may_not_book_the_shared_room(region, room):
    asker, leader = _association(region, "d")
    with pytest.raises(DomainError) as refused:
        _book(room, asker, leader)
    assert "Du kan ikke booke denne ressursen." in str(refused.value)


def test_guest_association__pays_by_the_guests_price_category(region, room):
    malvik, leader = _association(region, "c")
    category = renter_category(booker=leader, resource=room, organisation=malvik)
    assert category == RenterCategory.CITIZEN
    home, home_leader = _association(region, "a", number="971524960")
    assert renter_category(booker=home_leader, resource=room, organisation=home) == (
        RenterCategory.VOLUNTARY
    )


def _told(region):
    return Notification.objects.filter(
        template="samarbeid/email/guest_bookings_stand", recipient=region.staff_a
    )


def test_participant_leaving_the_shared_room__bookings_stand_and_staff_are_told(region, room):
    malvik, leader = _association(region, "c")
    booking = _book(room, malvik, leader).booking
    saved = services.shared_arrangement_update(
        arrangement=region.shared_room,
        name=region.shared_room.name,
        resource=room,
        participants=[region.municipality["a"], region.municipality["b"]],
    )
    assert saved.guest_bookings_told == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED  # nothing cancelled
    told = _told(region).get()
    assert "Regionsalen" in told.subject
    assert "Korps c (Malvik)" in told.body_text
    with pytest.raises(DomainError):  # and Malvik's associations no longer get in
        _book(room, malvik, leader, days=8)


def test_shared_room_ended__bookings_stand_and_staff_are_told(region, room):
    malvik, leader = _association(region, "c")
    booking = _book(room, malvik, leader).booking
    assert services.shared_arrangement_delete(arrangement=region.shared_room) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    assert _told(region).count() == 1
    assert GuestBooking.objects.get(booking=booking).arrangement is None


def test_participant_leaving__without_guest_bookings__tells_nobody(region, room):
    services.shared_arrangement_update(
        arrangement=region.shared_room,
        name=region.shared_room.name,
        resource=room,
        participants=[region.municipality["a"], region.municipality["b"]],
    )
    assert not _told(region).exists()
