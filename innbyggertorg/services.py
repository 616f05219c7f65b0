"""Write paths for events: registration, e-mail confirmation for guests, the waiting list
with automatic promotion, cancellation, and what registrants are told when things change.

Places and the waiting list are `hubportal.core.capacity`'s (the same engine as volunteer
shifts): every action locks the event row, counts the confirmed places from the
registrations and writes the count back, and a check constraint keeps it within
`capacity`, so concurrent registrations can never overfill an event. A refused action
raises `DomainError`, its message on the form field it concerns.

Each action that changes what the public sees (an event, its free places) makes the cached
pages stale and updates the search index itself, after commit (no signal follows saves).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hubportal.core import capacity
from hubportal.core.changes import ChangeKind, change_happened
from hubportal.core.errors import DomainError
from hubportal.core.page_cache import invalidate_after_commit
from hubportal.notifications.enums import MessageKind
from hubportal.notifications.services import (
    Attachment,
    notification_cancel,
    notification_enqueue,
    notification_reschedule,
)
from hubportal.search.services import search_index_after_commit

from .calendar import event_calendar
from .enums import EventStatus, RegistrationMode, RegistrationStatus
from .models import Event, Registration
from .selectors import person_registrations

TOKEN_SALT = "innbyggertorg.registration"
CONFIRM_MAX_AGE = timedelta(days=7)
REMINDER_BEFORE = timedelta(days=1)

# An event's places: confirmed registrations hold them (a group takes its size), the
# waiting list is promoted in the order people joined it (a guest joins when they confirm
# their email address, not when they first filled in the form).
PLACES = capacity.Pool(
    counter=Event,
    holders=Registration,
    link="event",
    holding=RegistrationStatus.CONFIRMED,
    waiting=RegistrationStatus.WAITLISTED,
    weight_field="group_size",
    order=("queued_at", "created_at", "pk"),
    queued_field="queued_at",
)


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
        raise DomainError(_("The link is not valid, or it has expired.")) from None
    if data.get("a") != action:
        raise DomainError(_("The link is not valid, or it has expired."))
    registration = (
        Registration.objects.select_related("event__hub__municipality").filter(pk=data["r"]).first()
    )
    if registration is None:
        raise DomainError(_("This registration no longer exists."))
    return registration


def _context(registration: Registration) -> dict:
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


# The messages a person may choose to get by SMS too (their profile says which).
SMS_KINDS = {
    "event_reminder": MessageKind.REMINDER,
    "event_changed": MessageKind.CHANGE,
    "event_cancelled": MessageKind.CHANGE,
    "registration_promoted": MessageKind.PLACE,
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
        kind=SMS_KINDS.get(template),
    )


def _schedule_reminder(registration: Registration) -> None:
    event = registration.event
    due = event.starts_at - REMINDER_BEFORE
    if event.starts_at > timezone.now():
        _notify(
            registration, "event_reminder", key=f"event-reminder:{registration.pk}", send_after=due
        )


def _place_or_waitlist(registration: Registration) -> None:
    """A place if one fits and nobody is waiting; otherwise the waiting list."""
    if PLACES.take(registration):
        _notify(registration, "registration_confirmed", ics=True)
        _schedule_reminder(registration)
    else:
        _notify(registration, "registration_waitlisted")
    change_happened(
        kind=ChangeKind.REGISTRATION_CREATED,
        obj=registration,
        municipality_id=registration.event.municipality_id,
    )


def _check_open(event: Event, group_size: int) -> None:
    """Whether the event takes this registration now; `event` is locked (PLACES.lock)."""
    if event.registration != RegistrationMode.PORTAL:
        raise DomainError(_("This event has no registration on the portal."))
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("The event is cancelled."))
    if event.starts_at <= timezone.now():
        raise DomainError(_("The event has already started."))
    if not 1 <= group_size <= event.max_group_size:
        raise DomainError(
            _("You can register from 1 to %(max)d people at a time.")
            % {"max": event.max_group_size},
            field="group_size",
        )
    free = PLACES.free(event)
    if free is not None and 0 < free < group_size:
        raise DomainError(
            _(
                "Only %(free)d places are left. Register fewer people, or wait until the "
                "event is full to join the waiting list."
            )
            % {"free": free},
            field="group_size",
        )


@transaction.atomic
def registration_create(
    *, event: Event, name: str, email: str, group_size: int = 1, user=None, language: str = "nb"
) -> Registration:
    """Register a signed-in person (their confirmed address) at once, or a guest after
    they confirm their email address through the link we send. Registering again with the
    same address returns the registration that exists (idempotent)."""
    email = email.strip().lower()
    event = PLACES.lock(event.pk)  # the checks and the place under one lock
    existing = Registration.objects.filter(
        event=event, email__iexact=email, status__in=RegistrationStatus.active()
    ).first()
    if existing is not None:
        return existing
    _check_open(event, group_size)
    verified = user is not None and _has_verified_email(user, email)
    registration = Registration(
        event=event,
        user=user if verified else None,
        name=name.strip(),
        email=email,
        language=language,
        group_size=group_size,
        status=RegistrationStatus.AWAITING_EMAIL,
    )
    try:
        if verified:
            _place_or_waitlist(registration)
        else:
            with transaction.atomic():
                registration.save()
            _notify(registration, "registration_confirm_email")
    except IntegrityError:
        raise DomainError(
            _("This email address is already registered for the event."), field="email"
        ) from None
    if verified:
        invalidate_after_commit(event.municipality_id)  # fewer free places
    return registration


def _has_verified_email(user, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def registration_confirm_email(*, token: str) -> Registration:
    registration = registration_from_token(token, "confirm", max_age=CONFIRM_MAX_AGE)
    event = PLACES.lock(registration.event_id)  # the event before the registration, always
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    if registration.status != RegistrationStatus.AWAITING_EMAIL:
        return registration  # a second click changes nothing
    _check_open(event, registration.group_size)
    _place_or_waitlist(registration)
    invalidate_after_commit(registration.event.municipality_id)  # fewer free places
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel, free the places and promote from the waiting list; returns the promoted."""
    released = PLACES.release(registration, to=RegistrationStatus.CANCELLED)
    if not released.changed:
        return []
    notification_cancel(dedupe_key=f"event-reminder:{registration.pk}")
    for candidate in released.promoted:
        _notify(candidate, "registration_promoted", ics=True)
        _schedule_reminder(candidate)
    invalidate_after_commit(registration.event.municipality_id)  # places freed, or taken again
    return released.promoted


@transaction.atomic
def event_change_capacity(*, event: Event, capacity: int | None) -> list[Registration]:
    """New places go to the waiting list in order (they are told); a capacity below the
    places taken is refused on the capacity field. Returns the promoted."""
    promoted = PLACES.resize(event, capacity)
    for candidate in promoted:
        _notify(candidate, "registration_promoted", ics=True)
        _schedule_reminder(candidate)
    invalidate_after_commit(event.municipality_id)  # more (or fewer) free places
    return promoted


@transaction.atomic
def event_save(*, event: Event, changed_fields: set[str] | None = None) -> Event:
    """Create an event, or save a changed one (the admin passes the event its form filled
    in, and which fields it changed). The places are counted under the event's lock, never
    taken from the object (read before a registration may have taken one); a new capacity
    promotes from the waiting list; registrants are told what affects them."""
    if event.pk is not None:
        event.places_taken = PLACES.recount(event.pk)
    event.save()
    if changed_fields and "capacity" in changed_fields:
        event_change_capacity(event=event, capacity=event.capacity)
    invalidate_after_commit(event.municipality_id)
    search_index_after_commit(obj=event)
    if changed_fields is not None:
        event_changed(event=event, changed_fields=changed_fields)
    change_happened(kind=ChangeKind.EVENT_CHANGED, obj=event, municipality_id=event.municipality_id)
    return event


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


def attendee_rows(*, events) -> Iterator[list[str]]:
    """The attendee lists of these events for staff (CSV export): per event a line naming
    it, a header, its registrations, an empty line. One query, read in chunks as plain
    values (no model objects; labels translated once), so a list of any length streams in
    constant memory at tens of thousands of rows a second."""
    header = [_("Name"), _("Email"), _("People"), _("Status"), _("Registered"), _("Attended")]
    status_label = {value: str(label) for value, label in RegistrationStatus.choices}
    attended_label = {True: _("yes"), False: _("no"), None: ""}
    zone = timezone.get_current_timezone()
    registrations = (
        Registration.objects.filter(event__in=events)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("event__starts_at", "event_id", "created_at", "pk")
        .values_list(
            "event_id",
            "event__title",
            "event__starts_at",
            "event__hub__name",
            "name",
            "email",
            "group_size",
            "status",
            "created_at",
            "attended",
        )
    )
    current = None
    for row in registrations.iterator(chunk_size=2000):
        event_id, title, starts_at, hub, name, email, size, status, created_at, attended = row
        if event_id != current:
            if current is not None:
                yield []
            current = event_id
            yield [title, starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), hub]
            yield header
        yield [
            name,
            email,
            str(size),
            status_label.get(status, status),
            created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            attended_label[attended],
        ]


@transaction.atomic
def registration_erase_person(*, user, addresses) -> list[Registration]:
    """The person is deleted: every registration for an event that has not started is
    cancelled exactly as through the cancellation link (places freed, the waiting list
    promoted in order, the promoted told), then all their registrations are deleted, as the
    monthly purge would (attendance figures stay on the event). Returns the promoted."""
    promoted = []
    upcoming = person_registrations(user=user, addresses=addresses).filter(
        status__in=RegistrationStatus.active(), event__starts_at__gt=timezone.now()
    )
    for registration in upcoming.order_by("event_id", "pk"):  # the engine locks in order
        promoted += registration_cancel(registration=registration)
    person_registrations(user=user, addresses=addresses).delete()
    return promoted


def registrations_purge_past(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Personal data of registrants is kept no longer than needed: a month after the event
    (attendance figures stay on the event)."""
    deleted, _ = Registration.objects.filter(
        event__ends_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
