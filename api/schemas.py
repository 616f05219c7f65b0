"""The API's types: what each answer holds (pydantic models, which the OpenAPI description
is generated from) and the filters each list takes.

Times are ISO 8601 with their offset, in Europe/Oslo; dates are YYYY-MM-DD. Lists are
pages: ``count`` (all matches), ``limit``, ``offset``, ``next`` / ``previous`` (addresses,
or null) and ``items``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from booking.enums import BookingStatus, ResourceKind
from hubportal.core.params import EARLIEST, LATEST
from innbyggertorg.enums import AttendanceMode, Audience, EventCategory, ServiceCategory
from knutepunkt.enums import SpanState

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_OFFSET = 100_000
MAX_ID = 2**63 - 1
MAX_RANGE_DAYS = 92  # a quarter: the longest date range one request may ask for

T = TypeVar("T")


def municipality_slug():
    return Field(
        None, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$", description="A municipality's slug."
    )


def _written_iso(value):
    """Only YYYY-MM-DD (pydantic would also read "0" as a Unix time: 1 January 1970)."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "a date written YYYY-MM-DD")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[date, BeforeValidator(_written_iso)]


# --------------------------------------------------------------------------- common


class FieldError(Schema):
    field: str | None = Field(description="The parameter at fault; null for the whole request.")
    message: str
    code: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class Page(Schema, Generic[T]):
    count: int = Field(ge=0, description="How many items match, on every page.")
    limit: int
    offset: int
    next: str | None = Field(description="The address of the next page, or null.")
    previous: str | None = Field(description="The address of the previous page, or null.")
    items: list[T]


class Filters(Schema):
    """Query parameters; an unknown one is refused (400)."""

    model_config = ConfigDict(extra="forbid")


class Paging(Filters):
    limit: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 100)."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class Language(Filters):
    lang: Literal["nb", "nn", "en"] = Field(
        "nb", description="Language of names and words (holidays, states); Bokmål by default."
    )


class DateRange(Filters):
    start: IsoDate | None = Field(
        None, ge=EARLIEST, le=LATEST, description="First date (default: today in Oslo)."
    )
    end: IsoDate | None = Field(
        None,
        ge=EARLIEST,
        le=LATEST,
        description=f"Last date, included (default: six days after start; at most "
        f"{MAX_RANGE_DAYS} days after it).",
    )


class IndexOut(Schema):
    documentation: str
    openapi: str
    collections: dict[str, str] = Field(description="The lists of the API, by name.")
    data_catalogues: str = Field(
        description="The open-data catalogues (DCAT-AP-NO) of the municipalities, one each."
    )


class Links(Schema):
    html: str = Field(description="The page on the portal.")


class MunicipalityLinks(Links):
    data_catalogue: str = Field(
        description="The municipality's open-data catalogue (DCAT-AP-NO, Turtle)."
    )


class CalendarLinks(Links):
    calendar: str | None = Field(
        None, description="An iCalendar feed (.ics) to subscribe to, where there is one."
    )


# --------------------------------------------------------------------------- places


class MunicipalityOut(Schema):
    id: int
    name: str
    slug: str
    number: str = Field(description="The four-digit kommunenummer.")
    website: str
    phone: str
    languages: list[str]
    closed_eves: list[str] = Field(description="Eves on which the hubs close as on a holiday.")
    organisation_number: str = Field(
        description="The organisation number in Enhetsregisteret (nine digits), or empty."
    )
    data_licence: str = Field(description="The licence of the municipality's data (its URI).")
    links: MunicipalityLinks


class DistrictOut(Schema):
    id: int
    municipality_id: int
    name: str
    slug: str
    description: str
    postcodes: list[str]
    links: Links


class Address(Schema):
    street_address: str
    postcode: str
    post_town: str


class Coordinates(Schema):
    latitude: float
    longitude: float


class Accessibility(Schema):
    step_free_entrance: bool
    hearing_loop: bool
    accessible_toilet: bool
    parking: str
    public_transport: str


class HubLinks(Links):
    opening_hours: str = Field(description="This hub's opening hours in the API.")
    events_calendar: str = Field(description="iCalendar feed of the hub's events.")
    services_calendar: str = Field(description="iCalendar feed of the hub's rotating services.")


class HubOut(Schema):
    id: int
    municipality_id: int
    district_id: int
    name: str
    slug: str
    description: str
    is_pilot: bool
    address: Address
    coordinates: Coordinates | None
    phone: str
    email: str
    accessibility: Accessibility
    links: HubLinks


class HubFilters(Paging):
    municipality: str | None = municipality_slug()
    district: int | None = Field(None, ge=1, le=MAX_ID, description="A district's id.")
    postcode: str | None = Field(None, pattern=r"^\d{4}$", description="Four digits.")
    step_free_entrance: bool | None = None
    hearing_loop: bool | None = None
    accessible_toilet: bool | None = None


class MunicipalityFilters(Paging):
    pass


class DistrictFilters(Paging):
    municipality: str | None = municipality_slug()
    postcode: str | None = Field(None, pattern=r"^\d{4}$", description="Four digits.")


# --------------------------------------------------------------------------- opening hours


class PeriodOut(Schema):
    """One stretch of a day, Hauki's ``times`` entry: when, in which state."""

    start: datetime
    end: datetime
    start_time: str = Field(description="Wall-clock time in Oslo, HH:MM.")
    end_time: str = Field(description="Wall-clock time in Oslo, HH:MM.")
    end_time_on_next_day: bool
    state: SpanState
    state_label: str = Field(description="The state in words, in the language asked for.")
    is_open: bool = Field(description="The doors are open (staffed or self-service).")
    staffed: bool
    self_service: bool
    note: str


class DayOut(Schema):
    date: date
    is_open: bool = Field(description="Open at some time of the day.")
    is_exception: bool = Field(description="An exception to the regular hours decides the day.")
    exception_reason: str
    holiday: str | None = Field(description="The public holiday or closed eve, named.")
    periods: list[PeriodOut]


class HubHoursOut(Schema):
    hub_id: int
    hub: str
    start: date
    end: date
    days: list[DayOut]


class HoursFilters(DateRange, Language):
    pass


class AllHoursFilters(HoursFilters, Paging):
    municipality: str | None = municipality_slug()
    district: int | None = Field(None, ge=1, le=MAX_ID, description="A district's id.")


# --------------------------------------------------------------------------- services


class OfferOut(Schema):
    hub_id: int
    hub: str
    level: str
    level_label: str
    note: str


class ServiceOut(Schema):
    id: int
    municipality_id: int
    name: str
    slug: str
    category: str
    category_label: str
    is_base_module: bool
    description: str
    phone: str
    chat_url: str
    video_url: str
    form_url: str
    offered_at: list[OfferOut]
    links: CalendarLinks


class ServiceFilters(Paging, Language):
    municipality: str | None = municipality_slug()
    category: ServiceCategory | None = None
    hub: int | None = Field(None, ge=1, le=MAX_ID, description="Offered at this hub (id).")


class VisitOut(Schema):
    """One time a rotating service is at a hub."""

    hub_id: int
    hub: str
    date: date
    start: datetime
    end: datetime
    mode: AttendanceMode
    booking_url: str
    note: str
    cancelled: bool = Field(description="Cancelled, or the hub is closed (holiday).")
    cancelled_reason: str


class ServiceHoursOut(Schema):
    service_id: int
    service: str
    start: date
    end: date
    visits: list[VisitOut]


# --------------------------------------------------------------------------- events


class RegistrationInfo(Schema):
    mode: Literal["none", "portal", "external"]
    status: Literal["not_needed", "open", "full_waiting_list", "elsewhere", "closed"] = Field(
        description="not_needed: just come; open: places free (or no limit); "
        "full_waiting_list: full, new registrations join the waiting list; "
        "elsewhere: register at external_url; closed: cancelled or over."
    )
    capacity: int | None
    places_taken: int
    free_places: int | None = Field(description="Null: no limit.")
    external_url: str


class EventOut(Schema):
    id: int
    municipality_id: int
    hub_id: int
    hub: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    audience: str
    category: str
    category_label: str
    languages: list[str]
    accessibility_notes: str
    status: Literal["scheduled", "cancelled"]
    cancelled_reason: str
    registration: RegistrationInfo
    links: CalendarLinks


class EventFilters(Paging, Language):
    municipality: str | None = municipality_slug()
    district: int | None = Field(None, ge=1, le=MAX_ID)
    hub: int | None = Field(None, ge=1, le=MAX_ID)
    start: IsoDate | None = Field(None, ge=EARLIEST, le=LATEST, description="Starting on or after.")
    end: IsoDate | None = Field(None, ge=EARLIEST, le=LATEST, description="Starting on or before.")
    audience: Audience | None = Field(None, description="For this audience (or everyone).")
    category: EventCategory | None = None
    free: bool | None = Field(None, description="true: only events with free places.")


# --------------------------------------------------------------------------- news


class NewsOut(Schema):
    id: int
    municipality_id: int
    district_id: int | None
    hub_id: int | None
    title: str
    body: str
    published: datetime
    publish_until: datetime | None


class NewsFilters(Paging):
    municipality: str | None = municipality_slug()
    district: int | None = Field(None, ge=1, le=MAX_ID)
    hub: int | None = Field(None, ge=1, le=MAX_ID)


# --------------------------------------------------------------------------- booking


class ResourceLinks(Links):
    free_times: str
    busy_calendar: str = Field(description="iCalendar feed of the resource's busy times.")


class ResourceOut(Schema):
    id: int
    municipality_id: int
    hub_id: int
    hub: str
    parent_id: int | None
    name: str
    kind: str
    kind_label: str
    capacity: int | None
    facilities: list[str]
    accessibility: str
    description: str
    who_may_book: str
    approval: str
    min_minutes: int
    max_minutes: int
    granularity_minutes: int
    links: ResourceLinks


class ResourceFilters(Paging, Language):
    municipality: str | None = municipality_slug()
    hub: int | None = Field(None, ge=1, le=MAX_ID)
    kind: ResourceKind | None = None
    people: int | None = Field(None, ge=1, le=10_000, description="Room for at least this many.")


class FreeStretch(Schema):
    """Consecutive start times at which a booking of the shortest length may start."""

    first_start: datetime
    last_start: datetime
    step_minutes: int


class FreeDay(Schema):
    date: date
    free: list[FreeStretch]


class FreeTimesOut(Schema):
    resource_id: int
    week: date = Field(description="The Monday of the week.")
    min_minutes: int
    days: list[FreeDay]


class FreeTimesFilters(Language):
    week: IsoDate | None = Field(
        None, ge=EARLIEST, le=LATEST, description="Any date of the week (default: this week)."
    )


# --------------------------------------------------------------------------- volunteering


class ShiftOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    places_taken: int
    free_places: int


class OpportunityOut(Schema):
    id: int
    municipality_id: int
    hub_id: int
    hub: str
    organisation_id: int | None
    organisation: str | None
    title: str
    description: str
    skills_wanted: str
    requires_police_certificate: bool
    min_age: int | None
    shifts: list[ShiftOut] = Field(description="Coming shifts that are not cancelled.")
    links: Links


class OpportunityFilters(Paging):
    municipality: str | None = municipality_slug()
    hub: int | None = Field(None, ge=1, le=MAX_ID)


# --------------------------------------------------------------------------- staff reads


class StaffBookingOut(Schema):
    """One booked time. Who booked it is left out (personal data): the purpose, the
    organisation it was booked for and the numbers are what an integration needs."""

    id: int = Field(description="The booked time's id.")
    booking_id: int
    resource_id: int
    resource: str
    hub_id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    status_label: str
    purpose: str
    attendees: int
    organisation: str | None
    is_public: bool
    no_show: bool


class StaffBookingFilters(Paging, Language):
    start: IsoDate | None = Field(None, ge=EARLIEST, le=LATEST, description="Default: today.")
    end: IsoDate | None = Field(
        None, ge=EARLIEST, le=LATEST, description="Default: six days after start; ≤ 92 days."
    )
    hub: int | None = Field(None, ge=1, le=MAX_ID)
    resource: int | None = Field(None, ge=1, le=MAX_ID)
    status: BookingStatus | None = None


class UsageOut(Schema):
    resource_id: int
    resource: str
    hub_id: int
    month: str = Field(description="YYYY-MM.")
    hours_booked: float
    open_hours: float
    occupancy_percent: float
    bookings_by_booker: dict[str, int] = Field(
        description="Confirmed bookings by kind of booker: citizen, association, staff."
    )
    cancelled: int
    no_shows: int


class UsageFilters(Language):
    month: str | None = Field(
        None,
        pattern=r"^(19\d{2}|20\d{2}|2100)-(0[1-9]|1[0-2])$",
        description="YYYY-MM, 1900–2100 (default: this month).",
    )
    hub: int | None = Field(None, ge=1, le=MAX_ID)


class UsageReportOut(Schema):
    municipality_id: int
    month: str
    resources: list[UsageOut]


# --------------------------------------------------------------------------- webhooks


class WebhookBookingOut(Schema):
    """A booking in a webhook message: its own times as the staff reads show them."""

    booking_id: int
    status: BookingStatus
    resource_id: int
    hub_id: int
    times: list[StaffBookingOut]


class WebhookRegistrationOut(Schema):
    """A registration for an event, without its person: whether it took a place or joined
    the waiting list, and the event as it is now (its free places)."""

    id: int
    status: Literal["confirmed", "waitlisted"]
    event: EventOut


class WebhookMessage(Schema):
    """The body of every webhook request (Standard Webhooks: signed, the id in the
    ``webhook-id`` header too)."""

    id: str = Field(description="The message's id, the same on every attempt.")
    kind: Literal[
        "booking.created",
        "booking.changed",
        "booking.cancelled",
        "event.changed",
        "opening_hours.changed",
        "registration.created",
    ]
    occurred_at: datetime
    municipality: MunicipalityOut
    data: dict = Field(
        description="booking.*: a WebhookBookingOut; event.changed: an EventOut; "
        "opening_hours.changed: a HubHoursOut for the coming 14 days; "
        "registration.created: a WebhookRegistrationOut."
    )


# --------------------------------------------------------------------------- open data


class DataCatalogueOut(Schema):
    municipality: str = Field(description="The municipality's slug.")
    name: str
    licence: str = Field(description="The licence of the data (its URI).")
    turtle: str = Field(description="The catalogue as Turtle (what data.norge.no harvests).")
    json_ld: str = Field(description="The catalogue as JSON-LD.")
    rdf_xml: str = Field(description="The catalogue as RDF/XML.")


class CatalogueFilters(Filters):
    format: Literal["turtle", "jsonld", "rdfxml"] = Field(
        "turtle", description="Turtle (default), JSON-LD or RDF/XML."
    )


# --------------------------------------------------------------------------- a citizen's own


class MyBookingOut(Schema):
    """One of the person's booked times."""

    id: int = Field(description="The booked time's id.")
    booking_id: int
    resource_id: int
    resource: str
    hub_id: int
    hub: str
    starts_at: datetime
    ends_at: datetime
    status: BookingStatus
    status_label: str
    purpose: str
    attendees: int


class MyBookingFilters(Paging, Language):
    past: bool = Field(False, description="Also times that have ended.")


class MyRegistrationOut(Schema):
    id: int
    status: Literal["awaiting_email", "confirmed", "waitlisted", "cancelled"]
    status_label: str
    group_size: int
    created_at: datetime
    event: EventOut


class MyRegistrationFilters(Paging, Language):
    past: bool = Field(False, description="Also events that have ended.")
