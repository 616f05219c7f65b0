"""Documenting the activity in the premises: hours booked, occupancy against opening
hours, bookings by kind of booker, cancellations and no-shows, per resource and month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import F

from hubportal import permissions
from knutepunkt.opening_hours import localise
from knutepunkt.selectors import hub_schedules

from .enums import BookingStatus
from .models import Occurrence


@dataclass
class ResourceMonth:
    resource: object
    hours_booked: float = 0.0
    open_hours: float = 0.0
    bookings_by_booker: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    cancelled: int = 0
    no_shows: int = 0

    @property
    def occupancy(self) -> float:
        return round(100 * self.hours_booked / self.open_hours, 1) if self.open_hours else 0.0


def month_bounds(month: date) -> tuple[datetime, datetime, int]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return localise(first, time.min), localise(following, time.min), (following - first).days


def usage(*, resources, month: date) -> list[ResourceMonth]:
    start, end, days = month_bounds(month)
    resources = list(resources)
    rows = {r.pk: ResourceMonth(r) for r in resources}
    hubs = list({r.hub for r in resources})
    schedules = hub_schedules(hubs=hubs, at=start, days=days + 1)
    open_hours = {}
    for hub in hubs:
        total = timedelta()
        for day in schedules[hub.pk].week(month.replace(day=1), days):
            for interval in day.intervals:
                if interval.is_open:
                    total += interval.end.astimezone(UTC) - interval.start.astimezone(UTC)
        open_hours[hub.pk] = total.total_seconds() / 3600
    staff_ids = set(permissions.staff_members().values_list("pk", flat=True))
    occurrences = Occurrence.objects.filter(
        resource__in=resources,
        starts_at__gte=start,
        starts_at__lt=end,
        resource=F("booking__resource"),
    ).select_related("booking")
    for occurrence in occurrences:
        row = rows[occurrence.resource_id]
        if occurrence.status == BookingStatus.CANCELLED:
            row.cancelled += 1
            continue
        if occurrence.status != BookingStatus.CONFIRMED:
            continue
        row.hours_booked += (occurrence.ends_at - occurrence.starts_at).total_seconds() / 3600
        if occurrence.booking.organisation_id:
            kind = "association"
        elif occurrence.booking.booker_id is None:  # the booker's account is deleted
            kind = occurrence.booking.booker_kind or "citizen"
        elif occurrence.booking.booker_id in staff_ids:
            kind = "staff"
        else:
            kind = "citizen"
        row.bookings_by_booker[kind] += 1
        row.no_shows += occurrence.no_show
    for row in rows.values():
        row.open_hours = open_hours[row.resource.hub_id]
        row.hours_booked = round(row.hours_booked, 1)
    return list(rows.values())
