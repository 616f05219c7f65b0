"""Documenting the activity in the premises: hours booked, occupancy against opening
hours, bookings by kind of booker, cancellations and no-shows, per resource and month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, F, Q, Sum

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


def usage(*, resources, month: date | None = None, year: int | None = None) -> list[ResourceMonth]:
    """Use of each resource in a month (or a whole year): hours booked against the hub's
    opening hours, bookings by kind of booker, cancellations and no-shows.

    The booked times are counted by the database (one aggregate query grouped by
    resource), so a year of a large municipality costs what a month does."""
    if year is not None:
        first = date(year, 1, 1)
        following = date(year + 1, 1, 1)
        start, end = localise(first, time.min), localise(following, time.min)
        days = (following - first).days
    else:
        first = month.replace(day=1)
        start, end, days = month_bounds(first)
    resources = list(resources)
    rows = {r.pk: ResourceMonth(r) for r in resources}
    hubs = list({r.hub for r in resources})
    schedules = hub_schedules(hubs=hubs, at=start, days=days + 1)
    open_hours = {}
    for hub in hubs:
        total = timedelta()
        for day in schedules[hub.pk].week(first, days):
            for interval in day.intervals:
                if interval.is_open:
                    total += interval.end.astimezone(UTC) - interval.start.astimezone(UTC)
        open_hours[hub.pk] = total.total_seconds() / 3600
    confirmed = Q(status=BookingStatus.CONFIRMED)
    by_association = Q(booking__organisation_id__isnull=False)
    deleted = Q(booking__booker_id__isnull=True)  # the booker's account is deleted
    by_staff = Q(booking__booker_id__in=permissions.staff_members().values("pk"))
    counted = (
        Occurrence.objects.filter(
            resource__in=[r.pk for r in resources],
            starts_at__gte=start,
            starts_at__lt=end,
            resource=F("booking__resource"),
        )
        .values("resource_id")
        .annotate(
            booked=Sum(F("ends_at") - F("starts_at"), filter=confirmed),
            confirmed=Count("pk", filter=confirmed),
            cancelled=Count("pk", filter=Q(status=BookingStatus.CANCELLED)),
            association=Count(
                "pk",
                filter=confirmed
                & (by_association | (deleted & Q(booking__booker_kind="association"))),
            ),
            staff=Count(
                "pk",
                filter=confirmed
                & ~by_association
                & ((~deleted & by_staff) | (deleted & Q(booking__booker_kind="staff"))),
            ),
            no_shows=Count("pk", filter=confirmed & Q(no_show=True)),
        )
        .order_by()
    )
    for figures in counted:
        row = rows[figures["resource_id"]]
        row.hours_booked = (figures["booked"] or timedelta()).total_seconds() / 3600
        row.cancelled = figures["cancelled"]
        row.no_shows = figures["no_shows"]
        for kind in ("association", "staff"):
            if figures[kind]:
                row.bookings_by_booker[kind] = figures[kind]
        citizens = figures["confirmed"] - figures["association"] - figures["staff"]
        if citizens:
            row.bookings_by_booker["citizen"] = citizens
    for row in rows.values():
        row.open_hours = open_hours[row.resource.hub_id]
        row.hours_booked = round(row.hours_booked, 1)
    return list(rows.values())
