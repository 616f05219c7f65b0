from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class KronerField(forms.DecimalField):
    """Kroner with øre as people type them (250 or 250,50), kept as whole øre."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", Decimal("1000000"))
        kwargs.setdefault("localize", True)  # 250,50 as Norwegians write it
        super().__init__(max_digits=9, decimal_places=2, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return (Decimal(value) / 100).quantize(Decimal("0.01"))
        return value

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)

    def has_changed(self, initial, data):
        if data in self.empty_values:
            return initial is not None
        try:
            return self.clean(data) != initial
        except forms.ValidationError:
            return True


class PriceListForm(forms.ModelForm):
    minimum_charge = KronerField(
        label=_("Minimum charge (kr)"), initial=0, help_text=_("Per booked time, VAT included.")
    )


class PriceLineForm(forms.ModelForm):
    unit_price = KronerField(label=_("Price (kr)"), help_text=_("VAT included."))


class FeeWaiverForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the fee waived?"),
        max_length=150,
        help_text=_("Kept with the refund and shown in the payment's history."),
    )
