"""The one write path for bookings. Every occurrence claims its atomic spaces inside a
savepoint; PostgreSQL's exclusion constraint refuses a clash, and the clash is reported by
name and time instead of an error page. A refused booking raises `DomainError` with one
problem per time. The cap on a person's upcoming bookings of a resource is counted by
`hubportal.core.capacity.cap_left`, under a lock on (resource, person) in the booking's
own transaction.

Each action that changes which times are free makes the cached week views and free-room
searches stale itself, after commit (no signal follows saves: cancelling one time of a
series is an ``.update()``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from frivillighet.selectors import active_agreement
from hubportal import permissions
from hubportal.core import capacity
from hubportal.core.changes import ChangeKind, change_happened
from hubportal.core.errors import DomainError, Problem
from hubportal.core.page_cache import invalidate_after_commit
from hubportal.notifications.enums import MessageKind
from hubportal.notifications.services import (
    Attachment,
    notification_cancel,
    notification_enqueue,
)
from knutepunkt.selectors import hub_schedules

from . import access, charges, holds, rules
from . import permissions as booking_permissions
from .calendar import booking_calendar
from .door_codes import door_codes_sync_after_commit
from .enums import ApprovalRule, BookingStatus
from .models import Booking, CalendarFeed, Occurrence, Resource, SpaceClaim
from .spaces import atomic_spaces, claims_overlapping


@dataclass
class BookingResult:
    booking: Booking
    booked: list[Occurrence] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)


def _claim_range(resource: Resource, start: datetime, end: datetime) -> DateTimeTZRange:
    return DateTimeTZRange(
        start - timedelta(minutes=resource.buffer_before_minutes),
        end + timedelta(minutes=resource.buffer_after_minutes),
        "[)",
    )


def _clash_message(resource: Resource, start: datetime) -> str:
    when = formats.date_format(timezone.localtime(start), "l j. F H:i")
    return _("%(resource)s is already booked at %(when)s.") % {
        "resource": resource.name,
        "when": when,
    }


def _place(
    booking: Booking, resource: Resource, start: datetime, end: datetime, status: str
) -> Occurrence:
    occurrence = Occurrence.objects.create(
        booking=booking, resource=resource, starts_at=start, ends_at=end, status=status
    )
    SpaceClaim.objects.bulk_create(
        SpaceClaim(occurrence=occurrence, space=space, during=_claim_range(resource, start, end))
        for space in atomic_spaces(resource)
    )
    return occurrence


def booking_create(
    *,
    booker,
    resource: Resource,
    times: list[tuple[datetime, datetime]],
    purpose: str,
    attendees: int = 1,
    add_ons: list[Resource] = (),
    is_public: bool = False,
    all_or_nothing: bool = True,
    repeat: str = "none",
    displace: bool = False,
    by=None,
    organisation=None,
) -> BookingResult:
    """Book the resource (and add-ons, atomically with it) at every time given. With
    all_or_nothing, one clash or broken rule books nothing; otherwise the free times are
    booked and the others reported as skipped."""
    acting = by or booker  # staff may book for someone else
    staff = booking_permissions.books_as_staff(acting, resource)
    agreement = guest = None
    if organisation is not None:
        # A coordinator books for their association; its agreement's benefits apply.
        if not booking_permissions.can_book_for_organisation(
            by=acting, booker=booker, organisation=organisation, resource=resource
        ):
            raise DomainError(_("You do not coordinate this organisation."), field="organisation")
        agreement = active_agreement(organisation_id=organisation.pk, hub=resource.hub)
        if not staff:  # an association of a municipality the room is shared with
            guest = access.guest_access(resource=resource, organisation=organisation)
    if not booking_permissions.can_book(acting, resource, agreement, guest):
        raise DomainError(_("You may not book this resource."))
    resources = [resource, *add_ons]
    if any(r.hub_id != resource.hub_id for r in add_ons):
        raise DomainError(_("Add-ons must belong to the same hub."), field="add_ons")
    if resource.capacity is not None and attendees > resource.capacity:
        raise DomainError(
            _("The room takes at most %(n)d people.") % {"n": resource.capacity},
            field="attendees",
        )
    problems: list[Problem] = []
    span = (max(end for _s, end in times) - min(start for start, _e in times)).days + 2
    schedule = hub_schedules(hubs=[resource.hub], at=min(s for s, _e in times), days=span)[
        resource.hub_id
    ]
    allowed = []
    for start, end in times:
        messages = [
            m for r in resources for m in rules.check_times(r, start, end, schedule, staff=staff)
        ]
        if guest is not None and start > timezone.now() + timedelta(days=guest.horizon_days):
            messages.append(
                _(
                    "Associations from the other municipalities of %(label)s can book "
                    "%(resource)s at most %(days)d days ahead."
                )
                % {"label": guest.label, "resource": resource.name, "days": guest.horizon_days}
            )
        if messages:
            problems.append(Problem(" ".join(dict.fromkeys(messages)), at=start))
        else:
            allowed.append((start, end))
    allowed, season_marks = _apply_season_holds(
        resource, allowed, problems, organisation=organisation, staff=staff
    )
    with transaction.atomic():
        if not staff and len(allowed) > _cap_left(booker, resource):
            problems.append(
                Problem(
                    _("You may hold at most %(n)d upcoming bookings of this resource.")
                    % {"n": resource.max_active_per_booker}
                )
            )
            allowed = []
        if problems and (all_or_nothing or not allowed):
            raise DomainError(problems)
        needs_approval = (guest is not None and guest.needs_approval) or any(
            rules.needs_approval(resource, s, e, schedule, staff=staff) for s, e in allowed
        )
        status = BookingStatus.REQUESTED if needs_approval else BookingStatus.CONFIRMED
        booking = Booking.objects.create(
            resource=resource,
            booker=booker,
            purpose=purpose,
            attendees=attendees,
            is_public=is_public,
            status=status,
            repeat=repeat,
            organisation=organisation,
            free_of_charge=bool(agreement and agreement.free_room_use),
        )
        result = BookingResult(booking, skipped=list(problems))
        if displace and not staff:
            raise DomainError(_("Only hub staff can displace bookings."), field="displace")
        for start, end in allowed:
            if displace:
                _displace(resources, start, end, by_booking=booking)
            try:
                with transaction.atomic():
                    occurrences = [_place(booking, r, start, end, status) for r in resources]
            except IntegrityError:
                clash = next((r for r in resources if _busy(r, start, end)), resource)
                result.skipped.append(Problem(_clash_message(clash, start), at=start))
                continue
            result.booked.append(occurrences[0])
        if not result.booked or (all_or_nothing and result.skipped):
            transaction.set_rollback(True)
            raise DomainError(result.skipped)
        access.record_guest(booking=booking, access=guest)
        booked_starts = {o.starts_at for o in result.booked}
        holds.mark_booked(booking=booking, holds=[m for m in season_marks if m.at in booked_starts])
        # The price of every booked time (and its add-ons), as the price lists say today.
        charges.record(booking=booking, occurrences=list(booking.occurrences.all()), by=acting)
        if charges.hold(booking=booking, by=acting, then_status=status):
            # To be paid first: the times are held (claimed, as any booking's) until the
            # payment is authorised (booking_payment_settled) or the hold is released.
            booking.occurrences.update(status=BookingStatus.AWAITING_PAYMENT)
            booking.status = BookingStatus.AWAITING_PAYMENT
            booking.save(update_fields=["status"])
        else:
            _announce(booking, result)
        _changed(booking, ChangeKind.BOOKING_CREATED)
        invalidate_after_commit(resource.municipality_id)  # displaced times included
    return result


def _changed(booking: Booking, kind: ChangeKind) -> None:
    """Systems subscribed to the municipality's bookings hear of it (the API's webhooks),
    from this transaction."""
    change_happened(kind=kind, obj=booking, municipality_id=booking.resource.municipality_id)


def _announce(booking: Booking, result: BookingResult | None = None) -> None:
    """Tell the booker (and, for a request, the staff) that the booking is made."""
    if booking.status == BookingStatus.REQUESTED:
        _notify_booking(booking, "booking_requested", result)
        _notify_staff(booking)
    else:
        _notify_booking(booking, "booking_confirmed", result)
        _schedule_reminders(booking)


@transaction.atomic
def booking_payment_settled(*, booking: Booking, status: str) -> bool:
    """The booking held awaiting payment is paid (authorised): it becomes what it would
    have been (confirmed, or requested from staff) and is announced. Exactly once: under a
    lock on the booking, only a booking still awaiting payment changes (False otherwise)."""
    booking = Booking.objects.select_for_update().select_related("resource__hub").get(pk=booking.pk)
    if booking.status != BookingStatus.AWAITING_PAYMENT:
        return False
    booking.occurrences.filter(status=BookingStatus.AWAITING_PAYMENT).update(status=status)
    booking.status = status
    booking.save(update_fields=["status"])
    _announce(booking)
    _changed(booking, ChangeKind.BOOKING_CHANGED)
    invalidate_after_commit(booking.resource.municipality_id)
    return True


@transaction.atomic
def booking_hold_release(*, booking: Booking, reason: str) -> bool:
    """A booking held awaiting payment that was not paid: its times are released at once
    and it is cancelled (False when it was no longer awaiting payment)."""
    booking = Booking.objects.select_for_update().select_related("resource").get(pk=booking.pk)
    if booking.status != BookingStatus.AWAITING_PAYMENT:
        return False
    booking.rejection_reason = reason[:300]
    booking.save(update_fields=["rejection_reason"])
    _cancel_times(booking, booking.occurrences.filter(status=BookingStatus.AWAITING_PAYMENT))
    return True


def _apply_season_holds(
    resource: Resource, allowed: list, problems: list[Problem], *, organisation, staff: bool
) -> tuple[list, list[holds.Hold]]:
    """The times of a booking that fall in times held by a seasonal round (booking.holds):
    refused ones become problems of the booking, marked ones go through and are returned
    to be recorded once booked. Staff book outside the holds, as outside the other rules."""
    if staff or not allowed:
        return allowed, []
    found = holds.holds_on(resource=resource, times=allowed, organisation=organisation)
    refused = {hold.at for hold in found if hold.refuse}
    problems.extend(Problem(hold.message, at=hold.at) for hold in found if hold.refuse)
    return [t for t in allowed if t[0] not in refused], [h for h in found if not h.refuse]


def _cap_left(booker, resource: Resource) -> int:
    """How many more upcoming times of the resource the person may hold (negative when
    they hold more than the cap), counted under a lock on (resource, person) until the
    booking's transaction ends: two requests at once cannot both pass the cap."""
    return capacity.cap_left(
        key=("booking.cap", resource.pk, booker.pk),
        limit=resource.max_active_per_booker,
        held=Occurrence.objects.filter(
            booking__booker=booker,
            resource=resource,
            ends_at__gt=timezone.now(),
            status__in=BookingStatus.holding_time(),
        ),
    )


def _displace(resources, start: datetime, end: datetime, *, by_booking: Booking) -> None:
    """Staff override (e.g. maintenance): cancel the times in the way and tell their bookers."""
    in_the_way = (
        Occurrence.objects.filter(
            claims__holds_time=True,
            claims__space__in=[space for r in resources for space in atomic_spaces(r)],
            claims__during__overlap=DateTimeTZRange(start, end, "[)"),
        )
        .exclude(booking=by_booking)
        .select_related("booking__resource__hub", "booking__booker")
        .distinct()
    )
    for occurrence in in_the_way:
        siblings = occurrence.booking.occurrences.filter(starts_at=occurrence.starts_at)
        _release(list(siblings))
        siblings.update(status=BookingStatus.CANCELLED)
        notification_cancel(dedupe_key=f"booking-reminder:{occurrence.pk}")
        _changed(occurrence.booking, ChangeKind.BOOKING_CHANGED)
        notification_enqueue(
            template="booking/email/booking_displaced",
            context={
                "booking": occurrence.booking,
                "resource": occurrence.booking.resource,
                "hub": occurrence.booking.resource.hub,
                "occurrence": occurrence,
                "reason": by_booking.purpose,
            },
            recipient=occurrence.booking.booker,
            dedupe_key=f"booking-displaced:{occurrence.pk}",
            kind=MessageKind.CHANGE,
        )


def _busy(resource: Resource, start: datetime, end: datetime) -> bool:
    claim = _claim_range(resource, start, end)
    spaces = [space.pk for space in atomic_spaces(resource)]
    return bool(claims_overlapping(spaces, claim.lower, claim.upper))


def _notify_booking(booking: Booking, template: str, result: BookingResult | None = None) -> None:
    """One message per series action, not one per occurrence."""
    shown = (
        [BookingStatus.REJECTED]
        if booking.status == BookingStatus.REJECTED
        else BookingStatus.holding_time()
    )
    occurrences = list(
        booking.occurrences.filter(resource=booking.resource, status__in=shown).order_by(
            "starts_at"
        )
    )
    notification_enqueue(
        template=f"booking/email/{template}",
        context={
            "booking": booking,
            "resource": booking.resource,
            "hub": booking.resource.hub,
            "occurrences": occurrences,
            "skipped": result.skipped if result else [],
        },
        recipient=booking.booker,
        attachments=[Attachment("booking.ics", "text/calendar", booking_calendar(booking).decode())]
        if template in ("booking_confirmed", "booking_approved")
        else None,
    )


REMINDER_BEFORE = timedelta(hours=24)


def _schedule_reminders(booking: Booking) -> None:
    """A reminder 24 hours before each confirmed time, at the time it is booked for now,
    and door codes for the rooms with locks."""
    confirmed = list(booking.occurrences.filter(status=BookingStatus.CONFIRMED))
    door_codes_sync_after_commit(o.pk for o in confirmed)
    for occurrence in (o for o in confirmed if o.resource_id == booking.resource_id):
        if occurrence.starts_at - REMINDER_BEFORE <= timezone.now():
            continue
        notification_enqueue(
            template="booking/email/booking_reminder",
            context={
                "booking": booking,
                "resource": booking.resource,
                "hub": booking.resource.hub,
                "occurrence": occurrence,
            },
            recipient=booking.booker,
            send_after=occurrence.starts_at - REMINDER_BEFORE,
            dedupe_key=f"booking-reminder:{occurrence.pk}",
            kind=MessageKind.REMINDER,
        )


def _notify_staff(
    booking: Booking,
    template: str = "staff_request_waiting",
    key: str = "booking-request",
    *,
    context: dict | None = None,
    not_to=None,
) -> None:
    """Hub staff (or, where the hub has none, the municipality's administrators) hear
    about a request waiting for them (or another template's news about a booking)."""
    hub = booking.resource.hub
    staff = booking_permissions.staff_to_tell(booking)
    if not_to is not None:
        staff = staff.exclude(pk=not_to.pk)
    for user in staff:
        notification_enqueue(
            template=f"booking/email/{template}",
            context={
                "booking": booking,
                "resource": booking.resource,
                "hub": hub,
                **(context or {}),
            },
            recipient=user,
            dedupe_key=f"{key}:{booking.pk}:staff:{user.pk}",
        )


def _release(occurrences) -> None:
    SpaceClaim.objects.filter(occurrence__in=occurrences).update(holds_time=False)
    door_codes_sync_after_commit(o.pk for o in occurrences)  # their codes stop working


@transaction.atomic
def booking_cancel(
    *, booking: Booking, by, occurrence: Occurrence | None = None, following: bool = False
) -> int:
    """Cancel one occurrence, it and the rest of the series (following=True), or all."""
    if not booking_permissions.can_manage_booking(by, booking):
        raise DomainError(_("This is not your booking."))
    targets = booking.occurrences.filter(status__in=BookingStatus.holding_time())
    if occurrence is not None:
        targets = (
            targets.filter(starts_at__gte=occurrence.starts_at)
            if following
            else targets.filter(starts_at=occurrence.starts_at)
        )
    deadline = timezone.now() + timedelta(hours=booking.resource.cancellation_deadline_hours)
    staff = booking_permissions.can_decide_booking(by, booking)
    if not staff and targets.filter(starts_at__lt=deadline).exists():
        raise DomainError(
            _("Bookings can be cancelled until %(n)d hours before they start.")
            % {"n": booking.resource.cancellation_deadline_hours}
        )
    targets = _cancel_times(booking, targets)
    # Paid times are refunded as the price terms say (in full when staff cancel).
    charges.cancelled(booking=booking, occurrences=targets, by=by, staff=staff)
    _notify_booking(booking, "booking_cancelled")
    return len({o.starts_at for o in targets})


def _cancel_times(booking: Booking, targets) -> list[Occurrence]:
    """Release the times (others may book them at once), drop their reminders, and cancel
    the booking when nothing of it holds time any longer."""
    targets = list(targets)
    _release(targets)
    for target in targets:
        notification_cancel(dedupe_key=f"booking-reminder:{target.pk}")
    Occurrence.objects.filter(pk__in=[o.pk for o in targets]).update(status=BookingStatus.CANCELLED)
    if not booking.occurrences.filter(status__in=BookingStatus.holding_time()).exists():
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
    if targets:
        cancelled = booking.status == BookingStatus.CANCELLED
        _changed(booking, ChangeKind.BOOKING_CANCELLED if cancelled else ChangeKind.BOOKING_CHANGED)
    invalidate_after_commit(booking.resource.municipality_id)  # the times are free
    return targets


@transaction.atomic
def booking_erase_person(*, user) -> int:
    """The booker's account is deleted. Every booked time that has not started is
    cancelled as the booker would cancel it (the cancellation deadline does not hold: the
    person will not come), so the time is bookable again at once. Where staff approve the
    resource's bookings, they hear which approved (or still requested) times are free
    again. Every booking of the person then stays only anonymised: no booker, no purpose,
    not public; times, status, attendees, organisation and no-shows stay, with the kind of
    booker, because the usage statistics document the activity in the premises. Returns
    the number of times released."""
    now = timezone.now()
    released = 0
    bookings = Booking.objects.filter(booker=user).select_related("resource__hub")
    for booking in bookings.order_by("pk"):
        times = _cancel_times(
            booking,
            booking.occurrences.filter(
                status__in=BookingStatus.holding_time(), starts_at__gt=now
            ).order_by("starts_at"),
        )
        freed = [o for o in times if o.resource_id == booking.resource_id]
        released += len(freed)
        if freed and booking.resource.approval != ApprovalRule.INSTANT:
            _notify_staff(
                booking,
                template="staff_booking_released",
                key="booking-released",
                context={"occurrences": freed},
                not_to=user,
            )
    kind = "staff" if permissions.is_staff_member(user) else "citizen"
    Booking.objects.filter(booker=user).update(
        booker=None, booker_kind=kind, purpose="", rejection_reason="", is_public=False
    )
    return released


@transaction.atomic
def booking_decide(*, booking: Booking, by, approve: bool, reason: str = "") -> None:
    """Staff approve or reject a request. A clashing request stays visible as a conflict:
    its claims hold time too, so it could never have been confirmed over another."""
    if not booking_permissions.can_decide_booking(by, booking):
        raise DomainError(_("You may not decide on this booking."))
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.REQUESTED:
        return
    pending = booking.occurrences.filter(status=BookingStatus.REQUESTED)
    if approve:
        pending.update(status=BookingStatus.CONFIRMED)
        booking.status = BookingStatus.CONFIRMED
        _schedule_reminders(booking)
    else:
        rejected = list(pending)
        _release(rejected)
        pending.update(status=BookingStatus.REJECTED)
        booking.status = BookingStatus.REJECTED
        booking.rejection_reason = reason
        # A request paid for when it was made is refunded in full (as staff cancel).
        charges.cancelled(booking=booking, occurrences=rejected, by=by, staff=True)
    booking.decided_at = timezone.now()
    booking.save(update_fields=["status", "rejection_reason", "decided_at"])
    _notify_booking(booking, "booking_approved" if approve else "booking_rejected")
    _changed(booking, ChangeKind.BOOKING_CHANGED)
    invalidate_after_commit(booking.resource.municipality_id)


def calendar_feed_renew(*, user) -> str:
    """Create, or replace (which revokes the old address), the user's private feed token."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token": token})
    return token


@transaction.atomic
def calendar_feed_revoke(*, user) -> bool:
    """Revoke the person's private calendar address (their calendar app gets nothing more)."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def booking_remind_stale_requests(*, older_than: timedelta) -> int:
    """Requests nobody has answered in time: remind the hub's staff once."""
    stale = Booking.objects.filter(
        status=BookingStatus.REQUESTED, created_at__lt=timezone.now() - older_than
    ).select_related("resource__hub")
    reminded = 0
    for booking in stale:
        reminded += 1
        _notify_staff(booking, template="staff_request_reminder", key="booking-request-reminder")
    return reminded
