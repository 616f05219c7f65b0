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
from django.utils.translation import get_language

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
    DatedSpan,
    DayHours,
    ExceptionPeriod,
    OpeningStatus,
    RegularPeriod,
    Schedule,
    WeeklySpan,
    holiday_calendar,
)
from .opening_status import StatusWording, opening_status_wording

SCHEDULE_WINDOW_DAYS = 21  # covers "next opening" (14 days) and the coming week


def local_today(at: datetime | None = None) -> date:
    return (at or timezone.now()).astimezone(OSLO).date()


def _active_language(language: str | None) -> str:
    return (language or get_language() or "nb")[:2]


def _weekly_span(row) -> WeeklySpan:
    return WeeklySpan(weekday=row.weekday, **_span_fields(row))


def _dated_span(row) -> DatedSpan:
    return DatedSpan(day=row.day, **_span_fields(row))


def _span_fields(row) -> dict:
    return {
        "opens": row.opens,
        "closes": row.closes,
        "state": row.state,
        "past_midnight": row.past_midnight,
        "note": row.note,
    }


def hub_schedules(
    *, hubs: Sequence[Hub], at: datetime | None = None, days: int = SCHEDULE_WINDOW_DAYS
) -> dict[int, Schedule]:
    """The schedule of each hub for `days` from `at` (and the day before, for spans past
    midnight), in four queries for any number of hubs: periods, their spans, exceptions,
    their spans. Each hub's holiday calendar follows its municipality's closed eves, read
    along with the periods and exceptions (a hub with neither is closed whatever the
    calendar says)."""
    today = local_today(at)
    first, last = today - timedelta(days=1), today + timedelta(days=days)
    hub_ids = [hub.pk for hub in hubs]
    closed_eves = F("hub__municipality__closed_eves")
    periods = (
        OpeningHoursPeriod.objects.filter(hub_id__in=hub_ids, valid_from__lte=last)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        .annotate(closed_eves=closed_eves)
        .prefetch_related("spans")
    )
    exceptions = (
        OpeningHoursException.objects.filter(
            hub_id__in=hub_ids, start_date__lte=last, end_date__gte=first
        )
        .annotate(closed_eves=closed_eves)
        .prefetch_related("spans")
    )
    by_hub: dict[int, dict[str, list]] = {pk: {"periods": [], "exceptions": []} for pk in hub_ids}
    eves: dict[int, list[str]] = {}
    for period in periods:
        eves[period.hub_id] = period.closed_eves
        by_hub[period.hub_id]["periods"].append(
            RegularPeriod(
                valid_from=period.valid_from,
                valid_until=period.valid_until,
                spans=tuple(_weekly_span(row) for row in period.spans.all()),
                name=period.name,
            )
        )
    for exception in exceptions:
        eves[exception.hub_id] = exception.closed_eves
        by_hub[exception.hub_id]["exceptions"].append(
            ExceptionPeriod(
                start=exception.start_date,
                end=exception.end_date,
                kind=exception.kind,
                reason=exception.reason,
                spans=tuple(_dated_span(row) for row in exception.spans.all()),
            )
        )
    return {
        pk: Schedule(
            periods=tuple(parts["periods"]),
            exceptions=tuple(parts["exceptions"]),
            holiday_lookup=holiday_calendar(eves.get(pk)),
        )
        for pk, parts in by_hub.items()
    }


@dataclass(frozen=True)
class HubHours:
    hub: Hub
    status: OpeningStatus
    week: list[DayHours]
    wording: StatusWording  # the status in words, in the language asked for
    today: date  # in Oslo: the week table marks it
    schedule: Schedule  # what the answers were worked out from (the page's JSON-LD reads it)


def hubs_hours(
    *,
    hubs: Sequence[Hub],
    at: datetime | None = None,
    days: int = 7,
    language: str | None = None,
    schedule_days: int = SCHEDULE_WINDOW_DAYS,
) -> dict[int, HubHours]:
    """Open-now status and the coming `days` (from today in Oslo) for every hub, keyed by
    hub id, in four queries whatever the number of hubs. Holiday names are in `language`
    (default: the active language). Each schedule covers at least `schedule_days`."""
    at = at or timezone.now()
    language = _active_language(language)
    schedules = hub_schedules(hubs=hubs, at=at, days=max(days, schedule_days))
    today = local_today(at)
    return {
        hub.pk: HubHours(
            hub=hub,
            status=schedules[hub.pk].status(at),
            week=schedules[hub.pk].week(today, days, language),
            wording=opening_status_wording(schedules[hub.pk], at, language),
            today=today,
            schedule=schedules[hub.pk],
        )
        for hub in hubs
    }


def hubs_opening_status(
    *, hubs: Sequence[Hub], at: datetime | None = None
) -> dict[int, OpeningStatus]:
    """Open now? Closes at? Next opening? For every hub, keyed by hub id, in four queries."""
    at = at or timezone.now()
    schedules = hub_schedules(hubs=hubs, at=at)
    return {hub.pk: schedules[hub.pk].status(at) for hub in hubs}


def hub_opening_status(*, hub: Hub, at: datetime | None = None) -> OpeningStatus:
    """Open now (and in which state), until when, and the next opening when closed
    (looking up to two weeks ahead, past holidays and closed exceptions)."""
    return hubs_opening_status(hubs=[hub], at=at)[hub.pk]


def hub_week_hours(
    *, hub: Hub, start: date | None = None, days: int = 7, language: str | None = None
) -> list[DayHours]:
    """The hours of each day from `start` (default today in Oslo): its intervals, whether an
    exception or a holiday (named in `language`) makes it differ from the regular week."""
    start = start or local_today()
    at = datetime.combine(start, datetime.min.time(), tzinfo=OSLO)
    schedule = hub_schedules(hubs=[hub], at=at, days=days)[hub.pk]
    return schedule.week(start, days, _active_language(language))


def hours_period_valid_on(*, hub: Hub, day: date) -> OpeningHoursPeriod | None:
    """The hub's regular hours period that holds on the day (periods never overlap)."""
    return (
        OpeningHoursPeriod.objects.filter(hub=hub, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .first()
    )


def earliest_change(hours: dict[int, HubHours]) -> datetime | None:
    """The first moment any hub's open-now answer (or its words: "tomorrow" becomes
    "today" at midnight) changes: a page is valid until then."""
    moments = [h.wording.valid_until for h in hours.values() if h.wording.valid_until]
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


_municipality_ids: dict[str, int | None] = {}


def municipality_scope(slug: str) -> int | None:
    """The municipality id for an address slug, remembered in the process (slugs are the
    addresses themselves and practically never change), so a cached page is found without
    touching the database."""
    if slug not in _municipality_ids:
        _municipality_ids[slug] = (
            Municipality.objects.filter(slug=slug).values_list("pk", flat=True).first()
        )
    return _municipality_ids[slug]


@dataclass(frozen=True)
class PlaceNames:
    """The names of the municipalities and hubs a list of search hits belongs to."""

    municipalities: dict[int, str]
    hubs: dict[int, str]


def place_names(*, municipality_ids: Sequence[int], hub_ids: Sequence[int]) -> PlaceNames:
    """Names by id, in two queries whatever the number of ids (search results name the
    municipality and the hub of each hit)."""
    municipalities = dict(
        Municipality.objects.filter(pk__in=set(municipality_ids)).values_list("pk", "name")
    )
    hubs = dict(Hub.objects.filter(pk__in=set(hub_ids)).values_list("pk", "name"))
    return PlaceNames(municipalities=municipalities, hubs=hubs)
