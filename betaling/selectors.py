"""Reads of prices: which price lists apply to whom and when, what a booking would cost,
and what a booked one costs as it was priced."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from booking.enums import BookingStatus
from booking.permissions import books_as_staff
from frivillighet.enums import OrganisationKind
from frivillighet.selectors import active_agreement

from .enums import RenterCategory
from .models import ChargeLine, PriceList
from .pricing import Line, Price, Rate, Tariff, TimePrice, price_booking


def renter_category(*, booker, resource, organisation=None) -> str:
    """Who rents, as the price lists count them: an organisation by its kind and its
    agreement in force with the hub (the seasonal allocation's rule), the hub's own staff
    as the municipal service they are, everyone else as a citizen."""
    if organisation is not None:
        if organisation.kind == OrganisationKind.PUBLIC:
            return RenterCategory.MUNICIPAL
        if organisation.kind == OrganisationKind.PRIVATE:
            return RenterCategory.BUSINESS
        if active_agreement(organisation_id=organisation.pk, hub=resource.hub):
            return RenterCategory.AGREEMENT
        return RenterCategory.VOLUNTARY
    if booker is not None and books_as_staff(booker, resource):
        return RenterCategory.MUNICIPAL
    return RenterCategory.CITIZEN


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def price_lists_between(*, resources: Sequence, category: str, first: date, last: date):
    """The price lists of the resources and category valid on some day in [first, last]."""
    return (
        PriceList.objects.filter(resource__in=resources, category=category, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .select_related("resource")
        .prefetch_related("lines")
    )


def tariff_of(price_list: PriceList) -> Tariff:
    return Tariff(
        resource_id=price_list.resource_id,
        resource_name=price_list.resource.name,
        rates=tuple(
            Rate(
                label=line.label, unit=line.unit, unit_price=line.unit_price, vat_rate=line.vat_rate
            )
            for line in price_list.lines.all()
        ),
        minimum=price_list.minimum_charge,
        minimum_vat_rate=price_list.minimum_vat_rate,
        price_list_id=price_list.pk,
    )


def _valid_on(price_list: PriceList, day: date) -> bool:
    return price_list.valid_from <= day and (
        price_list.valid_to is None or day <= price_list.valid_to
    )


def tariffs_for(
    *, resources: Sequence, category: str, times: Sequence[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime, list[Tariff]]]:
    """Each time with the tariffs of the resources that apply on its day (one query)."""
    if not times:
        return []
    days = [_local_day(start) for start, _end in times]
    lists = list(
        price_lists_between(resources=resources, category=category, first=min(days), last=max(days))
    )
    tariffs = {price_list.pk: tariff_of(price_list) for price_list in lists}
    order = {resource.pk: index for index, resource in enumerate(resources)}
    found = []
    for (start, end), day in zip(times, days, strict=True):
        applying = sorted(
            (p for p in lists if _valid_on(p, day)), key=lambda p: order.get(p.resource_id, 0)
        )
        found.append((start, end, [tariffs[p.pk] for p in applying]))
    return found


def booking_quote(*, resource, add_ons, times, booker, by=None, organisation=None) -> Price | None:
    """What booking these times would cost this booker (None: nothing to pay)."""
    if organisation is not None:
        agreement = active_agreement(organisation_id=organisation.pk, hub=resource.hub)
        if agreement is not None and agreement.free_room_use:
            return None
    category = renter_category(booker=booker, resource=resource, organisation=organisation)
    price = price_booking(
        tariffs_for(resources=[resource, *add_ons], category=category, times=times)
    )
    return None if price.is_free else price


def _line_of(row: ChargeLine) -> Line:
    return Line(
        label=row.label,
        unit=row.unit,
        quantity=row.quantity,
        unit_price=row.unit_price,
        amount=row.amount,
        vat_rate=row.vat_rate,
        vat=row.vat,
        resource_id=row.resource_id,
        price_list_id=row.price_list_id,
    )


def booking_price(*, booking, statuses: Sequence[str] | None = None) -> Price | None:
    """The recorded price of the booking's times that hold time (or of those statuses)."""
    rows = (
        ChargeLine.objects.filter(
            booking=booking,
            occurrence__status__in=list(statuses or BookingStatus.holding_time()),
        )
        .select_related("occurrence")
        .order_by("occurrence__starts_at", "occurrence__resource_id", "pk")
    )
    by_time: dict[tuple[datetime, datetime], list[Line]] = defaultdict(list)
    for row in rows:
        by_time[(row.occurrence.starts_at, row.occurrence.ends_at)].append(_line_of(row))
    if not by_time:
        return None
    return Price(
        times=tuple(
            TimePrice(starts_at=start, ends_at=end, lines=tuple(lines))
            for (start, end), lines in by_time.items()
        )
    )


def occurrence_prices(*, occurrences) -> dict[int, int]:
    """What each listed time costs with its add-ons ({occurrence id: øre}), in one query."""
    occurrences = list(occurrences)
    if not occurrences:
        return {}
    sums = (
        ChargeLine.objects.filter(booking_id__in={o.booking_id for o in occurrences})
        .values("booking_id", "occurrence__starts_at")
        .annotate(total=Sum("amount"))
    )
    totals = {(row["booking_id"], row["occurrence__starts_at"]): row["total"] for row in sums}
    return {
        o.pk: totals[(o.booking_id, o.starts_at)]
        for o in occurrences
        if (o.booking_id, o.starts_at) in totals
    }


def resource_price_lists(*, resource) -> list[PriceList]:
    """The resource's price lists in force today or prepared for later, by category."""
    today = timezone.localdate()
    return list(
        PriceList.objects.filter(resource=resource)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .prefetch_related("lines")
        .order_by("category", "valid_from")
    )


def payments_are_test() -> bool:
    """Whether payments go to the local stand-in (no Vipps credentials): the pages say so."""
    return not settings.VIPPS_CLIENT_ID or settings.VIPPS_CLIENT_ID.startswith("fake-")
