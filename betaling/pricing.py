"""What a booking costs: a pure function of the price lists that apply and the booked times,
with no database. Everything is whole øre (integers), prices include VAT.

The rules, stated once:

- a line *per hour* costs ``unit price × minutes / 60``, a line *per booked time* costs its
  unit price once for every booked time (each time of a series);
- every amount is rounded to whole øre **half up** (0.5 øre becomes 1 øre), once per line;
- a time's lines of one price list that come to less than the list's minimum charge get one
  more line, *minimum charge*, for the difference (at the list's VAT rate for it), so the
  time costs exactly the minimum;
- the VAT in a line is ``amount × rate / (100 + rate)``, rounded half up to whole øre, per
  line; the VAT of a time or a booking is the sum of its lines' VAT;
- the total of a time is the sum of its lines, of a booking the sum of its times. Nothing is
  ever negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from .enums import PriceUnit, VatRate


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest integer, halves up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def vat_in(amount: int, vat_rate: str) -> int:
    """The VAT contained in an amount that includes it."""
    percent = VatRate(vat_rate).percent
    return round_half_up(amount * percent, 100 + percent)


@dataclass(frozen=True)
class Rate:
    """One line of a price list."""

    label: str
    unit: str  # PriceUnit
    unit_price: int  # øre, VAT included
    vat_rate: str  # VatRate


@dataclass(frozen=True)
class Tariff:
    """The price list that applies to one resource at one time."""

    resource_id: int
    resource_name: str
    rates: tuple[Rate, ...]
    minimum: int = 0  # øre per booked time, VAT included
    minimum_vat_rate: str = VatRate.OUTSIDE
    price_list_id: int | None = None


@dataclass(frozen=True)
class Line:
    label: str
    unit: str
    quantity: Decimal  # hours (per hour) or 1
    unit_price: int
    amount: int
    vat_rate: str
    vat: int
    resource_id: int | None = None
    price_list_id: int | None = None

    @property
    def display_label(self) -> str:
        return _("Minimum charge") if self.label == MINIMUM_LABEL else self.label

    @property
    def vat_percent(self) -> int:
        return VatRate(self.vat_rate).percent

    @property
    def vat_rate_label(self) -> str:
        return VatRate(self.vat_rate).label

    @property
    def vat_code(self) -> str:
        return VatRate(self.vat_rate).code


@dataclass(frozen=True)
class TimePrice:
    starts_at: datetime
    ends_at: datetime
    lines: tuple[Line, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def vat(self) -> int:
        return sum(line.vat for line in self.lines)


@dataclass(frozen=True)
class Price:
    """A booking's price: each time with its lines, and the totals."""

    times: tuple[TimePrice, ...]

    @property
    def total(self) -> int:
        return sum(time.total for time in self.times)

    @property
    def vat(self) -> int:
        return sum(time.vat for time in self.times)

    @property
    def is_free(self) -> bool:
        return self.total == 0

    @property
    def vat_by_rate(self) -> list[tuple[str, int, int]]:
        """(VAT rate, amount, VAT) per rate, for a receipt."""
        sums: dict[str, list[int]] = {}
        for time in self.times:
            for line in time.lines:
                entry = sums.setdefault(line.vat_rate, [0, 0])
                entry[0] += line.amount
                entry[1] += line.vat
        return [(rate, amount, vat) for rate, (amount, vat) in sums.items()]

    @property
    def vat_by_rate_labelled(self) -> list[tuple[str, int, int]]:
        return [
            (
                _("%(percent)s %% (code %(code)s)")
                % {"percent": VatRate(rate).percent, "code": VatRate(rate).code},
                amount,
                vat,
            )
            for rate, amount, vat in self.vat_by_rate
        ]


MINIMUM_LABEL = "minimum"  # the label of the top-up line; shown translated


def _line(tariff: Tariff, rate: Rate, minutes: int) -> Line:
    if rate.unit == PriceUnit.PER_HOUR:
        amount = round_half_up(rate.unit_price * minutes, 60)
        quantity = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    else:
        amount, quantity = rate.unit_price, Decimal(1)
    return Line(
        label=rate.label,
        unit=rate.unit,
        quantity=quantity,
        unit_price=rate.unit_price,
        amount=amount,
        vat_rate=rate.vat_rate,
        vat=vat_in(amount, rate.vat_rate),
        resource_id=tariff.resource_id,
        price_list_id=tariff.price_list_id,
    )


def price_time(tariffs: Sequence[Tariff], starts_at: datetime, ends_at: datetime) -> TimePrice:
    """The lines of one booked time under the price lists of its resources."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if minutes <= 0:
        raise ValueError("a booked time ends after it starts")
    lines: list[Line] = []
    for tariff in tariffs:
        if any(rate.unit_price < 0 for rate in tariff.rates) or tariff.minimum < 0:
            raise ValueError("prices are never negative")
        own = [_line(tariff, rate, minutes) for rate in tariff.rates]
        short = tariff.minimum - sum(line.amount for line in own)
        if short > 0:
            own.append(
                Line(
                    label=MINIMUM_LABEL,
                    unit=PriceUnit.PER_BOOKING,
                    quantity=Decimal(1),
                    unit_price=short,
                    amount=short,
                    vat_rate=tariff.minimum_vat_rate,
                    vat=vat_in(short, tariff.minimum_vat_rate),
                    resource_id=tariff.resource_id,
                    price_list_id=tariff.price_list_id,
                )
            )
        lines.extend(own)
    return TimePrice(starts_at=starts_at, ends_at=ends_at, lines=tuple(lines))


def price_booking(times: Sequence[tuple[datetime, datetime, Sequence[Tariff]]]) -> Price:
    """A booking's price: every time (start, end, the tariffs that apply then) priced."""
    return Price(times=tuple(price_time(tariffs, start, end) for start, end, tariffs in times))
