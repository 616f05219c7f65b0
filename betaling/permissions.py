"""Who may see and change prices: a price list belongs to its resource's hub, so hub staff
manage the price lists of their hub's resources and the municipality's administrators
every one of the municipality's; a booking's charge lines are read only."""

from __future__ import annotations

from booking.permissions import can_view_booking, is_own_booking
from hubportal import permissions
from hubportal.permissions import ALL_ACTIONS, READ, Action, Policy, register
from knutepunkt.models import Municipality

from .models import InvoicePeriod

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


# Invoicing is the municipality's finance work: its administrators export the invoice
# basis; hub staff neither see nor export it.
INVOICING = ("betaling.invoiceperiod", "betaling.invoicebasis", "betaling.invoiceline")
for label, path in zip(
    INVOICING, ("municipality", "period__municipality", "basis__period__municipality"), strict=True
):
    register(
        label,
        Policy(municipality=(path,), municipality_admin=ALL_ACTIONS, hub_staff=frozenset()),
    )
register(
    "betaling.invoiceaddress",
    Policy(
        municipality=("organisation__municipality",),
        organisation=("organisation",),
        hub_staff=frozenset(),
        coordinator=frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
    ),
)


def can_export_invoices(user, municipality) -> bool:
    """May this user see and export the municipality's invoice basis?"""
    return permissions.can(user, Action.ADD, InvoicePeriod(municipality=municipality))


def invoicing_municipalities(user):
    """The municipalities whose invoice basis the user may see and export."""
    found = Municipality.objects.order_by("name")
    if permissions.is_installation_admin(user):
        return found
    return found.filter(pk__in=permissions.administered_municipality_ids(user))
