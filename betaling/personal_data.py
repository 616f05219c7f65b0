"""What a member of staff did with money: the invoice months they exported (which, when, in
which format) and the cancellation fees they waived. Both are the municipality's accounting
record (the Bookkeeping Act keeps it for five years), so they stay, with the staff member's
name, when the account is deleted; the account itself stays as a nameless placeholder, as
for the audit trail."""

from __future__ import annotations

from hubportal.accounts import registry
from hubportal.accounts.registry import iso

from .models import InvoicePeriod, Refund


def _export(user) -> dict:
    return {"invoice_months_exported": _months(user), "fees_waived": _waivers(user)}


def _waivers(user) -> list[dict]:
    return [
        {
            "payment": refund.payment.reference,
            "refunded_kroner": refund.amount / 100,
            "reason": refund.reason,
            "at": iso(refund.created_at),
        }
        for refund in Refund.objects.filter(by=user).select_related("payment").order_by("pk")
    ]


def _months(user) -> list[dict]:
    return [
        {
            "municipality": period.municipality.name,
            "month": period.month.strftime("%Y-%m"),
            "exported_at": iso(period.exported_at),
            "format": period.export_format,
        }
        for period in InvoicePeriod.objects.filter(exported_by=user)
        .select_related("municipality")
        .order_by("month", "pk")
    ]


def _erase(user) -> None:
    """Nothing is erased: the exported months and the fees waived are kept with the staff
    member's name (the municipality's accounting record, see the module's docstring), and
    PostgreSQL refuses any change to a locked month."""


registry.register(
    "invoice_exports",
    export=_export,
    erase=_erase,
    models=["betaling.InvoicePeriod", "betaling.Refund"],
    retains=["betaling.InvoicePeriod", "betaling.Refund"],
)
