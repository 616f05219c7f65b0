"""/api/v1/: the public, read-only API (Django Ninja), its OpenAPI 3.1 description
(/api/v1/openapi.json) and browsable documentation (/api/v1/docs, Swagger UI from our own
static files).

The views are thin: the filters are typed (``api.schemas``), the reads live in
``api.selectors``, and every public answer is served through ``api.responses.public_read``
(the shared, never-stale copy with ETag and Last-Modified)."""

from __future__ import annotations

from csp.decorators import csp_update
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja import NinjaAPI, Path, Query, Router, Swagger

from . import dcat, schemas, selectors
from .auth import CitizenAuth, TokenAuth
from .errors import install as install_error_handlers
from .errors import request_language
from .responses import private_read, public_document, public_read

DESCRIPTION = """
The district portals' open data: municipalities, districts, hubs (address, coordinates,
accessibility), opening hours for any dates (exceptions, public holidays and closed eves
resolved), services and their rotating hours, events (registration status and free
places), news, bookable resources and their free times, and volunteering opportunities.

**Public and read-only.** No key is needed; any web site may read it from a browser (CORS,
GET only). Lists are pages (`limit` at most 100, `offset`); an unknown parameter, a
malformed value or a page size beyond the limit is refused with a JSON error that names
the parameter (400 or 422). Date ranges are at most 92 days.

**Caching.** Every answer carries `ETag` and `Last-Modified`; ask again with
`If-None-Match` or `If-Modified-Since` and an unchanged answer is a `304 Not Modified`.

**Language.** `lang=nb|nn|en` chooses the language of names and words (holidays, states,
labels); Bokmål by default. Error messages follow `lang`, else the `Accept-Language`
header.

**Times** are ISO 8601 in Europe/Oslo with their offset; dates are `YYYY-MM-DD`.

**Open data.** Each municipality's datasets are described for the national data catalogue
(data.norge.no) in DCAT-AP-NO, its services in CPSV-AP-NO: `/api/v1/dcat` lists the
catalogues, `/api/v1/dcat/{municipality}` is one (Turtle; `?format=jsonld` or `rdfxml`).

**Staff reads** (`/api/v1/staff/…`: booked times, usage statistics) need an API token of
one municipality, made by its administrators in the admin and sent as
`Authorization: Bearer hp_…`; each token has a limit of requests per minute (429 beyond).

**A person's own data** (`/api/v1/me/…`: their bookings, their event registrations) needs
an OAuth 2 access token the person gave an application registered by the municipality:
authorization code with PKCE at `/o/authorize/` (the person signs in and consents),
exchanged at `/o/token/`, sent as `Authorization: Bearer …`; scopes `bookings:read` and
`registrations:read`. Revoke with `/o/revoke_token/`.
"""

# Ids are PostgreSQL bigints: a larger number is a 422 naming the parameter, not a crash.
ID = Path(..., ge=1, le=schemas.MAX_ID, description="The id.")
ERRORS = {400: schemas.ErrorOut, 404: schemas.ErrorOut, 422: schemas.ErrorOut}


class Documentation(Swagger):
    """Swagger UI from the portal's own static files (django-ninja ships them): no CDN, and
    no inline script, as the Content-Security-Policy demands."""

    template = "api/swagger.html"

    # Swagger UI's stylesheet draws its icons as data: SVG images; this page alone may show
    # them (scripts, styles and connections stay the portal's own).
    @csp_update({"img-src": ["data:"]})
    def render_page(self, request, api, **kwargs):
        # A page, not data: in the reader's language (the language cookie or the browser's).
        with translation.override(request_language(request)):
            return super().render_page(request, api, **kwargs)


def _docs() -> Swagger:
    return Documentation(settings={"defaultModelsExpandDepth": 0, "tryItOutEnabled": True})


api = NinjaAPI(
    title="hubportal API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=_docs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

places = Router(tags=["places"])
hours = Router(tags=["opening hours"])
services = Router(tags=["services"])
events = Router(tags=["events"])
news = Router(tags=["news"])
booking = Router(tags=["booking"])
volunteering = Router(tags=["volunteering"])
opendata = Router(tags=["open data"])


def _names(*filters: type[schemas.Filters]) -> set[str]:
    return {name for schema in filters for name in schema.model_fields}


# --------------------------------------------------------------------------- places


@places.get(
    "/", response={200: schemas.IndexOut, **ERRORS}, url_name="index", summary="What is here"
)
def index(request: HttpRequest):
    def build():
        names = (
            "municipalities",
            "districts",
            "hubs",
            "opening_hours",
            "services",
            "events",
            "news",
            "resources",
            "opportunities",
        )
        answer = schemas.IndexOut(
            documentation=selectors.api_path("openapi-view"),
            openapi=selectors.api_path("openapi-json"),
            collections={name: selectors.api_path(name) for name in names},
            data_catalogues=selectors.api_path("dcat_catalogues"),
        )
        return answer, None

    return public_read(request, allowed=(), build=build)


@places.get(
    "/municipalities",
    response={200: schemas.Page[schemas.MunicipalityOut], **ERRORS},
    url_name="municipalities",
    summary="Municipalities",
)
def list_municipalities(request: HttpRequest, filters: Query[schemas.MunicipalityFilters]):
    def build():
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.municipalities(),
            filters=filters,
            item=selectors.municipality_out,
        )
        return page, None

    return public_read(request, allowed=_names(schemas.MunicipalityFilters), build=build)


@places.get(
    "/municipalities/{municipality_id}",
    response={200: schemas.MunicipalityOut, **ERRORS},
    url_name="municipality",
    summary="A municipality",
)
def get_municipality(request: HttpRequest, municipality_id: int = ID):
    def build():
        return selectors.municipality_out(selectors.municipality(municipality_id)), None

    return public_read(request, allowed=(), build=build)


@places.get(
    "/districts",
    response={200: schemas.Page[schemas.DistrictOut], **ERRORS},
    url_name="districts",
    summary="Districts",
)
def list_districts(request: HttpRequest, filters: Query[schemas.DistrictFilters]):
    def build():
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.districts(filters),
            filters=filters,
            item=selectors.district_out,
        )
        return page, None

    return public_read(request, allowed=_names(schemas.DistrictFilters), build=build)


@places.get(
    "/districts/{district_id}",
    response={200: schemas.DistrictOut, **ERRORS},
    url_name="district",
    summary="A district",
)
def get_district(request: HttpRequest, district_id: int = ID):
    def build():
        return selectors.district_out(selectors.district(district_id)), None

    return public_read(request, allowed=(), build=build)


@places.get(
    "/hubs",
    response={200: schemas.Page[schemas.HubOut], **ERRORS},
    url_name="hubs",
    summary="Hubs: address, coordinates, accessibility",
)
def list_hubs(request: HttpRequest, filters: Query[schemas.HubFilters]):
    def build():
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.hubs(filters),
            filters=filters,
            item=selectors.hub_out,
        )
        return page, None

    return public_read(request, allowed=_names(schemas.HubFilters), build=build)


@places.get(
    "/hubs/{hub_id}",
    response={200: schemas.HubOut, **ERRORS},
    url_name="hub",
    summary="A hub",
)
def get_hub(request: HttpRequest, hub_id: int = ID):
    def build():
        return selectors.hub_out(selectors.hub(hub_id)), None

    return public_read(request, allowed=(), build=build)


# --------------------------------------------------------------------------- opening hours


@hours.get(
    "/hubs/{hub_id}/opening-hours",
    response={200: schemas.HubHoursOut, **ERRORS},
    url_name="hub_opening_hours",
    summary="A hub's opening hours, date by date",
    description="Per date, the periods of the day with their state (staffed, self-service, "
    "by appointment) as the portal's opening-hours engine works them out: regular hours, "
    "exceptions, public holidays and the municipality's closed eves resolved. Default: "
    "today and the next six days; at most 92 days.",
)
def hub_opening_hours(request: HttpRequest, filters: Query[schemas.HoursFilters], hub_id: int = ID):
    def build():
        start, end = selectors.date_range(filters)
        found = selectors.hub(hub_id)
        answer = selectors.hubs_hours([found], start, end, filters.lang)[0]
        return answer, selectors.next_midnight() if filters.start is None else None

    return public_read(request, allowed=_names(schemas.HoursFilters), build=build)


@hours.get(
    "/opening-hours",
    response={200: schemas.Page[schemas.HubHoursOut], **ERRORS},
    url_name="opening_hours",
    summary="Opening hours of many hubs, date by date",
    description="As a hub's opening hours, for a page of hubs (filtered by municipality or "
    "district) at once.",
)
def opening_hours(request: HttpRequest, filters: Query[schemas.AllHoursFilters]):
    def build():
        start, end = selectors.date_range(filters)
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.hubs(filters),
            filters=filters,
            item=None,
            items_of=lambda rows: selectors.hubs_hours(rows, start, end, filters.lang),
        )
        return page, selectors.next_midnight() if filters.start is None else None

    return public_read(request, allowed=_names(schemas.AllHoursFilters), build=build)


# --------------------------------------------------------------------------- services


@services.get(
    "/services",
    response={200: schemas.Page[schemas.ServiceOut], **ERRORS},
    url_name="services",
    summary="Services of the municipalities, and where they are offered",
)
def list_services(request: HttpRequest, filters: Query[schemas.ServiceFilters]):
    def build():
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.services(filters),
            filters=filters,
            item=selectors.service_out,
        )
        return page, None

    return public_read(request, allowed=_names(schemas.ServiceFilters), build=build)


@services.get(
    "/services/{service_id}",
    response={200: schemas.ServiceOut, **ERRORS},
    url_name="service",
    summary="A service",
)
def get_service(request: HttpRequest, filters: Query[schemas.Language], service_id: int = ID):
    def build():
        return selectors.service_out(selectors.service(service_id)), None

    return public_read(request, allowed=_names(schemas.Language), build=build)


@services.get(
    "/services/{service_id}/hours",
    response={200: schemas.ServiceHoursOut, **ERRORS},
    url_name="service_hours",
    summary="When a rotating service is at which hub",
    description="Every visit between the dates (default: today and the next six days; at "
    "most 92 days), cancelled dates and the hubs' holidays kept and marked.",
)
def service_hours(request: HttpRequest, filters: Query[schemas.HoursFilters], service_id: int = ID):
    def build():
        start, end = selectors.date_range(filters)
        found = selectors.service(service_id)
        answer = selectors.service_hours(found, start, end, filters.lang)
        return answer, selectors.next_midnight() if filters.start is None else None

    return public_read(request, allowed=_names(schemas.HoursFilters), build=build)


# --------------------------------------------------------------------------- events


@events.get(
    "/events",
    response={200: schemas.Page[schemas.EventOut], **ERRORS},
    url_name="events",
    summary="Coming events, soonest first",
)
def list_events(request: HttpRequest, filters: Query[schemas.EventFilters]):
    def build():
        now = timezone.now()
        found = selectors.events(filters, now)
        page = selectors.page_of(
            path=request.path,
            queryset=found,
            filters=filters,
            item=lambda event: selectors.event_out(event, now),
        )
        return page, selectors.events_valid_until(found)

    return public_read(request, allowed=_names(schemas.EventFilters), build=build)


@events.get(
    "/events/{event_id}",
    response={200: schemas.EventOut, **ERRORS},
    url_name="event",
    summary="An event",
)
def get_event(request: HttpRequest, filters: Query[schemas.Language], event_id: int = ID):
    def build():
        now = timezone.now()
        found = selectors.event(event_id)
        return selectors.event_out(found, now), found.ends_at if found.ends_at > now else None

    return public_read(request, allowed=_names(schemas.Language), build=build)


# --------------------------------------------------------------------------- news


@news.get(
    "/news",
    response={200: schemas.Page[schemas.NewsOut], **ERRORS},
    url_name="news",
    summary="News published now, newest first",
)
def list_news(request: HttpRequest, filters: Query[schemas.NewsFilters]):
    def build():
        now = timezone.now()
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.news(filters, now),
            filters=filters,
            item=selectors.news_out,
        )
        return page, selectors.news_valid_until(now)

    return public_read(request, allowed=_names(schemas.NewsFilters), build=build)


# --------------------------------------------------------------------------- booking


@booking.get(
    "/resources",
    response={200: schemas.Page[schemas.ResourceOut], **ERRORS},
    url_name="resources",
    summary="Bookable rooms, halls, workspaces and equipment",
)
def list_resources(request: HttpRequest, filters: Query[schemas.ResourceFilters]):
    def build():
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.resources(filters),
            filters=filters,
            item=selectors.resource_out,
        )
        return page, None

    return public_read(request, allowed=_names(schemas.ResourceFilters), build=build)


@booking.get(
    "/resources/{resource_id}",
    response={200: schemas.ResourceOut, **ERRORS},
    url_name="resource",
    summary="A bookable resource",
)
def get_resource(request: HttpRequest, filters: Query[schemas.Language], resource_id: int = ID):
    def build():
        return selectors.resource_out(selectors.resource(resource_id)), None

    return public_read(request, allowed=_names(schemas.Language), build=build)


@booking.get(
    "/resources/{resource_id}/free-times",
    response={200: schemas.FreeTimesOut, **ERRORS},
    url_name="resource_free_times",
    summary="A resource's free start times in a week",
    description="The times at which a citizen may start a booking of the shortest length, "
    "by the booking rules themselves (opening hours, notice, horizon, buffers, blackouts, "
    "season holds, other bookings): what is listed free is bookable.",
)
def resource_free_times(
    request: HttpRequest, filters: Query[schemas.FreeTimesFilters], resource_id: int = ID
):
    def build():
        found = selectors.resource(resource_id)
        week = filters.week or timezone.localdate()
        return selectors.free_times(found, week), selectors.next_quarter_hour()

    return public_read(request, allowed=_names(schemas.FreeTimesFilters), build=build)


# --------------------------------------------------------------------------- volunteering


@volunteering.get(
    "/volunteering/opportunities",
    response={200: schemas.Page[schemas.OpportunityOut], **ERRORS},
    url_name="opportunities",
    summary="Volunteering opportunities with coming shifts",
)
def list_opportunities(request: HttpRequest, filters: Query[schemas.OpportunityFilters]):
    def build():
        now = timezone.now()
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.opportunities(filters, now),
            filters=filters,
            item=selectors.opportunity_out,
        )
        return page, selectors.opportunities_valid_until(now)

    return public_read(request, allowed=_names(schemas.OpportunityFilters), build=build)


@volunteering.get(
    "/volunteering/opportunities/{opportunity_id}",
    response={200: schemas.OpportunityOut, **ERRORS},
    url_name="opportunity",
    summary="A volunteering opportunity and its coming shifts",
)
def get_opportunity(request: HttpRequest, opportunity_id: int = ID):
    def build():
        now = timezone.now()
        found = selectors.opportunity(opportunity_id, now)
        return selectors.opportunity_out(found), selectors.opportunities_valid_until(now)

    return public_read(request, allowed=(), build=build)


# --------------------------------------------------------------------------- open data

SLUG = Path(..., max_length=60, pattern=r"^[-a-zA-Z0-9_]+$", description="A municipality's slug.")


@opendata.get(
    "/dcat",
    response={200: schemas.Page[schemas.DataCatalogueOut], **ERRORS},
    url_name="dcat_catalogues",
    summary="The municipalities' open-data catalogues (DCAT-AP-NO)",
)
def list_catalogues(request: HttpRequest, filters: Query[schemas.Paging]):
    def build():
        page = selectors.page_of(
            path=request.path,
            queryset=selectors.municipalities(),
            filters=filters,
            item=selectors.data_catalogue_out,
        )
        return page, None

    return public_read(request, allowed=_names(schemas.Paging), build=build)


@opendata.get(
    "/dcat/{municipality}",
    response={200: None, **ERRORS},
    url_name="dcat_catalogue",
    summary="A municipality's open-data catalogue (DCAT-AP-NO, services in CPSV-AP-NO)",
    description="The catalogue to register at data.norge.no: a dcat:Catalog published by the "
    "municipality (its organisation number), a dcat:Dataset and dcat:Distribution for each "
    "collection of this API, the API as dcat:DataService, and each service as "
    "cpsv:PublicService; licensed as the municipality chose (NLOD 2.0 or CC BY 4.0).",
    # The key is the number 200, as Ninja's own: a string "200" would be a second key 200
    # in the JSON, which Swagger UI refuses ("duplicated mapping key").
    openapi_extra={
        "responses": {
            200: {
                "description": "The catalogue",
                "content": {
                    "text/turtle": {"schema": {"type": "string"}},
                    # JSON-LD is JSON: rdflib writes the graph's nodes as an array.
                    "application/ld+json": {"schema": {"type": ["array", "object"]}},
                    "application/rdf+xml": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def get_catalogue(
    request: HttpRequest, filters: Query[schemas.CatalogueFilters], municipality: str = SLUG
):
    def build():
        found = selectors.municipality_by_slug(municipality)
        return dcat.serialise(dcat.catalogue_graph(found), filters.format)

    media_type, _serialiser = dcat.FORMATS[filters.format]
    return public_document(
        request,
        allowed=_names(schemas.CatalogueFilters),
        content_type=f"{media_type}; charset=utf-8",
        build=build,
    )


# --------------------------------------------------------------------------- staff reads

STAFF_ERRORS = {**ERRORS, 401: schemas.ErrorOut, 429: schemas.ErrorOut}
staff = Router(tags=["staff (API token)"], auth=TokenAuth())


@staff.get(
    "/staff/bookings",
    response={200: schemas.Page[schemas.StaffBookingOut], **STAFF_ERRORS},
    url_name="staff_bookings",
    summary="Booked times of the token's municipality",
    description="Needs an API token (Authorization: Bearer …), created by a municipality "
    "administrator in the admin. Default: today and the next six days; at most 92 days. "
    "Who booked is not given (personal data).",
)
def staff_bookings(request: HttpRequest, filters: Query[schemas.StaffBookingFilters]):
    def payload():
        return selectors.page_of(
            path=request.path,
            queryset=selectors.staff_bookings(request.auth, filters),
            filters=filters,
            item=selectors.staff_booking_out,
        )

    return private_read(request, allowed=_names(schemas.StaffBookingFilters), payload_of=payload)


@staff.get(
    "/staff/usage",
    response={200: schemas.UsageReportOut, **STAFF_ERRORS},
    url_name="staff_usage",
    summary="Usage statistics of the token's municipality, per resource and month",
    description="Hours booked, opening hours, occupancy, bookings by kind of booker, "
    "cancellations and no-shows (the admin's usage statistics). Needs an API token.",
)
def staff_usage(request: HttpRequest, filters: Query[schemas.UsageFilters]):
    return private_read(
        request,
        allowed=_names(schemas.UsageFilters),
        payload_of=lambda: selectors.staff_usage(request.auth, filters),
    )


ME_ERRORS = {**ERRORS, 401: schemas.ErrorOut, 403: schemas.ErrorOut}
me_bookings_router = Router(tags=["a person's own (OAuth 2)"], auth=CitizenAuth("bookings:read"))
me_registrations_router = Router(
    tags=["a person's own (OAuth 2)"], auth=CitizenAuth("registrations:read")
)


@me_bookings_router.get(
    "/me/bookings",
    response={200: schemas.Page[schemas.MyBookingOut], **ME_ERRORS},
    url_name="me_bookings",
    summary="The person's own booked times",
    description="Needs an OAuth 2 access token the person gave the application (authorization "
    "code with PKCE at /o/authorize/, then /o/token/) with the scope bookings:read. Coming "
    "times, soonest first; past=true for the ended ones too.",
)
def me_bookings(request: HttpRequest, filters: Query[schemas.MyBookingFilters]):
    def payload():
        return selectors.page_of(
            path=request.path,
            queryset=selectors.my_bookings(request.auth, filters),
            filters=filters,
            item=selectors.my_booking_out,
        )

    return private_read(request, allowed=_names(schemas.MyBookingFilters), payload_of=payload)


@me_registrations_router.get(
    "/me/registrations",
    response={200: schemas.Page[schemas.MyRegistrationOut], **ME_ERRORS},
    url_name="me_registrations",
    summary="The person's own event registrations",
    description="Needs an OAuth 2 access token with the scope registrations:read. "
    "Registrations for events that have not ended; past=true for the others too.",
)
def me_registrations(request: HttpRequest, filters: Query[schemas.MyRegistrationFilters]):
    def payload():
        return selectors.page_of(
            path=request.path,
            queryset=selectors.my_registrations(request.auth, filters),
            filters=filters,
            item=selectors.my_registration_out,
        )

    return private_read(request, allowed=_names(schemas.MyRegistrationFilters), payload_of=payload)


for router in (
    places,
    hours,
    services,
    events,
    news,
    booking,
    volunteering,
    opendata,
    staff,
    me_bookings_router,
    me_registrations_router,
):
    api.add_router("", router)
