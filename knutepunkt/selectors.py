"""Reads for the citizen pages. Every function that serves a list of hubs does it in a fixed
number of queries, whatever the number of hubs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Cos, Power, Radians
from django.utils import timezone

from .models import (
    District,
    Hub,
    Municipality,
    NewsItem,
    OpeningHoursException,
    OpeningHoursPeriod,
)
from .opening_hours import (
    OSLO,
    DayHours,
    ExceptionPeriod,
    OpeningStatus,
    RegularPeriod,
    Schedule,
    TimeSpan,
    WeeklySpan,
)

SCHEDULE_WINDOW_DAYS = 21  # covers "next opening" (14 days) and the coming week


def local_today(at: datetime | None = None) -> date:
    return (at or timezone.now()).astimezone(OSLO).date()


def _span(row, weekly: bool):
    fields = {
        "opens": row.opens,
        "closes": row.closes,
        "state": row.state,
        "past_midnight": row.past_midnight,
        "note": row.note,
    }
    return WeeklySpan(weekday=row.weekday, **fields) if weekly else TimeSpan(**fields)


def hub_schedules(
    *, hubs: Sequence[Hub], at: datetime | None = None, days: int = SCHEDULE_WINDOW_DAYS
) -> dict[int, Schedule]:
    """The schedule of each hub for `days` from `at`, in four queries for any number of hubs."""
    today = local_today(at)
    first, last = today - timedelta(days=1), today + timedelta(days=days)
    hub_ids = [hub.pk for hub in hubs]
    periods = (
        OpeningHoursPeriod.objects.filter(hub_id__in=hub_ids, valid_from__lte=last)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        .prefetch_related("spans")
    )
    exceptions = OpeningHoursException.objects.filter(
        hub_id__in=hub_ids, start_date__lte=last, end_date__gte=first
    ).prefetch_related("spans")
    by_hub: dict[int, dict[str, list]] = {pk: {"periods": [], "exceptions": []} for pk in hub_ids}
    for period in periods:
        by_hub[period.hub_id]["periods"].append(
            RegularPeriod(
                valid_from=period.valid_from,
                valid_until=period.valid_until,
                spans=tuple(_span(row, weekly=True) for row in period.spans.all()),
                name=period.name,
            )
        )
    for exception in exceptions:
        by_hub[exception.hub_id]["exceptions"].append(
            ExceptionPeriod(
                start=exception.start_date,
                end=exception.end_date,
                kind=exception.kind,
                reason=exception.reason,
                spans=tuple(_span(row, weekly=False) for row in exception.spans.all()),
            )
        )
    return {
        pk: Schedule(periods=tuple(parts["periods"]), exceptions=tuple(parts["exceptions"]))
        for pk, parts in by_hub.items()
    }


@dataclass(frozen=True)
class HubHours:
    hub: Hub
    status: OpeningStatus
    week: list[DayHours]


def hubs_hours(
    *, hubs: Sequence[Hub], at: datetime | None = None, days: int = 7, language: str = "nb"
) -> dict[int, HubHours]:
    """Open-now status and the coming week for every hub, in a fixed number of queries."""
    at = at or timezone.now()
    schedules = hub_schedules(hubs=hubs, at=at)
    today = local_today(at)
    return {
        hub.pk: HubHours(
            hub=hub,
            status=schedules[hub.pk].status(at),
            week=schedules[hub.pk].week(today, days, language),
        )
        for hub in hubs
    }


def hub_opening_status(*, hub: Hub, at: datetime | None = None) -> OpeningStatus:
    at = at or timezone.now()
    return hub_schedules(hubs=[hub], at=at)[hub.pk].status(at)


def hub_week_hours(
    *, hub: Hub, start: date | None = None, days: int = 7, language: str = "nb"
) -> list[DayHours]:
    start = start or local_today()
    at = datetime.combine(start, datetime.min.time(), tzinfo=OSLO)
    return hub_schedules(hubs=[hub], at=at)[hub.pk].week(start, days, language)


def earliest_change(hours: dict[int, HubHours]) -> datetime | None:
    """The first moment any hub's open-now answer changes: a page is valid until then."""
    moments = [h.status.valid_until for h in hours.values() if h.status.valid_until]
    return min(moments) if moments else None


# --------------------------------------------------------------------------- places


class PostcodeMalformed(ValueError):
    """Not four digits."""


def districts_for_postcode(*, postcode: str) -> list[District]:
    """Every district covering the postcode (a shared postcode gives several); an unknown
    postcode gives none. Raises PostcodeMalformed for anything but four digits."""
    value = (postcode or "").strip().replace(" ", "")
    if not (len(value) == 4 and value.isdigit()):
        raise PostcodeMalformed(postcode)
    return list(
        District.objects.filter(postcodes__contains=[value])
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


def municipalities_for_front_page() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


def hubs_with_places(queryset: QuerySet[Hub] | None = None) -> QuerySet[Hub]:
    return (queryset or Hub.objects.all()).select_related("district", "municipality")


def nearest_hubs(*, latitude: float, longitude: float, limit: int = 3) -> list[Hub]:
    """Hubs by distance (equirectangular approximation: exact enough within Norway)."""
    lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    distance = Power(F("latitude") - lat, 2) + Power(
        (F("longitude") - lon) * Cos(Radians(F("latitude"))), 2
    )
    return list(
        hubs_with_places(Hub.objects.filter(latitude__isnull=False))
        .annotate(distance_sq=distance)
        .order_by("distance_sq")[:limit]
    )


def published_news(
    *, municipality: Municipality, district: District | None = None, hubs=(), limit: int = 5
) -> list[NewsItem]:
    """News visible now for a page: the municipality's general news, the district's and its
    hubs'."""
    now = timezone.now()
    scope = Q(district__isnull=True, hub__isnull=True)
    if district is not None:
        scope |= Q(district=district, hub__isnull=True)
    hub_ids = [hub.pk for hub in hubs]
    if hub_ids:
        scope |= Q(hub_id__in=hub_ids)
    return list(
        NewsItem.objects.filter(municipality=municipality, publish_from__lte=now)
        .filter(Q(publish_until__isnull=True) | Q(publish_until__gt=now))
        .filter(scope)
        .select_related("hub")
        .order_by("-publish_from")[:limit]
    )
