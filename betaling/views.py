"""The payer's pages (pay, the return from Vipps, the receipt) and Vipps' webhook. Thin:
each asks betaling.permissions and calls a service."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from booking.models import Booking
from hubportal.core.errors import DomainError
from knutepunkt.models import Municipality

from . import exports, selectors, services, vipps
from .enums import ExportFormat, PaymentState
from .forms import FeeWaiverForm
from .models import Payment, Refund
from .permissions import (
    can_export_invoices,
    can_pay,
    can_view_payment,
    can_waive_fee,
    invoicing_municipalities,
)

logger = logging.getLogger("hubportal.betaling")


def _own_payment(request, **lookup) -> Payment:
    payment = Payment.objects.select_related("booking__resource__hub").filter(**lookup).first()
    if payment is None or not can_view_payment(request.user, payment):
        raise Http404  # someone else's payment does not exist for you
    return payment


@login_required
def pay(request, booking):
    """What is to be paid, and the button that sends the payer to Vipps."""
    found = Booking.objects.select_related("resource__hub").filter(pk=booking).first()
    if found is None or not can_pay(request.user, found) or not hasattr(found, "payment"):
        raise Http404
    payment = found.payment
    if request.method == "POST":
        return_url = request.build_absolute_uri(
            reverse("betaling:return", args=[payment.reference])
        )
        try:
            url = services.payment_start(payment=payment, return_url=return_url)
        except DomainError as refused:
            refused.add_to_messages(request)
            return redirect("betaling:return", reference=payment.reference)
        return redirect(url)
    context = {
        "booking": found,
        "payment": payment,
        "price": selectors.booking_price(booking=found),
        "test_payments": selectors.payments_are_test(),
    }
    return render(request, "betaling/pay.html", context)


@login_required
@require_GET
def payment_return(request, reference):
    """Where Vipps sends the payer back: Vipps is asked how it went (the webhook may have
    told us already), and the page says what became of the booking."""
    payment = _own_payment(request, reference=reference)
    unreachable = False
    try:
        payment = services.payment_sync(payment=payment, source="redirect")
    except vipps.VippsError as error:
        logger.warning("Vipps: checking payment %s on return failed: %s", reference, error)
        unreachable = True
    payment.refresh_from_db()
    context = {
        "payment": payment,
        "booking": payment.booking,
        "paid": payment.state in PaymentState.paid(),
        "waiting": payment.state in PaymentState.open(),
        "unreachable": unreachable,
    }
    return render(request, "betaling/return.html", context)


@login_required
@require_GET
def receipt(request, reference):
    payment = _own_payment(request, reference=reference)
    if payment.state not in PaymentState.paid() and not payment.captured_amount:
        raise Http404
    context = {
        "payment": payment,
        "booking": payment.booking,
        "price": selectors.booking_price(booking=payment.booking, statuses=None),
        "events": payment.events.all(),
        "refunds": payment.refunds.select_related("waiver"),
        "may_waive": can_waive_fee(request.user, payment.booking),
    }
    return render(request, "betaling/receipt.html", context)


@csrf_exempt  # Vipps' server posts here; its HMAC signature is the check
@require_POST
def vipps_webhook(request):
    try:
        services.payment_webhook(
            body=request.body,
            headers=request.headers,
            path_and_query=request.get_full_path(),
            host=request.get_host(),
        )
    except services.WebhookRefused:
        return HttpResponseForbidden("signature", content_type="text/plain")
    except services.PaymentNotFound:
        return HttpResponseNotFound("unknown reference", content_type="text/plain")
    return HttpResponse(status=200)


def booking_payment_url(*, booking) -> str | None:
    """For booking's pages (through booking.charges): where a held booking is paid."""
    if booking.status != "awaiting_payment":
        return None
    return reverse("betaling:pay", args=[booking.pk])


# --------------------------------------------------------------------------- invoicing
def _months_back(last: date, count: int) -> list[date]:
    months, month = [], last
    for _n in range(count):
        months.append(month)
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return months


@login_required
@require_GET
def invoices(request):
    """The invoice bases of the municipalities the user does the invoicing for: the last
    twelve ended months, each exported or still to be exported."""
    municipalities = list(invoicing_municipalities(request.user))
    if not municipalities:
        raise Http404
    months = _months_back(selectors.last_ended_month(), 12)
    rows = []
    for municipality in municipalities:
        exported = {p.month: p for p in selectors.invoice_periods(municipality=municipality)}
        rows.append((municipality, [(month, exported.get(month)) for month in months]))
    return render(request, "betaling/invoices.html", {"rows": rows})


def _municipality_month(request, municipality, year, month):
    found = get_object_or_404(Municipality, slug=municipality)
    if (
        not can_export_invoices(request.user, found)
        or not 1 <= month <= 12
        or not 2000 <= year <= 2100
    ):
        raise Http404
    return found, date(year, month, 1)


@login_required
@require_GET
def invoice_month(request, municipality, year, month):
    """A month's invoice basis: what it was exported as, or what exporting it would write."""
    municipality, month = _municipality_month(request, municipality, year, month)
    period = selectors.invoice_periods(municipality=municipality).filter(month=month).first()
    context = {
        "municipality": municipality,
        "month": month,
        "period": period,
        "bases": (
            selectors.exported_bases(period=period)
            if period
            else selectors.invoice_due(municipality=municipality, month=month)
        ),
        "ended": month <= selectors.last_ended_month(),
        "formats": ExportFormat.choices,
    }
    return render(request, "betaling/invoice_month.html", context)


@login_required
@require_POST
def invoice_export(request, municipality, year, month):
    """Export the month (once): the file streams from the lines just written and locked."""
    municipality, month = _municipality_month(request, municipality, year, month)
    export_format = request.POST.get("format", ExportFormat.CSV)
    try:
        period = services.invoice_export(
            municipality=municipality, month=month, by=request.user, export_format=export_format
        )
    except DomainError as refused:
        refused.add_to_messages(request)
        return redirect(
            "betaling:invoice_month", municipality.slug, month.year, month.month, permanent=False
        )
    name = f"fakturagrunnlag-{municipality.number}-{month:%Y-%m}.{period.export_format}"
    if period.export_format == ExportFormat.JSON:
        response = StreamingHttpResponse(
            exports.invoice_json(period), content_type="application/json; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            exports.invoice_csv(period), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --------------------------------------------------------------------------- finance report
@login_required
@require_GET
def finance_report(request, municipality, year, month):
    """The municipality's money of a month: paid, refunded, invoiced, outstanding, per hub."""
    municipality, month = _municipality_month(request, municipality, year, month)
    report = selectors.finance_report(municipality=municipality, month=month)
    return render(request, "betaling/finance_report.html", {"report": report, "month": month})


@login_required
@require_GET
def finance_report_csv(request, municipality, year, month):
    municipality, month = _municipality_month(request, municipality, year, month)
    report = selectors.finance_report(municipality=municipality, month=month)
    response = StreamingHttpResponse(
        exports.finance_report_csv(report), content_type="text/csv; charset=utf-8"
    )
    name = f"okonomirapport-{municipality.number}-{month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --------------------------------------------------------------------------- fee waiver
@login_required
def waive_fee(request, refund):
    """Staff give back a cancellation fee, saying why."""
    found = Refund.objects.select_related("payment__booking__resource__hub").filter(pk=refund)
    found = found.first()
    if found is None or not can_waive_fee(request.user, found.payment.booking):
        raise Http404
    form = FeeWaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refund_waive_fee(
                refund=found, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as refused:
            refused.add_to_form(form)
        else:
            messages.success(request, _("The fee is waived and refunded."))
            return redirect("betaling:receipt", reference=found.payment.reference)
    context = {"refund": found, "payment": found.payment, "form": form}
    return render(request, "betaling/waive_fee.html", context)
