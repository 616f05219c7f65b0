import datetime
import itertools
from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone
from stdnum.no import orgnr

from betaling.enums import PriceUnit, RenterCategory, VatRate
from betaling.models import InvoiceAddress, PriceLine, PriceList
from booking import services as booking_services
from booking.models import Occurrence
from frivillighet.enums import MemberRole, OrganisationKind
from frivillighet.models import Organisation, OrganisationMember
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import UserFactory

SLOTS = itertools.count()


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


# Invoiced payers and their booked times (tests of invoicing and the finance pages).
def org_number(n: int) -> str:
    stem = f"{91000000 + n:08d}"
    return next(stem + d for d in "0123456789" if orgnr.is_valid(stem + d))


def payer(room, name, n, *, kind=OrganisationKind.VOLUNTARY, address=True):
    organisation = Organisation.objects.create(
        municipality=room.municipality, name=name, org_number=org_number(n), kind=kind
    )
    coordinator = UserFactory()
    OrganisationMember.objects.create(
        organisation=organisation, user=coordinator, role=MemberRole.COORDINATOR
    )
    if address:
        InvoiceAddress.objects.create(
            organisation=organisation, address="Postboks 12", postcode="1372", city="Asker"
        )
    organisation.coordinator = coordinator
    return organisation


def booked_in(room, organisation, month, *, day=10, hours=2, count=1):
    """Book through the write path, then move the times to `day` of `month` (18:00)."""
    start = (timezone.localtime() + timedelta(days=3)).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + timedelta(hours=3 * next(SLOTS))  # each call its own free time
    times = [
        (start + timedelta(days=7 * n), start + timedelta(days=7 * n, hours=hours))
        for n in range(count)
    ]
    booking = booking_services.booking_create(
        booker=organisation.coordinator,
        resource=room,
        times=times,
        purpose="Årsmøte",
        organisation=organisation,
        repeat="weekly" if count > 1 else "none",
    ).booking
    target = timezone.make_aware(datetime.datetime(month.year, month.month, day, 18, 0))
    Occurrence.objects.filter(booking=booking).update(
        starts_at=F("starts_at") - (start - target), ends_at=F("ends_at") - (start - target)
    )
    return booking
