"""Price lists in the scoped admin: hub staff see and change the price lists of their own
hub's resources only, the municipality's administrators those of the municipality (both
asked of hubportal.permissions through the scoped admin)."""

from __future__ import annotations

from django.contrib import admin

from hubportal.core.admin import ScopedModelAdmin, ScopedTabularInline

from .forms import PriceLineForm, PriceListForm
from .models import CancellationTerms, PriceLine, PriceList


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
