"""Availability from the same data and rules as the booking check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from knutepunkt.opening_hours import OSLO, localise
from knutepunkt.selectors import hub_schedules

from . import rules
from .enums import BookingStatus, ResourceKind
from .models import Occurrence, Resource
from .permissions import books_as_staff
from .spaces import atomic_spaces, claims_overlapping


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime

    @property
    def iso(self) -> str:
        return self.start.isoformat(timespec="minutes")

    @property
    def label(self) -> str:
        return self.start.astimezone(OSLO).strftime("%H:%M")


def busy_ranges(resource: Resource, start: datetime, end: datetime) -> list[DateTimeTZRange]:
    spaces = [space.pk for space in atomic_spaces(resource)]
    return [during for _space, during in claims_overlapping(spaces, start, end)]


def is_bookable(resource: Resource, user, start: datetime, end: datetime, schedule=None) -> bool:
    staff = books_as_staff(user, resource)
    schedule = schedule or hub_schedules(hubs=[resource.hub], at=start)[resource.hub_id]
    if rules.check_times(resource, start, end, schedule, staff=staff):
        return False
    claim = DateTimeTZRange(
        start - timedelta(minutes=resource.buffer_before_minutes),
        end + timedelta(minutes=resource.buffer_after_minutes),
        "[)",
    )
    return not any(
        r.lower < claim.upper and claim.lower < r.upper
        for r in busy_ranges(resource, claim.lower, claim.upper)
    )


def week_view(resource: Resource, user, monday: date) -> list[dict]:
    """Per day: the busy times and the start times at which the shortest booking is free."""
    start = localise(monday, datetime.min.time())
    end = localise(monday + timedelta(days=7), datetime.min.time())
    schedule = hub_schedules(hubs=[resource.hub], at=start)[resource.hub_id]
    busy = busy_ranges(resource, start, end)
    staff = books_as_staff(user, resource)
    length = timedelta(minutes=resource.min_minutes)
    step = timedelta(minutes=resource.granularity_minutes)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        cursor, day_end = (
            localise(day, datetime.min.time()),
            localise(day + timedelta(days=1), datetime.min.time()),
        )
        free = []
        while cursor < day_end:
            slot_end = cursor + length
            claim_lo = cursor - timedelta(minutes=resource.buffer_before_minutes)
            claim_hi = slot_end + timedelta(minutes=resource.buffer_after_minutes)
            clashes = any(r.lower < claim_hi and claim_lo < r.upper for r in busy)
            if not clashes and not rules.check_times(
                resource, cursor, slot_end, schedule, staff=staff
            ):
                free.append(Slot(cursor, slot_end))
            cursor += step
        day_busy = [
            r for r in busy if r.lower < day_end and localise(day, datetime.min.time()) < r.upper
        ]
        days.append({"day": day, "free": free, "busy": day_busy})
    return days


def find_free_rooms(
    *, hubs, start: datetime, end: datetime, people=None, facilities=(), user=None
) -> list[Resource]:
    resources = Resource.objects.filter(hub__in=hubs).exclude(kind__in=ResourceKind.add_ons())
    if people:
        resources = resources.filter(Q(capacity__isnull=True) | Q(capacity__gte=people))
    if facilities:
        resources = resources.filter(facilities__contains=list(facilities))
    resources = list(
        resources.select_related("hub__municipality").prefetch_related("parts__parts", "blackouts")
    )
    if not resources:
        return []
    for resource in resources:
        resource._blackouts = list(resource.blackouts.all())
    schedules = hub_schedules(hubs=list({r.hub for r in resources}), at=start)
    spaces = {r.pk: [s.pk for s in atomic_spaces(r)] for r in resources}
    widest = max(r.buffer_before_minutes + r.buffer_after_minutes for r in resources)
    busy: dict[int, list] = {}
    # One query for every claim near the time, whatever the number of rooms.
    for space_id, during in claims_overlapping(
        [pk for ids in spaces.values() for pk in ids],
        start - timedelta(minutes=widest),
        end + timedelta(minutes=widest),
    ):
        busy.setdefault(space_id, []).append(during)
    free = []
    for resource in resources:
        staff = books_as_staff(user, resource)
        if rules.check_times(resource, start, end, schedules[resource.hub_id], staff=staff):
            continue
        low = start - timedelta(minutes=resource.buffer_before_minutes)
        high = end + timedelta(minutes=resource.buffer_after_minutes)
        if not any(
            r.lower < high and low < r.upper for pk in spaces[resource.pk] for r in busy.get(pk, ())
        ):
            free.append(resource)
    return free


def my_occurrences(user):
    """The user's booked times of the main resource (add-ons go with them)."""
    return (
        Occurrence.objects.filter(booking__booker=user, resource=F("booking__resource"))
        .select_related("booking", "resource__hub__municipality")
        .order_by("starts_at")
    )


def hub_rooms(*, hubs) -> dict[int, dict]:
    """Bookable rooms and the coming week's public bookings of each hub: two queries."""
    hub_ids = [hub.pk for hub in hubs]
    result: dict[int, dict] = {}
    for resource in (
        Resource.objects.filter(hub_id__in=hub_ids, parent__isnull=True)
        .exclude(kind__in=ResourceKind.add_ons())
        .order_by("name")
    ):
        result.setdefault(resource.hub_id, {"rooms": [], "public": []})["rooms"].append(resource)
    now = timezone.now()
    public = (
        Occurrence.objects.filter(
            resource__hub_id__in=hub_ids,
            booking__is_public=True,
            resource=F("booking__resource"),
            status=BookingStatus.CONFIRMED,
            ends_at__gt=now,
            starts_at__lt=now + timedelta(days=7),
        )
        .select_related("booking", "resource")
        .order_by("starts_at")
    )
    for occurrence in public:
        result.setdefault(occurrence.resource.hub_id, {"rooms": [], "public": []})["public"].append(
            occurrence
        )
    return result


def check_series(resource: Resource, user, times) -> list[tuple[datetime, datetime, list[str]]]:
    """For each time: the problems booking it would meet now (empty list: free)."""
    staff = books_as_staff(user, resource)
    if not times:
        return []
    span = (times[-1][1] - times[0][0]).days + 2
    schedule = hub_schedules(hubs=[resource.hub], at=times[0][0], days=span)[resource.hub_id]
    result = []
    for start, end in times:
        problems = rules.check_times(resource, start, end, schedule, staff=staff)
        if not problems and not is_bookable(resource, user, start, end, schedule):
            problems = [_("Already booked.")]
        result.append((start, end, problems))
    return result
