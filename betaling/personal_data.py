"""The invoice bases a member of the finance staff exported: which months, when, in which
format. The exported month is the municipality's accounting record (the Bookkeeping Act
keeps it for five years), so it stays with the exporter's name when their account is
deleted; the account itself stays as a nameless placeholder, as for the audit trail."""

from __future__ import annotations

from hubportal.accounts import registry
from hubportal.accounts.registry import iso

from .models import InvoicePeriod


def _export(user) -> list[dict]:
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
    """Nothing is erased: the exported months are kept (see the module's docstring), and
    PostgreSQL refuses any change to a locked month."""


registry.register(
    "invoice_exports",
    export=_export,
    erase=_erase,
    models=["betaling.InvoicePeriod"],
    retains=["betaling.InvoicePeriod"],
)
