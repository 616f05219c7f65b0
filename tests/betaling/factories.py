import datetime

import factory

from betaling.enums import PriceUnit, RenterCategory, VatRate
from betaling.models import PriceLine, PriceList
from tests.booking.factories import ResourceFactory


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    resource = factory.SubFactory(ResourceFactory)
    category = RenterCategory.CITIZEN
    valid_from = datetime.date(2020, 1, 1)
    valid_to = None
    minimum_charge = 0


class PriceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceLine

    price_list = factory.SubFactory(PriceListFactory)
    label = "Leie"
    unit = PriceUnit.PER_HOUR
    unit_price = 25000
    vat_rate = VatRate.OUTSIDE
