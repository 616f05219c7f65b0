"""What a booking costs, asked of the app that keeps the price lists.

Prices live in an app that builds on booking (``betaling``), so booking cannot ask it.
Instead that app registers its *pricing* here, from its ``AppConfig.ready``; booking's
pages, its write path and its calendar files ask through these functions. With none
registered, nothing costs anything and no price is shown.

A price (what ``quote`` and ``of_booking`` answer) has ``times`` (each with ``starts_at``,
``ends_at``, ``lines`` and ``total``), ``total`` and ``vat`` in whole øre, VAT included;
a line has ``label``, ``quantity``, ``unit_price``, ``amount``, ``vat_rate_label``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Pricing:
    # quote(resource, add_ons, times, booker, by, organisation) -> price or None (free)
    quote: Callable[..., object | None]
    # record(booking, occurrences): the price of the booked times, in the booking's own
    # transaction, as it is when booked
    record: Callable[..., None]
    # of_booking(booking) -> the recorded price of its times that hold time, or None
    of_booking: Callable[..., object | None]
    # of_occurrences(occurrences) -> {occurrence id: total in øre} (one query)
    of_occurrences: Callable[..., dict[int, int]]
    # of_resource(resource) -> the price lists in force, for the resource's page
    of_resource: Callable[..., list]
    # hold(booking, by, then_status) -> True when the booking must be paid before it is
    # what then_status says: the app records the payment due, in the booking's transaction
    hold: Callable[..., bool] = lambda **kwargs: False
    # payment_url(booking) -> where the booker pays a booking awaiting payment (or None)
    payment_url: Callable[..., str | None] = lambda **kwargs: None
    # cancelled(booking, occurrences, by, staff): times just cancelled, in the cancelling
    # transaction (the app refunds what its terms say)
    cancelled: Callable[..., None] = lambda **kwargs: None
    # history(booking) -> the booking's payment, as its page shows it (an object with
    # `events` (at, label, amount), `receipt_url` and `state_label`), or None
    history: Callable[..., object | None] = lambda **kwargs: None


_pricing: list[Pricing] = []


def register_pricing(pricing: Pricing) -> None:
    if pricing not in _pricing:
        _pricing.append(pricing)


def quote(
    *,
    resource,
    add_ons: Sequence = (),
    times: Sequence[tuple[datetime, datetime]],
    booker,
    by=None,
    organisation=None,
):
    for pricing in _pricing:
        return pricing.quote(
            resource=resource,
            add_ons=list(add_ons),
            times=list(times),
            booker=booker,
            by=by or booker,
            organisation=organisation,
        )
    return None


def record(*, booking, occurrences: Sequence, by=None) -> None:
    for pricing in _pricing:
        pricing.record(booking=booking, occurrences=list(occurrences), by=by)


def hold(*, booking, by, then_status: str) -> bool:
    """Whether the booking is held awaiting payment (asked in the booking's transaction)."""
    return any(
        pricing.hold(booking=booking, by=by, then_status=then_status) for pricing in _pricing
    )


def cancelled(*, booking, occurrences, by, staff: bool) -> None:
    for pricing in _pricing:
        pricing.cancelled(booking=booking, occurrences=list(occurrences), by=by, staff=staff)


def payment_url(booking) -> str | None:
    for pricing in _pricing:
        return pricing.payment_url(booking=booking)
    return None


def of_booking(booking):
    for pricing in _pricing:
        return pricing.of_booking(booking=booking)
    return None


def of_occurrences(occurrences) -> dict[int, int]:
    for pricing in _pricing:
        return pricing.of_occurrences(occurrences=occurrences)
    return {}


def of_resource(resource) -> list:
    for pricing in _pricing:
        return pricing.of_resource(resource=resource)
    return []


def payment_history(booking):
    """What became of the booking's payment, for its page (None: no payment)."""
    for pricing in _pricing:
        return pricing.history(booking=booking)
    return None
