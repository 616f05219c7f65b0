from datetime import date, time

import factory

from innbyggertorg.enums import OfferLevel, Recurrence, ServiceCategory
from innbyggertorg.models import ServiceOffer, ServiceSchedule, ServiceType
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
