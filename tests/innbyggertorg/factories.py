from datetime import date, time, timedelta

import factory
from django.utils import timezone

from innbyggertorg.enums import (
    EventCategory,
    OfferLevel,
    Recurrence,
    RegistrationMode,
    ServiceCategory,
)
from innbyggertorg.models import Event, ServiceOffer, ServiceSchedule, ServiceType
from tests.knutepunkt.factories import HubFactory, MunicipalityFactory


class ServiceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceType

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Tjeneste {n}")
    slug = factory.Sequence(lambda n: f"tjeneste-{n}")
    category = ServiceCategory.OTHER


class ServiceOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOffer

    hub = factory.SubFactory(HubFactory)
    service_type = factory.LazyAttribute(
        lambda o: ServiceTypeFactory(municipality=o.hub.municipality)
    )
    level = OfferLevel.PRESENT


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceSchedule

    hub = factory.SubFactory(HubFactory)
    service_type = factory.LazyAttribute(
        lambda o: ServiceTypeFactory(municipality=o.hub.municipality)
    )
    recurrence = Recurrence.WEEKLY
    weekday = 1
    start_date = date(2026, 1, 1)
    end_date = date(2028, 12, 31)
    opens = time(12)
    closes = time(15)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    hub = factory.SubFactory(HubFactory)
    title = factory.Sequence(lambda n: f"Språkkafé {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    category = EventCategory.LANGUAGE_CAFE
    registration = RegistrationMode.PORTAL
    capacity = 10
