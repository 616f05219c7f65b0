"""Who may see and change prices: a price list belongs to its resource's hub, so hub staff
manage the price lists of their hub's resources and the municipality's administrators
every one of the municipality's; a booking's charge lines are read only."""

from __future__ import annotations

from booking.permissions import can_view_booking, is_own_booking
from hubportal.permissions import READ, Policy, register

register(
    "betaling.pricelist",
    Policy(municipality=("resource__municipality",), hub=("resource__hub",)),
)
register(
    "betaling.priceline",
    Policy(
        municipality=("price_list__resource__municipality",), hub=("price_list__resource__hub",)
    ),
)
register(
    "betaling.chargeline",
    Policy(
        municipality=("resource__municipality",),
        hub=("resource__hub",),
        municipality_admin=READ,
        hub_staff=READ,
    ),
)
register(
    "betaling.cancellationterms",
    Policy(municipality=("resource__municipality",), hub=("resource__hub",)),
)
register(
    "betaling.payment",
    Policy(
        municipality=("booking__resource__municipality",),
        hub=("booking__resource__hub",),
        municipality_admin=READ,
        hub_staff=READ,
    ),
)


def can_pay(user, booking) -> bool:
    """May this user pay for the booking? Its booker only."""
    return is_own_booking(user, booking)


def can_view_payment(user, payment) -> bool:
    """The booker, and staff who manage the booking's resource."""
    return can_view_booking(user, payment.booking)
