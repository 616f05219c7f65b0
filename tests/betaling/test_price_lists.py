"""Price lists on real PostgreSQL: overlapping lists of one resource and category, negative
prices and unknown VAT rates are refused by the database itself (and by the admin with a
message); a booking records its price per time, shown on its page, in "my bookings" and
in its calendar file; hub staff see their own hub's price lists only."""

import datetime
import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from betaling.enums import PriceUnit, RenterCategory, VatRate
from betaling.models import ChargeLine, PriceLine, PriceList
from booking import services
from booking.enums import ResourceKind
from frivillighet.enums import AgreementStatus, MemberRole, OrganisationKind
from frivillighet.models import CooperationAgreement, Organisation, OrganisationMember
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import HubFactory, UserFactory, hub_staff

from .factories import PriceLineFactory, PriceListFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def evening(days=3, hour=18):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceListFactory(**fields)


def test_overlapping_price_lists_of_one_resource_and_category_are_refused_by_the_database():
    first = PriceListFactory(valid_from=D(2027, 1, 1), valid_to=D(2027, 6, 30))
    refused(resource=first.resource, valid_from=D(2027, 6, 30), valid_to=D(2027, 12, 31))
    refused(resource=first.resource, valid_from=D(2026, 1, 1), valid_to=None)  # open end
    # The next day, another category or another resource: all allowed.
    PriceListFactory(resource=first.resource, valid_from=D(2027, 7, 1), valid_to=None)
    PriceListFactory(resource=first.resource, category=RenterCategory.BUSINESS)
    PriceListFactory(valid_from=D(2027, 1, 1))
    refused(resource=first.resource, valid_from=D(2030, 1, 1))  # inside the open-ended list


def test_negative_prices_and_unknown_vat_rates_are_refused_by_the_database():
    refused(minimum_charge=-1)
    refused(valid_from=D(2027, 2, 1), valid_to=D(2027, 1, 1))
    price_list = PriceListFactory()
    for fields in ({"unit_price": -100}, {"vat_rate": "8"}, {"unit": "per_week"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PriceLine.objects.create(
                price_list=price_list,
                label="Leie",
                **{"unit": PriceUnit.PER_HOUR, "unit_price": 100, "vat_rate": VatRate.HIGH}
                | fields,
            )


def price_list_form(resource, **extra):
    return {
        "resource": str(resource.pk),
        "category": RenterCategory.CITIZEN,
        "valid_from": "2027-01-01",
        "valid_to": "",
        "minimum_charge": "0",
        "minimum_vat_rate": VatRate.OUTSIDE,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-label": "Leie",
        "lines-0-unit": PriceUnit.PER_HOUR,
        "lines-0-unit_price": "250,50",
        "lines-0-vat_rate": VatRate.HIGH,
        **extra,
    }


def test_the_admin_takes_kroner_and_refuses_overlaps_and_negatives_with_a_message(client):
    resource = ResourceFactory()
    client.force_login(hub_staff(resource.hub))
    url = reverse("admin:betaling_pricelist_add")
    response = client.post(url, price_list_form(resource))
    assert response.status_code == 302, re.findall(
        r"errorlist[^<]*<li>[^<]*", response.content.decode()
    )
    assert PriceLine.objects.get().unit_price == 25050
    response = client.post(url, price_list_form(resource, valid_from="2027-05-01"))
    assert response.status_code == 200
    assert "gjelder noen av de samme dagene" in response.content.decode()
    response = client.post(
        url,
        price_list_form(resource, category=RenterCategory.BUSINESS, **{"lines-0-unit_price": "-5"}),
    )
    assert response.status_code == 200
    assert PriceList.objects.count() == 1


def test_hub_staff_see_and_change_only_their_own_hubs_price_lists(client):
    own = PriceListFactory()
    other = PriceListFactory(resource=ResourceFactory(hub=HubFactory()))
    client.force_login(hub_staff(own.resource.hub))
    listing = client.get(reverse("admin:betaling_pricelist_changelist")).content.decode()
    assert own.resource.name in listing
    assert other.resource.name not in listing
    assert (
        client.get(reverse("admin:betaling_pricelist_change", args=[other.pk])).status_code == 404
    )
    add = client.get(reverse("admin:betaling_pricelist_add")).content.decode()
    assert f'value="{other.resource.pk}"' not in add
    assert f'value="{own.resource.pk}"' in add


@pytest.fixture
def priced_room():
    room = ResourceFactory(max_minutes=600)
    citizens = PriceListFactory(resource=room, minimum_charge=40000)
    PriceLineFactory(price_list=citizens, label="Leie", unit_price=25000, vat_rate=VatRate.OUTSIDE)
    PriceLineFactory(
        price_list=citizens,
        label="Vask",
        unit=PriceUnit.PER_BOOKING,
        unit_price=10000,
        vat_rate=VatRate.HIGH,
    )
    business = PriceListFactory(resource=room, category=RenterCategory.BUSINESS)
    PriceLineFactory(price_list=business, unit_price=100000, vat_rate=VatRate.HIGH)
    return room


def test_a_series_is_priced_per_time_and_in_total_and_shown_everywhere(client, priced_room):
    citizen = UserFactory()
    first = evening(days=3)
    times = [
        (first + timedelta(days=7 * n), first + timedelta(days=7 * n, hours=n + 1))
        for n in range(3)
    ]
    result = services.booking_create(
        booker=citizen, resource=priced_room, times=times, purpose="Bursdag", repeat="weekly"
    )
    booking = result.booking
    # 1 h: 250 + 100 = 350 < 400 minimum → 400; 2 h: 600; 3 h: 850.
    totals = sorted(
        sum(line.amount for line in ChargeLine.objects.filter(occurrence=o))
        for o in booking.occurrences.all()
    )
    assert totals == [40000, 60000, 85000]
    client.force_login(citizen)
    page = client.get(booking.get_absolute_url()).content.decode()
    assert "kr 1\xa0850,00" in page or "kr 1 850,00" in page
    assert "Minstepris" in page
    mine = client.get(reverse("booking:my_bookings")).content.decode()
    assert "kr 400,00" in mine and "kr 850,00" in mine
    ics = Calendar.from_ical(client.get(reverse("booking:ics", args=[booking.pk])).content)
    descriptions = sorted(str(event["description"]) for event in ics.walk("VEVENT"))
    assert any("kr 600,00" in text for text in descriptions)
    assert all(re.search(r"kr \d", text) for text in descriptions)


def test_the_price_is_shown_before_booking(client, priced_room):
    client.force_login(UserFactory())
    assert "kr 250,00" in client.get(priced_room.get_absolute_url()).content.decode()
    start = timezone.localtime(evening(days=4))
    response = client.post(
        reverse("booking:book", args=[priced_room.pk]),
        {
            "day": start.date().isoformat(),
            "start": "18:00",
            "minutes": "120",
            "purpose": "Bursdag",
            "attendees": "5",
            "repeat": "none",
            "check": "1",
        },
    )
    page = response.content.decode()
    assert "kr 600,00" in page, page[-4000:]
    assert not ChargeLine.objects.exists()


def test_categories_a_business_pays_its_own_price_an_agreement_with_free_use_nothing(priced_room):
    coordinator = UserFactory()
    business = Organisation.objects.create(
        municipality=priced_room.municipality,
        name="Kafé AS",
        org_number="912345688",
        kind=OrganisationKind.PRIVATE,
    )
    club = Organisation.objects.create(
        municipality=priced_room.municipality,
        name="Sjakklubben",
        org_number="974760673",
        kind=OrganisationKind.VOLUNTARY,
    )
    for organisation in (business, club):
        OrganisationMember.objects.create(
            organisation=organisation, user=coordinator, role=MemberRole.COORDINATOR
        )
    CooperationAgreement.objects.create(
        organisation=club,
        municipality=priced_room.municipality,
        starts_on=D(2020, 1, 1),
        ends_on=D(2040, 1, 1),
        status=AgreementStatus.ACTIVE,
        free_room_use=True,
    )
    start = evening(days=5)
    sold = services.booking_create(
        booker=coordinator,
        resource=priced_room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Kurs",
        organisation=business,
    ).booking
    assert sum(line.amount for line in sold.charge_lines.all()) == 200000
    free = services.booking_create(
        booker=coordinator,
        resource=priced_room,
        times=[(start + timedelta(days=1), start + timedelta(days=1, hours=2))],
        purpose="Sjakk",
        organisation=club,
    ).booking
    assert free.free_of_charge and not free.charge_lines.exists()


def test_add_ons_are_priced_under_their_own_price_list(priced_room):
    projector = ResourceFactory(hub=priced_room.hub, kind=ResourceKind.EQUIPMENT, name="Projektor")
    rent = PriceListFactory(resource=projector)
    PriceLineFactory(
        price_list=rent, unit=PriceUnit.PER_BOOKING, unit_price=15000, vat_rate=VatRate.HIGH
    )
    start = evening(days=6)
    booking = services.booking_create(
        booker=UserFactory(),
        resource=priced_room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Foredrag",
        add_ons=[projector],
    ).booking
    lines = list(booking.charge_lines.order_by("resource_id", "pk"))
    assert sum(line.amount for line in lines) == 60000 + 15000
    assert [line.vat for line in lines if line.resource_id == projector.pk] == [3000]
