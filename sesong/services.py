"""The one write path of seasonal allocation. Every action is one transaction and one
function; a refused action raises `DomainError` with a message for the person who asked,
and nothing is saved.

Locks: every action that moves a round or changes its allocations takes the round's row
``FOR UPDATE``; applying, changing and withdrawing take it ``FOR SHARE`` (applicants do
not wait for each other, but a round cannot close its window under an application being
saved). The database guards the rest: ``no_double_allocation`` (no atomic space given twice
at once), ``wishes_of_one_application_never_overlap``, ``one_round_per_resource_and_season``
and booking's own ``no_double_booking`` when accepted allocations become series.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from booking import holds
from booking.enums import BookingStatus, Repeat, ResourceKind
from booking.models import Booking, Resource
from booking.services import booking_cancel, booking_create
from booking.spaces import atomic_spaces, claims_overlapping
from frivillighet.enums import ListingStatus, OrganisationKind
from frivillighet.selectors import active_agreement
from hubportal.core.errors import DomainError, Problem
from hubportal.core.page_cache import invalidate_after_commit
from hubportal.notifications.services import notification_enqueue
from knutepunkt.opening_hours import OSLO, localise
from knutepunkt.selectors import hub_schedules

from . import allocation as engine
from . import permissions as sesong_permissions
from . import selectors
from .enums import (
    AllocationSource,
    AllocationStatus,
    ApplicationStatus,
    Frequency,
    JournalKind,
    Outcome,
    PartialKind,
    PriorityCategory,
    Response,
    RoundState,
)
from .models import (
    Allocation,
    AllocationClaim,
    Application,
    ApplicationRound,
    Decision,
    HeldBooking,
    JournalEntry,
    RoundResource,
    Wish,
    season_days,
    week_minutes,
)

# --------------------------------------------------------------------------- helpers


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() if hasattr(user, "get_full_name") else str(user)


def _journal(round, kind, text, *, actor=None, application=None, data=None) -> JournalEntry:
    return JournalEntry.objects.create(
        round=round,
        application=application,
        kind=kind,
        text=str(text),
        data=data or {},
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=_name(actor) if actor is not None and actor.is_authenticated else "",
    )


def _in_bokmal(message) -> str:
    """Journal texts are written in Bokmål, the archive's language, whoever acted:
    ``message`` is a function that builds the text (run with Bokmål active)."""
    with override("nb"):
        return str(message())


def _lock_round(round: ApplicationRound) -> ApplicationRound:
    return ApplicationRound.objects.select_for_update().get(pk=round.pk)


def _share_lock_round(round: ApplicationRound) -> ApplicationRound:
    """FOR SHARE: many applications at once, but no state change under any of them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM sesong_applicationround WHERE id = %s FOR SHARE", [round.pk])
    return ApplicationRound.objects.get(pk=round.pk)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


# --------------------------------------------------------------------------- rounds


@dataclass
class RoundData:
    name: str
    season_starts_on: date
    season_ends_on: date
    opens_at: datetime
    closes_at: datetime
    contact_email: str
    resources: Sequence[Resource] = ()
    hubs: Sequence = ()
    priority_order: Sequence[str] = field(default_factory=PriorityCategory.default_order)
    text: str = ""
    hold_mode: str = "refuse"
    accept_days: int = 14
    appeal_route: str = ""
    contact_phone: str = ""


_ROUND_FIELDS = (
    "name",
    "season_starts_on",
    "season_ends_on",
    "opens_at",
    "closes_at",
    "contact_email",
    "priority_order",
    "text",
    "hold_mode",
    "accept_days",
    "appeal_route",
    "contact_phone",
)


def _round_problems(data: RoundData, municipality, *, now: datetime) -> list[Problem]:
    problems = []
    if data.closes_at <= now:
        problems.append(
            Problem(_("The deadline has passed: choose one in the future."), field="closes_at")
        )
    if data.closes_at <= data.opens_at:
        problems.append(
            Problem(_("The deadline must come after applications open."), field="closes_at")
        )
    if data.season_ends_on < data.season_starts_on:
        problems.append(
            Problem(_("The season cannot end before it starts."), field="season_ends_on")
        )
    if data.season_starts_on <= timezone.localtime(data.closes_at).date():
        problems.append(
            Problem(
                _("The season must start after the application deadline."), field="season_starts_on"
            )
        )
    order = list(data.priority_order)
    if not order or len(set(order)) != len(order) or not set(order) <= set(PriorityCategory.values):
        problems.append(
            Problem(
                _("List each priority category at most once, at least one."),
                field="priority_order",
            )
        )
    hub_ids = {hub.pk for hub in data.hubs}
    if any(hub.municipality_id != municipality.pk for hub in data.hubs):
        problems.append(Problem(_("Every hub must belong to the municipality."), field="hubs"))
    if not data.resources:
        problems.append(Problem(_("Choose the resources the round allocates."), field="resources"))
    for resource in data.resources:
        if resource.municipality_id != municipality.pk or (
            hub_ids and resource.hub_id not in hub_ids
        ):
            problems.append(
                Problem(
                    _("%(resource)s is not at a hub of the round.") % {"resource": resource},
                    field="resources",
                )
            )
        elif resource.kind in ResourceKind.add_ons():
            problems.append(
                Problem(
                    _("%(resource)s is equipment: it is booked with a room, not allocated.")
                    % {"resource": resource},
                    field="resources",
                )
            )
    return problems


def _save_round_resources(round: ApplicationRound, resources: Iterable[Resource]) -> None:
    """The round's resources with its season; a resource in another round for an
    overlapping season (or a hall whose part is, or a part whose hall is) is refused by
    name."""
    resources = list(resources)
    round.round_resources.all().delete()
    season = season_days(round.season_starts_on, round.season_ends_on)
    problems = []
    for resource in resources:
        related = selectors._related_resource_ids(resource)
        other = (
            RoundResource.objects.filter(resource_id__in=related, season__overlap=season)
            .exclude(round=round)
            .select_related("round", "resource")
            .first()
        )
        if other is not None:
            problems.append(
                Problem(
                    _("%(resource)s is already in the round “%(round)s” for an overlapping season.")
                    % {"resource": other.resource, "round": other.round.name},
                    field="resources",
                )
            )
    if problems:
        raise DomainError(problems)
    try:
        with transaction.atomic():
            RoundResource.objects.bulk_create(
                RoundResource(round=round, resource=resource, season=season)
                for resource in resources
            )
    except IntegrityError:
        # Another round took one of them at the same moment.
        raise DomainError(
            _(
                "A resource of the round was put in another round for an overlapping season just "
                "now."
            ),
            field="resources",
        ) from None


@transaction.atomic
def round_create(*, by, municipality, data: RoundData) -> ApplicationRound:
    if not sesong_permissions.can_manage_rounds(by, municipality):
        raise DomainError(_("You may not create application rounds for this municipality."))
    problems = _round_problems(data, municipality, now=timezone.now())
    if problems:
        raise DomainError(problems)
    round = ApplicationRound(
        municipality=municipality, **{name: getattr(data, name) for name in _ROUND_FIELDS}
    )
    round.priority_order = list(data.priority_order)
    _full_clean(round)
    round.save()
    round.hubs.set(data.hubs)
    _save_round_resources(round, data.resources)
    _journal(
        round,
        JournalKind.ROUND_CREATED,
        _in_bokmal(lambda: _("Round created.")),
        actor=by,
        data={"resources": [r.pk for r in data.resources]},
    )
    invalidate_after_commit(municipality.pk)
    return round


def _full_clean(obj) -> None:
    try:
        obj.full_clean(exclude=["municipality"], validate_unique=False)
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None


@transaction.atomic
def round_update(*, by, round: ApplicationRound, data: RoundData) -> ApplicationRound:
    """Change a round's settings while it is upcoming or open for applications."""
    round = _lock_round(round)
    if not sesong_permissions.can_manage_round(by, round):
        raise DomainError(_("You may not change this round."))
    if round.state not in (RoundState.UPCOMING, RoundState.OPEN):
        raise DomainError(
            _("The round is %(state)s: its settings can no longer be changed.")
            % {"state": round.get_state_display().lower()}
        )
    problems = _round_problems(data, round.municipality, now=timezone.now())
    if problems:
        raise DomainError(problems)
    for name in _ROUND_FIELDS:
        setattr(round, name, getattr(data, name))
    round.priority_order = list(data.priority_order)
    _full_clean(round)
    round.save()
    round.hubs.set(data.hubs)
    _save_round_resources(round, data.resources)
    _journal(
        round, JournalKind.ROUND_CHANGED, _in_bokmal(lambda: _("Round settings changed.")), actor=by
    )
    invalidate_after_commit(round.municipality_id)
    return round


@transaction.atomic
def round_delete(*, by, round: ApplicationRound) -> None:
    """Delete a round that has not opened yet (an opened round is a record: close it)."""
    round = _lock_round(round)
    if not sesong_permissions.can_manage_round(by, round):
        raise DomainError(_("You may not change this round."))
    if round.state != RoundState.UPCOMING:
        raise DomainError(_("Only a round that has not opened can be deleted."))
    municipality_id = round.municipality_id
    round.delete()
    invalidate_after_commit(municipality_id)


def _refuse_transition(round: ApplicationRound, target: str) -> DomainError:
    if round.state == target:
        messages = {
            RoundState.OPEN: _("The round is already open for applications."),
            RoundState.ALLOCATING: _("The round is already being allocated."),
            RoundState.DECIDED: _("The round's decisions are already made."),
            RoundState.PUBLISHED: _("The round's decisions are already published."),
            RoundState.CLOSED: _("The round is already closed."),
        }
        return DomainError(messages[target])
    return DomainError(
        _("The round is %(state)s: it cannot become %(target)s from there.")
        % {
            "state": round.get_state_display().lower(),
            "target": RoundState(target).label.lower(),
        }
    )


def _move(*, by, round: ApplicationRound, to: str, allowed) -> ApplicationRound:
    """Lock the round, check the permission and that ``to`` is the state after its own."""
    round = _lock_round(round)
    if not allowed(by, round):
        raise DomainError(_("You may not manage this round."))
    if RoundState.next_of(round.state) != to:
        raise _refuse_transition(round, to)
    return round


def _moved(by, round: ApplicationRound, previous: str, update_fields=()) -> None:
    round.save(update_fields=["state", *update_fields])
    _journal(
        round,
        JournalKind.STATE_CHANGED,
        _in_bokmal(
            lambda: (
                _("The round went from “%(from)s” to “%(to)s”.")
                % {"from": RoundState(previous).label, "to": RoundState(round.state).label}
            )
        ),
        actor=by,
        data={"from": previous, "to": round.state},
    )
    invalidate_after_commit(round.municipality_id)


@transaction.atomic
def round_open(*, by, round: ApplicationRound) -> ApplicationRound:
    """Upcoming → open: applications are taken from ``opens_at`` until the deadline."""
    round = _move(
        by=by, round=round, to=RoundState.OPEN, allowed=sesong_permissions.can_manage_round
    )
    if timezone.now() >= round.closes_at:
        raise DomainError(_("The deadline has passed: move it before opening the round."))
    if not round.round_resources.exists():
        raise DomainError(_("The round has no resources to apply for."))
    previous, round.state = round.state, RoundState.OPEN
    _moved(by, round, previous)
    return round


@transaction.atomic
def round_start_allocating(*, by, round: ApplicationRound) -> ApplicationRound:
    """Open → allocating, once the deadline has passed (the server's clock decides)."""
    round = _move(
        by=by, round=round, to=RoundState.ALLOCATING, allowed=sesong_permissions.can_allocate
    )
    if timezone.now() < round.closes_at:
        raise DomainError(
            _("Applications are open until %(deadline)s; allocation starts after the deadline.")
            % {"deadline": _local(round.closes_at)}
        )
    previous, round.state = round.state, RoundState.ALLOCATING
    _moved(by, round, previous)
    return round


def _submitted(round: ApplicationRound):
    return Application.objects.filter(round=round, status=ApplicationStatus.SUBMITTED)


def _derived_outcome(application: Application, allocations: list[Allocation]) -> tuple[str, str]:
    wishes = list(application.wishes.all())
    if not allocations:
        return Outcome.REFUSED, _in_bokmal(
            lambda: _(
                "None of the wished times could be allocated: they were taken by applications "
                "with a higher priority or drawn before yours in the same category."
            )
        )
    answered = {a.wish_id for a in allocations if not a.partial}
    if len(answered) == len(wishes) and all(not a.partial for a in allocations):
        return Outcome.FULL, _in_bokmal(lambda: _("Every wished time is allocated."))
    return Outcome.PARTIAL, _in_bokmal(
        lambda: _(
            "Some wished times are allocated, some in part (another room, a shorter time or "
            "every other week), or not at all, because they were taken by applications with a "
            "higher priority or drawn before yours in the same category."
        )
    )


@transaction.atomic
def round_decide(*, by, round: ApplicationRound) -> ApplicationRound:
    """Allocating → decided: every application without a decision gets the one its
    allocations say (in full, in part, refused), with a reason; a decision staff made that
    the allocations contradict is refused by name."""
    round = _move(
        by=by, round=round, to=RoundState.DECIDED, allowed=sesong_permissions.can_allocate
    )
    now = timezone.now()
    problems = []
    for application in _submitted(round).select_related("organisation").prefetch_related("wishes"):
        allocations = list(application.allocations.filter(status=AllocationStatus.PROPOSED))
        decision = Decision.objects.filter(application=application).first()
        if decision is not None:
            if decision.outcome == Outcome.REFUSED and allocations:
                problems.append(
                    Problem(
                        _("%(application)s is refused but has allocations.")
                        % {"application": application}
                    )
                )
            if decision.outcome != Outcome.REFUSED and not allocations:
                problems.append(
                    Problem(
                        _("%(application)s is given times but has no allocation.")
                        % {"application": application}
                    )
                )
            continue
        outcome, reason = _derived_outcome(application, allocations)
        Decision.objects.create(
            application=application,
            outcome=outcome,
            reason=reason,
            decided_by=by,
            decided_by_name=_name(by),
            decided_at=now,
        )
        _journal(
            round,
            JournalKind.DECISION,
            _in_bokmal(
                lambda o=outcome, r=reason: (
                    _("Decision: %(outcome)s. %(reason)s")
                    % {"outcome": Outcome(o).label, "reason": r}
                )
            ),
            actor=by,
            application=application,
            data={"outcome": outcome},
        )
    if problems:
        raise DomainError(problems)
    previous, round.state = round.state, RoundState.DECIDED
    _moved(by, round, previous)
    return round


@transaction.atomic
def decision_set(*, by, application: Application, outcome: str, reason: str) -> Decision:
    """Staff decide one application themselves (while allocating or decided)."""
    round = _lock_round(application.round)
    if not sesong_permissions.can_allocate(by, round):
        raise DomainError(_("You may not decide in this round."))
    if round.state not in RoundState.allocating():
        raise DomainError(_("Decisions are made while the round is being allocated."))
    if not reason.strip():
        raise DomainError(_("Every decision needs a reason."), field="reason")
    if outcome not in Outcome.values:
        raise DomainError(_("Choose a decision."), field="outcome")
    holding = application.allocations.filter(status=AllocationStatus.PROPOSED).exists()
    if outcome == Outcome.REFUSED and holding:
        raise DomainError(
            _("The application has allocations: remove them before refusing it."), field="outcome"
        )
    if outcome != Outcome.REFUSED and not holding:
        raise DomainError(
            _("The application has no allocation: allocate a time first, or refuse it."),
            field="outcome",
        )
    decision, _created = Decision.objects.update_or_create(
        application=application,
        defaults={
            "outcome": outcome,
            "reason": reason.strip(),
            "decided_by": by,
            "decided_by_name": _name(by),
            "decided_at": timezone.now(),
        },
    )
    _journal(
        round,
        JournalKind.DECISION,
        _in_bokmal(
            lambda: (
                _("Decision: %(outcome)s. %(reason)s")
                % {"outcome": Outcome(outcome).label, "reason": reason.strip()}
            )
        ),
        actor=by,
        application=application,
        data={"outcome": outcome},
    )
    return decision


# --------------------------------------------------------------------------- applications


@dataclass(frozen=True)
class WishData:
    weekday: int
    starts_at: time
    ends_at: time
    frequency: str = Frequency.WEEKLY
    resource: Resource | None = None
    hub: object = None
    facilities: tuple[str, ...] = ()
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True)
class ApplicationData:
    organisation: object
    activity_name: str
    age_group: str
    participants: int
    contact_name: str
    contact_email: str
    wishes: Sequence[WishData]
    contact_phone: str = ""
    consent_to_partial: bool = True
    activity: object = None
    add_ons: Sequence[Resource] = ()


def _open_for_applications(round: ApplicationRound) -> None:
    """Applications are taken while the round is open and the server's clock is inside
    its window; the deadline is a moment (the form says it in Oslo time)."""
    now = timezone.now()
    if round.state != RoundState.OPEN or now >= round.closes_at:
        if now >= round.closes_at or round.state not in (RoundState.UPCOMING, RoundState.OPEN):
            raise DomainError(
                _(
                    "The application deadline was %(deadline)s: applications can no longer "
                    "be made or changed."
                )
                % {"deadline": _local(round.closes_at)}
            )
        raise DomainError(_("The round is not open for applications yet."))
    if now < round.opens_at:
        raise DomainError(_("Applications open %(opens)s.") % {"opens": _local(round.opens_at)})


def _category(organisation, hubs) -> str:
    if organisation.kind == OrganisationKind.PUBLIC:
        return PriorityCategory.MUNICIPAL
    if organisation.kind == OrganisationKind.PRIVATE:
        return PriorityCategory.OTHER
    if any(active_agreement(organisation_id=organisation.pk, hub=hub) for hub in hubs):
        return PriorityCategory.AGREEMENT
    return PriorityCategory.VOLUNTARY


def _first_weekday(first: date, last: date, weekday: int, schedule) -> date | None:
    """The first day of that weekday in [first, last] that is not a public holiday."""
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    while day <= last:
        if not schedule.day_hours(day).is_holiday:
            return day
        day += timedelta(days=7)
    return None


def _wish_problems(
    round: ApplicationRound, data: ApplicationData, in_round: dict[int, Resource]
) -> tuple[list[Problem], list[dict]]:
    """Each wish checked against the round: its room or hub, the season, the hub's opening
    hours, the room's size and booking rules, and the applicant's other wishes."""
    problems: list[Problem] = []
    wishes: list[dict] = []
    if not data.wishes:
        return [Problem(_("Add at least one weekly time."), field="wishes")], []
    hubs = {r.hub_id: r.hub for r in in_round.values()}
    schedules = hub_schedules(
        hubs=list(hubs.values()),
        at=localise(round.season_starts_on, time(0, 0)),
        days=min((round.season_ends_on - round.season_starts_on).days + 1, 60),
    )
    for number, wish in enumerate(data.wishes, start=1):

        def problem(message, number=number):
            problems.append(
                Problem(
                    _("Wish %(n)d: %(message)s") % {"n": number, "message": message}, field="wishes"
                )
            )

        first = wish.first_day or round.season_starts_on
        last = wish.last_day or round.season_ends_on
        if not (round.season_starts_on <= first <= last <= round.season_ends_on):
            problem(
                _("the days must lie inside the season, %(first)s–%(last)s.")
                % {
                    "first": round.season_starts_on.strftime("%d.%m.%Y"),
                    "last": round.season_ends_on.strftime("%d.%m.%Y"),
                }
            )
            continue
        if wish.ends_at <= wish.starts_at:
            problem(_("the time must end after it starts."))
            continue
        if wish.weekday not in range(7) or wish.frequency not in Frequency.values:
            problem(_("choose a weekday and how often."))
            continue
        length = selectors.minutes_of(wish.ends_at) - selectors.minutes_of(wish.starts_at)
        rooms: list[Resource]
        if wish.resource is not None:
            if wish.resource.pk not in in_round:
                problem(_("%(resource)s is not in this round.") % {"resource": wish.resource})
                continue
            rooms = [in_round[wish.resource.pk]]
        elif wish.hub is not None:
            rooms = [
                r
                for r in in_round.values()
                if r.hub_id == wish.hub.pk
                and (r.capacity is None or r.capacity >= data.participants)
                and set(wish.facilities) <= set(r.facilities)
            ]
            if not rooms:
                problem(
                    _(
                        "no room of the round at %(hub)s has room for %(n)d people with the "
                        "facilities asked for."
                    )
                    % {"hub": wish.hub, "n": data.participants}
                )
                continue
        else:
            problem(_("choose a room, or a hub where any suitable room will do."))
            continue
        room = rooms[0]
        if (
            wish.resource is not None
            and room.capacity is not None
            and data.participants > room.capacity
        ):
            problem(
                _("%(resource)s takes at most %(n)d people.")
                % {"resource": room.name, "n": room.capacity}
            )
            continue
        if wish.resource is not None and (
            selectors.minutes_of(wish.starts_at) % room.granularity_minutes
            or not room.min_minutes <= length <= room.max_minutes
        ):
            problem(
                _(
                    "%(resource)s is booked from %(min)d to %(max)d minutes, starting every "
                    "%(step)d minutes."
                )
                % {
                    "resource": room.name,
                    "min": room.min_minutes,
                    "max": room.max_minutes,
                    "step": room.granularity_minutes,
                }
            )
            continue
        if all(r.only_in_opening_hours for r in rooms):
            schedule = schedules[room.hub_id]
            day = _first_weekday(
                round.season_starts_on, round.season_ends_on, wish.weekday, schedule
            )
            start = localise(day, wish.starts_at) if day else None
            if day is None or not selectors._inside_open(
                schedule.day_hours(day),
                start,
                selectors._at_minutes(day, selectors.minutes_of(wish.ends_at)),
            ):
                problem(
                    _("%(hub)s is not open for the whole time on that weekday.") % {"hub": room.hub}
                )
                continue
        wishes.append(
            {
                "weekday": wish.weekday,
                "starts_at": wish.starts_at,
                "ends_at": wish.ends_at,
                "frequency": wish.frequency,
                "resource": wish.resource,
                "hub": wish.hub if wish.resource is None else None,
                "facilities": list(wish.facilities) if wish.resource is None else [],
                "first_day": first,
                "last_day": last,
                "number": number,
            }
        )
    for index, one in enumerate(wishes):
        for other in wishes[index + 1 :]:
            a = week_minutes(one["weekday"], one["starts_at"], one["ends_at"])
            b = week_minutes(other["weekday"], other["starts_at"], other["ends_at"])
            if (
                a.lower < b.upper
                and b.lower < a.upper
                and one["first_day"] <= other["last_day"]
                and other["first_day"] <= one["last_day"]
            ):
                problems.append(
                    Problem(
                        _(
                            "Wish %(a)d and wish %(b)d overlap: one group cannot be in two places "
                            "at once."
                        )
                        % {"a": one["number"], "b": other["number"]},
                        field="wishes",
                    )
                )
    return problems, wishes


def _application_problems(
    by, round: ApplicationRound, data: ApplicationData
) -> tuple[list[Problem], list[dict], str]:
    organisation = data.organisation
    if not sesong_permissions.can_apply_for(by, organisation):
        raise DomainError(_("You do not apply for this organisation."), field="organisation")
    problems = []
    if organisation.municipality_id != round.municipality_id:
        problems.append(
            Problem(_("The organisation belongs to another municipality."), field="organisation")
        )
    if organisation.listing != ListingStatus.APPROVED:
        problems.append(
            Problem(
                _(
                    "The organisation is not approved by the municipality yet; it can apply once "
                    "it is."
                ),
                field="organisation",
            )
        )
    if data.participants is None or data.participants < 1:
        problems.append(Problem(_("At least one participant is expected."), field="participants"))
    if not data.activity_name.strip():
        problems.append(Problem(_("Name the activity."), field="activity_name"))
    if not data.contact_name.strip() or not data.contact_email.strip():
        problems.append(
            Problem(_("Name a contact person with an email address."), field="contact_name")
        )
    in_round = {
        r.pk: r
        for r in Resource.objects.filter(
            pk__in=round.round_resources.values("resource_id")
        ).select_related("hub")
    }
    for add_on in data.add_ons:
        if (
            add_on.kind not in ResourceKind.add_ons()
            or add_on.municipality_id != round.municipality_id
        ):
            problems.append(
                Problem(
                    _("%(resource)s is not equipment of this municipality.") % {"resource": add_on},
                    field="add_ons",
                )
            )
    wish_problems, wishes = _wish_problems(round, data, in_round)
    problems += wish_problems
    hubs = {w["resource"].hub if w["resource"] else w["hub"] for w in wishes} or {
        r.hub for r in in_round.values()
    }
    category = _category(organisation, hubs)
    if category not in round.priority_order:
        problems.append(
            Problem(
                _("This round does not take applications from %(category)s.")
                % {"category": PriorityCategory(category).label.lower()},
                field="organisation",
            )
        )
    return problems, wishes, category


def _save_wishes(application: Application, wishes: list[dict]) -> None:
    for preference, wish in enumerate(wishes, start=1):
        wish = {k: v for k, v in wish.items() if k != "number"}
        Wish(application=application, preference=preference, **wish).save()


def _application_fields(data: ApplicationData) -> dict:
    return {
        "activity": data.activity,
        "activity_name": data.activity_name.strip(),
        "age_group": data.age_group,
        "participants": data.participants,
        "contact_name": data.contact_name.strip(),
        "contact_email": data.contact_email.strip(),
        "contact_phone": data.contact_phone.strip(),
        "consent_to_partial": data.consent_to_partial,
    }


def _wishes_summary(application: Application) -> list[dict]:
    return [
        {
            "preference": w.preference,
            "time": selectors.weekly_time_label(w.weekday, w.starts_at, w.ends_at),
            "frequency": w.frequency,
            "resource": str(w.resource) if w.resource_id else None,
            "hub": str(w.hub) if w.hub_id else None,
            "facilities": w.facilities,
            "days": [w.first_day.isoformat(), w.last_day.isoformat()],
        }
        for w in application.wishes.select_related("resource__hub", "hub").order_by("preference")
    ]


def _send_receipt(application: Application, by, template: str) -> None:
    context = {
        "application": application,
        "round": application.round,
        "wishes": list(application.wishes.select_related("resource", "hub").order_by("preference")),
    }
    notification_enqueue(
        template=f"sesong/email/{template}",
        context=context,
        recipient=by,
        dedupe_key=f"sesong-{template}:{application.pk}:{application.changed_at.timestamp()}",
    )


@transaction.atomic
def application_submit(*, by, round: ApplicationRound, data: ApplicationData) -> Application:
    """Apply for weekly times in the round (before the deadline). The applicant gets a
    receipt with a reference."""
    round = _share_lock_round(round)
    _open_for_applications(round)
    problems, wishes, category = _application_problems(by, round, data)
    if _submitted(round).filter(organisation=data.organisation).exists():
        problems.append(
            Problem(
                _("The organisation has already applied in this round; change that application."),
                field="organisation",
            )
        )
    if problems:
        raise DomainError(problems)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                round=round,
                organisation=data.organisation,
                category=category,
                submitted_by=by,
                **_application_fields(data),
            )
            application.add_ons.set(data.add_ons)
            _save_wishes(application, wishes)
    except IntegrityError:
        raise DomainError(
            _("The organisation has already applied in this round; change that application."),
            field="organisation",
        ) from None
    _journal(
        round,
        JournalKind.APPLICATION_SUBMITTED,
        _in_bokmal(
            lambda: (
                _("Application %(reference)s from %(organisation)s (%(category)s).")
                % {
                    "reference": application.reference,
                    "organisation": application.organisation.name,
                    "category": PriorityCategory(category).label,
                }
            )
        ),
        actor=by,
        application=application,
        data={"wishes": _wishes_summary(application), "participants": application.participants},
    )
    _send_receipt(application, by, "application_received")
    return application


@transaction.atomic
def application_change(*, by, application: Application, data: ApplicationData) -> Application:
    """Change an application (its wishes replaced) until the deadline."""
    round = _share_lock_round(application.round)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not sesong_permissions.can_apply_for(by, application.organisation):
        raise DomainError(_("You do not apply for this organisation."))
    _open_for_applications(round)
    if application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(_("The application is withdrawn; apply again instead."))
    if data.organisation.pk != application.organisation_id:
        raise DomainError(_("An application stays with its organisation."), field="organisation")
    problems, wishes, category = _application_problems(by, round, data)
    if problems:
        raise DomainError(problems)
    for name, value in _application_fields(data).items():
        setattr(application, name, value)
    application.category = category
    application.save()
    application.add_ons.set(data.add_ons)
    application.wishes.all().delete()
    try:
        with transaction.atomic():
            _save_wishes(application, wishes)
    except IntegrityError:
        raise DomainError(_("Two of the wishes overlap."), field="wishes") from None
    _journal(
        round,
        JournalKind.APPLICATION_CHANGED,
        _in_bokmal(
            lambda: _("Application %(reference)s changed.") % {"reference": application.reference}
        ),
        actor=by,
        application=application,
        data={"wishes": _wishes_summary(application), "participants": application.participants},
    )
    _send_receipt(application, by, "application_changed")
    return application


@transaction.atomic
def application_withdraw(*, by, application: Application) -> Application:
    round = _share_lock_round(application.round)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not sesong_permissions.can_apply_for(by, application.organisation):
        raise DomainError(_("You do not apply for this organisation."))
    _open_for_applications(round)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(_("The application is already withdrawn."))
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status", "changed_at"])
    _journal(
        round,
        JournalKind.APPLICATION_WITHDRAWN,
        _in_bokmal(
            lambda: _("Application %(reference)s withdrawn.") % {"reference": application.reference}
        ),
        actor=by,
        application=application,
    )
    return application


# --------------------------------------------------------------------------- allocating


def _spaces_by_resource(resources: Iterable[Resource]) -> dict[int, tuple[int, ...]]:
    """The atomic spaces of each resource, from the resources of their hubs in one query."""
    resources = list(resources)
    everything = list(
        Resource.objects.filter(hub_id__in={r.hub_id for r in resources}).only("pk", "parent_id")
    )
    children: dict[int, list[int]] = {}
    for r in everything:
        if r.parent_id:
            children.setdefault(r.parent_id, []).append(r.pk)

    def leaves(pk: int) -> list[int]:
        below = children.get(pk)
        if not below:
            return [pk]
        return [leaf for child in sorted(below) for leaf in leaves(child)]

    return {r.pk: tuple(leaves(r.pk)) for r in resources}


def _claims_for(allocation: Allocation, spaces: Sequence[int]) -> list[AllocationClaim]:
    parities = (0, 1) if allocation.frequency == Frequency.WEEKLY else (allocation.parity,)
    minutes = week_minutes(allocation.weekday, allocation.starts_at, allocation.ends_at)
    days = season_days(allocation.first_day, allocation.last_day)
    return [
        AllocationClaim(
            allocation=allocation, space_id=space, parity=parity, minutes=minutes, days=days
        )
        for space in spaces
        for parity in parities
    ]


def _minutes_to_time(minutes: int) -> time:
    if minutes >= 24 * 60:
        return time(23, 59)
    return time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class ProposalReport:
    allocations: int
    wishes: int
    first_wishes: int


@transaction.atomic
def proposal_run(*, by, round: ApplicationRound) -> ProposalReport:
    """Run the automatic proposal (sesong.allocation): the automatic allocations of the
    last run are replaced; allocations set by staff stay and are worked around."""
    round = _lock_round(round)
    if not sesong_permissions.can_allocate(by, round):
        raise DomainError(_("You may not allocate in this round."))
    if round.state != RoundState.ALLOCATING:
        raise DomainError(_("The proposal runs while the round is being allocated."))
    Allocation.objects.filter(round=round, source=AllocationSource.AUTOMATIC).delete()
    resources = {
        r.pk: r
        for r in Resource.objects.filter(pk__in=round.round_resources.values("resource_id"))
        .exclude(kind__in=ResourceKind.add_ons())
        .order_by("pk")
    }
    spaces = _spaces_by_resource(resources.values())
    rooms = {
        pk: engine.Room(pk, spaces[pk], shortest_minutes=r.min_minutes)
        for pk, r in resources.items()
    }
    fixed_allocations = list(
        Allocation.objects.filter(round=round, status__in=AllocationStatus.holding())
    )
    fixed_spaces = _spaces_by_resource(
        Resource.objects.filter(pk__in={a.resource_id for a in fixed_allocations})
    )
    fixed = [
        engine.FixedTime(
            spaces=fixed_spaces[a.resource_id],
            parities=(0, 1) if a.frequency == Frequency.WEEKLY else (a.parity,),
            weekday=a.weekday,
            start=selectors.minutes_of(a.starts_at),
            end=selectors.minutes_of(a.ends_at),
            first_day=a.first_day,
            last_day=a.last_day,
        )
        for a in fixed_allocations
    ]
    answered = {a.wish_id for a in fixed_allocations if a.wish_id}
    applications = {a.pk: a for a in _submitted(round).prefetch_related("wishes")}
    rank = {category: index for index, category in enumerate(round.priority_order)}

    def suitable(application, hub_id, facilities) -> list[engine.Room]:
        found = [
            r
            for r in resources.values()
            if r.hub_id == hub_id
            and (r.capacity is None or r.capacity >= application.participants)
            and set(facilities) <= set(r.facilities)
        ]
        found.sort(key=lambda r: (r.capacity if r.capacity is not None else 10**6, r.pk))
        return [rooms[r.pk] for r in found]

    inputs = []
    for application in applications.values():
        for wish in application.wishes.all():
            if wish.pk in answered:
                continue
            if wish.resource_id is not None:
                if wish.resource_id not in rooms:
                    continue
                as_wished = (rooms[wish.resource_id],)
                hub_id = resources[wish.resource_id].hub_id
                alternatives = tuple(
                    r for r in suitable(application, hub_id, ()) if r not in as_wished
                )
            else:
                as_wished = tuple(suitable(application, wish.hub_id, wish.facilities))
                alternatives = ()
            inputs.append(
                engine.WishInput(
                    wish_id=wish.pk,
                    application_id=application.pk,
                    category_rank=rank.get(application.category, len(rank)),
                    preference=wish.preference,
                    weekday=wish.weekday,
                    start=selectors.minutes_of(wish.starts_at),
                    end=selectors.minutes_of(wish.ends_at),
                    weekly=wish.frequency == Frequency.WEEKLY,
                    first_day=wish.first_day,
                    last_day=wish.last_day,
                    rooms=as_wished,
                    alternatives=alternatives,
                    consent_to_partial=application.consent_to_partial,
                )
            )
    proposed = engine.propose(inputs, fixed, seed=round.pk)
    allocations = []
    for p in proposed:
        allocation = Allocation(
            round=round,
            application_id=p.application_id,
            wish_id=p.wish_id,
            resource_id=p.resource_id,
            weekday=p.weekday,
            starts_at=_minutes_to_time(p.start),
            ends_at=_minutes_to_time(p.end),
            frequency=Frequency.WEEKLY if p.weekly else Frequency.EVERY_OTHER_WEEK,
            parity=p.parity,
            first_day=p.first_day,
            last_day=p.last_day,
            source=AllocationSource.AUTOMATIC,
            partial=p.partial,
        )
        allocation.minutes = week_minutes(
            allocation.weekday, allocation.starts_at, allocation.ends_at
        )
        allocation.days = season_days(allocation.first_day, allocation.last_day)
        allocations.append(allocation)
    Allocation.objects.bulk_create(allocations, batch_size=2000)
    AllocationClaim.objects.bulk_create(
        (claim for a in allocations for claim in _claims_for(a, spaces[a.resource_id])),
        batch_size=5000,
    )
    first_preferences = {
        a.pk: min((w.preference for w in a.wishes.all()), default=None)
        for a in applications.values()
    }
    wish_preference = {w.wish_id: w.preference for w in inputs}
    first_wishes = sum(
        1
        for p in proposed
        if not p.partial
        and wish_preference.get(p.wish_id) == first_preferences.get(p.application_id)
    )
    report = ProposalReport(len(allocations), len(inputs), first_wishes)
    _journal(
        round,
        JournalKind.PROPOSAL_RUN,
        _in_bokmal(
            lambda: (
                _("Automatic proposal: %(n)d allocations for %(w)d wishes.")
                % {"n": report.allocations, "w": report.wishes}
            )
        ),
        actor=by,
        data={"allocations": report.allocations, "wishes": report.wishes},
    )
    invalidate_after_commit(round.municipality_id)
    return report


@transaction.atomic
def allocation_set(
    *,
    by,
    application: Application,
    resource: Resource,
    weekday: int,
    starts_at: time,
    ends_at: time,
    frequency: str = Frequency.WEEKLY,
    parity: int = 0,
    wish: Wish | None = None,
    replaces: Allocation | None = None,
) -> Allocation:
    """Staff allocate a weekly time by hand (or move one: ``replaces``). The time must be
    free on every atomic space of the resource; the database refuses it otherwise, also
    when two staff allocate it at the same moment."""
    round = _lock_round(application.round)
    if not sesong_permissions.can_allocate(by, round):
        raise DomainError(_("You may not allocate in this round."))
    if round.state != RoundState.ALLOCATING:
        raise DomainError(_("Allocations are changed while the round is being allocated."))
    if application.round_id != round.pk or application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(_("The application is not in this round."))
    if not round.round_resources.filter(resource=resource).exists():
        raise DomainError(
            _("%(resource)s is not in this round.") % {"resource": resource}, field="resource"
        )
    if ends_at <= starts_at:
        raise DomainError(_("A weekly time must end after it starts."), field="ends_at")
    if frequency not in Frequency.values or parity not in (0, 1) or weekday not in range(7):
        raise DomainError(_("Choose a weekday, how often and which week."), field="frequency")
    if wish is not None and wish.application_id != application.pk:
        raise DomainError(_("The wish belongs to another application."), field="wish")
    if replaces is not None:
        if replaces.round_id != round.pk:
            raise DomainError(_("The allocation belongs to another round."))
        Allocation.objects.filter(pk=replaces.pk).delete()
        wish = wish or replaces.wish
    first = wish.first_day if wish else round.season_starts_on
    last = wish.last_day if wish else round.season_ends_on
    partial = PartialKind.FULL
    if wish is not None:
        if wish.resource_id not in (None, resource.pk):
            partial = PartialKind.OTHER_ROOM
        elif (starts_at, ends_at, weekday) != (wish.starts_at, wish.ends_at, wish.weekday):
            partial = PartialKind.SHORTER
        elif frequency != wish.frequency:
            partial = PartialKind.EVERY_OTHER_WEEK
    allocation = Allocation(
        round=round,
        application=application,
        wish=wish,
        resource=resource,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        frequency=frequency,
        parity=parity if frequency == Frequency.EVERY_OTHER_WEEK else 0,
        first_day=first,
        last_day=last,
        source=AllocationSource.MANUAL,
        partial=partial,
    )
    try:
        with transaction.atomic():
            allocation.save()
            AllocationClaim.objects.bulk_create(
                _claims_for(allocation, [s.pk for s in atomic_spaces(resource)])
            )
    except IntegrityError:
        taken = _allocation_in_the_way(allocation)
        raise DomainError(
            _("%(resource)s is already allocated at %(time)s (%(whom)s).")
            % {
                "resource": resource.name,
                "time": selectors.weekly_time_label(weekday, starts_at, ends_at),
                "whom": taken.application.organisation.name if taken else _("just now"),
            },
            field="resource",
        ) from None
    _journal(
        round,
        JournalKind.ALLOCATION_SET,
        _in_bokmal(
            lambda: (
                _("%(resource)s, %(time)s, %(frequency)s allocated to %(organisation)s.")
                % {
                    "resource": resource.name,
                    "time": selectors.weekly_time_label(weekday, starts_at, ends_at),
                    "frequency": Frequency(frequency).label.lower(),
                    "organisation": application.organisation.name,
                }
            )
        ),
        actor=by,
        application=application,
        data={"allocation": allocation.pk, "replaces": replaces.pk if replaces else None},
    )
    return allocation


def _allocation_in_the_way(allocation: Allocation) -> Allocation | None:
    spaces = [s.pk for s in atomic_spaces(allocation.resource)]
    claim = (
        AllocationClaim.objects.filter(
            space_id__in=spaces,
            holds=True,
            minutes__overlap=week_minutes(
                allocation.weekday, allocation.starts_at, allocation.ends_at
            ),
            days__overlap=season_days(allocation.first_day, allocation.last_day),
        )
        .select_related("allocation__application__organisation")
        .first()
    )
    return claim.allocation if claim else None


@transaction.atomic
def allocation_remove(*, by, allocation: Allocation) -> None:
    round = _lock_round(allocation.round)
    if not sesong_permissions.can_allocate(by, round):
        raise DomainError(_("You may not allocate in this round."))
    if round.state != RoundState.ALLOCATING:
        raise DomainError(_("Allocations are changed while the round is being allocated."))
    application = allocation.application
    label = str(allocation)
    Allocation.objects.filter(pk=allocation.pk).delete()
    _journal(
        round,
        JournalKind.ALLOCATION_REMOVED,
        _in_bokmal(lambda: _("Allocation removed: %(allocation)s.") % {"allocation": label}),
        actor=by,
        application=application,
    )


# --------------------------------------------------------------------------- publication


@dataclass
class PublicationReport:
    notified: int = 0
    clashes: list[Problem] = field(default_factory=list)
    displaced: int = 0


def _accept_by(round: ApplicationRound, now: datetime) -> datetime:
    last_day = now.astimezone(OSLO).date() + timedelta(days=round.accept_days)
    return localise(last_day, time(23, 59))


@transaction.atomic
def round_publish(*, by, round: ApplicationRound) -> PublicationReport:
    """Decided → published: every applicant is sent their decision (in their language,
    with the municipality's contact, the deadline to accept and the appeal route); the
    allocations are offered; single bookings marked in their times are cancelled and their
    bookers told; a time that a booking already holds is reported as a clash (the
    acceptance will skip it: nothing is ever booked twice)."""
    round = _move(
        by=by, round=round, to=RoundState.PUBLISHED, allowed=sesong_permissions.can_allocate
    )
    now = timezone.now()
    undecided = _submitted(round).filter(decision__isnull=True)
    if undecided.exists():
        raise DomainError(_("%(n)d applications have no decision.") % {"n": undecided.count()})
    previous = round.state
    round.state = RoundState.PUBLISHED
    round.published_at = now
    round.published_by = by
    round.accept_by = _accept_by(round, now)
    Allocation.objects.filter(round=round, status=AllocationStatus.PROPOSED).update(
        status=AllocationStatus.OFFERED
    )
    # Published first: from now on only the offered times are held (not every wish).
    _moved(by, round, previous, update_fields=["published_at", "published_by", "accept_by"])
    report = PublicationReport()
    report.displaced = _displace_marked_bookings(by, round)
    report.clashes = _publication_clashes(round)
    for clash in report.clashes:
        _journal(round, JournalKind.CLASH, str(clash), actor=by)
    for application in _submitted(round).select_related("decision", "organisation", "submitted_by"):
        report.notified += _send_decision(application, round)
    _journal(
        round,
        JournalKind.PUBLISHED,
        _in_bokmal(
            lambda: (
                _("Decisions published to %(n)d applicants; accept by %(deadline)s.")
                % {"n": report.notified, "deadline": _local(round.accept_by)}
            )
        ),
        actor=by,
        data={"clashes": len(report.clashes), "displaced": report.displaced},
    )
    return report


def _decision_context(application: Application, round: ApplicationRound) -> dict:
    return {
        "application": application,
        "round": round,
        "decision": application.decision,
        "allocations": list(
            application.allocations.filter(status__in=AllocationStatus.holding())
            .select_related("resource__hub")
            .order_by("weekday", "starts_at")
        ),
        "municipality": round.municipality,
    }


def _send_decision(application: Application, round: ApplicationRound) -> int:
    context = _decision_context(application, round)
    sent = 0
    if application.submitted_by_id and notification_enqueue(
        template="sesong/email/decision",
        context=context,
        recipient=application.submitted_by,
        dedupe_key=f"sesong-decision:{application.pk}",
    ):
        sent += 1
    submitter_email = application.submitted_by.email if application.submitted_by_id else ""
    if application.contact_email and application.contact_email.lower() != submitter_email.lower():
        language = getattr(application.submitted_by, "language", None)
        if notification_enqueue(
            template="sesong/email/decision",
            context=context,
            to_address=application.contact_email,
            language=language,
            dedupe_key=f"sesong-decision:{application.pk}:contact",
        ):
            sent += 1
    return 1 if sent else 0


def _publication_clashes(round: ApplicationRound) -> list[Problem]:
    """Every offered time that a booking already holds (e.g. booked before the round)."""
    clashes = []
    offered = Allocation.objects.filter(
        round=round, status=AllocationStatus.OFFERED
    ).select_related("resource__hub", "application__organisation", "round")
    by_resource: dict[int, list[Allocation]] = {}
    for allocation in offered:
        by_resource.setdefault(allocation.resource_id, []).append(allocation)
    for allocations in by_resource.values():
        resource = allocations[0].resource
        spaces = [s.pk for s in atomic_spaces(resource)]
        start = localise(round.season_starts_on, time(0, 0))
        end = localise(round.season_ends_on + timedelta(days=1), time(0, 0))
        busy = [during for _space, during in claims_overlapping(spaces, start, end)]
        if not busy:
            continue
        for allocation in allocations:
            for lo, hi in selectors.allocation_times(allocation).times:
                if any(r.lower < hi and lo < r.upper for r in busy):
                    clashes.append(
                        Problem(
                            _(
                                "%(resource)s is already booked at this time, allocated to "
                                "%(organisation)s; it will not be booked twice."
                            )
                            % {
                                "resource": resource.name,
                                "organisation": allocation.application.organisation.name,
                            },
                            at=lo,
                        )
                    )
    return clashes


def _displace_marked_bookings(by, round: ApplicationRound) -> int:
    """Single bookings accepted "until the season is allocated": those in an offered time
    are cancelled through booking's own path (the booker is told by it); the others stand."""
    displaced = 0
    for held in HeldBooking.objects.filter(round=round, resolved_at__isnull=True).select_related(
        "booking__resource"
    ):
        booking = held.booking
        times = list(
            booking.occurrences.filter(
                resource=booking.resource, status__in=BookingStatus.holding_time()
            ).values_list("starts_at", "ends_at")
        )
        in_the_way = [
            t
            for t in times
            if selectors.season_holds_on(
                resource=booking.resource, times=[t], organisation=booking.organisation
            )
        ]
        if in_the_way:
            booking_cancel(booking=booking, by=by)
            displaced += 1
            _journal(
                round,
                JournalKind.BOOKING_DISPLACED,
                _in_bokmal(
                    lambda b=booking: (
                        _(
                            "Single booking “%(purpose)s” on %(resource)s cancelled: its time was "
                            "allocated."
                        )
                        % {"purpose": b.purpose, "resource": b.resource.name}
                    )
                ),
                actor=by,
                data={"booking": booking.pk},
            )
        held.resolved_at = timezone.now()
        held.save(update_fields=["resolved_at"])
    return displaced


# --------------------------------------------------------------------------- answers


@dataclass
class AcceptanceReport:
    bookings: list[Booking] = field(default_factory=list)
    booked: int = 0
    skipped: list[Problem] = field(default_factory=list)
    closed_days: int = 0


def _answerable(by, application: Application) -> tuple[ApplicationRound, Decision]:
    round = _share_lock_round(application.round)
    if not sesong_permissions.can_apply_for(by, application.organisation):
        raise DomainError(_("You do not answer for this organisation."))
    if round.state != RoundState.PUBLISHED:
        raise DomainError(_("The decision is not published yet, or the round is closed."))
    if timezone.now() > round.accept_by:
        raise DomainError(
            _("The deadline to answer was %(deadline)s.") % {"deadline": _local(round.accept_by)}
        )
    decision = Decision.objects.select_for_update().filter(application=application).first()
    if decision is None or decision.outcome == Outcome.REFUSED:
        raise DomainError(_("Nothing was allocated to this application."))
    if decision.response:
        raise DomainError(
            _("The allocation is already %(answer)s.")
            % {"answer": decision.get_response_display().lower()}
        )
    return round, decision


@transaction.atomic
def allocation_accept(*, by, application: Application) -> AcceptanceReport:
    """The applicant accepts: in one transaction every offered allocation becomes a
    booking series through booking's own write path (each time claimed under its exclusion
    constraint, add-ons with it). Days the hub is closed are not booked; a time a booking
    already holds is skipped and reported — never booked twice."""
    round, decision = _answerable(by, application)
    staff = round.published_by  # books as the staff who published: the municipality's decision
    if staff is None or not staff.is_active:
        raise DomainError(
            _("The decision cannot be booked now: contact %(contact)s.")
            % {"contact": round.contact_email}
        )
    report = AcceptanceReport()
    allocations = list(
        application.allocations.filter(status=AllocationStatus.OFFERED).select_related(
            "resource__hub", "round"
        )
    )
    add_ons = list(application.add_ons.all())
    for allocation in allocations:
        dated = selectors.allocation_times(allocation)
        report.closed_days += len(dated.skipped)
        booking = None
        if dated.times:
            try:
                result = booking_create(
                    booker=by,
                    by=staff,
                    resource=allocation.resource,
                    times=dated.times,
                    purpose=application.activity_name,
                    attendees=application.participants,
                    add_ons=[a for a in add_ons if a.hub_id == allocation.resource.hub_id],
                    all_or_nothing=False,
                    repeat=Repeat.WEEKLY
                    if allocation.frequency == Frequency.WEEKLY
                    else Repeat.EVERY_OTHER_WEEK,
                    organisation=application.organisation,
                )
            except DomainError as refused:
                report.skipped += refused.problems
            else:
                booking = result.booking
                report.bookings.append(booking)
                report.booked += len(result.booked)
                report.skipped += result.skipped
        allocation.status = AllocationStatus.ACCEPTED
        allocation.booking = booking
        allocation.save(update_fields=["status", "booking"])
    decision.response = Response.ACCEPTED
    decision.responded_at = timezone.now()
    decision.responded_by = by
    decision.save(update_fields=["response", "responded_at", "responded_by"])
    _journal(
        round,
        JournalKind.ACCEPTED,
        _in_bokmal(
            lambda: (
                _(
                    "Accepted: %(n)d times booked, %(s)d skipped (taken), %(c)d closed days left "
                    "out."
                )
                % {"n": report.booked, "s": len(report.skipped), "c": report.closed_days}
            )
        ),
        actor=by,
        application=application,
        data={
            "bookings": [b.pk for b in report.bookings],
            "skipped": [str(p) for p in report.skipped],
        },
    )
    invalidate_after_commit(round.municipality_id)
    return report


def _release(allocations, status: str) -> int:
    ids = [a.pk for a in allocations]
    AllocationClaim.objects.filter(allocation_id__in=ids).update(holds=False)
    return Allocation.objects.filter(pk__in=ids).update(status=status)


@transaction.atomic
def allocation_decline(*, by, application: Application) -> int:
    """The applicant declines: the times are free for single bookings at once."""
    round, decision = _answerable(by, application)
    released = _release(
        application.allocations.filter(status=AllocationStatus.OFFERED), AllocationStatus.DECLINED
    )
    decision.response = Response.DECLINED
    decision.responded_at = timezone.now()
    decision.responded_by = by
    decision.save(update_fields=["response", "responded_at", "responded_by"])
    _journal(
        round,
        JournalKind.DECLINED,
        _in_bokmal(lambda: _("Declined: %(n)d weekly times released.") % {"n": released}),
        actor=by,
        application=application,
    )
    invalidate_after_commit(round.municipality_id)
    return released


def allocations_release_unanswered(*, now: datetime | None = None) -> int:
    """Allocations not answered by the deadline are released (periodic task). Each round
    is handled in its own transaction under its lock, skipped if another run holds it, so
    two runs at once release once."""
    now = now or timezone.now()
    released = 0
    due = ApplicationRound.objects.filter(state=RoundState.PUBLISHED, accept_by__lt=now)
    for round_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            round = (
                ApplicationRound.objects.select_for_update(skip_locked=True)
                .filter(pk=round_id, state=RoundState.PUBLISHED, accept_by__lt=now)
                .first()
            )
            if round is None:
                continue
            unanswered = Application.objects.filter(
                round=round,
                status=ApplicationStatus.SUBMITTED,
                allocations__status=AllocationStatus.OFFERED,
            ).distinct()
            for application in unanswered.select_related("submitted_by", "organisation"):
                count = _release(
                    application.allocations.filter(status=AllocationStatus.OFFERED),
                    AllocationStatus.RELEASED,
                )
                released += count
                _journal(
                    round,
                    JournalKind.RELEASED,
                    _in_bokmal(
                        lambda c=count: (
                            _("Not answered by the deadline: %(n)d weekly times released.")
                            % {"n": c}
                        )
                    ),
                    application=application,
                )
                if application.submitted_by_id:
                    notification_enqueue(
                        template="sesong/email/allocation_released",
                        context={"application": application, "round": round},
                        recipient=application.submitted_by,
                        dedupe_key=f"sesong-released:{application.pk}",
                    )
            invalidate_after_commit(round.municipality_id)
    return released


@transaction.atomic
def round_close(*, by, round: ApplicationRound) -> ApplicationRound:
    """Published → closed, once the deadline to answer has passed (unanswered allocations
    are released first)."""
    round = _move(by=by, round=round, to=RoundState.CLOSED, allowed=sesong_permissions.can_allocate)
    if timezone.now() <= round.accept_by:
        raise DomainError(
            _("Applicants may answer until %(deadline)s; close the round after that.")
            % {"deadline": _local(round.accept_by)}
        )
    allocations_release_unanswered()
    previous, round.state = round.state, RoundState.CLOSED
    _moved(by, round, previous)
    return round


# --------------------------------------------------------------------------- holds


def held_booking_mark(*, booking: Booking, holds: Sequence[holds.Hold]) -> None:
    """booking.holds: a single booking accepted in a held time is recorded as holding only
    until the season is allocated, and its booker told so."""
    round = ApplicationRound.objects.get(pk=holds[0].holder)
    HeldBooking.objects.get_or_create(booking=booking, defaults={"round": round})
    _journal(
        round,
        JournalKind.BOOKING_MARKED,
        _in_bokmal(
            lambda: (
                _(
                    "Single booking “%(purpose)s” on %(resource)s accepted until the season is "
                    "allocated."
                )
                % {"purpose": booking.purpose, "resource": booking.resource.name}
            )
        ),
        actor=booking.booker,
        data={"booking": booking.pk, "times": [h.at.isoformat() for h in holds]},
    )
    if booking.booker_id:
        notification_enqueue(
            template="sesong/email/booking_marked",
            context={"booking": booking, "round": round, "holds": list(holds)},
            recipient=booking.booker,
            dedupe_key=f"sesong-marked:{booking.pk}",
        )


# --------------------------------------------------------------------------- privacy


@transaction.atomic
def season_erase_person(*, user) -> int:
    """The person's account is deleted. Applications stay (they are the organisation's,
    and the round's journal is a record for the archive), without the person: no
    submitter, and where the person is the contact, no contact details."""
    emails = {user.email.lower()} | {
        e.lower()
        for e in user.emailaddress_set.filter(verified=True).values_list("email", flat=True)
    }
    touched = Application.objects.filter(submitted_by=user).update(submitted_by=None)
    for application in Application.objects.filter(contact_email__in=[e for e in emails if e]):
        application.contact_name = ""
        application.contact_email = "slettet@slettet.invalid"
        application.contact_phone = ""
        application.save(update_fields=["contact_name", "contact_email", "contact_phone"])
        touched += 1
    return touched
