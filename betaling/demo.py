"""Demo prices (DEMO DATA, not any municipality's real prices): at Asker's hubs the big hall
and the sound technician cost something for citizens and businesses; associations with a
cooperation agreement and municipal services pay nothing; Møterom 1 stays free.

And invoicing: two invoiced payers (an association without an agreement and a business)
with their invoice addresses, their times in Storsalen at Heggedal last month and this
month, so the finance staff's demo user (okonomi.asker@…) has last month's invoice basis to
export; the hall's price lists carry project and service codes."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.enums import BookingStatus
from booking.models import Booking, Occurrence, Resource, SpaceClaim
from booking.spaces import atomic_spaces
from frivillighet.models import Organisation
from hubportal.core.demo import DemoReport, demo_loader, ensure_demo_user
from knutepunkt import services as knutepunkt_services
from knutepunkt.enums import StaffRole
from knutepunkt.models import Municipality

from .enums import PriceUnit, RenterCategory, VatRate
from .models import InvoiceAddress, PriceLine, PriceList
from .selectors import last_ended_month
from .services import charges_record

VALID_FROM = datetime.date(2026, 1, 1)

# (resource name, category, minimum charge, [(label, unit, price, VAT rate)]) in øre.
# fmt: off
PRICES = [
    ("Storsalen", RenterCategory.CITIZEN, 50000, [
        ("Leie av sal", PriceUnit.PER_HOUR, 30000, VatRate.OUTSIDE),
        ("Vask etter bruk", PriceUnit.PER_BOOKING, 20000, VatRate.HIGH),
    ]),
    ("Storsalen", RenterCategory.VOLUNTARY, 0, [
        ("Leie av sal", PriceUnit.PER_HOUR, 10000, VatRate.OUTSIDE),
    ]),
    ("Storsalen", RenterCategory.BUSINESS, 100000, [
        ("Leie av sal", PriceUnit.PER_HOUR, 80000, VatRate.OUTSIDE),
        ("Vask etter bruk", PriceUnit.PER_BOOKING, 20000, VatRate.HIGH),
    ]),
    ("Lydtekniker", RenterCategory.CITIZEN, 0, [
        ("Lydtekniker", PriceUnit.PER_HOUR, 45000, VatRate.HIGH),
    ]),
    ("Lydtekniker", RenterCategory.BUSINESS, 0, [
        ("Lydtekniker", PriceUnit.PER_HOUR, 65000, VatRate.HIGH),
    ]),
]
# fmt: on


@demo_loader
def load_prices(report: DemoReport) -> None:
    for resource in Resource.objects.filter(municipality__slug="asker"):
        for name, category, minimum, lines in PRICES:
            if resource.name != name:
                continue
            price_list, created = PriceList.objects.get_or_create(
                resource=resource,
                category=category,
                valid_from=VALID_FROM,
                defaults={
                    "minimum_charge": minimum,
                    "project_code": "1100" if name == "Storsalen" else "",
                    "service_code": "3850",  # KOSTRA: other cultural activities
                },
            )
            if created:
                PriceLine.objects.bulk_create(
                    PriceLine(
                        price_list=price_list,
                        label=label,
                        unit=unit,
                        unit_price=price,
                        vat_rate=rate,
                    )
                    for label, unit, price, rate in lines
                )


# (name, org number, kind, invoice address) – demo payers, not real organisations.
PAYERS = [
    ("Heggedal Idrettslag (demo)", "983887457", "voluntary", ("Postboks 21", "1389", "Heggedal")),
    ("Heggedal Kafé AS (demo)", "912345688", "private", ("Heggedalsveien 4", "1389", "Heggedal")),
]


@demo_loader
def load_invoicing(report: DemoReport) -> None:
    asker = Municipality.objects.filter(slug="asker").first()
    hall = Resource.objects.filter(hub__slug="heggedal", name="Storsalen").first()
    if asker is None or hall is None:
        return
    finance = ensure_demo_user(
        report,
        email="okonomi.asker@demo.hubportal.no",
        role="finance staff, Asker",
        full_name="Demo Økonomi",
    )
    knutepunkt_services.staff_membership_grant(
        user=finance, role=StaffRole.FINANCE, municipality=asker
    )
    last = last_ended_month()
    this = timezone.localdate().replace(day=1)
    for index, (name, number, kind, (address, postcode, city)) in enumerate(PAYERS):
        payer, _ = Organisation.objects.get_or_create(
            org_number=number,
            defaults={"municipality": asker, "name": name, "kind": kind, "listing": "approved"},
        )
        InvoiceAddress.objects.get_or_create(
            organisation=payer,
            defaults={"address": address, "postcode": postcode, "city": city},
        )
        for month, days in ((last, (6 + index, 13 + index, 20 + index)), (this, (1 + index,))):
            _past_booking(hall, payer, [datetime.date(month.year, month.month, d) for d in days])


def _past_booking(hall, payer, days) -> None:
    """A confirmed weekly booking of the payer's (written as rows: booking refuses times in
    the past), priced by the write path's own pricing."""
    purpose = f"Treningskveld {days[0]:%Y-%m} (demo)"
    if Booking.objects.filter(resource=hall, organisation=payer, purpose=purpose).exists():
        return
    try:
        with transaction.atomic():  # a demo time someone else holds: this booking is left out
            _write_booking(hall, payer, days, purpose)
    except IntegrityError:
        return


def _write_booking(hall, payer, days, purpose) -> None:
    booking = Booking.objects.create(
        resource=hall,
        purpose=purpose,
        attendees=30,
        status=BookingStatus.CONFIRMED,
        organisation=payer,
        repeat="weekly" if len(days) > 1 else "none",
    )
    occurrences = []
    for day in days:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)))
        end = start + datetime.timedelta(hours=2)
        occurrence = Occurrence.objects.create(
            booking=booking, resource=hall, starts_at=start, ends_at=end, status=booking.status
        )
        SpaceClaim.objects.bulk_create(
            SpaceClaim(occurrence=occurrence, space=space, during=(start, end))
            for space in atomic_spaces(hall)
        )
        occurrences.append(occurrence)
    charges_record(booking=booking, occurrences=occurrences)
