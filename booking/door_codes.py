"""Door codes for self-service use of rooms ("meråpent"): the one write path.

``door_codes_sync`` makes the locks agree with the bookings. A confirmed time of a room with
locks gets one code per lock, created in the lock system a day ahead at most, working from
the lock's margin before the start until the end, and sent to the booker (email, SMS or both,
as they chose for door codes) the lock's lead time before the start. A code whose time was
cancelled, rejected or moved is revoked in the lock and its message cancelled; a code whose
time is over is removed from the lock. Booking's services ask for a sync of the times they
change when their transaction commits; a periodic task syncs everything, so a lock system or
broker that was down is caught up with.

Each code is issued and revoked under a lock on its booked time's row, so two syncs at once
issue one code (the database also refuses a second active code per lock and time). The
digits are never logged."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from hubportal.notifications.enums import MessageKind
from hubportal.notifications.services import notification_cancel, notification_enqueue

# tasks.py imports this module too; each uses the other's names only inside functions.
from . import tasks
from .enums import BookingStatus
from .locks import LockUnavailable, get_lock_backend
from .models import DoorCode, DoorCodeStatus, Lock, Occurrence

logger = logging.getLogger(__name__)

ISSUE_AHEAD = timedelta(hours=24)
REMOVE_AFTER = timedelta(hours=1)
CODE_DIGITS = 6


def generate_code() -> str:
    """Six digits 1–9 (Nuki's keypad has no 0, and a code may not begin with 12)."""
    while True:
        code = "".join(secrets.choice("123456789") for _ in range(CODE_DIGITS))
        if not code.startswith("12"):
            return code


def code_window(occurrence: Occurrence, lock: Lock) -> tuple[datetime, datetime]:
    return (
        occurrence.starts_at - timedelta(minutes=lock.opens_minutes_before),
        occurrence.ends_at,
    )


@dataclass
class SyncResult:
    issued: int = 0
    revoked: int = 0
    removed: int = 0
    failed: int = 0


def _message_key(code: DoorCode) -> str:
    return f"door-code:{code.pk}"


def _still_right(code: DoorCode) -> bool:
    occurrence = code.occurrence
    return (
        occurrence.status == BookingStatus.CONFIRMED
        and occurrence.resource_id == code.lock.resource_id
        and (code.valid_from, code.valid_until) == code_window(occurrence, code.lock)
    )


def _issue(occurrence_id: int, lock: Lock, now: datetime) -> bool:
    with transaction.atomic():
        occurrence = (
            Occurrence.objects.select_for_update(of=("self",))
            .select_related("booking__booker", "resource__hub")
            .filter(pk=occurrence_id, status=BookingStatus.CONFIRMED, ends_at__gt=now)
            .first()
        )
        if (
            occurrence is None
            or occurrence.door_codes.filter(lock=lock, status=DoorCodeStatus.ACTIVE).exists()
        ):
            return False
        valid_from, valid_until = code_window(occurrence, lock)
        digits = generate_code()
        external_id = get_lock_backend(lock.system).grant(
            lock=lock,
            code=digits,
            valid_from=valid_from,
            valid_until=valid_until,
            label=f"hubportal-{occurrence.pk}-{lock.pk}",
        )
        try:
            with transaction.atomic():
                code = DoorCode.objects.create(
                    occurrence=occurrence,
                    lock=lock,
                    code=digits,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    external_id=external_id,
                )
        except IntegrityError:  # another sync issued it first (cannot happen under the row lock)
            get_lock_backend(lock.system).revoke(lock=lock, external_id=external_id)
            return False
        if occurrence.booking.booker_id:
            notification_enqueue(
                template="booking/email/door_code",
                context={
                    "code": digits,
                    "lock": lock,
                    "resource": occurrence.resource,
                    "hub": occurrence.resource.hub,
                    "occurrence": occurrence,
                    "booking": occurrence.booking,
                    "valid_from": valid_from,
                },
                recipient=occurrence.booking.booker,
                send_after=occurrence.starts_at - timedelta(minutes=lock.sent_minutes_before),
                dedupe_key=_message_key(code),
                kind=MessageKind.DOOR_CODE,
            )
    return True


def _end(code_id: int, status: str, now: datetime) -> bool:
    with transaction.atomic():
        code = (
            DoorCode.objects.select_for_update()
            .select_related("lock")
            .filter(pk=code_id, status=DoorCodeStatus.ACTIVE)
            .first()
        )
        if code is None:
            return False
        get_lock_backend(code.lock.system).revoke(lock=code.lock, external_id=code.external_id)
        code.status = status
        code.revoked_at = now
        code.save(update_fields=["status", "revoked_at"])
        notification_cancel(dedupe_key=_message_key(code))
    return True


def door_codes_sync(*, occurrence_ids: list[int] | None = None, now=None) -> SyncResult:
    now = now or timezone.now()
    result = SyncResult()
    active = DoorCode.objects.filter(status=DoorCodeStatus.ACTIVE).select_related(
        "occurrence", "lock"
    )
    candidates = Occurrence.objects.filter(
        status=BookingStatus.CONFIRMED,
        ends_at__gt=now,
        starts_at__lte=now + ISSUE_AHEAD,
        resource__locks__isnull=False,
    ).distinct()
    if occurrence_ids is not None:
        active = active.filter(occurrence_id__in=occurrence_ids)
        candidates = candidates.filter(pk__in=occurrence_ids)
    for code in active:
        over = code.valid_until + REMOVE_AFTER <= now
        if over or not _still_right(code):
            status = DoorCodeStatus.EXPIRED if over else DoorCodeStatus.REVOKED
            try:
                if _end(code.pk, status, now):
                    if over:
                        result.removed += 1
                    else:
                        result.revoked += 1
            except LockUnavailable as exc:
                result.failed += 1
                logger.warning("door code %s not revoked, tried again later: %s", code.pk, exc)
    locks_by_resource: dict[int, list[Lock]] = {}
    for lock in Lock.objects.filter(resource__in=candidates.values("resource")):
        locks_by_resource.setdefault(lock.resource_id, []).append(lock)
    for occurrence in candidates.only("pk", "resource_id"):
        for lock in locks_by_resource.get(occurrence.resource_id, []):
            try:
                if _issue(occurrence.pk, lock, now):
                    result.issued += 1
            except LockUnavailable as exc:
                result.failed += 1
                logger.warning(
                    "door code for time %s at %s not issued, tried again later: %s",
                    occurrence.pk,
                    lock,
                    exc,
                )
    return result


def door_codes_sync_after_commit(occurrence_ids) -> None:
    """Ask the worker to sync these times once the caller's transaction commits. A broker
    that is down is no error: the periodic sync catches up."""
    ids = sorted({int(pk) for pk in occurrence_ids})
    if not ids:
        return
    transaction.on_commit(lambda: _hand_to_worker(ids))


def _hand_to_worker(ids: list[int]) -> None:
    try:
        tasks.sync_door_codes.apply_async(args=[ids], retry=False)
    except Exception as exc:  # kombu raises several types when Redis is unreachable
        logger.warning("broker unavailable, door codes wait for the periodic sync: %s", exc)
