"""No double booking, ever: proven on real PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from booking import services
from booking.enums import ApprovalRule, BookingStatus, Repeat, ResourceKind, WhoMayBook
from booking.models import Blackout, Booking, Occurrence, SpaceClaim
from booking.recurrence import series_times
from hubportal.core.errors import DomainError
from hubportal.notifications.models import Notification
from knutepunkt.opening_hours import OSLO
from tests.knutepunkt.factories import UserFactory, hub_staff, weekday_hours

from .factories import ResourceFactory

pytestmark = pytest.mark.django_db


def slot(days=3, hour=18, hours=2):
    start = (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(hours=hours)


def book(resource, times, user=None, **kwargs):
    return services.booking_create(
        booker=user or UserFactory(), resource=resource, times=times, purpose="Sjakklubb", **kwargs
    )


def test_same_slot_twice__second_refused_with_a_message_naming_the_clash():
    room = ResourceFactory(name="Salen")
    book(room, [slot()])
    with pytest.raises(DomainError) as refused:
        book(room, [slot()])
    assert "Salen er allerede booket" in str(refused.value)
    assert Occurrence.objects.count() == 1


def test_database_refuses_an_overlapping_claim_even_without_the_service():
    room = ResourceFactory()
    result = book(room, [slot()])
    claim = result.booked[0].claims.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SpaceClaim.objects.create(occurrence=claim.occurrence, space=room, during=claim.during)


def test_divisible_hall__hall_and_halves_never_overlap():
    hall = ResourceFactory(name="Storsalen")
    east = ResourceFactory(name="Øst", hub=hall.hub, parent=hall)
    ResourceFactory(name="Vest", hub=hall.hub, parent=hall)
    book(east, [slot()])
    with pytest.raises(DomainError):
        book(hall, [slot()])
    other_time = slot(days=4)
    book(hall, [other_time])
    with pytest.raises(DomainError):
        book(east, [other_time])
    assert SpaceClaim.objects.filter(occurrence__resource=hall).count() == 2  # both halves


def test_buffers__the_next_booking_must_leave_room_for_cleaning():
    room = ResourceFactory(buffer_after_minutes=30)
    start, end = slot(hour=16)
    book(room, [(start, end)])
    with pytest.raises(DomainError):
        book(room, [(end, end + timedelta(hours=1))])
    book(room, [(end + timedelta(minutes=30), end + timedelta(hours=2))])


def test_october_change__booking_has_the_length_the_user_chose():
    # On 2027-10-31 the clocks go back from 03:00 to 02:00.
    ((start, end),) = series_times(
        first_day=date(2027, 10, 31),
        start_time=time(1, 0),
        duration=timedelta(hours=3),
        repeat=Repeat.NONE,
    )
    assert end.timestamp() - start.timestamp() == 3 * 3600
    assert end.astimezone(OSLO).replace(tzinfo=None) == datetime(2027, 10, 31, 3, 0)


def test_series__all_or_nothing_books_nothing_when_one_time_clashes():
    room = ResourceFactory()
    start, end = slot(days=14)
    book(room, [(start, end)])
    weekly = [(start - timedelta(days=7 * n), end - timedelta(days=7 * n)) for n in range(2)][::-1]
    weekly.append((start + timedelta(days=7), end + timedelta(days=7)))
    with pytest.raises(DomainError) as refused:
        book(room, weekly, all_or_nothing=True)
    assert len(refused.value.problems) == 1
    assert Occurrence.objects.count() == 1


def test_series__book_the_free_times_and_report_the_skipped_one():
    room = ResourceFactory()
    start, end = slot(days=14)
    book(room, [(start, end)])
    weekly = [(start + timedelta(days=7 * n), end + timedelta(days=7 * n)) for n in range(-1, 2)]
    result = book(room, weekly, all_or_nothing=False)
    assert len(result.booked) == 2 and len(result.skipped) == 1


@pytest.mark.django_db(transaction=True)
def test_race__twenty_threads_for_one_slot__exactly_one_wins():
    room = ResourceFactory()
    users = [UserFactory() for _ in range(20)]
    times = [slot(days=5)]
    barrier = threading.Barrier(len(users))
    outcomes, errors = [], []

    def race(user):
        try:
            barrier.wait()
            book(room, times, user=user)
            outcomes.append("booked")
        except DomainError:
            outcomes.append("refused")
        except Exception as exc:  # anything else would be an error page
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outcomes.count("booked") == 1 and outcomes.count("refused") == 19
    assert Occurrence.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_cancelled_time__is_free_again():
    room = ResourceFactory(cancellation_deadline_hours=0)
    user = UserFactory()
    result = book(room, [slot()], user=user)
    services.booking_cancel(booking=result.booking, by=user)
    book(room, [slot()])


def test_notifications__reminder_per_time_and_staff_told_about_requests():
    room = ResourceFactory(cancellation_deadline_hours=0)
    user = UserFactory()
    start, end = slot(days=5)
    result = book(
        room, [(start, end), (start + timedelta(days=7), end + timedelta(days=7))], user=user
    )
    reminders = Notification.objects.filter(template="booking/email/booking_reminder")
    assert sorted(r.send_after for r in reminders) == [
        start - timedelta(hours=24),
        start + timedelta(days=6),
    ]
    services.booking_cancel(booking=result.booking, by=user)
    assert set(reminders.values_list("status", flat=True)) == {"cancelled"}
    approval_room = ResourceFactory(approval=ApprovalRule.APPROVAL)
    staff = hub_staff(approval_room.hub)
    book(approval_room, [slot(days=6)])
    assert (
        Notification.objects.filter(
            recipient=staff, template="booking/email/staff_request_waiting"
        ).count()
        == 1
    )


def test_staff_override__displaces_the_booking_in_the_way_and_tells_its_booker():
    room = ResourceFactory(name="Salen")
    citizen = UserFactory()
    standing = book(room, [slot()], user=citizen)
    with pytest.raises(DomainError):
        book(room, [slot()], displace=True)  # a citizen cannot
    staff = hub_staff(room.hub)
    book(room, [slot()], user=staff, displace=True)
    assert standing.booked[0].claims.get().holds_time is False
    assert Occurrence.objects.get(pk=standing.booked[0].pk).status == BookingStatus.CANCELLED
    assert Notification.objects.filter(
        recipient=citizen, template="booking/email/booking_displaced"
    ).exists()


def test_unanswered_requests__staff_reminded_once():
    room = ResourceFactory(approval=ApprovalRule.APPROVAL)
    staff = hub_staff(room.hub)
    book(room, [slot()])
    Booking.objects.update(created_at=timezone.now() - timedelta(hours=72))
    assert services.booking_remind_stale_requests(older_than=timedelta(hours=48)) == 1
    services.booking_remind_stale_requests(older_than=timedelta(hours=48))
    assert (
        Notification.objects.filter(
            recipient=staff, template="booking/email/staff_request_reminder"
        ).count()
        == 1
    )


def test_mixed_approval__instant_in_staffed_hours_request_outside():
    room = ResourceFactory(approval=ApprovalRule.MIXED)
    weekday_hours(room.hub, opens=time(9), closes=time(16))
    inside = book(room, [slot(hour=10, hours=2)])
    outside = book(room, [slot(hour=18, hours=2)])
    assert inside.booking.status == BookingStatus.CONFIRMED
    assert outside.booking.status == BookingStatus.REQUESTED


def test_per_person_cap__refuses_more_upcoming_bookings():
    room = ResourceFactory(max_active_per_booker=2)
    user = UserFactory()
    book(room, [slot(days=2)], user=user)
    book(room, [slot(days=3)], user=user)
    with pytest.raises(DomainError) as refused:
        book(room, [slot(days=4)], user=user)
    assert "høyst 2 kommende bookinger" in str(refused.value)


def test_staff_only_resource__citizens_refused():
    with pytest.raises(DomainError, match="kan ikke booke denne ressursen"):
        book(ResourceFactory(who_may_book=WhoMayBook.STAFF), [slot()])


def test_add_on__booked_atomically_with_the_room():
    room = ResourceFactory()
    technician = ResourceFactory(hub=room.hub, kind=ResourceKind.TECHNICIAN, name="Lydtekniker")
    other_room = ResourceFactory(hub=room.hub)
    book(other_room, [slot()], add_ons=[technician])
    with pytest.raises(DomainError, match="Lydtekniker er allerede booket"):
        book(room, [slot()], add_ons=[technician])
    assert not Occurrence.objects.filter(resource=room).exists()  # the room was not booked alone


def test_blackout__no_bookings_in_a_blackout_period():
    room = ResourceFactory()
    start, end = slot()
    Blackout.objects.create(
        resource=room, starts_at=start - timedelta(hours=1), ends_at=end, reason="Oppussing"
    )
    with pytest.raises(DomainError, match="Oppussing"):
        book(room, [(start, end)])


def test_confirmation__carries_the_times_as_an_ics_attachment():
    book(ResourceFactory(), [slot()])
    confirmation = Notification.objects.get(template="booking/email/booking_confirmed")
    assert "BEGIN:VEVENT" in confirmation.attachments[0]["content"]


def test_claims_overlapping__every_space_asked_about_and_only_overlapping_times():
    hall = ResourceFactory(name="Storsalen")
    east = ResourceFactory(name="Øst", hub=hall.hub, parent=hall)
    west = ResourceFactory(name="Vest", hub=hall.hub, parent=hall)
    other = ResourceFactory(name="Møterom", hub=hall.hub)
    start, end = slot()
    book(hall, [(start, end)])  # claims both halves
    book(other, [(start, end)])
    book(other, [slot(days=5)])  # another day: not asked about
    found = services.claims_overlapping(
        [east.pk, west.pk, other.pk], start, start + timedelta(minutes=30)
    )
    assert sorted(space for space, _during in found) == sorted([east.pk, west.pk, other.pk])
    assert all(during.lower == start and during.upper == end for _space, during in found)
    assert (
        services.claims_overlapping([east.pk], end, end + timedelta(hours=1)) == []
    )  # [start, end)
    assert services.claims_overlapping([], start, end) == []
