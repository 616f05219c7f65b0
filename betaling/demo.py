"""Demo prices (DEMO DATA, not any municipality's real prices): at Asker's hubs the big hall
and the sound technician cost something for citizens and businesses; associations with a
cooperation agreement and municipal services pay nothing; Møterom 1 stays free."""

import datetime

from booking.models import Resource
from hubportal.core.demo import DemoReport, demo_loader

from .enums import PriceUnit, RenterCategory, VatRate
from .models import PriceLine, PriceList

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
                defaults={"minimum_charge": minimum},
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
