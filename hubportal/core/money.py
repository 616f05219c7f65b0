"""Money is whole øre (integers) everywhere; this is how it is written for people."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _


def kroner(ore: int | None) -> str:
    """1234550 øre → "kr 12 345,50" (in the active language's number format)."""
    if ore is None:
        return ""
    amount = formats.number_format(Decimal(ore) / 100, 2, use_l10n=True, force_grouping=True)
    return _("kr %(amount)s") % {"amount": amount}
