"""Door codes for self-service use: a confirmed time of a room with a lock gets one code per
lock, working from the lock's margin before the start until the end, sent to the booker the
lock's lead time before the start, shown on the booking page only while it works, revoked in
the lock when the time is cancelled or moved, removed after it; through Nuki's Web API
(spoken to a local HTTP stand-in) and the console lock. Never in a log."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booking import door_codes, services, tasks
from booking.enums import ApprovalRule, BookingStatus
from booking.models import DoorCode, DoorCodeStatus, Lock, LockSystem, Occurrence
from hubportal.notifications.enums import Channel, MessageKind, Status
from hubportal.notifications.models import Notification
from hubportal.notifications.services import message_preferences_save
from tests.knutepunkt.factories import UserFactory

from .factories import ResourceFactory
from .fake_nuki import FakeNuki

pytestmark = pytest.mark.django_db


@pytest.fixture
def nuki(settings):
    server = FakeNuki(token="nuki-test-token").start()
    settings.NUKI_API_URL = server.url
    settings.NUKI_API_TOKEN = "nuki-test-token"
    settings.LOCK_TIMEOUT_SECONDS = 2
    yield server
    server.stop()


def _soon(hours: float = 2, minutes: int = 0):
    """A start on the rooms' five-minute grid, at least this far ahead."""
    at = timezone.now() + timedelta(hours=hours, minutes=minutes + 5)
    return at.replace(minute=at.minute - at.minute % 5, second=0, microsecond=0)


def _book(room, *, booker=None, start=None, minutes=60):
    start = start or _soon()
    return services.booking_create(
        booker=booker or UserFactory(phone="+4793012345"),
        resource=room,
        times=[(start, start + timedelta(minutes=minutes))],
        purpose="Strikkeklubb",
    ).booking


def _room_with_lock(system=LockSystem.NUKI, **lock):
    room = ResourceFactory(cancellation_deadline_hours=0, granularity_minutes=5)
    Lock.objects.create(
        resource=room,
        name="Hovedinngang",
        system=system,
        external_id="4711",
        **{"opens_minutes_before": 15, "sent_minutes_before": 30, **lock},
    )
    return room


def test_confirmed_time__one_code_in_the_lock_for_its_window_and_a_message_before(nuki):
    room = _room_with_lock()
    booking = _book(room)
    occurrence = booking.occurrences.get()
    result = door_codes.door_codes_sync()
    assert result.issued == 1
    code = DoorCode.objects.get()
    assert code.status == DoorCodeStatus.ACTIVE
    assert code.valid_from == occurrence.starts_at - timedelta(minutes=15)
    assert code.valid_until == occurrence.ends_at
    assert nuki.codes("4711") == [int(code.code)]
    assert code.external_id
    [auth] = nuki.auths["4711"].values()
    assert auth["type"] == 13 and auth["allowedUntilDate"] == code.valid_until.isoformat()
    message = Notification.objects.get(dedupe_key=f"door-code:{code.pk}")
    assert code.code in message.body_text
    assert message.send_after == occurrence.starts_at - timedelta(minutes=30)


def test_sync_twice__one_code():
    room = _room_with_lock(system=LockSystem.CONSOLE)
    _book(room)
    door_codes.door_codes_sync()
    assert door_codes.door_codes_sync().issued == 0
    assert DoorCode.objects.filter(status=DoorCodeStatus.ACTIVE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_syncs_at_once__one_code_in_the_lock(nuki):
    room = _room_with_lock()
    _book(room)
    barrier = threading.Barrier(2)
    results = []

    def sync():
        barrier.wait()
        try:
            results.append(door_codes.door_codes_sync().issued)
        finally:
            connection.close()

    threads = [threading.Thread(target=sync) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert DoorCode.objects.count() == 1
    assert len(nuki.codes("4711")) == 1


def test_time_far_ahead__no_code_until_a_day_before():
    room = _room_with_lock(system=LockSystem.CONSOLE)
    _book(room, start=_soon(hours=72))
    assert door_codes.door_codes_sync().issued == 0
    later = timezone.now() + timedelta(hours=49)
    assert door_codes.door_codes_sync(now=later).issued == 1


def test_cancelled__revoked_in_the_lock_and_the_message_cancelled(nuki):
    room = _room_with_lock()
    booking = _book(room)
    door_codes.door_codes_sync()
    code = DoorCode.objects.get()
    services.booking_cancel(booking=booking, by=booking.booker)
    assert door_codes.door_codes_sync().revoked == 1
    code.refresh_from_db()
    assert code.status == DoorCodeStatus.REVOKED and code.revoked_at
    assert nuki.codes("4711") == []
    assert Notification.objects.get(dedupe_key=f"door-code:{code.pk}").status == Status.CANCELLED


def test_moved_time__old_code_revoked_new_one_issued(nuki):
    room = _room_with_lock()
    booking = _book(room)
    door_codes.door_codes_sync()
    occurrence = booking.occurrences.get()
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=occurrence.starts_at + timedelta(hours=1),
        ends_at=occurrence.ends_at + timedelta(hours=1),
    )
    result = door_codes.door_codes_sync()
    assert (result.revoked, result.issued) == (1, 1)
    active = DoorCode.objects.get(status=DoorCodeStatus.ACTIVE)
    assert active.valid_until == occurrence.ends_at + timedelta(hours=1)
    assert nuki.codes("4711") == [int(active.code)]


def test_after_the_end__removed_from_the_lock(nuki):
    room = _room_with_lock()
    _book(room)
    door_codes.door_codes_sync()
    after = timezone.now() + timedelta(hours=5)
    assert door_codes.door_codes_sync(now=after).removed == 1
    assert DoorCode.objects.get().status == DoorCodeStatus.EXPIRED
    assert nuki.codes("4711") == []


def test_requested_time__no_code_until_approved(nuki):
    room = _room_with_lock()
    room.approval = ApprovalRule.APPROVAL
    room.save()
    booking = _book(room)
    assert booking.status == BookingStatus.REQUESTED
    assert door_codes.door_codes_sync().issued == 0


@pytest.mark.parametrize("failure", ["500", "down", "token"])
def test_lock_system_failing__nothing_half_saved_and_caught_up_later(nuki, settings, failure):
    room = _room_with_lock()
    _book(room)
    if failure == "500":
        nuki.behaviour = "500"
    elif failure == "token":
        settings.NUKI_API_TOKEN = "wrong"
    else:
        settings.NUKI_API_URL = "http://127.0.0.1:9"
    result = door_codes.door_codes_sync()
    assert (result.issued, result.failed) == (0, 1)
    assert not DoorCode.objects.exists()
    assert not Notification.objects.filter(dedupe_key__startswith="door-code:").exists()
    nuki.behaviour = "working"
    settings.NUKI_API_TOKEN = "nuki-test-token"
    settings.NUKI_API_URL = nuki.url
    assert door_codes.door_codes_sync().issued == 1


def test_revoke_failing__code_stays_active_and_is_revoked_later(nuki):
    room = _room_with_lock()
    booking = _book(room)
    door_codes.door_codes_sync()
    services.booking_cancel(booking=booking, by=booking.booker)
    nuki.behaviour = "500"
    assert door_codes.door_codes_sync().failed == 1
    assert DoorCode.objects.get().status == DoorCodeStatus.ACTIVE
    nuki.behaviour = "working"
    assert door_codes.door_codes_sync().revoked == 1
    assert nuki.codes("4711") == []


def test_codes__six_digits_one_to_nine_never_starting_12():
    for _ in range(2000):
        code = door_codes.generate_code()
        assert len(code) == 6 and set(code) <= set("123456789") and not code.startswith("12")


def test_code__never_in_a_log(nuki, caplog):
    caplog.set_level(logging.DEBUG)
    room = _room_with_lock()
    booking = _book(room)
    door_codes.door_codes_sync()
    services.booking_cancel(booking=booking, by=booking.booker)
    door_codes.door_codes_sync()
    code = DoorCode.objects.get().code
    assert code not in caplog.text
    assert code not in str(DoorCode.objects.get())


def test_person_chose_sms_for_door_codes__the_code_comes_by_sms(nuki):
    booker = UserFactory(phone="+4793012345")
    message_preferences_save(user=booker, choices={MessageKind.DOOR_CODE: "sms"})
    room = _room_with_lock()
    _book(room, booker=booker)
    door_codes.door_codes_sync()
    code = DoorCode.objects.get()
    [sms] = Notification.objects.filter(dedupe_key__startswith="door-code:")
    assert sms.channel == Channel.SMS and sms.to_address == "+4793012345"
    assert code.code in sms.body_text


def test_booking_page__the_code_only_while_it_works_and_only_to_the_booker():
    room = _room_with_lock(system=LockSystem.CONSOLE, opens_minutes_before=15)
    booker = UserFactory()
    booking = _book(room, booker=booker, start=_soon(hours=0, minutes=5))
    door_codes.door_codes_sync()
    code = DoorCode.objects.get()
    url = reverse("booking:booking", args=[booking.pk])
    as_booker = Client()
    as_booker.force_login(booker)
    assert code.code in as_booker.get(url).content.decode()  # minutes before: it works
    DoorCode.objects.filter(pk=code.pk).update(valid_from=timezone.now() + timedelta(minutes=5))
    assert code.code not in as_booker.get(url).content.decode()  # not yet
    DoorCode.objects.filter(pk=code.pk).update(valid_from=code.valid_from)
    other = Client()
    other.force_login(UserFactory())
    assert other.get(url).status_code == 404


def test_changes_hand_the_times_to_the_worker_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    handed = []
    monkeypatch.setattr(
        tasks.sync_door_codes, "apply_async", lambda args, **kwargs: handed.append(args[0])
    )
    room = _room_with_lock(system=LockSystem.CONSOLE)
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(room)
    occurrence = booking.occurrences.get()
    assert handed == [[occurrence.pk]]
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=booking.booker)
    assert handed[-1] == [occurrence.pk]


def test_broker_down__the_change_waits_for_the_periodic_sync(
    monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(tasks.sync_door_codes, "apply_async", down)
    room = _room_with_lock(system=LockSystem.CONSOLE)
    with django_capture_on_commit_callbacks(execute=True):
        _book(room)  # no error for the booker
    assert tasks.sync_door_codes() == 1
