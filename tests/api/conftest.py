"""A small world for the API's tests: two municipalities, hubs with hours, a holiday
exception, a service with rotating hours, events, news, rooms and an opportunity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from innbyggertorg.enums import OfferLevel
from knutepunkt.enums import ExceptionKind, SpanState
from tests.booking.factories import ResourceFactory
from tests.frivillighet.factories import OpportunityFactory, ShiftFactory
from tests.innbyggertorg.factories import (
    EventFactory,
    ScheduleFactory,
    ServiceOfferFactory,
    ServiceTypeFactory,
)
from tests.knutepunkt.factories import (
    DistrictFactory,
    ExceptionFactory,
    ExceptionSpanFactory,
    HubFactory,
    MunicipalityFactory,
    NewsFactory,
    weekday_hours,
)


@dataclass
class ApiWorld:
    municipality: object
    other_municipality: object
    district: object
    hub: object
    other_hub: object
    service: object
    event: object
    full_event: object
    room: object
    opportunity: object


@pytest.fixture
def api_world(db) -> ApiWorld:
    municipality = MunicipalityFactory(name="Asker", slug="asker", number="3203")
    other = MunicipalityFactory(name="Bærum", slug="baerum", number="3201")
    district = DistrictFactory(municipality=municipality, name="Heggedal", postcodes=["1389"])
    hub = HubFactory(
        district=district, name="Heggedal knutepunkt", step_free_entrance=True, hearing_loop=True
    )
    # Staffed 10–16 and self-service 16–22 every day.
    period = weekday_hours(hub)
    for weekday in range(7):
        period.spans.create(
            weekday=weekday, opens=time(16), closes=time(22), state=SpanState.SELF_SERVICE
        )
    # Christmas week: special hours, 23 December shorter.
    exception = ExceptionFactory(
        hub=hub,
        start_date=date(2027, 12, 20),
        end_date=date(2027, 12, 27),
        kind=ExceptionKind.SPECIAL_HOURS,
        reason="Julestengt",
    )
    ExceptionSpanFactory(exception=exception, opens=time(10), closes=time(14))
    ExceptionSpanFactory(
        exception=exception, day=date(2027, 12, 23), opens=time(10), closes=time(12)
    )
    other_hub = HubFactory(district=DistrictFactory(municipality=other), name="Sandvika")
    service = ServiceTypeFactory(municipality=municipality, name="NAV-veileder")
    ServiceOfferFactory(hub=hub, service_type=service, level=OfferLevel.ROTATING)
    ScheduleFactory(hub=hub, service_type=service, weekday=1)
    event = EventFactory(hub=hub, title="Språkkafé", capacity=10)
    full_event = EventFactory(hub=other_hub, title="Forfatterbesøk", capacity=1)
    type(full_event).objects.filter(pk=full_event.pk).update(places_taken=1)
    NewsFactory(municipality=municipality, title="Ny åpningstid")
    NewsFactory(
        municipality=municipality,
        title="Kommer snart",
        publish_from=timezone.now() + timedelta(days=3),
    )
    room = ResourceFactory(hub=hub, name="Møterom 1")
    opportunity = OpportunityFactory(hub=hub, title="Leksehjelp")
    ShiftFactory(opportunity=opportunity)
    return ApiWorld(
        municipality=municipality,
        other_municipality=other,
        district=district,
        hub=hub,
        other_hub=other_hub,
        service=service,
        event=event,
        full_event=full_event,
        room=room,
        opportunity=opportunity,
    )
