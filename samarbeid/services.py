"""The one write path for cooperations: their members, what they share and with whom, and
their regional coordinators. The admin (superusers) calls these; nothing else writes the
models.

Every action validates first, with a message per field that names the municipality at
fault, and then lets PostgreSQL check the invariants it guards (migration 0002) before the
action returns: the deferred checks are made immediate at the end of the action, so that a
refusal is a :class:`DomainError` with the constraint's message, never a failed commit, and
nothing of the action stays behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from booking.permissions import staff_to_tell
from hubportal.core.errors import DomainError, Problem
from hubportal.core.page_cache import invalidate_after_commit
from hubportal.notifications.services import notification_enqueue
from hubportal.search.services import search_index_after_commit
from knutepunkt.models import Municipality

from . import selectors
from .enums import ArrangementKind
from .models import (
    MIN_MEMBERS,
    MIN_PARTICIPANTS,
    Cooperation,
    CooperationMembership,
    GuestBooking,
    Participation,
    RegionalCoordinator,
    SharedArrangement,
)

# The checks PostgreSQL defers to the commit (migration 0002), and what each means.
DEFERRED_CHECKS = {
    "cooperation_has_members": _("A cooperation needs at least two member municipalities."),
    "shared_arrangement_has_participants": _(
        "A shared service or room needs at least two participating municipalities."
    ),
    "participation_is_member": _(
        "Every participating municipality must be a member of the cooperation."
    ),
    "participation_same_cooperation": _(
        "The participation belongs to another cooperation than its arrangement."
    ),
    "shared_arrangement_host_is_member": _(
        "The municipality whose service or room it is must be a member of the cooperation."
    ),
}


def _names(municipalities: Iterable[Municipality]) -> str:
    return ", ".join(sorted(m.name for m in municipalities))


def _explained(error: IntegrityError, *models) -> DomainError:
    name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    if name in DEFERRED_CHECKS:
        return DomainError(DEFERRED_CHECKS[name])
    for model in models:
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return DomainError(constraint.get_violation_error_message())
    return DomainError(_("The change conflicts with other data; nothing was saved."))


def _check_now(*models) -> None:
    """Make PostgreSQL's deferred checks of this app run now (and defer them again)."""
    names = ", ".join(DEFERRED_CHECKS)
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
        except IntegrityError as error:
            raise _explained(error, *models) from error
        finally:
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


def _full_clean(instance, *, exclude=()) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=True)
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error


def _save(instance, *models) -> None:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise _explained(error, type(instance), *models) from error


def _pages_changed(*cooperations: Cooperation, extra_ids: Iterable[int] = ()) -> None:
    """The cooperation's page and its members' pages (which name what they share)."""
    ids = set(extra_ids)
    for cooperation in cooperations:
        ids |= set(cooperation.memberships.values_list("municipality_id", flat=True))
        search_index_after_commit(obj=cooperation)
    invalidate_after_commit(*ids)


# --------------------------------------------------------------------------- cooperations


def _validate_members(members: list[Municipality]) -> None:
    if len({m.pk for m in members}) < MIN_MEMBERS:
        raise DomainError(
            _("A cooperation needs at least two member municipalities; choose them."),
            field="members",
        )


@transaction.atomic
def cooperation_create(
    *, name: str, slug: str, description: str = "", members: Iterable[Municipality]
) -> Cooperation:
    members = list(members)
    cooperation = Cooperation(name=name, slug=slug, description=description)
    _full_clean(cooperation)
    _validate_members(members)
    _save(cooperation)
    CooperationMembership.objects.bulk_create(
        CooperationMembership(cooperation=cooperation, municipality=m)
        for m in {m.pk: m for m in members}.values()
    )
    _check_now(Cooperation, CooperationMembership)
    _pages_changed(cooperation)
    return cooperation


@transaction.atomic
def cooperation_update(
    *,
    cooperation: Cooperation,
    name: str,
    slug: str,
    description: str = "",
    members: Iterable[Municipality],
) -> Cooperation:
    """Change a cooperation and its members. A member that still hosts or takes part in a
    shared arrangement cannot leave until it no longer does: the message names them."""
    cooperation = Cooperation.objects.select_for_update().get(pk=cooperation.pk)
    members = {m.pk: m for m in members}
    before = set(cooperation.memberships.values_list("municipality_id", flat=True))
    cooperation.name, cooperation.slug, cooperation.description = name, slug, description
    _full_clean(cooperation)
    _validate_members(list(members.values()))
    leaving = before - set(members)
    problems = []
    for municipality in Municipality.objects.filter(pk__in=leaving).order_by("name"):
        arrangements = SharedArrangement.objects.filter(cooperation=cooperation).filter(
            participations__municipality=municipality
        )
        names = sorted({a.name for a in arrangements})
        if names:
            problems.append(
                Problem(
                    format_lazy(
                        _(
                            "{municipality} cannot leave while it takes part in: {names}. "
                            "Remove it from them first."
                        ),
                        municipality=municipality.name,
                        names=", ".join(names),
                    ),
                    field="members",
                )
            )
    if problems:
        raise DomainError(problems)
    _save(cooperation)
    CooperationMembership.objects.filter(
        cooperation=cooperation, municipality_id__in=leaving
    ).delete()
    CooperationMembership.objects.bulk_create(
        CooperationMembership(cooperation=cooperation, municipality=members[pk])
        for pk in set(members) - before
    )
    _check_now(Cooperation, CooperationMembership)
    _pages_changed(cooperation, extra_ids=leaving)
    return cooperation


@transaction.atomic
def cooperation_delete(*, cooperation: Cooperation) -> int:
    """End the cooperation and everything it shares (guest bookings of its shared rooms
    stand; the hubs' staff are told). Answers how many bookings staff were told of."""
    told = sum(
        shared_arrangement_delete(arrangement=arrangement)
        for arrangement in cooperation.arrangements.all()
    )
    _pages_changed(cooperation)
    cooperation.delete()
    return told


# --------------------------------------------------------------------------- arrangements


def _host_of(kind: ArrangementKind, service_type, resource) -> Municipality | None:
    if kind == ArrangementKind.SERVICE and service_type is not None:
        return service_type.municipality
    if kind == ArrangementKind.ROOM and resource is not None:
        return resource.hub.municipality
    return None


def _validate_arrangement(
    *, cooperation: Cooperation, arrangement: SharedArrangement, participants: list[Municipality]
) -> list[Municipality]:
    """The participants to save (the host always among them), or a refusal naming each
    problem on its field."""
    kind = ArrangementKind(arrangement.kind)
    target_field = kind.target_field
    other_field = (set(ArrangementKind) - {kind}).pop().target_field
    problems = []
    if getattr(arrangement, f"{target_field}_id") is None:
        problems.append(
            Problem(
                _("Choose the service to share.")
                if kind == ArrangementKind.SERVICE
                else _("Choose the room to share."),
                field=target_field,
            )
        )
    if getattr(arrangement, f"{other_field}_id") is not None:
        setattr(arrangement, other_field, None)
    member_ids = set(cooperation.memberships.values_list("municipality_id", flat=True))
    host = _host_of(kind, arrangement.service_type, arrangement.resource)
    if host is not None and host.pk not in member_ids:
        problems.append(
            Problem(
                format_lazy(
                    _("{municipality} is not a member of {cooperation}: it cannot share {what}."),
                    municipality=host.name,
                    cooperation=cooperation.name,
                    what=getattr(arrangement, target_field),
                ),
                field=target_field,
            )
        )
    participants = list({m.pk: m for m in participants}.values())
    outside = [m for m in participants if m.pk not in member_ids]
    if outside:
        problems.append(
            Problem(
                format_lazy(
                    _("Not members of {cooperation}: {names}. Only members can take part."),
                    cooperation=cooperation.name,
                    names=_names(outside),
                ),
                field="participants",
            )
        )
    if host is not None and host.pk not in {m.pk for m in participants}:
        participants.append(host)
    if len(participants) < MIN_PARTICIPANTS:
        problems.append(
            Problem(
                _("Choose at least one other member municipality that takes part."),
                field="participants",
            )
        )
    if problems:
        raise DomainError(problems)
    arrangement.host = host
    return participants


def _save_participants(arrangement: SharedArrangement, participants: list[Municipality]) -> set:
    """Who takes part now; the participations' search documents follow (a shared service
    is found in each participant's search)."""
    before = set(arrangement.participations.values_list("municipality_id", flat=True))
    wanted = {m.pk for m in participants}
    leaving = list(arrangement.participations.exclude(municipality_id__in=wanted))
    for participation in leaving:
        search_index_after_commit(obj=participation)
    arrangement.participations.filter(pk__in=[p.pk for p in leaving]).delete()
    created = Participation.objects.bulk_create(
        Participation(
            arrangement=arrangement, cooperation_id=arrangement.cooperation_id, municipality_id=pk
        )
        for pk in wanted - before
    )
    for participation in [
        *created,
        *arrangement.participations.filter(municipality_id__in=before & wanted),
    ]:
        search_index_after_commit(obj=participation)
    return before | wanted


def _tell_staff_guest_bookings_stand(arrangement: SharedArrangement, municipality_ids) -> int:
    """The room stops being shared with these municipalities: the bookings their
    associations made as guests stand (nothing is cancelled), and the hub's staff are told
    which, to settle each with its association. Answers how many."""
    bookings = list(
        selectors.future_guest_bookings(arrangement=arrangement, municipality_ids=municipality_ids)
    )
    if not municipality_ids or not bookings:
        return 0
    for booking in bookings:
        booking.next_start = (
            booking.occurrences.filter(starts_at__gt=timezone.now())
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
    by_resource: dict[int, list] = {}
    for booking in bookings:
        by_resource.setdefault(booking.resource_id, []).append(booking)
    for same_room in by_resource.values():
        resource = same_room[0].resource
        for user in staff_to_tell(same_room[0]):
            notification_enqueue(
                template="samarbeid/email/guest_bookings_stand",
                context={
                    "resource": resource,
                    "hub": resource.hub,
                    "cooperation": arrangement.cooperation.name,
                    "municipalities": _names(
                        {
                            b.organisation.municipality_id: b.organisation.municipality
                            for b in same_room
                        }.values()
                    ),
                    "bookings": same_room,
                },
                recipient=user,
            )
    return len(bookings)


@transaction.atomic
def shared_arrangement_create(
    *,
    cooperation: Cooperation,
    kind: str,
    name: str,
    description: str = "",
    service_type=None,
    resource=None,
    participants: Iterable[Municipality],
    guest_horizon_days: int = 60,
    guest_needs_approval: bool = True,
    guest_price_category: str = "",
) -> SharedArrangement:
    arrangement = SharedArrangement(
        cooperation=cooperation,
        kind=kind,
        name=name,
        description=description,
        service_type=service_type,
        resource=resource,
        guest_horizon_days=guest_horizon_days,
        guest_needs_approval=guest_needs_approval,
        guest_price_category=guest_price_category,
    )
    participants = _validate_arrangement(
        cooperation=cooperation, arrangement=arrangement, participants=list(participants)
    )
    _full_clean(arrangement)
    _save(arrangement)
    touched = _save_participants(arrangement, participants)
    _check_now(SharedArrangement, Participation)
    _pages_changed(cooperation, extra_ids=touched)
    return arrangement


@transaction.atomic
def shared_arrangement_update(
    *,
    arrangement: SharedArrangement,
    name: str,
    description: str = "",
    service_type=None,
    resource=None,
    participants: Iterable[Municipality],
    guest_horizon_days: int | None = None,
    guest_needs_approval: bool | None = None,
    guest_price_category: str | None = None,
) -> SharedArrangement:
    """Change what is shared and who takes part (its kind and cooperation stay). A
    municipality that no longer takes part in a shared room keeps the bookings its
    associations made as guests; the hub's staff are told which (``guest_bookings_told``
    on the answer says how many)."""
    arrangement = SharedArrangement.objects.select_for_update().get(pk=arrangement.pk)
    previous_resource_id = arrangement.resource_id
    arrangement.name, arrangement.description = name, description
    arrangement.service_type, arrangement.resource = service_type, resource
    for field, value in (
        ("guest_horizon_days", guest_horizon_days),
        ("guest_needs_approval", guest_needs_approval),
        ("guest_price_category", guest_price_category),
    ):
        if value is not None:
            setattr(arrangement, field, value)
    participants = _validate_arrangement(
        cooperation=arrangement.cooperation,
        arrangement=arrangement,
        participants=list(participants),
    )
    _full_clean(arrangement)
    told = 0
    if arrangement.kind == ArrangementKind.ROOM:
        before = set(arrangement.participations.values_list("municipality_id", flat=True))
        moved = previous_resource_id != arrangement.resource_id  # the old room: no one stays
        gone = before if moved else before - {m.pk for m in participants}
        told = _tell_staff_guest_bookings_stand(arrangement, gone)
    _save(arrangement)
    touched = _save_participants(arrangement, participants)
    _check_now(SharedArrangement, Participation)
    _pages_changed(arrangement.cooperation, extra_ids=touched)
    arrangement.guest_bookings_told = told
    return arrangement


@transaction.atomic
def shared_arrangement_delete(*, arrangement: SharedArrangement) -> int:
    """End the arrangement. The bookings associations of other municipalities made as
    guests of a shared room stand; the hub's staff are told which. Answers how many."""
    told = 0
    if arrangement.kind == ArrangementKind.ROOM:
        told = _tell_staff_guest_bookings_stand(
            arrangement, set(arrangement.participations.values_list("municipality_id", flat=True))
        )
    for participation in arrangement.participations.all():
        search_index_after_commit(obj=participation)
    _pages_changed(arrangement.cooperation)
    arrangement.delete()
    return told


@transaction.atomic
def guest_booking_record(*, booking, access) -> GuestBooking:
    """booking's write path made a booking as a guest of a shared room (booking.access):
    remember it, in the booking's own transaction."""
    arrangement = access.grant
    return GuestBooking.objects.create(
        booking=booking,
        arrangement=arrangement,
        municipality_id=booking.organisation.municipality_id,
        cooperation_name=arrangement.cooperation.name,
    )


# --------------------------------------------------------------------------- coordinators


@transaction.atomic
def regional_coordinator_appoint(*, cooperation: Cooperation, user) -> RegionalCoordinator:
    coordinator = RegionalCoordinator(cooperation=cooperation, user=user)
    _full_clean(coordinator)
    _save(coordinator)
    return coordinator


@transaction.atomic
def regional_coordinator_remove(*, coordinator: RegionalCoordinator) -> None:
    coordinator.delete()
