"""The API's reads: each builds one answer from the apps' own selectors and engines (the
opening-hours engine, rotating service hours, booking's week grid), in a fixed number of
queries whatever the page holds. Nothing here writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.enums import CellState
from booking.models import Occurrence, Resource
from booking.selectors import my_occurrences, week_grid
from booking.statistics import usage
from frivillighet.models import Opportunity, Shift
from hubportal.accounts.selectors import person_verified_addresses
from innbyggertorg.enums import EventStatus, RegistrationMode, ServiceCategory
from innbyggertorg.models import Event, Registration, ServiceOffer, ServiceSchedule, ServiceType
from innbyggertorg.recurrence import occurrences
from innbyggertorg.selectors import person_registrations, schedule_rule
from knutepunkt.enums import SpanState
from knutepunkt.models import District, Hub, Municipality, NewsItem
from knutepunkt.opening_hours import OSLO, DayHours, localise
from knutepunkt.selectors import hub_schedules, local_today

from . import schemas
from .dcat import catalogue_path, licence_uri
from .errors import ApiError
from .permissions import token_may_read, token_readable


def absolute(path: str) -> str:
    """An address on the portal, from its configured origin (never the request's Host: a
    shared copy must not carry what one reader sent)."""
    return settings.SITE_URL + path


def api_path(name: str, **kwargs) -> str:
    return absolute(reverse(f"api-v1:{name}", kwargs=kwargs))


# --------------------------------------------------------------------------- paging


def page_of(
    *,
    path: str,
    queryset: QuerySet,
    filters: schemas.Paging,
    item: Callable,
    items_of: Callable[[list], list] | None = None,
) -> schemas.Page:
    """One page of the queryset (two queries: the count and the rows), with the addresses
    of the pages before and after it."""
    count = queryset.count()
    rows = list(queryset[filters.offset : filters.offset + filters.limit])
    items = items_of(rows) if items_of else [item(row) for row in rows]
    given = filters.model_dump(exclude_defaults=True, exclude={"offset", "limit"}, mode="json")

    def address(offset: int) -> str:
        query = {**given, "limit": filters.limit, "offset": offset}
        return absolute(path) + "?" + urlencode(query, doseq=True)

    following = filters.offset + filters.limit
    return schemas.Page(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        next=address(following) if following < count else None,
        previous=address(max(0, filters.offset - filters.limit)) if filters.offset else None,
        items=items,
    )


def date_range(filters: schemas.DateRange, *, default_days: int = 7) -> tuple[date, date]:
    """The first and last date asked for (today and the coming week by default), refused
    when they are reversed or further apart than the API serves in one request."""
    start = filters.start or local_today()
    end = filters.end or start + timedelta(days=default_days - 1)
    if end < start:
        raise ApiError(
            422, _("The end date must be on or after the start date."), field="end", code="order"
        )
    if (end - start).days + 1 > schemas.MAX_RANGE_DAYS:
        raise ApiError(
            422,
            _("At most %(days)s days at a time: ask for a shorter range."),
            field="end",
            code="range_too_long",
            params={"days": schemas.MAX_RANGE_DAYS},
        )
    return start, end


def next_midnight() -> datetime:
    """When "today" changes in Oslo: an answer whose default dates start today lasts until
    then."""
    return localise(local_today() + timedelta(days=1), time(0))


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None


# --------------------------------------------------------------------------- places


def municipality_out(municipality: Municipality) -> schemas.MunicipalityOut:
    return schemas.MunicipalityOut(
        id=municipality.pk,
        name=municipality.name,
        slug=municipality.slug,
        number=municipality.number,
        website=municipality.website,
        phone=municipality.phone,
        languages=list(municipality.languages),
        closed_eves=list(municipality.closed_eves),
        organisation_number=municipality.organisation_number,
        data_licence=str(licence_uri(municipality)),
        links=schemas.MunicipalityLinks(
            html=absolute(municipality.get_absolute_url()),
            data_catalogue=absolute(catalogue_path(municipality)),
        ),
    )


def data_catalogue_out(municipality: Municipality) -> schemas.DataCatalogueOut:
    return schemas.DataCatalogueOut(
        municipality=municipality.slug,
        name=municipality.name,
        licence=str(licence_uri(municipality)),
        turtle=absolute(catalogue_path(municipality)),
        json_ld=absolute(catalogue_path(municipality, "jsonld")),
        rdf_xml=absolute(catalogue_path(municipality, "rdfxml")),
    )


def municipality_by_slug(slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name", "pk")


def municipality(pk: int) -> Municipality:
    return get_object_or_404(Municipality, pk=pk)


def district_out(district: District) -> schemas.DistrictOut:
    return schemas.DistrictOut(
        id=district.pk,
        municipality_id=district.municipality_id,
        name=district.name,
        slug=district.slug,
        description=district.description,
        postcodes=list(district.postcodes),
        links=schemas.Links(html=absolute(district.get_absolute_url())),
    )


def districts(filters: schemas.DistrictFilters) -> QuerySet[District]:
    found = District.objects.select_related("municipality").order_by(
        "municipality__name", "name", "pk"
    )
    if filters.municipality:
        found = found.filter(municipality__slug=filters.municipality)
    if filters.postcode:
        found = found.filter(postcodes__contains=[filters.postcode])
    return found


def district(pk: int) -> District:
    return get_object_or_404(District.objects.select_related("municipality"), pk=pk)


def hub_out(hub: Hub) -> schemas.HubOut:
    slugs = {"municipality": hub.municipality.slug, "hub": hub.slug}
    coordinates = None
    if hub.latitude is not None and hub.longitude is not None:
        coordinates = schemas.Coordinates(
            latitude=float(hub.latitude), longitude=float(hub.longitude)
        )
    return schemas.HubOut(
        id=hub.pk,
        municipality_id=hub.municipality_id,
        district_id=hub.district_id,
        name=hub.name,
        slug=hub.slug,
        description=hub.description,
        is_pilot=hub.is_pilot,
        address=schemas.Address(
            street_address=hub.street_address, postcode=hub.postcode, post_town=hub.post_town
        ),
        coordinates=coordinates,
        phone=hub.phone,
        email=hub.email,
        accessibility=schemas.Accessibility(
            step_free_entrance=hub.step_free_entrance,
            hearing_loop=hub.hearing_loop,
            accessible_toilet=hub.accessible_toilet,
            parking=hub.parking,
            public_transport=hub.public_transport,
        ),
        links=schemas.HubLinks(
            html=absolute(hub.get_absolute_url()),
            opening_hours=api_path("hub_opening_hours", hub_id=hub.pk),
            events_calendar=absolute(reverse("innbyggertorg:hub_events_ics", kwargs=slugs)),
            services_calendar=absolute(reverse("innbyggertorg:hub_calendar", kwargs=slugs)),
        ),
    )


def hubs(filters: schemas.HubFilters | schemas.AllHoursFilters) -> QuerySet[Hub]:
    found = Hub.objects.select_related("municipality").order_by("municipality__name", "name", "pk")
    if filters.municipality:
        found = found.filter(municipality__slug=filters.municipality)
    if filters.district:
        found = found.filter(district_id=filters.district)
    for name in ("postcode", "step_free_entrance", "hearing_loop", "accessible_toilet"):
        value = getattr(filters, name, None)
        if value is not None:
            found = found.filter(**{name: value})
    return found


def hub(pk: int) -> Hub:
    return get_object_or_404(Hub.objects.select_related("municipality"), pk=pk)


# --------------------------------------------------------------------------- opening hours


def _day_out(day: DayHours) -> schemas.DayOut:
    periods = []
    for interval in day.intervals:
        start, end = interval.start.astimezone(OSLO), interval.end.astimezone(OSLO)
        periods.append(
            schemas.PeriodOut(
                start=start,
                end=end,
                start_time=f"{start:%H:%M}",
                end_time=f"{end:%H:%M}",
                end_time_on_next_day=end.date() > day.day,
                state=interval.state,
                state_label=str(interval.state_label),
                is_open=interval.is_open,
                staffed=interval.state == SpanState.STAFFED,
                self_service=interval.state == SpanState.SELF_SERVICE,
                note=interval.note,
            )
        )
    return schemas.DayOut(
        date=day.day,
        is_open=not day.is_closed,
        is_exception=day.is_exception,
        exception_reason=day.exception_reason,
        holiday=day.holiday,
        periods=periods,
    )


def hubs_hours(
    hubs: Iterable[Hub], start: date, end: date, language: str
) -> list[schemas.HubHoursOut]:
    """Each hub's days from start to end, worked out by the opening-hours engine
    (exceptions, holidays and closed eves resolved): four queries for any number of hubs."""
    hubs = list(hubs)
    days = (end - start).days + 1
    at = localise(start, time(12))
    schedules = hub_schedules(hubs=hubs, at=at, days=days)
    return [
        schemas.HubHoursOut(
            hub_id=hub.pk,
            hub=hub.name,
            start=start,
            end=end,
            days=[_day_out(day) for day in schedules[hub.pk].week(start, days, language)],
        )
        for hub in hubs
    ]


# --------------------------------------------------------------------------- services


def service_out(service: ServiceType) -> schemas.ServiceOut:
    slugs = {"municipality": service.municipality.slug, "service": service.slug}
    return schemas.ServiceOut(
        id=service.pk,
        municipality_id=service.municipality_id,
        name=service.name,
        slug=service.slug,
        category=service.category,
        category_label=str(ServiceCategory(service.category).label),
        is_base_module=service.is_base_module,
        description=service.description,
        phone=service.phone,
        chat_url=service.chat_url,
        video_url=service.video_url,
        form_url=service.form_url,
        offered_at=[
            schemas.OfferOut(
                hub_id=offer.hub_id,
                hub=offer.hub.name,
                level=offer.level,
                level_label=str(offer.get_level_display()),
                note=offer.note,
            )
            for offer in service.offers.all()
        ],
        links=schemas.CalendarLinks(
            html=absolute(service.get_absolute_url()),
            calendar=absolute(reverse("innbyggertorg:service_calendar", kwargs=slugs)),
        ),
    )


def services(filters: schemas.ServiceFilters) -> QuerySet[ServiceType]:
    found = (
        ServiceType.objects.select_related("municipality")
        .prefetch_related(
            Prefetch(
                "offers", ServiceOffer.objects.select_related("hub").order_by("hub__name", "pk")
            )
        )
        .order_by("municipality__name", "name", "pk")
    )
    if filters.municipality:
        found = found.filter(municipality__slug=filters.municipality)
    if filters.category:
        found = found.filter(category=filters.category)
    if filters.hub:
        found = found.filter(offers__hub_id=filters.hub)
    return found


def service(pk: int) -> ServiceType:
    return get_object_or_404(services(schemas.ServiceFilters()), pk=pk)


def service_hours(
    service: ServiceType, start: date, end: date, language: str
) -> schemas.ServiceHoursOut:
    """Every time the rotating service is at a hub between the dates, by the same rules as
    its pages (cancelled dates and the hub's holidays kept, marked): two queries."""
    schedules = (
        ServiceSchedule.objects.filter(
            service_type=service, start_date__lte=end, end_date__gte=start
        )
        .select_related("hub__municipality")
        .prefetch_related("cancellations")
    )
    visits = []
    for schedule in schedules:
        for occurrence in occurrences(schedule_rule(schedule), start, end, language):
            visits.append(
                schemas.VisitOut(
                    hub_id=schedule.hub_id,
                    hub=schedule.hub.name,
                    date=occurrence.day,
                    start=occurrence.interval.start.astimezone(OSLO),
                    end=occurrence.interval.end.astimezone(OSLO),
                    mode=schedule.mode,
                    booking_url=schedule.booking_url,
                    note=schedule.note,
                    cancelled=occurrence.is_cancelled,
                    cancelled_reason=occurrence.cancelled_reason,
                )
            )
    visits.sort(key=lambda visit: (visit.start, visit.hub_id))
    return schemas.ServiceHoursOut(
        service_id=service.pk, service=service.name, start=start, end=end, visits=visits
    )


# --------------------------------------------------------------------------- events


def _registration(event: Event, now: datetime) -> schemas.RegistrationInfo:
    free = event.free_places
    if event.is_cancelled or event.ends_at <= now:
        status = "closed"
    elif event.registration == RegistrationMode.NONE:
        status = "not_needed"
    elif event.registration == RegistrationMode.EXTERNAL:
        status = "elsewhere"
    elif free is None or free > 0:
        status = "open"
    else:
        status = "full_waiting_list"
    return schemas.RegistrationInfo(
        mode=event.registration,
        status=status,
        capacity=event.capacity,
        places_taken=event.places_taken,
        free_places=free,
        external_url=event.external_url,
    )


def event_out(event: Event, now: datetime | None = None) -> schemas.EventOut:
    now = now or timezone.now()
    municipality_slug = event.hub.municipality.slug
    return schemas.EventOut(
        id=event.pk,
        municipality_id=event.municipality_id,
        hub_id=event.hub_id,
        hub=event.hub.name,
        title=event.title,
        description=event.description,
        starts_at=event.starts_at.astimezone(OSLO),
        ends_at=event.ends_at.astimezone(OSLO),
        audience=event.audience,
        category=event.category,
        category_label=str(event.get_category_display()),
        languages=list(event.languages),
        accessibility_notes=event.accessibility_notes,
        status=event.status,
        cancelled_reason=event.cancelled_reason,
        registration=_registration(event, now),
        links=schemas.CalendarLinks(
            html=absolute(event.get_absolute_url()),
            calendar=absolute(
                reverse(
                    "innbyggertorg:event_ics",
                    kwargs={"municipality": municipality_slug, "event": event.pk},
                )
            ),
        ),
    )


def events(filters: schemas.EventFilters, now: datetime) -> QuerySet[Event]:
    """Events that have not ended, soonest first, filtered as the portal's event list is."""
    found = (
        Event.objects.filter(ends_at__gt=now)
        .select_related("hub__municipality")
        .order_by("starts_at", "pk")
    )
    if filters.municipality:
        found = found.filter(municipality__slug=filters.municipality)
    if filters.district:
        found = found.filter(hub__district_id=filters.district)
    if filters.hub:
        found = found.filter(hub_id=filters.hub)
    if filters.start:
        found = found.filter(starts_at__gte=localise(filters.start, time(0)))
    if filters.end:
        found = found.filter(starts_at__lt=localise(filters.end + timedelta(days=1), time(0)))
    if filters.audience:
        found = found.filter(audience__in=[filters.audience, "all"])
    if filters.category:
        found = found.filter(category=filters.category)
    if filters.free:
        found = found.filter(status=EventStatus.SCHEDULED).filter(
            Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity"))
        )
    return found


def events_valid_until(found: QuerySet[Event]) -> datetime | None:
    """The list changes by itself when the first of its events ends."""
    return found.order_by().aggregate(first_end=Min("ends_at"))["first_end"]


def event(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("hub__municipality"), pk=pk)


# --------------------------------------------------------------------------- news


def news_out(item: NewsItem) -> schemas.NewsOut:
    return schemas.NewsOut(
        id=item.pk,
        municipality_id=item.municipality_id,
        district_id=item.district_id,
        hub_id=item.hub_id,
        title=item.title,
        body=item.body,
        published=item.publish_from.astimezone(OSLO),
        publish_until=item.publish_until.astimezone(OSLO) if item.publish_until else None,
    )


def news(filters: schemas.NewsFilters, now: datetime) -> QuerySet[NewsItem]:
    """News published now, newest first."""
    found = (
        NewsItem.objects.filter(publish_from__lte=now)
        .filter(Q(publish_until__isnull=True) | Q(publish_until__gt=now))
        .order_by("-publish_from", "-pk")
    )
    if filters.municipality:
        found = found.filter(municipality__slug=filters.municipality)
    if filters.district:
        found = found.filter(district_id=filters.district)
    if filters.hub:
        found = found.filter(hub_id=filters.hub)
    return found


def news_valid_until(now: datetime) -> datetime | None:
    """News appears and disappears by itself at its publishing times."""
    moments = NewsItem.objects.aggregate(
        appears=Min("publish_from", filter=Q(publish_from__gt=now)),
        disappears=Min("publish_until", filter=Q(publish_until__gt=now)),
    )
    return _earliest(moments["appears"], moments["disappears"])


# --------------------------------------------------------------------------- booking


def resource_out(resource: Resource) -> schemas.ResourceOut:
    return schemas.ResourceOut(
        id=resource.pk,
        municipality_id=resource.municipality_id,
        hub_id=resource.hub_id,
        hub=resource.hub.name,
        parent_id=resource.parent_id,
        name=resource.name,
        kind=resource.kind,
        kind_label=str(resource.get_kind_display()),
        capacity=resource.capacity,
        facilities=list(resource.facilities),
        accessibility=resource.accessibility,
        description=resource.description,
        who_may_book=resource.who_may_book,
        approval=resource.approval,
        min_minutes=resource.min_minutes,
        max_minutes=resource.max_minutes,
        granularity_minutes=resource.granularity_minutes,
        links=schemas.ResourceLinks(
            html=absolute(resource.get_absolute_url()),
            free_times=api_path("resource_free_times", resource_id=resource.pk),
            busy_calendar=absolute(
                reverse("booking:resource_feed", kwargs={"resource": resource.pk})
            ),
        ),
    )


def resources(filters: schemas.ResourceFilters) -> QuerySet[Resource]:
    found = Resource.objects.select_related("hub").order_by("hub__name", "name", "pk")
    if filters.municipality:
        found = found.filter(municipality__slug=filters.municipality)
    if filters.hub:
        found = found.filter(hub_id=filters.hub)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.people:
        found = found.filter(capacity__gte=filters.people)
    return found


def resource(pk: int) -> Resource:
    return get_object_or_404(Resource.objects.select_related("hub__municipality"), pk=pk)


def free_times(resource: Resource, week_of: date) -> schemas.FreeTimesOut:
    """The week's free start times as a citizen without an account sees them: booking's own
    week grid (``booking.selectors.week_grid``), whose free cells are exactly the times a
    booking of the shortest length may start, so *listed free* means *bookable*."""
    monday = week_of - timedelta(days=week_of.weekday())
    grid = week_grid(resource, None, monday)
    step = int(grid.step.total_seconds() // 60)
    days = []
    for day in grid.days:
        stretches: list[list] = []
        for cell in day.cells:
            if cell.state != CellState.FREE:
                continue
            if stretches and stretches[-1][1].end == cell.start:
                stretches[-1][1] = cell
            else:
                stretches.append([cell, cell])
        days.append(
            schemas.FreeDay(
                date=day.day,
                free=[
                    schemas.FreeStretch(
                        first_start=first.start.astimezone(OSLO),
                        last_start=last.start.astimezone(OSLO),
                        step_minutes=step,
                    )
                    for first, last in stretches
                ],
            )
        )
    return schemas.FreeTimesOut(
        resource_id=resource.pk, week=monday, min_minutes=resource.min_minutes, days=days
    )


def next_quarter_hour() -> datetime:
    """Free times change by themselves only as time passes (notice, the day's start times):
    at the latest at the next 15-minute boundary, as the room's week view."""
    now = timezone.now()
    return now + timedelta(minutes=15 - now.minute % 15, seconds=-now.second)


# --------------------------------------------------------------------------- volunteering


def opportunity_out(opportunity: Opportunity) -> schemas.OpportunityOut:
    organisation = opportunity.organisation
    return schemas.OpportunityOut(
        id=opportunity.pk,
        municipality_id=opportunity.hub.municipality_id,
        hub_id=opportunity.hub_id,
        hub=opportunity.hub.name,
        organisation_id=organisation.pk if organisation else None,
        organisation=organisation.name if organisation else None,
        title=opportunity.title,
        description=opportunity.description,
        skills_wanted=opportunity.skills_wanted,
        requires_police_certificate=opportunity.requires_police_certificate,
        min_age=opportunity.min_age,
        shifts=[
            schemas.ShiftOut(
                id=shift.pk,
                starts_at=shift.starts_at.astimezone(OSLO),
                ends_at=shift.ends_at.astimezone(OSLO),
                capacity=shift.capacity,
                places_taken=shift.places_taken,
                free_places=max(0, shift.capacity - shift.places_taken),
            )
            for shift in opportunity.coming_shifts
        ],
        links=schemas.Links(html=absolute(opportunity.get_absolute_url())),
    )


def opportunities(filters: schemas.OpportunityFilters, now: datetime) -> QuerySet[Opportunity]:
    """Opportunities with coming shifts (as the portal's directory lists them), with those
    shifts."""
    coming = Shift.objects.filter(starts_at__gt=now, is_cancelled=False).order_by("starts_at")
    found = (
        Opportunity.objects.filter(pk__in=coming.values("opportunity_id"))
        .select_related("hub", "organisation")
        .prefetch_related(Prefetch("shifts", coming, to_attr="coming_shifts"))
        .order_by("title", "pk")
    )
    if filters.municipality:
        found = found.filter(hub__municipality__slug=filters.municipality)
    if filters.hub:
        found = found.filter(hub_id=filters.hub)
    return found


def opportunities_valid_until(now: datetime) -> datetime | None:
    """The list changes by itself when the next shift starts."""
    return Shift.objects.filter(starts_at__gt=now).aggregate(first=Min("starts_at"))["first"]


def opportunity(pk: int, now: datetime) -> Opportunity:
    coming = Shift.objects.filter(starts_at__gt=now, is_cancelled=False).order_by("starts_at")
    return get_object_or_404(
        Opportunity.objects.select_related("hub", "organisation").prefetch_related(
            Prefetch("shifts", coming, to_attr="coming_shifts")
        ),
        pk=pk,
    )


# --------------------------------------------------------------------------- staff reads


def readable_or_404(token, model, pk: int | None, field: str):
    """The object a filter names, when the token may read it; else a 404 naming the
    filter (an object of another municipality does not exist for the token)."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None or not token_may_read(token, obj):
        raise ApiError(404, _("Not found."), field=field, code="not_found")
    return obj


def staff_booking_out(occurrence: Occurrence) -> schemas.StaffBookingOut:
    booking = occurrence.booking
    return schemas.StaffBookingOut(
        id=occurrence.pk,
        booking_id=booking.pk,
        resource_id=occurrence.resource_id,
        resource=occurrence.resource.name,
        hub_id=occurrence.resource.hub_id,
        starts_at=occurrence.starts_at.astimezone(OSLO),
        ends_at=occurrence.ends_at.astimezone(OSLO),
        status=occurrence.status,
        status_label=str(occurrence.get_status_display()),
        purpose=booking.purpose,
        attendees=booking.attendees,
        organisation=booking.organisation.name if booking.organisation else None,
        is_public=booking.is_public,
        no_show=occurrence.no_show,
    )


def staff_bookings(token, filters: schemas.StaffBookingFilters) -> QuerySet[Occurrence]:
    """The booked times of the token's municipality between the dates (each resource's
    own times, not the parts of a hall they also claim), soonest first."""
    start, end = date_range(filters)
    hub = readable_or_404(token, Hub, filters.hub, "hub")
    resource = readable_or_404(token, Resource, filters.resource, "resource")
    found = token_readable(
        token,
        Occurrence.objects.filter(
            starts_at__gte=localise(start, time(0)),
            starts_at__lt=localise(end + timedelta(days=1), time(0)),
            resource=F("booking__resource"),
        ),
    )
    if hub is not None:
        found = found.filter(resource__hub=hub)
    if resource is not None:
        found = found.filter(resource=resource)
    if filters.status:
        found = found.filter(status=filters.status)
    return found.select_related("booking__organisation", "resource").order_by("starts_at", "pk")


def staff_usage(token, filters: schemas.UsageFilters) -> schemas.UsageReportOut:
    """Usage per resource and month (booking's own statistics) for the token's
    municipality."""
    if filters.month:
        month = date.fromisoformat(f"{filters.month}-01")
    else:
        month = local_today().replace(day=1)
    hub = readable_or_404(token, Hub, filters.hub, "hub")
    resources = token_readable(token, Resource.objects.select_related("hub")).order_by(
        "hub__name", "name", "pk"
    )
    if hub is not None:
        resources = resources.filter(hub=hub)
    rows = usage(resources=resources, month=month)
    label = f"{month:%Y-%m}"
    return schemas.UsageReportOut(
        municipality_id=token.municipality_id,
        month=label,
        resources=[
            schemas.UsageOut(
                resource_id=row.resource.pk,
                resource=row.resource.name,
                hub_id=row.resource.hub_id,
                month=label,
                hours_booked=row.hours_booked,
                open_hours=round(row.open_hours, 1),
                occupancy_percent=row.occupancy,
                bookings_by_booker=dict(row.bookings_by_booker),
                cancelled=row.cancelled,
                no_shows=row.no_shows,
            )
            for row in rows
        ],
    )


# --------------------------------------------------------------------------- a citizen's own


def my_booking_out(occurrence: Occurrence) -> schemas.MyBookingOut:
    booking = occurrence.booking
    return schemas.MyBookingOut(
        id=occurrence.pk,
        booking_id=booking.pk,
        resource_id=occurrence.resource_id,
        resource=occurrence.resource.name,
        hub_id=occurrence.resource.hub_id,
        hub=occurrence.resource.hub.name,
        starts_at=occurrence.starts_at.astimezone(OSLO),
        ends_at=occurrence.ends_at.astimezone(OSLO),
        status=occurrence.status,
        status_label=str(occurrence.get_status_display()),
        purpose=booking.purpose,
        attendees=booking.attendees,
    )


def my_bookings(token, filters: schemas.MyBookingFilters) -> QuerySet[Occurrence]:
    """The booked times of the token's person (only theirs), soonest first."""
    found = my_occurrences(token.user).order_by("starts_at", "pk")
    if not filters.past:
        found = found.filter(ends_at__gt=timezone.now())
    return found


def my_registration_out(registration: Registration) -> schemas.MyRegistrationOut:
    return schemas.MyRegistrationOut(
        id=registration.pk,
        status=registration.status,
        status_label=str(registration.get_status_display()),
        group_size=registration.group_size,
        created_at=registration.created_at.astimezone(OSLO),
        event=event_out(registration.event),
    )


def my_registrations(token, filters: schemas.MyRegistrationFilters) -> QuerySet[Registration]:
    """The registrations of the token's person: with their account, and as a guest with
    one of their verified addresses (as the portal's own page lists them)."""
    found = person_registrations(
        user=token.user, addresses=person_verified_addresses(user=token.user)
    ).select_related("event__hub__municipality")
    if not filters.past:
        found = found.filter(event__ends_at__gt=timezone.now())
    return found.order_by("event__starts_at", "pk")
