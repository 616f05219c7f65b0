"""Who may see and change prices: a price list belongs to its resource's hub, so hub staff
manage the price lists of their hub's resources and the municipality's administrators
every one of the municipality's; a booking's charge lines are read only."""

from __future__ import annotations

from booking.permissions import can_decide_booking, can_view_booking, is_own_booking
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
        finance=READ,
    ),
)
register(
    "betaling.refund",
    Policy(
        municipality=("payment__booking__resource__municipality",),
        hub=("payment__booking__resource__hub",),
        municipality_admin=READ,
        hub_staff=READ,
        finance=READ,
    ),
)


def can_pay(user, booking) -> bool:
    """May this user pay for the booking? Its booker only."""
    return is_own_booking(user, booking)


def can_view_payment(user, payment) -> bool:
    """The booker, and staff who manage the booking's resource."""
    return can_view_booking(user, payment.booking)


# Invoicing is the municipality's finance work: its finance staff and administrators see
# and export the invoice basis (an export is an *add* of the month); what is exported is
# never changed. Hub staff neither see nor export it. Finance staff keep the payers'
# invoice addresses.
EXPORT = frozenset({Action.VIEW, Action.ADD})
for label, path, actions in (
    ("betaling.invoiceperiod", "municipality", EXPORT),
    ("betaling.invoicebasis", "period__municipality", READ),
    ("betaling.invoiceline", "basis__period__municipality", READ),
):
    register(
        label,
        Policy(
            municipality=(path,),
            municipality_admin=actions,
            hub_staff=frozenset(),
            finance=actions,
        ),
    )
register(
    "betaling.invoiceaddress",
    Policy(
        municipality=("organisation__municipality",),
        hub_staff=frozenset(),
        finance=ALL_ACTIONS,
    ),
)


def can_export_invoices(user, municipality) -> bool:
    """May this user see and export the municipality's invoice basis?"""
    return permissions.can(user, Action.ADD, InvoicePeriod(municipality=municipality))


def sees_finances(user, municipality) -> bool:
    """May this user see the municipality's finances (payments, refunds, invoicing, the
    monthly finance report)? Its finance staff and administrators."""
    return can_export_invoices(user, municipality)


def invoicing_municipalities(user):
    """The municipalities whose finances the user sees (and whose invoice basis the user
    may export)."""
    found = Municipality.objects.order_by("name")
    if permissions.is_installation_admin(user):
        return found
    return found.filter(
        pk__in=permissions.administered_municipality_ids(user)
        | permissions.finance_municipality_ids(user)
    )


def can_waive_fee(user, booking) -> bool:
    """May this user waive a cancellation fee of the booking? The staff who decide on the
    booking's resource (its hub's staff, the municipality's administrators)."""
    return can_decide_booking(user, booking)
