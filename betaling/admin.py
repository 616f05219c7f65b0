"""Price lists in the scoped admin: hub staff see and change the price lists of their own
hub's resources only, the municipality's administrators those of the municipality (both
asked of hubportal.permissions through the scoped admin). Payments, refunds and the
exported invoice bases are records: read only here, for the municipality's finance staff
and administrators (and, for payments and refunds, the hub's staff); the payers' invoice
addresses are kept by finance staff."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from hubportal.core.admin import ScopedModelAdmin, ScopedTabularInline
from hubportal.core.money import kroner

from .forms import PriceLineForm, PriceListForm
from .models import (
    CancellationTerms,
    InvoiceAddress,
    InvoiceBasis,
    InvoiceLine,
    InvoicePeriod,
    Payment,
    PriceLine,
    PriceList,
    Refund,
)


class PriceLineInline(ScopedTabularInline):
    model = PriceLine
    form = PriceLineForm
    extra = 1
    fields = ["label", "unit", "unit_price", "vat_rate"]


@admin.register(PriceList)
class PriceListAdmin(ScopedModelAdmin):
    form = PriceListForm
    inlines = [PriceLineInline]
    list_display = ["resource", "category", "valid_from", "valid_to"]
    list_filter = ["category", "resource__hub"]
    search_fields = ["resource__name", "resource__hub__name"]
    list_select_related = ["resource__hub"]
    fields = [
        "resource",
        "category",
        "valid_from",
        "valid_to",
        "minimum_charge",
        "minimum_vat_rate",
        "project_code",
        "service_code",
    ]


@admin.register(CancellationTerms)
class CancellationTermsAdmin(ScopedModelAdmin):
    list_display = ["resource", "free_until_hours", "fee_percent"]
    list_select_related = ["resource__hub"]
    search_fields = ["resource__name"]


class RecordAdminMixin:
    """A record nobody changes in the admin: seen, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefundInline(RecordAdminMixin, ScopedTabularInline):
    model = Refund
    extra = 0
    fields = ["created_at", "amount_kr", "fee_kr", "reason", "state"]
    readonly_fields = fields

    @admin.display(description=_("refunded"))
    def amount_kr(self, obj):
        return kroner(obj.amount)

    @admin.display(description=_("cancellation fee"))
    def fee_kr(self, obj):
        return kroner(obj.fee)


@admin.register(Payment)
class PaymentAdmin(RecordAdminMixin, ScopedModelAdmin):
    list_display = ["reference", "booking", "amount_kr", "state", "refunded_kr", "created_at"]
    list_filter = ["state", "booking__resource__hub"]
    search_fields = ["reference", "booking__purpose"]
    list_select_related = ["booking"]
    date_hierarchy = "created_at"
    fields = [
        "reference",
        "booking",
        "amount_kr",
        "state",
        "authorised_at",
        "authorised_by",
        "captured_kr",
        "refunded_kr",
        "created_at",
        "history",
    ]
    readonly_fields = fields
    inlines = [RefundInline]

    @admin.display(description=_("amount"))
    def amount_kr(self, obj):
        return kroner(obj.amount)

    @admin.display(description=_("captured"))
    def captured_kr(self, obj):
        return kroner(obj.captured_amount)

    @admin.display(description=_("refunded"))
    def refunded_kr(self, obj):
        return kroner(obj.refunded_amount)

    @admin.display(description=_("Payment history"))
    def history(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} ({})</li>",
                (
                    (
                        date_format(timezone.localtime(event.at), "j. F Y H:i"),
                        event.label,
                        event.get_source_display(),
                    )
                    for event in obj.events.all()
                ),
            ),
        )


@admin.register(Refund)
class RefundAdmin(RecordAdminMixin, ScopedModelAdmin):
    list_display = ["payment", "amount_kr", "fee_kr", "reason", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["payment__reference", "reason"]
    list_select_related = ["payment"]
    fields = ["payment", "amount_kr", "fee_kr", "reason", "state", "created_at"]
    readonly_fields = fields

    amount_kr = RefundInline.amount_kr
    fee_kr = RefundInline.fee_kr


class InvoiceBasisInline(RecordAdminMixin, ScopedTabularInline):
    model = InvoiceBasis
    extra = 0
    fields = ["payer_name", "payer_org_number", "total_kr"]
    readonly_fields = fields
    show_change_link = True

    @admin.display(description=_("total"))
    def total_kr(self, obj):
        return kroner(obj.total)


@admin.register(InvoicePeriod)
class InvoicePeriodAdmin(RecordAdminMixin, ScopedModelAdmin):
    list_display = ["month", "municipality", "exported_at", "exported_by_name", "total_kr"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    fields = [
        "municipality",
        "month",
        "exported_at",
        "exported_by_name",
        "export_format",
        "total_kr",
        "page",
    ]
    readonly_fields = fields
    inlines = [InvoiceBasisInline]
    total_kr = InvoiceBasisInline.total_kr

    @admin.display(description=_("Invoice basis"))
    def page(self, obj):
        url = reverse(
            "betaling:invoice_month", args=[obj.municipality.slug, obj.month.year, obj.month.month]
        )
        return format_html('<a href="{}">{}</a>', url, _("Invoice basis"))


class InvoiceLineInline(RecordAdminMixin, ScopedTabularInline):
    model = InvoiceLine
    extra = 0
    fields = ["date", "kind", "description", "quantity", "unit_kr", "vat_rate", "amount_kr"]
    readonly_fields = fields

    @admin.display(description=_("unit price"))
    def unit_kr(self, obj):
        return kroner(obj.unit_price)

    @admin.display(description=_("amount"))
    def amount_kr(self, obj):
        return kroner(obj.amount)


@admin.register(InvoiceBasis)
class InvoiceBasisAdmin(RecordAdminMixin, ScopedModelAdmin):
    list_display = ["payer_name", "payer_org_number", "period", "total_kr"]
    search_fields = ["payer_name", "payer_org_number"]
    list_select_related = ["period__municipality"]
    fields = [
        "period",
        "payer_name",
        "payer_org_number",
        "payer_address",
        "payer_postcode",
        "payer_city",
        "payer_email",
        "payer_reference",
        "total_kr",
    ]
    readonly_fields = fields
    inlines = [InvoiceLineInline]
    total_kr = InvoiceBasisInline.total_kr


@admin.register(InvoiceAddress)
class InvoiceAddressAdmin(ScopedModelAdmin):
    list_display = ["organisation", "address", "postcode", "city", "email"]
    search_fields = ["organisation__name", "organisation__org_number"]
    list_select_related = ["organisation"]
    fields = ["organisation", "address", "postcode", "city", "email", "reference"]
