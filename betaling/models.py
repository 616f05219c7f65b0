"""Price lists per resource and renter category, and the charge lines a booking was priced
at when it was made (so a later price list never changes what a booking costs).

Money is whole øre (integers), VAT included. PostgreSQL refuses two price lists of one
resource and category whose validity overlaps (an exclusion constraint on the daterange),
negative prices and VAT rates outside the fixed set (check constraints)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from booking.models import Booking, Occurrence, Resource
from frivillighet.models import Organisation
from knutepunkt.models import Municipality

from .enums import (
    ExportFormat,
    InvoiceLineKind,
    PaymentSource,
    PaymentState,
    PriceUnit,
    RenterCategory,
    VatRate,
)


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


VAT_RATES = [rate.value for rate in VatRate]


class PriceList(models.Model):
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="price_lists",
        help_text=_("A room, or an add-on such as equipment or a technician."),
    )
    category = models.CharField(_("renter category"), max_length=20, choices=RenterCategory.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Empty: until a new list is made.")
    )
    minimum_charge = models.IntegerField(
        _("minimum charge (øre)"), default=0, help_text=_("Per booked time, VAT included.")
    )
    minimum_vat_rate = models.CharField(
        _("VAT rate of the minimum charge"),
        max_length=10,
        choices=VatRate.choices,
        default=VatRate.OUTSIDE,
    )
    project_code = models.CharField(
        _("project code"),
        max_length=20,
        blank=True,
        help_text=_("The municipality's project in the accounts, written on every invoice line."),
    )
    service_code = models.CharField(
        _("service code"),
        max_length=20,
        blank=True,
        help_text=_("The municipality's service (function) in the accounts, e.g. 3850."),
    )

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["resource", "category", "-valid_from"]
        constraints = [
            ExclusionConstraint(
                name="price_lists_never_overlap",
                expressions=[
                    ("resource", RangeOperators.EQUAL),
                    ("category", RangeOperators.EQUAL),
                    (
                        DateRange("valid_from", "valid_to", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message=_(
                    "Another price list of this resource for this renter category is valid "
                    "in some of the same days."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="price_list_ends_after_start",
                violation_error_message=_("A price list cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(minimum_charge__gte=0),
                name="price_list_minimum_not_negative",
                violation_error_message=_("A price is never negative."),
            ),
            models.CheckConstraint(
                condition=Q(minimum_vat_rate__in=VAT_RATES),
                name="price_list_vat_rate_known",
                violation_error_message=_("Choose one of the Norwegian VAT rates."),
            ),
        ]

    def __str__(self):
        return f"{self.resource.name} – {self.get_category_display()}"


class PriceLine(models.Model):
    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="lines"
    )
    label = models.CharField(_("description"), max_length=120)
    unit = models.CharField(
        _("counted"), max_length=20, choices=PriceUnit.choices, default=PriceUnit.PER_HOUR
    )
    unit_price = models.IntegerField(_("price (øre)"), help_text=_("VAT included."))
    vat_rate = models.CharField(
        _("VAT rate"), max_length=10, choices=VatRate.choices, default=VatRate.OUTSIDE
    )

    class Meta:
        verbose_name = _("price line")
        verbose_name_plural = _("price lines")
        ordering = ["price_list", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="price_line_not_negative",
                violation_error_message=_("A price is never negative."),
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__in=VAT_RATES),
                name="price_line_vat_rate_known",
                violation_error_message=_("Choose one of the Norwegian VAT rates."),
            ),
            models.CheckConstraint(
                condition=Q(unit__in=[unit.value for unit in PriceUnit]),
                name="price_line_unit_known",
            ),
        ]

    def __str__(self):
        return self.label


class ChargeLine(models.Model):
    """One line of what a booking costs, as it was priced when it was booked."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="charge_lines"
    )
    occurrence = models.ForeignKey(
        Occurrence,
        verbose_name=_("booked time"),
        on_delete=models.CASCADE,
        related_name="charge_lines",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="+"
    )
    price_list = models.ForeignKey(
        PriceList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("description"), max_length=120)
    unit = models.CharField(_("counted"), max_length=20, choices=PriceUnit.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit_price = models.IntegerField(_("price (øre)"))
    amount = models.IntegerField(_("amount (øre)"))
    vat_rate = models.CharField(_("VAT rate"), max_length=10, choices=VatRate.choices)
    vat = models.IntegerField(_("VAT (øre)"))

    class Meta:
        verbose_name = _("charge line")
        verbose_name_plural = _("charge lines")
        ordering = ["occurrence__starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(amount__gte=0) & Q(vat__gte=0),
                name="charge_line_not_negative",
                violation_error_message=_("A price is never negative."),
            ),
            models.CheckConstraint(
                condition=Q(vat__lte=F("amount")), name="charge_line_vat_within_amount"
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__in=VAT_RATES), name="charge_line_vat_rate_known"
            ),
        ]

    def __str__(self):
        return self.label


class Payment(models.Model):
    """A booking's payment by Vipps (ePayment API). The reference is ours and Vipps'; the
    amounts are whole øre, and PostgreSQL keeps captured ≤ amount and refunded ≤ captured."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="payment"
    )
    reference = models.CharField(_("reference"), max_length=50, unique=True)
    amount = models.IntegerField(_("amount (øre)"))
    state = models.CharField(
        _("state"), max_length=20, choices=PaymentState.choices, default=PaymentState.NEW
    )
    then_status = models.CharField(_("status once paid"), max_length=20, editable=False)
    expires_at = models.DateTimeField(_("held until"))
    redirect_url = models.URLField(
        _("Vipps' payment page"), max_length=1000, blank=True, editable=False
    )
    psp_reference = models.CharField(
        _("Vipps' reference"), max_length=100, blank=True, editable=False
    )
    authorised_at = models.DateTimeField(_("authorised"), null=True, blank=True)
    authorised_by = models.CharField(
        _("authorisation seen by"), max_length=20, choices=PaymentSource.choices, blank=True
    )
    captured_amount = models.IntegerField(_("captured (øre)"), default=0)
    refunded_amount = models.IntegerField(_("refunded (øre)"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(captured_amount__gte=0) & Q(captured_amount__lte=F("amount")),
                name="payment_captured_at_most_amount",
                violation_error_message=_("A payment is never captured beyond its amount."),
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("captured_amount")),
                name="payment_refunded_at_most_captured",
                violation_error_message=_("A refund is never more than was captured."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=[state.value for state in PaymentState]),
                name="payment_state_known",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        """The payer may still pay (the booking's times are held for them)."""
        return self.state in PaymentState.open()


class PaymentEvent(models.Model):
    """What happened to a payment, in order: its history and its audit trail."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    name = models.CharField(max_length=40)  # CREATED, AUTHORIZED, CAPTURED, RELEASED, …
    source = models.CharField(max_length=20, choices=PaymentSource.choices)
    amount = models.IntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["name", "at"], name="payment_event_name_at_idx")]

    def __str__(self):
        return f"{self.payment_id} {self.name}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.name, self.name))


EVENT_LABELS = {
    "HELD": _("Times held for payment"),
    "CREATED": _("Sent to Vipps"),
    "AUTHORIZED": _("Payment approved"),
    "CAPTURED": _("Amount drawn"),
    "REFUNDED": _("Refunded"),
    "ABORTED": _("Cancelled by the payer"),
    "EXPIRED": _("Not paid in time"),
    "TERMINATED": _("Cancelled"),
    "FAILED": _("Vipps could not be reached"),
    "AUTHORIZED_AFTER_RELEASE": _("Approved after the hold ended: cancelled"),
    "AUTHORIZED_AFTER_CANCEL": _("Approved after the booking was cancelled: cancelled"),
    "SEEN_AUTHORIZED": _("Payment approved (heard again)"),
    "REFUND_DUE": _("Refund due for cancelled times"),
    "REFUND_REFUSED": _("Refund refused: more than was captured"),
    "FEE_WAIVED": _("Cancellation fee waived by staff"),
}


class CancellationTerms(models.Model):
    """A resource's terms for cancelling a paid booking: free until this many hours before
    the time begins, and a fee (a share of the time's price) after that. Cancelling closer
    than the resource's own deadline (booking's rule) is not possible at all; staff who
    cancel always refund in full."""

    resource = models.OneToOneField(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="cancellation_terms",
    )
    free_until_hours = models.PositiveIntegerField(
        _("free cancellation until (hours before)"), default=72
    )
    fee_percent = models.PositiveIntegerField(
        _("fee after that (per cent of the price)"),
        default=50,
        validators=[MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("cancellation terms")
        verbose_name_plural = _("cancellation terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_percent__gte=0) & Q(fee_percent__lte=100),
                name="cancellation_fee_a_share",
                violation_error_message=_("The fee is between 0 and 100 per cent."),
            )
        ]

    def __str__(self):
        return str(self.resource)


class Refund(models.Model):
    """Money given back for cancelled times, as the terms say, through Vipps."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.IntegerField(_("refunded (øre)"))
    fee = models.IntegerField(_("cancellation fee (øre)"), default=0)
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(_("state"), max_length=20, default="pending")  # pending, done, refused
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    waives = models.OneToOneField(
        "self",
        verbose_name=_("waives the fee of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="waiver",
        help_text=_("A fee given back by staff: the refund whose fee this is."),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_name = models.CharField(_("by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(fee__gte=0), name="refund_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "done", "refused"]), name="refund_state_known"
            ),
        ]

    def __str__(self):
        return f"{self.payment_id}: {self.amount}"

    @property
    def is_waived(self) -> bool:
        return hasattr(self, "waiver")


# --------------------------------------------------------------------------- invoicing
# An organisation's bookings are invoiced: at the end of a month finance staff export the
# municipality's invoice basis (*fakturagrunnlag*) of that month, one basis per payer. The
# export writes the bases and their lines and locks the month: PostgreSQL's triggers
# (migration 0004) refuse every later change to an exported month, its bases and lines, and
# the month's unique row refuses a second export. What changes after that (a cancelled or
# moved time) becomes a credit line in the next export.


class InvoiceAddress(models.Model):
    """Where an organisation's invoices go (without one, Enhetsregisteret's business
    address is used)."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invoice_address",
    )
    address = models.CharField(_("invoice address"), max_length=200)
    postcode = models.CharField(
        _("postcode"),
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("A postcode has four digits."))],
    )
    city = models.CharField(_("postal town"), max_length=100)
    email = models.EmailField(_("invoice email"), blank=True)
    reference = models.CharField(_("their reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("invoice address")
        verbose_name_plural = _("invoice addresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^\d{4}$"),
                name="invoice_address_postcode_four_digits",
                violation_error_message=_("A postcode has four digits."),
            )
        ]

    def __str__(self):
        return f"{self.address}, {self.postcode} {self.city}"


class InvoicePeriod(models.Model):
    """A municipality's month whose invoice basis was exported. The row is written by the
    export itself (one per municipality and month: never exported twice) and locked when
    the export's transaction ends."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="invoice_periods",
    )
    month = models.DateField(_("month"), help_text=_("Its first day."))
    locked = models.BooleanField(_("locked"), default=False)
    exported_at = models.DateTimeField(_("exported"), null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    exported_by_name = models.CharField(_("exported by"), max_length=200, blank=True)
    export_format = models.CharField(
        _("format"), max_length=10, choices=ExportFormat.choices, default=ExportFormat.CSV
    )
    total = models.IntegerField(_("total (øre)"), default=0)

    class Meta:
        verbose_name = _("invoice period")
        verbose_name_plural = _("invoice periods")
        ordering = ["municipality", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month"],
                name="invoice_period_exported_once",
                violation_error_message=_("This month's invoice basis has been exported."),
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="invoice_period_is_a_month"),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(exported_at__isnull=False),
                name="invoice_period_locked_when_exported",
            ),
            models.CheckConstraint(
                condition=Q(export_format__in=[f.value for f in ExportFormat]),
                name="invoice_period_format_known",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.month:%Y-%m}"


class InvoiceBasis(models.Model):
    """One payer's invoice basis of an exported month: who pays (as they were written
    when it was exported) and its lines."""

    period = models.ForeignKey(
        InvoicePeriod, verbose_name=_("month"), on_delete=models.PROTECT, related_name="bases"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("payer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="invoice_bases",
    )
    payer_org_number = models.CharField(_("organisation number"), max_length=9)
    payer_name = models.CharField(_("payer"), max_length=200)
    payer_address = models.CharField(_("invoice address"), max_length=200)
    payer_postcode = models.CharField(_("postcode"), max_length=4)
    payer_city = models.CharField(_("postal town"), max_length=100)
    payer_email = models.CharField(_("invoice email"), max_length=254, blank=True)
    payer_reference = models.CharField(_("their reference"), max_length=60, blank=True)
    total = models.IntegerField(_("total (øre)"))
    vat = models.IntegerField(_("VAT (øre)"))

    class Meta:
        verbose_name = _("invoice basis")
        verbose_name_plural = _("invoice bases")
        ordering = ["period", "payer_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "payer_org_number"], name="invoice_basis_one_per_payer"
            )
        ]

    def __str__(self):
        return f"{self.payer_name} {self.period.month:%Y-%m}"


class InvoiceLine(models.Model):
    """A line of an invoice basis: a booked time's charge line invoiced (a *charge*), or
    an invoiced charge taken back (a *credit*, negative) because the time was cancelled
    or moved after it was exported. A charge line is invoiced once per generation (once,
    and once more after each credit); a charge is credited at most once."""

    basis = models.ForeignKey(
        InvoiceBasis,
        verbose_name=_("invoice basis"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=InvoiceLineKind.choices)
    charge_line = models.ForeignKey(
        ChargeLine, verbose_name=_("charge line"), on_delete=models.PROTECT, related_name="+"
    )
    generation = models.PositiveIntegerField(_("times invoiced before"), default=0)
    credits = models.OneToOneField(
        "self",
        verbose_name=_("credits"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credited_by",
    )
    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    date = models.DateField(_("date"))
    resource_name = models.CharField(_("resource"), max_length=200)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit_price = models.IntegerField(_("price (øre)"))
    amount = models.IntegerField(_("amount (øre)"))
    vat_rate = models.CharField(_("VAT rate"), max_length=10, choices=VatRate.choices)
    vat = models.IntegerField(_("VAT (øre)"))
    project_code = models.CharField(_("project code"), max_length=20, blank=True)
    service_code = models.CharField(_("service code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["basis", "date", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["charge_line", "generation"],
                condition=Q(kind="charge"),
                name="invoice_line_charged_once",
                violation_error_message=_("This time has been invoiced already."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="charge", amount__gte=0, vat__gte=0, credits__isnull=True)
                    | Q(kind="credit", amount__lte=0, vat__lte=0, credits__isnull=False)
                ),
                name="invoice_line_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__in=VAT_RATES), name="invoice_line_vat_rate_known"
            ),
        ]

    def __str__(self):
        return self.description
