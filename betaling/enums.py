"""Payment's words, each carrying its rules: who rents (the seasonal allocation's
categories, with citizens and businesses apart), how a line is counted, and the fixed set of
Norwegian VAT rates with the accounting VAT codes (SAF-T standard tax codes)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sesong.enums import PriorityCategory


class RenterCategory(models.TextChoices):
    """Who is renting. The associations' and municipal services' categories are the
    seasonal allocation's (same values); its "others" are here citizens or businesses."""

    CITIZEN = "citizen", _("Citizen")
    AGREEMENT = PriorityCategory.AGREEMENT.value, PriorityCategory.AGREEMENT.label
    VOLUNTARY = PriorityCategory.VOLUNTARY.value, PriorityCategory.VOLUNTARY.label
    MUNICIPAL = PriorityCategory.MUNICIPAL.value, PriorityCategory.MUNICIPAL.label
    BUSINESS = "business", _("Business")


class PriceUnit(models.TextChoices):
    PER_HOUR = "per_hour", _("per hour")
    PER_BOOKING = "per_booking", _("per booked time")


class VatRate(models.TextChoices):
    """Norway's VAT rates, with the SAF-T standard tax code the accounting system books
    the output VAT under. Renting out premises is usually outside the VAT Act (code 6)."""

    HIGH = "25", _("25 % (general rate)")
    MEDIUM = "15", _("15 % (food and drink)")
    LOW = "12", _("12 % (transport, cinema, accommodation)")
    ZERO = "0", _("0 % (zero-rated)")
    OUTSIDE = "0-outside", _("0 % (outside the VAT Act)")

    @property
    def percent(self) -> int:
        return {"25": 25, "15": 15, "12": 12, "0": 0, "0-outside": 0}[self.value]

    @property
    def code(self) -> str:
        """The SAF-T standard VAT code of the output VAT."""
        return {"25": "3", "15": "31", "12": "33", "0": "5", "0-outside": "6"}[self.value]


class PaymentState(models.TextChoices):
    """A payment's state, as ours (NEW: not yet sent to Vipps) and as Vipps' ePayment API
    names them (CREATED, AUTHORIZED, ABORTED, EXPIRED, TERMINATED), with what was done."""

    NEW = "NEW", _("Not sent to Vipps yet")
    CREATED = "CREATED", _("Waiting for the payer")
    AUTHORIZED = "AUTHORIZED", _("Paid (reserved)")
    CAPTURED = "CAPTURED", _("Paid")
    ABORTED = "ABORTED", _("Cancelled by the payer")
    EXPIRED = "EXPIRED", _("Not paid in time")
    CANCELLED = "CANCELLED", _("Cancelled")
    FAILED = "FAILED", _("Vipps could not be reached")

    @classmethod
    def open(cls) -> list[str]:
        """States in which the payer may still pay (the booking's times are held)."""
        return [cls.NEW, cls.CREATED]

    @classmethod
    def paid(cls) -> list[str]:
        return [cls.AUTHORIZED, cls.CAPTURED]


class CaptureWhen(models.TextChoices):
    AT_BOOKING = "at_booking", _("When the booking is paid")
    WHEN_USED = "when_used", _("When the booked time begins")


class PaymentSource(models.TextChoices):
    """Who told us about the payment."""

    REDIRECT = "redirect", _("The payer's return from Vipps")
    WEBHOOK = "webhook", _("Vipps' webhook")
    TASK = "task", _("The periodic check")
    PORTAL = "portal", _("The portal")


class InvoiceLineKind(models.TextChoices):
    CHARGE = "charge", _("Charge")
    CREDIT = "credit", _("Credit")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (semicolon-separated)")
    JSON = "json", _("JSON")
