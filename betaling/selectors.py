"""Reads of prices: which price lists apply to whom and when, what a booking would cost,
and what a booked one costs as it was priced."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking.access import guest_access
from booking.enums import BookingStatus
from booking.models import Occurrence
from booking.permissions import books_as_staff
from frivillighet.enums import OrganisationKind
from frivillighet.models import Organisation
from frivillighet.selectors import active_agreement
from knutepunkt.models import Hub

from .enums import InvoiceLineKind, PaymentState, RenterCategory, VatRate
from .models import (
    ChargeLine,
    InvoiceAddress,
    InvoiceLine,
    InvoicePeriod,
    Payment,
    PaymentEvent,
    PriceList,
    Refund,
)
from .pricing import Line, Price, Rate, Tariff, TimePrice, price_booking


def renter_category(*, booker, resource, organisation=None) -> str:
    """Who rents, as the price lists count them: an organisation by its kind and its
    agreement in force with the hub (the seasonal allocation's rule), the hub's own staff
    as the municipal service they are, everyone else as a citizen. An association of
    another municipality that the room is shared with pays as the sharing says
    (booking.access), where it names a category."""
    if organisation is not None:
        guest = guest_access(resource=resource, organisation=organisation)
        if guest is not None and guest.price_category:
            return guest.price_category
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


@dataclass(frozen=True)
class PaymentHistory:
    """A booking's payment as its page shows it: the state, each event, the receipt."""

    state_label: str
    amount: int
    refunded: int
    events: tuple
    receipt_url: str | None


def payment_history(*, booking) -> PaymentHistory | None:
    """The booking's payment and what happened to it, in order (two queries)."""
    payment = Payment.objects.filter(booking=booking).first()
    if payment is None:
        return None
    paid = payment.state in PaymentState.paid() or payment.captured_amount
    return PaymentHistory(
        state_label=payment.get_state_display(),
        amount=payment.amount,
        refunded=payment.refunded_amount,
        events=tuple(payment.events.all()),
        receipt_url=reverse("betaling:receipt", args=[payment.reference]) if paid else None,
    )


def payments_are_test() -> bool:
    """Whether payments go to the local stand-in (no Vipps credentials): the pages say so."""
    return not settings.VIPPS_CLIENT_ID or settings.VIPPS_CLIENT_ID.startswith("fake-")


# --------------------------------------------------------------------------- invoicing
# What a municipality's export of a month would invoice, computed from the booked times'
# charge lines each time it is asked (the preview and the export ask the same function):
#
# - a *charge* for every charge line of an organisation's confirmed time at one of the
#   municipality's resources that is not invoiced as it stands (never, or credited since),
#   dated in the month, or in an earlier month that was exported already (it came late);
# - a *credit* for every invoiced charge whose time is no longer confirmed (cancelled,
#   rejected) or has moved since it was invoiced; a moved time is charged again as it is.


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, on the Oslo wall clock."""
    tz = timezone.get_default_timezone()
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=tz),
        datetime(following.year, following.month, 1, tzinfo=tz),
    )


def last_ended_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Payer:
    organisation_id: int
    org_number: str
    name: str
    address: str
    postcode: str
    city: str
    email: str = ""
    reference: str = ""

    @property
    def full_address(self) -> str:
        return f"{self.address}, {self.postcode} {self.city}" if self.has_address else ""

    @property
    def has_address(self) -> bool:
        return bool(self.address and self.postcode and self.city)


@dataclass(frozen=True)
class DueLine:
    kind: str
    charge_line_id: int
    generation: int
    credits_id: int | None
    booking_id: int
    starts_at: datetime
    ends_at: datetime
    date: date
    resource_name: str
    description: str
    quantity: Decimal
    unit_price: int
    amount: int
    vat_rate: str
    vat: int
    project_code: str
    service_code: str

    @property
    def vat_code(self) -> str:
        return VatRate(self.vat_rate).code

    @property
    def is_credit(self) -> bool:
        return self.kind == InvoiceLineKind.CREDIT


@dataclass
class DueBasis:
    payer: Payer
    lines: list[DueLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def vat(self) -> int:
        return sum(line.vat for line in self.lines)


def _time_text(start: datetime, end: datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{start:%d.%m.%Y} {start:%H:%M}–{end:%H:%M}"


def _payers(organisation_ids: set[int]) -> dict[int, Payer]:
    """Each payer with the invoice address it gave, or else its address in
    Enhetsregisteret (as last fetched)."""
    found = {}
    addresses = {
        a.organisation_id: a
        for a in InvoiceAddress.objects.filter(organisation_id__in=organisation_ids)
    }
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).select_related(
        "register_record"
    ):
        given = addresses.get(organisation.pk)
        record = getattr(organisation, "register_record", None)
        if given is not None:
            address, postcode, city = given.address, given.postcode, given.city
        elif record is not None and record.found and record.address:
            address, postcode, city = record.address, record.postcode, record.city
        else:
            address = postcode = city = ""
        found[organisation.pk] = Payer(
            organisation_id=organisation.pk,
            org_number=organisation.org_number,
            name=organisation.name,
            address=address,
            postcode=postcode,
            city=city,
            email=given.email if given else organisation.contact_email,
            reference=given.reference if given else "",
        )
    return found


def _due_charges(*, municipality, month: date):
    """The charge lines an export of the month would charge (see above)."""
    start, end = month_bounds(month)
    exported_month = InvoicePeriod.objects.filter(
        municipality=municipality, month=OuterRef("local_month")
    )
    return (
        ChargeLine.objects.filter(
            booking__organisation__isnull=False,
            resource__municipality=municipality,
            occurrence__status=BookingStatus.CONFIRMED,
            occurrence__starts_at__lt=end,
        )
        .annotate(
            local_month=TruncMonth("occurrence__starts_at", tzinfo=timezone.get_default_timezone())
        )
        .filter(Q(occurrence__starts_at__gte=start) | Exists(exported_month))
        .exclude(
            Exists(
                _standing().filter(
                    charge_line=OuterRef("pk"), starts_at=OuterRef("occurrence__starts_at")
                )
            )
        )
    )


def _standing():
    """Invoiced charges not credited since."""
    return InvoiceLine.objects.filter(kind=InvoiceLineKind.CHARGE, credited_by__isnull=True)


def _due_credits(*, municipality):
    """The invoiced charges the next export credits: their time no longer confirmed, or
    moved since it was invoiced."""
    return _standing().filter(
        Q(basis__period__municipality=municipality),
        ~Q(charge_line__occurrence__status=BookingStatus.CONFIRMED)
        | ~Q(charge_line__occurrence__starts_at=F("starts_at")),
    )


def invoice_due(*, municipality, month: date) -> list[DueBasis]:
    """What exporting the municipality's month would invoice, per payer (by name)."""
    charges = (
        _due_charges(municipality=municipality, month=month)
        .select_related("occurrence", "resource", "price_list", "booking")
        .order_by("occurrence__starts_at", "pk")
    )
    generations = {}
    charges = list(charges)
    for row in (
        InvoiceLine.objects.filter(
            kind=InvoiceLineKind.CHARGE, charge_line_id__in=[c.pk for c in charges]
        )
        .values("charge_line_id")
        .annotate(n=Count("pk"))
    ):
        generations[row["charge_line_id"]] = row["n"]
    credits = list(
        _due_credits(municipality=municipality)
        .select_related("charge_line__booking", "basis")
        .order_by("starts_at", "pk")
    )
    organisation_ids = {c.booking.organisation_id for c in charges} | {
        c.charge_line.booking.organisation_id for c in credits
    }
    payers = _payers(organisation_ids)
    bases: dict[int, DueBasis] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for credit in credits:
            organisation_id = credit.charge_line.booking.organisation_id
            bases.setdefault(organisation_id, DueBasis(payers[organisation_id])).lines.append(
                DueLine(
                    kind=InvoiceLineKind.CREDIT,
                    charge_line_id=credit.charge_line_id,
                    generation=credit.generation,
                    credits_id=credit.pk,
                    booking_id=credit.booking_id,
                    starts_at=credit.starts_at,
                    ends_at=credit.ends_at,
                    date=credit.date,
                    resource_name=credit.resource_name,
                    description=_("Credit: %(line)s") % {"line": credit.description},
                    quantity=-credit.quantity,
                    unit_price=credit.unit_price,
                    amount=-credit.amount,
                    vat_rate=credit.vat_rate,
                    vat=-credit.vat,
                    project_code=credit.project_code,
                    service_code=credit.service_code,
                )
            )
        for charge in charges:
            occurrence, price_list = charge.occurrence, charge.price_list
            organisation_id = charge.booking.organisation_id
            label = _("Minimum charge") if charge.label == "minimum" else charge.label
            bases.setdefault(organisation_id, DueBasis(payers[organisation_id])).lines.append(
                DueLine(
                    kind=InvoiceLineKind.CHARGE,
                    charge_line_id=charge.pk,
                    generation=generations.get(charge.pk, 0),
                    credits_id=None,
                    booking_id=charge.booking_id,
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                    date=timezone.localtime(occurrence.starts_at).date(),
                    resource_name=charge.resource.name,
                    description=_("%(resource)s: %(label)s, %(time)s (booking %(booking)s)")
                    % {
                        "resource": charge.resource.name,
                        "label": label,
                        "time": _time_text(occurrence.starts_at, occurrence.ends_at),
                        "booking": charge.booking_id,
                    },
                    quantity=charge.quantity,
                    unit_price=charge.unit_price,
                    amount=charge.amount,
                    vat_rate=charge.vat_rate,
                    vat=charge.vat,
                    project_code=price_list.project_code if price_list else "",
                    service_code=price_list.service_code if price_list else "",
                )
            )
    return sorted(bases.values(), key=lambda basis: (basis.payer.name, basis.payer.org_number))


def invoice_periods(*, municipality):
    """The municipality's exported months, the latest first."""
    return InvoicePeriod.objects.filter(municipality=municipality, locked=True).order_by("-month")


def exported_bases(*, period) -> list[DueBasis]:
    """An exported month's bases as they were written, for its page."""
    bases = []
    for basis in period.bases.prefetch_related("lines").order_by("payer_name", "pk"):
        payer = Payer(
            organisation_id=basis.organisation_id,
            org_number=basis.payer_org_number,
            name=basis.payer_name,
            address=basis.payer_address,
            postcode=basis.payer_postcode,
            city=basis.payer_city,
            email=basis.payer_email,
            reference=basis.payer_reference,
        )
        lines = [
            DueLine(
                kind=line.kind,
                charge_line_id=line.charge_line_id,
                generation=line.generation,
                credits_id=line.credits_id,
                booking_id=line.booking_id,
                starts_at=line.starts_at,
                ends_at=line.ends_at,
                date=line.date,
                resource_name=line.resource_name,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                vat_rate=line.vat_rate,
                vat=line.vat,
                project_code=line.project_code,
                service_code=line.service_code,
            )
            for line in basis.lines.all()
        ]
        bases.append(DueBasis(payer, lines))
    return bases


def invoice_lines_of(*, period):
    """An exported month's lines with their bases, in the order they are written out, read
    a chunk at a time (an export holds constant memory)."""
    return (
        InvoiceLine.objects.filter(basis__period=period)
        .select_related("basis")
        .order_by("basis__payer_name", "basis__pk", "date", "starts_at", "pk")
        .iterator(chunk_size=2000)
    )


# --------------------------------------------------------------------------- finance report
@dataclass(frozen=True)
class FinanceRow:
    """One hub's (or the municipality's) money of a month, in øre."""

    name: str
    paid: int = 0  # drawn through Vipps in the month
    refunded: int = 0  # given back through Vipps in the month
    invoiced: int = 0  # the month's exported invoice basis
    outstanding: int = 0  # owed for the month and neither drawn nor invoiced yet

    @property
    def net(self) -> int:
        return self.paid - self.refunded


@dataclass(frozen=True)
class FinanceReport:
    municipality: object
    month: date
    rows: tuple[FinanceRow, ...]
    exported: object | None  # the InvoicePeriod, when the month is exported
    refunds_waiting: int  # refunds recorded but not yet taken by Vipps

    @property
    def total(self) -> FinanceRow:
        return FinanceRow(
            name="",
            paid=sum(r.paid for r in self.rows),
            refunded=sum(r.refunded for r in self.rows),
            invoiced=sum(r.invoiced for r in self.rows),
            outstanding=sum(r.outstanding for r in self.rows),
        )


def finance_report(*, municipality, month: date) -> FinanceReport:
    """The municipality's money of the month, per hub, in a fixed number of aggregate
    queries (the same at national scale as for one hub): paid through Vipps (captured in
    the month), refunded (in the month), invoiced (the month's exported basis, or nothing
    yet) and outstanding (for times in the month: Vipps payments approved but not drawn
    yet, and an invoice basis not exported yet)."""
    start, end = month_bounds(month)
    by_hub: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    events = (
        PaymentEvent.objects.filter(
            payment__booking__resource__municipality=municipality,
            at__gte=start,
            at__lt=end,
            name__in=["CAPTURED", "REFUNDED"],
        )
        .values("payment__booking__resource__hub_id", "name")
        .annotate(total=Sum("amount"))
    )
    for row in events:
        key = "paid" if row["name"] == "CAPTURED" else "refunded"
        by_hub[row["payment__booking__resource__hub_id"]][key] += row["total"] or 0
    undrawn = (
        Payment.objects.filter(
            booking__resource__municipality=municipality,
            state=PaymentState.AUTHORIZED,
        )
        .filter(
            Exists(
                Occurrence.objects.filter(
                    booking=OuterRef("booking"), starts_at__gte=start, starts_at__lt=end
                )
            )
        )
        .values_list("booking__resource__hub_id", "amount", "captured_amount")
    )
    for hub_id, amount, captured in undrawn:
        by_hub[hub_id]["outstanding"] += amount - captured
    period = InvoicePeriod.objects.filter(
        municipality=municipality, month=month, locked=True
    ).first()
    if period is not None:
        invoiced = (
            InvoiceLine.objects.filter(basis__period=period)
            .values("charge_line__resource__hub_id")
            .annotate(total=Sum("amount"))
        )
        for row in invoiced:
            by_hub[row["charge_line__resource__hub_id"]]["invoiced"] += row["total"] or 0
    elif month <= last_ended_month() or month == timezone.localdate().replace(day=1):
        charges = (
            _due_charges(municipality=municipality, month=month)
            .values("resource__hub_id")
            .annotate(total=Sum("amount"))
        )
        for row in charges:
            by_hub[row["resource__hub_id"]]["outstanding"] += row["total"] or 0
    waiting = (
        Refund.objects.filter(
            payment__booking__resource__municipality=municipality, state="pending"
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    names = dict(Hub.objects.filter(pk__in=list(by_hub)).values_list("pk", "name"))
    rows = tuple(
        FinanceRow(name=names.get(hub_id, ""), **values)
        for hub_id, values in sorted(by_hub.items(), key=lambda item: names.get(item[0], ""))
    )
    return FinanceReport(
        municipality=municipality,
        month=month,
        rows=rows,
        exported=period,
        refunds_waiting=waiting,
    )
