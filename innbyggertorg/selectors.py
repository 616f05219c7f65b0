"""Reads for service pages and the hub sections, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from knutepunkt.opening_hours import OSLO

from .enums import EventStatus
from .models import (
    Event,
    Registration,
    ScheduleCancellation,
    ServiceOffer,
    ServiceSchedule,
    ServiceType,
)
from .recurrence import Occurrence, ScheduleRule, next_occurrence, occurrences

UPCOMING_DAYS = 60


def schedule_rule(schedule: ServiceSchedule) -> ScheduleRule:
    return ScheduleRule(
        recurrence=schedule.recurrence,
        start=schedule.start_date,
        end=schedule.end_date,
        opens=schedule.opens,
        closes=schedule.closes,
        weekday=schedule.weekday,
        week_of_month=schedule.week_of_month,
        dates=tuple(schedule.dates),
        mode=schedule.mode,
        cancellations=[(c.date, c.reason) for c in schedule.cancellations.all()],
        closed_eves=frozenset(schedule.hub.municipality.closed_eves),
    )


def _current_schedules(queryset: QuerySet[ServiceSchedule], today) -> QuerySet[ServiceSchedule]:
    return (
        queryset.filter(end_date__gte=today)
        .select_related("service_type__municipality", "hub__municipality")
        .prefetch_related(
            Prefetch("cancellations", ScheduleCancellation.objects.filter(date__gte=today))
        )
    )


@dataclass(frozen=True)
class NextVisit:
    schedule: ServiceSchedule
    occurrence: Occurrence


def hub_services(*, hubs: Sequence, at: datetime | None = None) -> dict[int, dict]:
    """For each hub: its service offers and the next visit of each rotating service.
    Three queries for any number of hubs."""
    at = at or timezone.now()
    hub_ids = [hub.pk for hub in hubs]
    result: dict[int, dict] = {pk: {"offers": [], "visits": []} for pk in hub_ids}
    offers = ServiceOffer.objects.filter(hub_id__in=hub_ids).select_related("service_type")
    for offer in offers:
        result[offer.hub_id]["offers"].append(offer)
    today = at.astimezone(OSLO).date()
    for schedule in _current_schedules(ServiceSchedule.objects.filter(hub_id__in=hub_ids), today):
        occurrence = next_occurrence(schedule_rule(schedule), at.astimezone(OSLO))
        if occurrence is not None:
            result[schedule.hub_id]["visits"].append(NextVisit(schedule, occurrence))
    for data in result.values():
        data["visits"].sort(key=lambda visit: visit.occurrence.interval.start)
    return {pk: data for pk, data in result.items() if data["offers"] or data["visits"]}


def service_where_and_when(
    *, service_type: ServiceType, at: datetime | None = None, days: int = UPCOMING_DAYS
) -> list[NextVisit]:
    """Every coming time the service is at a hub of the municipality, soonest first."""
    at = at or timezone.now()
    today = at.astimezone(OSLO).date()
    visits = []
    for schedule in _current_schedules(service_type.schedules.all(), today):
        for occurrence in occurrences(schedule_rule(schedule), today, today + timedelta(days=days)):
            if occurrence.interval.end > at:
                visits.append(NextVisit(schedule, occurrence))
    return sorted(visits, key=lambda visit: visit.occurrence.interval.start)


def hub_visits(*, hub, at: datetime | None = None, days: int = UPCOMING_DAYS) -> list[NextVisit]:
    at = at or timezone.now()
    today = at.astimezone(OSLO).date()
    visits = []
    for schedule in _current_schedules(hub.service_schedules.all(), today):
        for occurrence in occurrences(schedule_rule(schedule), today, today + timedelta(days=days)):
            visits.append(NextVisit(schedule, occurrence))
    return sorted(visits, key=lambda visit: visit.occurrence.interval.start)


def service_hubs(*, service_type: ServiceType) -> list[ServiceOffer]:
    return list(
        service_type.offers.select_related("hub__district", "hub__municipality").order_by(
            "hub__name"
        )
    )


def missing_base_modules(*, hubs: Sequence) -> dict[int, list[ServiceType]]:
    """For each hub, the base modules of its municipality it does not offer (equal
    treatment across hubs). Two queries."""
    municipality_ids = {hub.municipality_id for hub in hubs}
    base = defaultdict(list)
    for service in ServiceType.objects.filter(
        municipality_id__in=municipality_ids, is_base_module=True
    ).order_by("name"):
        base[service.municipality_id].append(service)
    offered = defaultdict(set)
    for hub_id, service_id in ServiceOffer.objects.filter(
        hub_id__in=[hub.pk for hub in hubs]
    ).values_list("hub_id", "service_type_id"):
        offered[hub_id].add(service_id)
    return {
        hub.pk: [s for s in base[hub.municipality_id] if s.pk not in offered[hub.pk]]
        for hub in hubs
    }


def upcoming_events(
    *, municipality, filters: dict | None = None, at: datetime | None = None
) -> QuerySet:
    at = at or timezone.now()
    filters = filters or {}
    events = Event.objects.filter(municipality=municipality, ends_at__gt=at).select_related(
        "hub__district", "hub__municipality"
    )
    if filters.get("start"):
        events = events.filter(starts_at__date__gte=filters["start"])
    if filters.get("end"):
        events = events.filter(starts_at__date__lte=filters["end"])
    if filters.get("district"):
        events = events.filter(hub__district=filters["district"])
    if filters.get("audience"):
        events = events.filter(audience__in=[filters["audience"], "all"])
    if filters.get("category"):
        events = events.filter(category=filters["category"])
    if filters.get("free"):
        events = events.filter(status=EventStatus.SCHEDULED).filter(
            Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity"))
        )
    return events.order_by("starts_at", "pk")  # a stable order, page after page


def hub_events(*, hubs: Sequence, at: datetime | None = None, per_hub: int = 3) -> dict[int, list]:
    """The next events of each hub, in one query for any number of hubs."""
    at = at or timezone.now()
    result: dict[int, list] = defaultdict(list)
    events = (
        Event.objects.filter(hub__in=[h.pk for h in hubs], ends_at__gt=at)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("hub_id")], order_by=F("starts_at").asc())
        )
        .filter(rank__lte=per_hub)
        .select_related("hub__municipality")
        .order_by("starts_at")
    )
    for event in events:
        result[event.hub_id].append(event)
    return dict(result)


def person_registrations(*, user, addresses) -> QuerySet[Registration]:
    """The person's registrations: with their account, and as a guest with one of their
    verified addresses."""
    guest = Q(pk__in=[])
    for address in addresses:
        guest |= Q(email__iexact=address)
    return Registration.objects.filter(Q(user=user) | (Q(user__isnull=True) & guest))
