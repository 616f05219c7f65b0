"""Write paths for events: registration, e-mail confirmation for guests, the waiting list
with automatic promotion, cancellation, and what registrants are told when things change.

Capacity is guarded by PostgreSQL: a place is taken by one conditional UPDATE of the event's
`places_taken`, and a check constraint keeps it within `capacity`, so concurrent
registrations can never overfill an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hubportal.notifications.services import (
    Attachment,
    notification_cancel,
    notification_enqueue,
    notification_reschedule,
)

from .calendar import event_calendar
from .enums import EventStatus, RegistrationMode, RegistrationStatus
from .models import Event, Registration

TOKEN_SALT = "innbyggertorg.registration"
CONFIRM_MAX_AGE = timedelta(days=7)
REMINDER_BEFORE = timedelta(days=1)


class RegistrationError(Exception):
    """A registration that cannot be made; the message is for the person."""


@dataclass(frozen=True)
class Links:
    confirm: str
    cancel: str


def registration_token(registration: Registration, action: str) -> str:
    return signing.dumps({"r": registration.pk, "a": action}, salt=TOKEN_SALT)


def registration_from_token(
    token: str, action: str, max_age: timedelta | None = None
) -> Registration:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.BadSignature:
        raise RegistrationError(_("The link is not valid, or it has expired.")) from None
    if data.get("a") != action:
        raise RegistrationError(_("The link is not valid, or it has expired."))
    registration = (
        Registration.objects.select_related("event__hub__municipality").filter(pk=data["r"]).first()
    )
    if registration is None:
        raise RegistrationError(_("This registration no longer exists."))
    return registration


def _context(registration: Registration) -> dict:
    from django.conf import settings
    from django.urls import reverse

    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "hub": event.hub,
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "cancel_url": settings.SITE_URL
        + reverse(
            "innbyggertorg:registration_cancel", args=[registration_token(registration, "cancel")]
        ),
        "confirm_url": settings.SITE_URL
        + reverse(
            "innbyggertorg:registration_confirm", args=[registration_token(registration, "confirm")]
        ),
    }


def _notify(
    registration: Registration, template: str, *, key: str | None = None, ics=False, send_after=None
):
    attachments = None
    if ics:
        attachments = [
            Attachment(
                "arrangement.ics", "text/calendar", event_calendar(registration.event).decode()
            )
        ]
    notification_enqueue(
        template=f"innbyggertorg/email/{template}",
        context=_context(registration),
        recipient=registration.user,
        to_address=registration.email,
        language=registration.language,
        dedupe_key=key,
        attachments=attachments,
        send_after=send_after,
    )


def _schedule_reminder(registration: Registration) -> None:
    event = registration.event
    due = event.starts_at - REMINDER_BEFORE
    if event.starts_at > timezone.now():
        _notify(
            registration, "event_reminder", key=f"event-reminder:{registration.pk}", send_after=due
        )


def _take_places(registration: Registration) -> bool:
    """Take the registration's places if they are free: one conditional UPDATE."""
    n = registration.group_size
    return bool(
        Event.objects.filter(pk=registration.event_id)
        .filter(Q(capacity__isnull=True) | Q(places_taken__lte=F("capacity") - n))
        .update(places_taken=F("places_taken") + n)
    )


def _place_or_waitlist(registration: Registration) -> None:
    has_queue = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).exists()
    if not has_queue and _take_places(registration):
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status"])
        _notify(registration, "registration_confirmed", ics=True)
        _schedule_reminder(registration)
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.save(update_fields=["status"])
        _notify(registration, "registration_waitlisted")


def _check_open(event: Event, group_size: int) -> None:
    if event.registration != RegistrationMode.PORTAL:
        raise RegistrationError(_("This event has no registration on the portal."))
    if event.status == EventStatus.CANCELLED:
        raise RegistrationError(_("The event is cancelled."))
    if event.starts_at <= timezone.now():
        raise RegistrationError(_("The event has already started."))
    if not 1 <= group_size <= event.max_group_size:
        raise RegistrationError(
            _("You can register from 1 to %(max)d people at a time.")
            % {"max": event.max_group_size}
        )
    free = event.free_places
    if free is not None and 0 < free < group_size:
        raise RegistrationError(
            _(
                "Only %(free)d places are left. Register fewer people, or wait until the "
                "event is full to join the waiting list."
            )
            % {"free": free}
        )


@transaction.atomic
def registration_create(
    *, event: Event, name: str, email: str, group_size: int = 1, user=None, language: str = "nb"
) -> Registration:
    """Register a signed-in person (their confirmed address) at once, or a guest after
    they confirm their email address through the link we send. Registering again with the
    same address returns the registration that exists (idempotent)."""
    email = email.strip().lower()
    existing = Registration.objects.filter(
        event=event, email__iexact=email, status__in=RegistrationStatus.active()
    ).first()
    if existing is not None:
        return existing
    event = Event.objects.get(pk=event.pk)  # current places
    _check_open(event, group_size)
    verified = user is not None and _has_verified_email(user, email)
    registration = Registration(
        event=event,
        user=user if verified else None,
        name=name.strip(),
        email=email,
        language=language,
        group_size=group_size,
        status=RegistrationStatus.CONFIRMED if verified else RegistrationStatus.AWAITING_EMAIL,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise RegistrationError(
            _("This email address is already registered for the event.")
        ) from None
    if verified:
        _place_or_waitlist(registration)
    else:
        _notify(registration, "registration_confirm_email")
    return registration


def _has_verified_email(user, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def registration_confirm_email(*, token: str) -> Registration:
    registration = registration_from_token(token, "confirm", max_age=CONFIRM_MAX_AGE)
    registration = (
        Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    )
    if registration.status != RegistrationStatus.AWAITING_EMAIL:
        return registration  # a second click changes nothing
    _check_open(registration.event, registration.group_size)
    _place_or_waitlist(registration)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel, free the places and promote from the waiting list; returns the promoted."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    notification_cancel(dedupe_key=f"event-reminder:{registration.pk}")
    if not was_confirmed:
        return []
    Event.objects.filter(pk=registration.event_id).update(
        places_taken=F("places_taken") - registration.group_size
    )
    return _promote_waiting_list(registration.event_id)


def _promote_waiting_list(event_id: int) -> list[Registration]:
    """Strictly first come, first served: promotion stops at the first group that does not
    fit the free places (it keeps its turn)."""
    promoted = []
    waiting = (
        Registration.objects.select_for_update(skip_locked=True)
        .select_related("event")
        .filter(event_id=event_id, status=RegistrationStatus.WAITLISTED)
        .order_by("created_at")
    )
    for candidate in waiting:
        if not _take_places(candidate):
            break
        candidate.status = RegistrationStatus.CONFIRMED
        candidate.save(update_fields=["status"])
        _notify(candidate, "registration_promoted", ics=True)
        _schedule_reminder(candidate)
        promoted.append(candidate)
    return promoted


@transaction.atomic
def event_changed(*, event: Event, changed_fields: set[str]) -> int:
    """Tell registrants what affects them: a new time or place, or a cancellation.
    Reminders move with the event. Returns how many people were told."""
    active = list(
        event.registrations.filter(
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
        ).select_related("event__hub__municipality", "user")
    )
    if "status" in changed_fields and event.status == EventStatus.CANCELLED:
        for registration in active:
            notification_cancel(dedupe_key=f"event-reminder:{registration.pk}")
            _notify(registration, "event_cancelled", key=f"event-cancelled:{registration.pk}")
        return len(active)
    if not changed_fields & {"starts_at", "ends_at", "hub"}:
        return 0  # a corrected description does not warrant an email
    for registration in active:
        _notify(registration, "event_changed", ics=True)
        if registration.status == RegistrationStatus.CONFIRMED:
            moved = notification_reschedule(
                dedupe_key=f"event-reminder:{registration.pk}",
                send_after=event.starts_at - REMINDER_BEFORE,
                context=_context(registration),
            )
            if moved is None:
                _schedule_reminder(registration)
    return len(active)


def attendee_rows(*, event: Event) -> list[list[str]]:
    """The attendee list for staff (CSV export)."""
    rows = [[_("Name"), _("Email"), _("People"), _("Status"), _("Registered"), _("Attended")]]
    for registration in event.registrations.exclude(status=RegistrationStatus.CANCELLED).order_by(
        "created_at"
    ):
        rows.append(
            [
                registration.name,
                registration.email,
                str(registration.group_size),
                registration.get_status_display(),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                {True: _("yes"), False: _("no"), None: ""}[registration.attended],
            ]
        )
    return rows


def registrations_purge_past(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Personal data of registrants is kept no longer than needed: a month after the event
    (attendance figures stay on the event)."""
    deleted, _ = Registration.objects.filter(
        event__ends_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
