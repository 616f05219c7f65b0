"""Reads of seasonal allocation: the rounds a person may see, the held times booking asks
about, the dated times of an allocation, the allocation tool's week grid, the journal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from booking import holds
from booking.enums import Facility, ResourceKind
from booking.models import Resource
from knutepunkt.opening_hours import OSLO, DayHours, localise
from knutepunkt.selectors import hub_schedules

from . import permissions as sesong_permissions
from .enums import (
    AllocationStatus,
    ApplicationStatus,
    Frequency,
    HoldMode,
    PriorityCategory,
    RoundState,
)
from .models import (
    MINUTES_PER_DAY,
    Allocation,
    Application,
    ApplicationRound,
    JournalEntry,
    RoundResource,
    Wish,
)

# --------------------------------------------------------------------------- rounds


def rounds_open_to_the_public(*, municipality=None) -> QuerySet[ApplicationRound]:
    rounds = ApplicationRound.objects.filter(state__in=RoundState.public()).select_related(
        "municipality"
    )
    if municipality is not None:
        rounds = rounds.filter(municipality=municipality)
    return rounds.order_by("closes_at", "pk")


def rounds_for_staff(*, user) -> QuerySet[ApplicationRound]:
    return sesong_permissions.rounds_visible_to_staff(
        user, ApplicationRound.objects.select_related("municipality")
    )


def round_resources(round: ApplicationRound) -> list[Resource]:
    return list(
        Resource.objects.filter(pk__in=round.round_resources.values("resource_id"))
        .select_related("hub")
        .order_by("hub__name", "name")
    )


def applications_of(*, user, round: ApplicationRound | None = None) -> QuerySet[Application]:
    """The applications this user may see: their organisations' (coordinators), their
    municipality's (staff)."""
    found = sesong_permissions.applications_visible_to(
        user,
        Application.objects.select_related("round", "organisation").prefetch_related(
            "wishes__resource", "wishes__hub"
        ),
    )
    if round is not None:
        found = found.filter(round=round)
    return found


def week_parity(round_start: date, day: date) -> int:
    """0 in the week of the season's first day and every other week after it, else 1."""
    first_monday = round_start - timedelta(days=round_start.weekday())
    monday = day - timedelta(days=day.weekday())
    return ((monday - first_monday).days // 7) % 2


def weekly_time_label(weekday: int, starts: time, ends: time) -> str:
    names = [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ]
    return f"{names[weekday]} {starts:%H:%M}–{ends:%H:%M}"


def minutes_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


# --------------------------------------------------------------------------- held times


@dataclass(frozen=True)
class _Held:
    round: ApplicationRound
    organisation_id: int
    weekday: int
    start: int
    end: int
    parities: tuple[int, ...]
    first_day: date
    last_day: date


def _related_resource_ids(resource: Resource) -> set[int]:
    """The resource, the halls it is part of and the parts it has: a time held on any of
    them holds the resource."""
    ids = {resource.pk}
    parent = resource.parent
    while parent is not None:
        ids.add(parent.pk)
        parent = parent.parent
    frontier = [resource.pk]
    while frontier:
        frontier = list(
            Resource.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return ids


def _held_weekly_times(resource: Resource, first: date, last: date) -> list[_Held]:
    """Every weekly time held on the resource by a round between two days: before
    publication the wished times on it and the proposed allocations; after publication the
    allocations offered and not yet answered (accepted ones are bookings by then)."""
    related = _related_resource_ids(resource)
    rounds = {
        rr.round_id: rr.round
        for rr in RoundResource.objects.filter(
            resource_id__in=related,
            round__state__in=[*RoundState.holding(), RoundState.PUBLISHED],
            round__season_starts_on__lte=last,
            round__season_ends_on__gte=first,
        ).select_related("round")
    }
    if not rounds:
        return []
    held: list[_Held] = []
    before = [pk for pk, r in rounds.items() if r.state in RoundState.holding()]
    after = [pk for pk, r in rounds.items() if r.state == RoundState.PUBLISHED]
    for wish in Wish.objects.filter(
        application__round_id__in=before,
        application__status=ApplicationStatus.SUBMITTED,
        resource_id__in=related,
    ).select_related("application"):
        held.append(
            _Held(
                rounds[wish.application.round_id],
                wish.application.organisation_id,
                wish.weekday,
                minutes_of(wish.starts_at),
                minutes_of(wish.ends_at),
                (0, 1),
                wish.first_day,
                wish.last_day,
            )
        )
    allocations = Allocation.objects.filter(resource_id__in=related).filter(
        Q(round_id__in=before, status=AllocationStatus.PROPOSED)
        | Q(round_id__in=after, status=AllocationStatus.OFFERED)
    )
    for allocation in allocations.select_related("application"):
        held.append(
            _Held(
                rounds[allocation.round_id],
                allocation.application.organisation_id,
                allocation.weekday,
                minutes_of(allocation.starts_at),
                minutes_of(allocation.ends_at),
                (0, 1) if allocation.frequency == Frequency.WEEKLY else (allocation.parity,),
                allocation.first_day,
                allocation.last_day,
            )
        )
    return held


def _holds_time(held: _Held, start: datetime, end: datetime) -> bool:
    local = start.astimezone(OSLO)
    day = local.date()
    if not (held.first_day <= day <= held.last_day) or day.weekday() != held.weekday:
        return False
    if week_parity(held.round.season_starts_on, day) not in held.parities:
        return False
    lo = local.hour * 60 + local.minute
    hi = lo + int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() // 60)
    return lo < held.end and held.start < hi


def season_holds_on(*, resource: Resource, times, organisation) -> list[holds.Hold]:
    """booking.holds: the times of a booking by someone not booking as staff that fall
    in a weekly time held by a round (the organisation the time is held for passes)."""
    if not times:
        return []
    first = min(s for s, _e in times).astimezone(OSLO).date()
    last = max(e for _s, e in times).astimezone(OSLO).date()
    held = [
        h
        for h in _held_weekly_times(resource, first, last)
        if organisation is None or h.organisation_id != organisation.pk
    ]
    found = []
    for start, end in times:
        hit = next((h for h in held if _holds_time(h, start, end)), None)
        if hit is None:
            continue
        refuse = hit.round.hold_mode == HoldMode.REFUSE
        if refuse:
            message = _(
                "The time is held for the season allocation “%(round)s” until its "
                "allocation is published."
            ) % {"round": hit.round.name}
        else:
            message = _(
                "The time is in the season allocation “%(round)s”: the booking holds only "
                "until the season is allocated."
            ) % {"round": hit.round.name}
        found.append(holds.Hold(at=start, message=message, refuse=refuse, holder=hit.round.pk))
    return found


def season_held_times(*, resource_ids, start: datetime, end: datetime) -> list[holds.HeldTime]:
    """booking.holds: the weekly times held by a round on a resource (the first of the ids
    that is part of no other: the grid's resource, its atomic spaces after it), dated
    between two moments."""
    ids = set(resource_ids)
    resources = list(Resource.objects.filter(pk__in=ids).select_related("parent"))
    top = next((r for r in resources if r.parent_id not in ids), None)
    if top is None:
        return []
    first, last = start.astimezone(OSLO).date(), end.astimezone(OSLO).date()
    found = []
    for held in _held_weekly_times(top, first, last):
        day = first
        while day <= last:
            if (
                day.weekday() == held.weekday
                and held.first_day <= day <= held.last_day
                and week_parity(held.round.season_starts_on, day) in held.parities
            ):
                lo = localise(day, time(held.start // 60, held.start % 60))
                hi = _at_minutes(day, held.end)
                if lo < end and start < hi:
                    found.append(
                        holds.HeldTime(
                            resource_id=top.pk,
                            starts_at=lo,
                            ends_at=hi,
                            label=_("Held until the season “%(round)s” is allocated")
                            % {"round": held.round.name},
                        )
                    )
            day += timedelta(days=1)
    return sorted(found, key=lambda h: h.starts_at)


def _at_minutes(day: date, minutes: int) -> datetime:
    if minutes >= MINUTES_PER_DAY:
        return localise(day + timedelta(days=1), time(0, 0))
    return localise(day, time(minutes // 60, minutes % 60))


# --------------------------------------------------------------------------- dated times


def _inside_open(day_hours: DayHours, start: datetime, end: datetime) -> bool:
    cursor, end = start.astimezone(UTC), end.astimezone(UTC)
    for interval in sorted(day_hours.intervals, key=lambda i: i.start):
        if not interval.is_open:
            continue
        opens, closes = interval.start.astimezone(UTC), interval.end.astimezone(UTC)
        if opens <= cursor < closes:
            cursor = closes
        if cursor >= end:
            return True
    return False


@dataclass(frozen=True)
class DatedTimes:
    times: list[tuple[datetime, datetime]]
    skipped: list[tuple[date, str]]  # closed days: (day, why)


def allocation_times(allocation: Allocation, schedule=None) -> DatedTimes:
    """The dated times of an allocation in its season: its weekday, every week or every
    other week, without the days the hub is closed (public holidays, the municipality's
    closed eves, exception periods; and, for a room bookable only in opening hours, any day
    the hub is not open for the whole time) — by the opening-hours engine."""
    resource = allocation.resource
    first, last = allocation.first_day, allocation.last_day
    if schedule is None:
        schedule = hub_schedules(
            hubs=[resource.hub],
            at=localise(first, time(0, 0)),
            days=(last - first).days + 1,
        )[resource.hub_id]
    season_start = allocation.round.season_starts_on
    times, skipped = [], []
    day = first + timedelta(days=(allocation.weekday - first.weekday()) % 7)
    while day <= last:
        if allocation.frequency == Frequency.WEEKLY or (
            week_parity(season_start, day) == allocation.parity
        ):
            start = localise(day, allocation.starts_at)
            end = _at_minutes(day, minutes_of(allocation.ends_at))
            hours = schedule.day_hours(day)
            if hours.is_closed and (hours.is_holiday or hours.is_exception):
                skipped.append((day, hours.holiday or hours.exception_reason or _("Closed")))
            elif resource.only_in_opening_hours and not _inside_open(hours, start, end):
                skipped.append((day, _("The hub is not open for the whole time.")))
            else:
                times.append((start, end))
        day += timedelta(days=7)
    return DatedTimes(times, skipped)


# --------------------------------------------------------------------------- the tool


@dataclass
class GridEntry:
    kind: str  # "wish" or "allocation"
    application: Application
    label: str
    start: int
    end: int
    preference: int | None = None
    allocation: Allocation | None = None
    wish: Wish | None = None
    clashes: bool = False

    @property
    def is_allocation(self) -> bool:
        return self.kind == "allocation"


@dataclass
class GridDay:
    weekday: int
    name: str
    entries: list[GridEntry] = field(default_factory=list)


def allocation_grid(round: ApplicationRound, resource: Resource) -> list[GridDay]:
    """The resource's week: every wish for it (named, or at its hub with any suitable
    room) and every allocation on it, per weekday in time order; a wish or allocation that
    overlaps another is marked as a clash."""
    wishes = (
        Wish.objects.filter(
            application__round=round, application__status=ApplicationStatus.SUBMITTED
        )
        .filter(Q(resource=resource) | Q(resource__isnull=True, hub_id=resource.hub_id))
        .select_related("application__organisation")
    )
    allocations = Allocation.objects.filter(
        round=round, resource=resource, status__in=AllocationStatus.holding()
    ).select_related("application__organisation", "wish")
    days = [GridDay(n, weekly_time_label(n, time(0), time(0)).split()[0]) for n in range(7)]
    for wish in wishes:
        days[wish.weekday].entries.append(
            GridEntry(
                "wish",
                wish.application,
                weekly_time_label(wish.weekday, wish.starts_at, wish.ends_at),
                minutes_of(wish.starts_at),
                minutes_of(wish.ends_at),
                preference=wish.preference,
                wish=wish,
            )
        )
    for allocation in allocations:
        days[allocation.weekday].entries.append(
            GridEntry(
                "allocation",
                allocation.application,
                weekly_time_label(allocation.weekday, allocation.starts_at, allocation.ends_at),
                minutes_of(allocation.starts_at),
                minutes_of(allocation.ends_at),
                preference=allocation.wish.preference if allocation.wish else None,
                allocation=allocation,
            )
        )
    for day in days:
        day.entries.sort(key=lambda e: (e.start, e.kind != "allocation", e.application.pk))
        wished = [e for e in day.entries if e.kind == "wish"]
        for entry in wished:
            entry.clashes = any(
                other is not entry
                and other.application.pk != entry.application.pk
                and other.start < entry.end
                and entry.start < other.end
                for other in wished
            )
    return days


@dataclass(frozen=True)
class ApplicantTotal:
    application: Application
    wished_minutes: int
    given_minutes: int
    wishes: int
    given: int

    @property
    def wished_hours(self) -> float:
        return round_hours(self.wished_minutes)

    @property
    def given_hours(self) -> float:
        return round_hours(self.given_minutes)


def applicant_totals(round: ApplicationRound) -> list[ApplicantTotal]:
    """Per application: what it asked for and what it has been given so far (minutes a
    week, every other week counted as half)."""
    applications = (
        Application.objects.filter(round=round, status=ApplicationStatus.SUBMITTED)
        .select_related("organisation")
        .prefetch_related(
            "wishes",
            Prefetch(
                "allocations",
                queryset=Allocation.objects.filter(status__in=AllocationStatus.holding()),
                to_attr="holding_allocations",
            ),
        )
    )
    totals = []
    for application in applications:
        wishes = list(application.wishes.all())
        given = application.holding_allocations
        totals.append(
            ApplicantTotal(
                application,
                sum(_weekly_minutes(w) for w in wishes),
                sum(_weekly_minutes(a) for a in given),
                len(wishes),
                len(
                    {a.wish_id for a in given if a.wish_id} | {a.pk for a in given if not a.wish_id}
                ),
            )
        )
    return sorted(
        totals,
        key=lambda t: (
            round.priority_order.index(t.application.category)
            if t.application.category in round.priority_order
            else 99,
            t.application.organisation.name,
        ),
    )


def _weekly_minutes(timed) -> int:
    length = timed.length_minutes
    return length if timed.frequency == Frequency.WEEKLY else length // 2


def rooms_of_round(round: ApplicationRound) -> list[Resource]:
    """The rooms of the round (not its equipment), each with its facilities' names."""
    rooms = [r for r in round_resources(round) if r.kind not in ResourceKind.add_ons()]
    for room in rooms:
        room.facility_labels = [Facility(f).label for f in room.facilities]
    return rooms


# --------------------------------------------------------------------------- records


def journal_of(round: ApplicationRound) -> QuerySet[JournalEntry]:
    return round.journal.select_related("application__organisation").order_by("at", "pk")


JOURNAL_COLUMNS = ("at", "kind", "application", "organisation", "text", "by")


def journal_rows(round: ApplicationRound) -> list[dict]:
    return [
        {
            "at": timezone.localtime(entry.at).isoformat(),
            "kind": entry.kind,
            "application": entry.application.reference if entry.application else "",
            "organisation": entry.application.organisation.name if entry.application else "",
            "text": entry.text,
            "by": entry.actor_name,
            "data": entry.data,
        }
        for entry in journal_of(round)
    ]


def usage_by_category(round: ApplicationRound) -> list[dict]:
    """Per priority category: applications, wishes, allocations, weekly hours given, and
    the share of applications that got their first wish."""
    stats: dict[str, dict] = defaultdict(
        lambda: {"applications": 0, "wishes": 0, "given": 0, "minutes": 0, "first_wish": 0}
    )
    applications = Application.objects.filter(
        round=round, status=ApplicationStatus.SUBMITTED
    ).prefetch_related(
        "wishes",
        Prefetch(
            "allocations",
            queryset=Allocation.objects.filter(status__in=AllocationStatus.holding()),
            to_attr="holding_allocations",
        ),
    )
    for application in applications:
        row = stats[application.category]
        row["applications"] += 1
        wishes = sorted(application.wishes.all(), key=lambda w: w.preference)
        row["wishes"] += len(wishes)
        row["given"] += len(application.holding_allocations)
        row["minutes"] += sum(_weekly_minutes(a) for a in application.holding_allocations)
        if wishes and any(
            a.wish_id == wishes[0].pk and not a.partial for a in application.holding_allocations
        ):
            row["first_wish"] += 1
    result = []
    for category in round.priority_order:
        row = stats.get(
            category, {"applications": 0, "wishes": 0, "given": 0, "minutes": 0, "first_wish": 0}
        )
        result.append(
            {
                "category": category,
                "label": PriorityCategory(category).label,
                "first_wish_percent": round_percent(row["first_wish"], row["applications"]),
                **row,
                "hours": round_hours(row["minutes"]),
                "first_wish_share": (row["first_wish"] / row["applications"])
                if row["applications"]
                else None,
            }
        )
    return result


def round_hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def round_percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def deadline_label(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j. F Y H:i")


@dataclass(frozen=True)
class MatrixRow:
    label: str
    cells: list[list[GridEntry]]


def week_matrix(days: list[GridDay], step: int = 30) -> list[MatrixRow]:
    """The week grid as rows of time (every half hour from the earliest wish or
    allocation to the latest) × weekdays: each cell lists what covers that half hour."""
    entries = [e for day in days for e in day.entries]
    if not entries:
        return []
    first = min(e.start for e in entries) // step * step
    last = max(e.end for e in entries)
    rows = []
    for lo in range(first, last, step):
        hi = lo + step
        rows.append(
            MatrixRow(
                f"{lo // 60:02d}:{lo % 60:02d}",
                [[e for e in day.entries if e.start < hi and lo < e.end] for day in days],
            )
        )
    return rows
