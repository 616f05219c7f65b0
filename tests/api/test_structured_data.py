"""schema.org JSON-LD as search engines read it from the real pages: every event an Event that
meets Google's event rich-result requirements, every hub a GovernmentOffice whose hours are
the opening-hours engine's (the API's, date by date), every service a GovernmentService with
the hubs and times where it is met; escaped so that no data can end the script element."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hubportal.core.demo import load_demo_data
from hubportal.core.templatetags.seo import json_ld_text
from innbyggertorg.enums import EventStatus, RegistrationMode
from innbyggertorg.models import Event, ServiceType
from innbyggertorg.selectors import service_where_and_when
from knutepunkt.enums import SpanState
from knutepunkt.opening_hours import OSLO, RegularPeriod, Schedule, WeeklySpan
from knutepunkt.structured_data import SPECIAL_HOURS_DAYS, hub_json_ld
from tests.innbyggertorg.factories import EventFactory, ScheduleFactory, ServiceOfferFactory
from tests.knutepunkt.factories import (
    ExceptionFactory,
    ExceptionSpanFactory,
    HubFactory,
    weekday_hours,
)
from tests.support.head import read_head

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"

# Google's event rich results (developers.google.com/search/docs/appearance/structured-data/
# event), written down as data: what an Event must have, what it should have, and what the
# nested objects must or should carry.
GOOGLE_EVENT = {
    "required": {"name", "startDate", "location"},
    "recommended": {
        "description",
        "endDate",
        "eventAttendanceMode",
        "eventStatus",
        "image",
        "offers",
        "organizer",
        "performer",
    },
    # An offline event's location: a Place with a name and an address.
    "location_required": {"@type", "name", "address"},
    "address_recommended": {"streetAddress", "postalCode", "addressLocality", "addressCountry"},
    "offers_recommended": {"availability", "price", "priceCurrency", "url", "validFrom"},
    "organizer_recommended": {"name", "url"},
    "event_status": {f"{SCHEMA}{s}" for s in ("EventScheduled", "EventCancelled")}
    | {f"{SCHEMA}{s}" for s in ("EventPostponed", "EventRescheduled", "EventMovedOnline")},
    "attendance_mode": {
        f"{SCHEMA}{mode}EventAttendanceMode" for mode in ("Offline", "Online", "Mixed")
    },
    "availability": {
        f"{SCHEMA}{s}"
        for s in ("InStock", "SoldOut", "PreOrder", "LimitedAvailability", "Discontinued")
    },
}
# Recommended properties the portal has nothing for: the model keeps no picture of an event
# and names no performer (Google: "where applicable").
NOT_IN_THE_MODEL = {"image", "performer"}


def _page_json_ld(client: Client, url: str, schema_type: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    found = read_head(response.content.decode()).of_type(schema_type)
    assert len(found) == 1, f"{url}: {len(found)} {schema_type}"
    return found[0]


def _iso(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.tzinfo is not None, f"{value} has no offset"
    return moment


def assert_event_rich_result(described: dict, event: Event) -> None:
    missing = GOOGLE_EVENT["required"] - described.keys()
    assert not missing, f"{event}: required {missing}"
    missing = GOOGLE_EVENT["recommended"] - NOT_IN_THE_MODEL - described.keys()
    assert not missing, f"{event}: recommended {missing}"
    assert described["@context"] == "https://schema.org"
    assert described["name"] == event.title
    start, end = _iso(described["startDate"]), _iso(described["endDate"])
    assert start == event.starts_at and end == event.ends_at
    assert start.utcoffset() == event.starts_at.astimezone(OSLO).utcoffset()
    assert described["eventStatus"] in GOOGLE_EVENT["event_status"]
    assert described["eventAttendanceMode"] in GOOGLE_EVENT["attendance_mode"]
    location = described["location"]
    assert GOOGLE_EVENT["location_required"] <= location.keys()
    assert location["@type"] == "Place" and location["name"] == event.hub.name
    address = location["address"]
    assert address["@type"] == "PostalAddress"
    assert GOOGLE_EVENT["address_recommended"] - {"addressLocality"} <= address.keys()
    assert address["streetAddress"] == event.hub.street_address
    if event.hub.latitude is not None:
        assert location["geo"]["latitude"] == float(event.hub.latitude)
    offers = described["offers"]
    assert GOOGLE_EVENT["offers_recommended"] <= offers.keys(), event
    assert offers["availability"] in GOOGLE_EVENT["availability"]
    assert offers["price"] == 0 and offers["priceCurrency"] == "NOK"
    assert described["isAccessibleForFree"] is True
    _iso(offers["validFrom"])
    assert GOOGLE_EVENT["organizer_recommended"] <= described["organizer"].keys()
    assert described["description"]


def test_every_demo_event__meets_googles_event_requirements():
    load_demo_data()
    client = Client()
    events = list(Event.objects.select_related("hub__municipality", "hub__district"))
    assert len(events) >= 8
    for event in events:
        described = _page_json_ld(client, event.get_absolute_url(), "Event")
        assert_event_rich_result(described, event)
        assert described["url"].endswith(event.get_absolute_url())
        if event.languages:
            assert [lang["name"] for lang in described["inLanguage"]] == event.languages
        if event.accessibility_notes:
            assert event.accessibility_notes in [
                feature["value"] for feature in described["location"]["amenityFeature"]
            ]


def test_event__status_and_availability_follow_the_model():
    hub = HubFactory()
    open_event = EventFactory(hub=hub, registration=RegistrationMode.PORTAL, capacity=20)
    few_left = EventFactory(
        hub=hub, registration=RegistrationMode.PORTAL, capacity=20, places_taken=19
    )
    full = EventFactory(hub=hub, registration=RegistrationMode.PORTAL, capacity=2, places_taken=2)
    elsewhere = EventFactory(
        hub=hub, registration=RegistrationMode.EXTERNAL, external_url="https://billett.example.no/"
    )
    cancelled = EventFactory(hub=hub, status=EventStatus.CANCELLED, cancelled_reason="Sykdom")
    client = Client()
    expected = {
        open_event: ("EventScheduled", "InStock"),
        few_left: ("EventScheduled", "LimitedAvailability"),
        full: ("EventScheduled", "SoldOut"),
        elsewhere: ("EventScheduled", "InStock"),
        cancelled: ("EventCancelled", "Discontinued"),
    }
    for event, (status, availability) in expected.items():
        described = _page_json_ld(client, event.get_absolute_url(), "Event")
        assert_event_rich_result(described, event)
        assert described["eventStatus"] == SCHEMA + status, event
        assert described["offers"]["availability"] == SCHEMA + availability, event
    assert _page_json_ld(client, elsewhere.get_absolute_url(), "Event")["offers"]["url"] == (
        "https://billett.example.no/"
    )
    described = _page_json_ld(client, few_left.get_absolute_url(), "Event")
    assert (described["maximumAttendeeCapacity"], described["remainingAttendeeCapacity"]) == (
        20,
        1,
    )


def test_json_ld__cannot_end_the_script_element():
    title = '</script><script>alert("x")</script> & <!-- co'
    event = EventFactory(title=title, description="a > b & c < d")
    response = Client().get(event.get_absolute_url())
    html = response.content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    described = read_head(html).of_type("Event")[0]
    assert described["name"] == title
    assert described["description"] == "a > b & c < d"
    assert json_ld_text({"x": "</script>"}) == '{"x": "\\u003C/script\\u003E"}'


# --------------------------------------------------------------------------- hubs


def _hours_from_json_ld(office: dict, day: date) -> set[tuple[str, str]]:
    """The open hours on a date as a reader of the JSON-LD works them out: the special hours
    dated for it if there are any (opens = closes = 00:00: closed), else the regular week's
    specifications valid on it."""
    special = [
        spec
        for spec in office["specialOpeningHoursSpecification"]
        if spec["validFrom"] <= day.isoformat() <= spec["validThrough"]
    ]
    if special:
        return {(s["opens"], s["closes"]) for s in special if s["opens"] != s["closes"]}
    weekday = SCHEMA + day.strftime("%A")
    return {
        (spec["opens"], spec["closes"])
        for spec in office["openingHoursSpecification"]
        if spec["dayOfWeek"] == weekday
        and spec["validFrom"] <= day.isoformat() <= spec.get("validThrough", "9999-12-31")
    }


def test_hub__opening_hours_in_json_ld_are_the_apis_for_the_same_dates():
    hub = HubFactory()
    weekday_hours(hub, days=range(5))
    today = timezone.localdate()
    ExceptionFactory(
        hub=hub, start_date=today + timedelta(days=3), end_date=today + timedelta(days=3)
    )
    special = ExceptionSpanFactory(
        exception__hub=hub,
        exception__start_date=today + timedelta(days=8),
        exception__end_date=today + timedelta(days=9),
        opens=time(12),
        closes=time(14),
    )
    ExceptionSpanFactory(
        exception=special.exception, opens=time(18), closes=time(20), state=SpanState.SELF_SERVICE
    )
    ServiceOfferFactory(hub=hub)
    client = Client()
    office = _page_json_ld(client, hub.get_absolute_url(), "GovernmentOffice")
    assert "CivicStructure" in office["@type"]
    last = today + timedelta(days=SPECIAL_HOURS_DAYS - 1)
    api = client.get(
        f"/api/v1/hubs/{hub.pk}/opening-hours?start={today:%Y-%m-%d}&end={last:%Y-%m-%d}"
    ).json()
    assert len(api["days"]) == SPECIAL_HOURS_DAYS
    for day in api["days"]:
        from_api = {(p["start_time"], p["end_time"]) for p in day["periods"] if p["is_open"]}
        assert _hours_from_json_ld(office, date.fromisoformat(day["date"])) == from_api, day
        if day["holiday"] or day["is_exception"]:
            dated = [
                s
                for s in office["specialOpeningHoursSpecification"]
                if s["validFrom"] == day["date"]
            ]
            assert dated and all(s["name"] for s in dated)
    closed = [
        s
        for s in office["specialOpeningHoursSpecification"]
        if s["validFrom"] == (today + timedelta(days=3)).isoformat()
    ]
    assert [(s["opens"], s["closes"], s["name"]) for s in closed] == [
        ("00:00", "00:00", "Stengt for oppussing")
    ]
    assert office["address"]["postalCode"] == hub.postcode
    assert office["geo"]["latitude"] == float(hub.latitude)
    offered = office["hasOfferCatalog"]["itemListElement"]
    assert [o["itemOffered"]["name"] for o in offered] == [
        hub.service_offers.get().service_type.name
    ]


def test_hub__a_public_holiday_is_special_hours_closed_all_day():
    """Christmas week: the regular Monday to Friday, and 24–26 December closed (Christmas Eve
    is a closed eve by default), each named."""
    hub = HubFactory()
    spans = tuple(WeeklySpan(weekday=d, opens=time(10), closes=time(16)) for d in range(5))
    schedule = Schedule(periods=(RegularPeriod(date(2020, 1, 1), None, spans),))
    office = hub_json_ld(hub=hub, schedule=schedule, today=date(2027, 12, 20), language="nb")
    special = {s["validFrom"]: s for s in office["specialOpeningHoursSpecification"]}
    for day in ("2027-12-24", "2027-12-25", "2027-12-26", "2027-12-31", "2028-01-01"):
        assert (special[day]["opens"], special[day]["closes"]) == ("00:00", "00:00"), day
        assert special[day]["validThrough"] == day and special[day]["name"]
    assert special["2027-12-25"]["name"] == "Første juledag"
    assert "2027-12-23" not in special
    assert len(office["openingHoursSpecification"]) == 5


# --------------------------------------------------------------------------- services


def test_every_demo_service__is_a_government_service_met_at_its_hubs():
    load_demo_data()
    client = Client()
    services = list(ServiceType.objects.select_related("municipality"))
    assert services
    for service in services:
        described = _page_json_ld(client, service.get_absolute_url(), "GovernmentService")
        assert described["name"] == service.name
        assert described["provider"]["@type"] == "GovernmentOrganization"
        assert service.municipality.name in described["provider"]["name"]
        assert described["areaServed"]["name"] == service.municipality.name
        assert described["serviceType"]
        at_hubs = {
            channel["serviceLocation"]["name"]: channel
            for channel in described["availableChannel"]
            if "serviceLocation" in channel
        }
        offered = {offer.hub.name for offer in service.offers.select_related("hub")}
        visits = service_where_and_when(service_type=service)
        assert set(at_hubs) == offered | {visit.schedule.hub.name for visit in visits}
        for visit in visits:
            if visit.occurrence.is_cancelled:
                continue
            hours = at_hubs[visit.schedule.hub.name]["serviceLocation"]["openingHoursSpecification"]
            start = visit.occurrence.interval.start.astimezone(OSLO)
            dated = [h for h in hours if h["validFrom"] == visit.occurrence.day.isoformat()]
            assert f"{start:%H:%M}" in [h["opens"] for h in dated], visit


def test_service__phone_and_digital_channels_are_channels():
    schedule = ScheduleFactory()
    service = schedule.service_type
    service.phone, service.chat_url = "22 33 44 55", "https://chat.example.no/"
    service.save()
    described = _page_json_ld(Client(), service.get_absolute_url(), "GovernmentService")
    channels = described["availableChannel"]
    assert {"@type": "ContactPoint", "telephone": "22 33 44 55"} in [
        c.get("servicePhone") for c in channels
    ]
    assert "https://chat.example.no/" in [c.get("serviceUrl") for c in channels]
    hub_channel = next(c for c in channels if "serviceLocation" in c)
    assert hub_channel["serviceLocation"]["name"] == schedule.hub.name
    assert hub_channel["serviceLocation"]["openingHoursSpecification"][0]["opens"] == "12:00"
