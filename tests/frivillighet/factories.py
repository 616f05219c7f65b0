from datetime import timedelta

import factory
from django.utils import timezone

from frivillighet.models import Opportunity, Organisation, Shift
from tests.knutepunkt.factories import HubFactory, MunicipalityFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Lag {n}")
    org_number = "974760673"
    kind = "voluntary"
    listing = "approved"


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    hub = factory.SubFactory(HubFactory)
    title = factory.Sequence(lambda n: f"Språkkafévert {n}")


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    opportunity = factory.SubFactory(OpportunityFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 2
