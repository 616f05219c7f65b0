"""The write path of prices: a booking's charge lines, recorded in the booking's own
transaction at the price lists in force for its times."""

from __future__ import annotations

from collections.abc import Sequence

from .models import ChargeLine
from .pricing import price_time
from .selectors import renter_category, tariffs_for


def charges_record(*, booking, occurrences: Sequence, by=None) -> int:
    """Price every booked time of the booking (each resource's occurrence under its own
    price list) and store the lines. A booking free under a cooperation agreement costs
    nothing and gets no lines. Returns the number of lines stored."""
    if booking.free_of_charge or not occurrences:
        return 0
    category = renter_category(
        booker=booking.booker, resource=booking.resource, organisation=booking.organisation
    )
    rows = []
    by_resource: dict = {}
    for occurrence in occurrences:
        by_resource.setdefault(occurrence.resource, []).append(occurrence)
    for resource, own in by_resource.items():
        priced = tariffs_for(
            resources=[resource],
            category=category,
            times=[(o.starts_at, o.ends_at) for o in own],
        )
        for occurrence, (start, end, tariffs) in zip(own, priced, strict=True):
            if not tariffs:
                continue
            for line in price_time(tariffs, start, end).lines:
                rows.append(
                    ChargeLine(
                        booking=booking,
                        occurrence=occurrence,
                        resource=resource,
                        price_list_id=line.price_list_id,
                        label=line.label,
                        unit=line.unit,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        amount=line.amount,
                        vat_rate=line.vat_rate,
                        vat=line.vat,
                    )
                )
    ChargeLine.objects.bulk_create(rows)
    return len(rows)
