"""The write paths of prices and payment: a booking's charge lines, recorded in the
booking's own transaction at the price lists in force for its times; its payment by
Vipps, confirmed exactly once and released when not paid in time."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.enums import BookingStatus
from booking.permissions import books_as_staff
from booking.services import booking_hold_release, booking_payment_settled
from hubportal.core.errors import DomainError

from . import vipps
from .enums import ExportFormat, PaymentSource, PaymentState
from .models import (
    CancellationTerms,
    ChargeLine,
    InvoiceBasis,
    InvoiceLine,
    InvoicePeriod,
    Payment,
    PaymentEvent,
    Refund,
)
from .permissions import can_export_invoices, can_waive_fee
from .pricing import price_time, round_half_up
from .selectors import invoice_due, last_ended_month, renter_category, tariffs_for


def charges_record(*, booking, occurrences: Sequence, by=None) -> int:
    """Price every booked time of the booking (each resource's occurrence under its own
    price list) and store the lines. A booking free under a cooperation agreement costs
    nothing and gets no lines. Returns the number of lines stored."""
    if booking.free_of_charge or not occurrences:
        return 0
    category = renter_category(
        booker=booking.booker, resource=booking.resource, organisation=booking.organisation
    )
    rows = []
    by_resource: dict = {}
    for occurrence in occurrences:
        by_resource.setdefault(occurrence.resource, []).append(occurrence)
    for resource, own in by_resource.items():
        priced = tariffs_for(
            resources=[resource],
            category=category,
            times=[(o.starts_at, o.ends_at) for o in own],
        )
        for occurrence, (start, end, tariffs) in zip(own, priced, strict=True):
            if not tariffs:
                continue
            for line in price_time(tariffs, start, end).lines:
                rows.append(
                    ChargeLine(
                        booking=booking,
                        occurrence=occurrence,
                        resource=resource,
                        price_list_id=line.price_list_id,
                        label=line.label,
                        unit=line.unit,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        amount=line.amount,
                        vat_rate=line.vat_rate,
                        vat=line.vat,
                    )
                )
    ChargeLine.objects.bulk_create(rows)
    return len(rows)


# --------------------------------------------------------------------------- payment
# A booking that must be paid is held *awaiting payment* (its times claimed as any
# booking's) with a Payment in state NEW; the payer is sent to Vipps (CREATED); the booking
# is confirmed when Vipps says AUTHORIZED, by the payer's return or by the webhook,
# whichever comes first: both lock the payment's row and only an open payment moves on,
# so it happens exactly once. An unpaid hold is released by the periodic task.

logger = logging.getLogger("hubportal.betaling")

VIPPS_DOWN = gettext_lazy(
    "Vipps did not answer, so the booking was not made and the time is free again. Nothing "
    "was charged. Please try again in a little while."
)


class PaymentNotFound(Exception):
    """No payment has this reference."""


class WebhookRefused(Exception):
    """A webhook that is not Vipps' (its signature does not hold)."""


def provider() -> vipps.PaymentProvider:
    return vipps.client_from_settings()


def _event(payment: Payment, name: str, source: str, *, amount: int = 0, detail: str = ""):
    PaymentEvent.objects.create(
        payment=payment, name=name, source=source, amount=amount, detail=detail[:300]
    )


def payment_hold(*, booking, by, then_status: str) -> bool:
    """Asked by booking's write path in the booking's transaction: a citizen's own booking
    that costs something is paid by Vipps before it is confirmed (an organisation's is
    invoiced; staff booking as staff pay nothing here). Records the payment due."""
    if booking.organisation_id is not None or books_as_staff(by, booking.resource):
        return False
    total = ChargeLine.objects.filter(booking=booking).aggregate(total=Sum("amount"))["total"]
    if not total:
        return False
    payment = Payment.objects.create(
        booking=booking,
        reference=f"hubportal-{booking.pk}-{secrets.token_hex(6)}",
        amount=total,
        then_status=then_status,
        expires_at=timezone.now() + timedelta(minutes=settings.PAYMENT_HOLD_MINUTES),
    )
    _event(payment, "HELD", PaymentSource.PORTAL, amount=total)
    return True


def payment_start(*, payment: Payment, return_url: str) -> str:
    """Send the payer to Vipps: create the payment there (once: a second click answers the
    same address) and answer the address. Vipps down or refusing: the hold is released,
    nothing is charged, and the refusal says so."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("booking__resource")
            .get(pk=payment.pk)
        )
        if payment.state == PaymentState.CREATED and payment.redirect_url:
            return payment.redirect_url
        if payment.state != PaymentState.NEW:
            raise DomainError(_("This booking can no longer be paid."))
    if payment.expires_at <= timezone.now():
        _release(payment, state=PaymentState.EXPIRED, source=PaymentSource.PORTAL)
        raise DomainError(_("The time held for paying has run out, and the time is free again."))
    booking = payment.booking
    description = f"{booking.resource.name}: {booking.purpose}"
    try:
        url = provider().create_payment(
            reference=payment.reference,
            amount=payment.amount,
            description=description,
            return_url=return_url,
        )
    except vipps.VippsError as error:
        logger.warning("Vipps: creating payment %s failed: %s", payment.reference, error)
        _release(payment, state=PaymentState.FAILED, source=PaymentSource.PORTAL, detail=str(error))
        raise DomainError(VIPPS_DOWN) from error
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, state=PaymentState.NEW).update(
            state=PaymentState.CREATED, redirect_url=url
        )
        _event(payment, "CREATED", PaymentSource.PORTAL, amount=payment.amount)
    return url


def _release(payment: Payment, *, state: str, source: str, detail: str = "") -> bool:
    """Close an open payment (not paid) and release its booking's hold. False when it was
    no longer open (paid, or released already)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state not in PaymentState.open():
            return False
        payment.state = state
        payment.save(update_fields=["state"])
        _event(payment, state, source, detail=detail)
        booking_hold_release(booking=payment.booking, reason=_("Not paid in time."))
    return True


def payment_apply(*, payment: Payment, state: str, source: str) -> Payment:
    """What Vipps says of the payment (its state, or a webhook's event name), applied once.

    AUTHORIZED on an open payment confirms the booking (exactly once, under the payment's
    lock); ABORTED, EXPIRED or TERMINATED releases it; the same news again (a webhook
    delivered twice, the webhook after the return) is recorded and changes nothing. An
    authorisation that comes after the hold was released is cancelled at Vipps."""
    late = False
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("booking").get(pk=payment.pk)
        if state == "AUTHORIZED" and payment.state in PaymentState.open():
            if booking_payment_settled(booking=payment.booking, status=payment.then_status):
                payment.state = PaymentState.AUTHORIZED
                payment.authorised_at = timezone.now()
                payment.authorised_by = source
                payment.save(update_fields=["state", "authorised_at", "authorised_by"])
                _event(payment, "AUTHORIZED", source, amount=payment.amount)
            else:  # the booker cancelled the held booking meanwhile
                payment.state = PaymentState.CANCELLED
                payment.save(update_fields=["state"])
                _event(payment, "AUTHORIZED_AFTER_CANCEL", source)
                late = True
        elif state in ("ABORTED", "EXPIRED", "TERMINATED") and payment.state in PaymentState.open():
            payment.state = PaymentState.EXPIRED if state == "EXPIRED" else PaymentState.ABORTED
            payment.save(update_fields=["state"])
            _event(payment, state, source)
            booking_hold_release(booking=payment.booking, reason=_("Not paid."))
        elif state == "AUTHORIZED" and payment.state in (
            PaymentState.EXPIRED,
            PaymentState.FAILED,
        ):
            _event(payment, "AUTHORIZED_AFTER_RELEASE", source)
            payment.state = PaymentState.CANCELLED
            payment.save(update_fields=["state"])
            late = True
        else:
            _event(payment, f"SEEN_{state}"[:40], source)
    if late:
        _cancel_at_vipps(payment, "late")
    elif payment.state == PaymentState.AUTHORIZED and settings.PAYMENT_CAPTURE == "at_booking":
        payment_capture(payment=payment)
    return payment


def _cancel_at_vipps(payment: Payment, why: str = "unpaid") -> None:
    """Cancel at Vipps (each reason its own Idempotency-Key: a repeated key is the first
    cancellation again, not a new one)."""
    try:
        provider().cancel(reference=payment.reference, key=f"cancel-{why}-{payment.reference}")
    except vipps.VippsError as error:
        logger.warning("Vipps: cancelling payment %s failed: %s", payment.reference, error)


def payment_sync(*, payment: Payment, source: str) -> Payment:
    """Ask Vipps for the payment's state and apply it (the payer's return, the periodic
    check). Raises vipps.VippsUnavailable when Vipps does not answer."""
    if payment.state not in PaymentState.open() or payment.state == PaymentState.NEW:
        return payment
    remote = provider().get_payment(payment.reference)
    return payment_apply(payment=payment, state=remote.state, source=source)


def payment_webhook(*, body: bytes, headers, path_and_query: str, host: str) -> Payment:
    """A webhook from Vipps: its signature must hold (WebhookRefused), its reference must
    be ours (PaymentNotFound); then applied as its event says. Refusals are logged."""
    if not vipps.webhook_is_authentic(
        secret=settings.VIPPS_WEBHOOK_SECRET,
        path_and_query=path_and_query,
        host=host,
        headers=headers,
        body=body,
    ):
        logger.warning("Vipps webhook refused: the signature does not hold (%s)", host)
        raise WebhookRefused
    try:
        event = json.loads(body)
        reference, name = str(event["reference"]), str(event["name"])
    except (ValueError, KeyError, TypeError):
        logger.warning("Vipps webhook refused: not an ePayment event")
        raise WebhookRefused from None
    payment = Payment.objects.filter(reference=reference).first()
    if payment is None:
        logger.warning("Vipps webhook for an unknown reference %r refused", reference[:60])
        raise PaymentNotFound(reference)
    return payment_apply(payment=payment, state=name.upper(), source=PaymentSource.WEBHOOK)


def payment_capture(*, payment: Payment) -> bool:
    """Capture what is authorised and not yet captured: at most once (the payment's lock,
    Vipps' Idempotency-Key, and PostgreSQL's check that captured ≤ amount)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        due = payment.amount - payment.captured_amount
        if payment.state != PaymentState.AUTHORIZED or due <= 0:
            return False
        try:
            remote = provider().capture(
                reference=payment.reference, amount=due, key=f"capture-{payment.reference}"
            )
        except vipps.VippsError as error:
            logger.warning("Vipps: capturing payment %s failed: %s", payment.reference, error)
            return False
        payment.captured_amount = min(remote.captured, payment.amount)
        payment.state = PaymentState.CAPTURED
        payment.save(update_fields=["captured_amount", "state"])
        _event(payment, "CAPTURED", PaymentSource.PORTAL, amount=payment.captured_amount)
    return True


def payments_release_unpaid(*, now=None) -> int:
    """The periodic task: every open payment past its hold. Vipps is asked first (the payer
    may have paid in the last second); unless it says AUTHORIZED, the payment is cancelled
    there and the hold released (also when Vipps does not answer: no hold outlives its
    expiry). Returns how many holds were released."""
    now = now or timezone.now()
    released = 0
    for payment in Payment.objects.filter(state__in=PaymentState.open(), expires_at__lte=now):
        if payment.state == PaymentState.CREATED:
            try:
                remote = provider().get_payment(payment.reference)
            except vipps.VippsError as error:
                logger.warning("Vipps: checking payment %s failed: %s", payment.reference, error)
            else:
                if remote.state == "AUTHORIZED":
                    payment_apply(payment=payment, state="AUTHORIZED", source=PaymentSource.TASK)
                    continue
                _cancel_at_vipps(payment)
        released += _release(payment, state=PaymentState.EXPIRED, source=PaymentSource.TASK)
    return released


def payments_reconcile(*, now=None) -> int:
    """The periodic reconciliation with Vipps: every payment still open there (sent to
    Vipps, not yet settled, its hold not yet over: those past it are the release task's)
    is asked about and what Vipps says applied, once (payment_apply), so an approval or a
    refusal whose webhook was lost and whose payer never came back is not missed. Vipps
    not answering is logged and tried again next time. Returns how many payments changed."""
    now = now or timezone.now()
    changed = 0
    for payment in Payment.objects.filter(state=PaymentState.CREATED, expires_at__gt=now):
        try:
            remote = provider().get_payment(payment.reference)
        except vipps.VippsError as error:
            logger.warning("Vipps: reconciling payment %s failed: %s", payment.reference, error)
            continue
        if remote.state == PaymentState.CREATED:
            continue
        logger.info(
            "Vipps reconciliation: payment %s is %s at Vipps", payment.reference, remote.state
        )
        before = payment.state
        changed += (
            payment_apply(payment=payment, state=remote.state, source=PaymentSource.TASK).state
            != before
        )
    return changed


def payments_capture_due(*, now=None) -> int:
    """The periodic task: capture what is authorised and due (at booking, or once the first
    booked time has begun)."""
    now = now or timezone.now()
    due = Payment.objects.filter(state=PaymentState.AUTHORIZED)
    if settings.PAYMENT_CAPTURE == "when_used":
        due = due.filter(booking__occurrences__starts_at__lte=now).distinct()
    return sum(payment_capture(payment=payment) for payment in due)


# --------------------------------------------------------------------------- refunds
def payment_after_cancel(*, booking, occurrences, by, staff: bool) -> None:
    """Asked by booking's cancel path, in its transaction, for the times just cancelled: a
    booking still awaiting payment is closed (and cancelled at Vipps); a paid one is
    refunded what the terms say: all of the cancelled times' price when staff cancel or
    before the free-cancellation deadline, less the fee after it. The refund is recorded
    now and sent to Vipps once the cancellation is committed."""
    payment = Payment.objects.select_for_update().filter(booking=booking).first()
    if payment is None:
        return
    if payment.state in PaymentState.open():
        if not booking.occurrences.filter(status__in=BookingStatus.holding_time()).exists():
            payment.state = PaymentState.CANCELLED
            payment.save(update_fields=["state"])
            _event(payment, "CANCELLED", PaymentSource.PORTAL)
            if payment.redirect_url:
                transaction.on_commit(lambda: _cancel_at_vipps(payment, "cancelled"))
        return
    if payment.state not in PaymentState.paid():
        return
    starts = {o.starts_at for o in occurrences}
    lines = ChargeLine.objects.filter(booking=booking, occurrence__starts_at__in=starts)
    price = lines.aggregate(total=Sum("amount"))["total"] or 0
    if price <= 0:
        return
    terms = CancellationTerms.objects.filter(resource=booking.resource).first()
    now = timezone.now()
    fee = 0
    if not staff and terms is not None:
        for start in starts:
            if start - timedelta(hours=terms.free_until_hours) < now:
                late = lines.filter(occurrence__starts_at=start).aggregate(t=Sum("amount"))["t"]
                fee += round_half_up((late or 0) * terms.fee_percent, 100)
    refund = Refund.objects.create(
        payment=payment,
        amount=price - fee,
        fee=fee,
        reason=_("Cancelled by staff") if staff else _("Cancelled by the booker"),
    )
    _event(payment, "REFUND_DUE", PaymentSource.PORTAL, amount=refund.amount)
    if refund.amount:
        transaction.on_commit(lambda: refund_send(refund=refund))
    else:
        Refund.objects.filter(pk=refund.pk).update(state="done")


def refund_send(*, refund: Refund) -> bool:
    """Send a pending refund to Vipps, once (its Idempotency-Key is the refund's). Never
    more than was captured: PostgreSQL refuses refunded > captured, and then the refund is
    refused, logged, and nothing is sent."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if refund.state != "pending":
            return False
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        if payment.state == PaymentState.AUTHORIZED:
            payment_capture(payment=payment)  # a refund is of what was captured
            payment.refresh_from_db()
        try:
            with transaction.atomic():
                Payment.objects.filter(pk=payment.pk).update(
                    refunded_amount=F("refunded_amount") + refund.amount
                )
        except IntegrityError:
            logger.warning(
                "Refund %s of %s øre refused: more than was captured on %s",
                refund.pk,
                refund.amount,
                payment.reference,
            )
            Refund.objects.filter(pk=refund.pk).update(state="refused")
            _event(payment, "REFUND_REFUSED", PaymentSource.PORTAL, amount=refund.amount)
            return False
        try:
            provider().refund(
                reference=payment.reference, amount=refund.amount, key=f"refund-{refund.pk}"
            )
        except vipps.VippsError as error:
            logger.warning("Vipps: refund %s failed, to be retried: %s", refund.pk, error)
            transaction.set_rollback(True)
            return False
        Refund.objects.filter(pk=refund.pk).update(state="done")
        _event(payment, "REFUNDED", PaymentSource.PORTAL, amount=refund.amount)
    return True


def refund_waive_fee(*, refund: Refund, by, reason: str) -> Refund:
    """Staff waive the cancellation fee kept on a refund: the fee is refunded too, through
    Vipps, recorded with the reason and who waived it. Once per refund (PostgreSQL's
    one-to-one); never more than was captured (as every refund). Refusals are logged."""
    reason = (reason or "").strip()

    def refuse(message, field=None):
        logger.warning(
            "Waiving the fee of refund %s by user %s refused: %s",
            refund.pk,
            getattr(by, "pk", None),
            message,
        )
        raise DomainError(message, field=field)

    if not can_waive_fee(by, refund.payment.booking):
        refuse(_("Only the staff of the booking's hub may waive its cancellation fee."))
    if len(reason) < 3:
        refuse(_("Say why the fee is waived."), field="reason")
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if refund.fee <= 0 or refund.state == "refused":
            refuse(_("There is no cancellation fee to waive."))
        if Refund.objects.filter(waives=refund).exists():
            refuse(_("This fee has been waived already."))
        try:
            with transaction.atomic():
                waiver = Refund.objects.create(
                    payment=refund.payment,
                    amount=refund.fee,
                    reason=(_("Fee waived: %(reason)s") % {"reason": reason})[:200],
                    waives=refund,
                    by=by,
                    by_name=(by.get_full_name() or by.email or str(by))[:200],
                )
        except IntegrityError:  # a second waiver at the same moment
            refuse(_("This fee has been waived already."))
        _event(
            refund.payment,
            "FEE_WAIVED",
            PaymentSource.PORTAL,
            amount=waiver.amount,
            detail=f"{waiver.by_name}: {reason}",
        )
        transaction.on_commit(lambda: refund_send(refund=waiver))
    logger.info("Fee of refund %s (%s øre) waived by user %s", refund.pk, refund.fee, by.pk)
    return waiver


def refunds_retry() -> int:
    """The periodic task: refunds Vipps did not take the first time."""
    return sum(refund_send(refund=r) for r in Refund.objects.filter(state="pending"))


# --------------------------------------------------------------------------- invoicing
def _month_name(month) -> str:
    return date_format(month, "F Y")


def invoice_export(*, municipality, month, by, export_format: str = ExportFormat.CSV):
    """Export the municipality's invoice basis of an ended month: every payer's due lines
    (selectors.invoice_due) written as that month's bases and the month locked, in one
    transaction. Never twice: exports of one municipality wait for each other (an advisory
    lock), a month exported already is refused, and PostgreSQL's unique month row and its
    triggers refuse what would slip past. Refusals are logged and change nothing."""
    month = month.replace(day=1)

    def refuse(message):
        logger.warning(
            "Invoice export of %s %s by user %s refused: %s",
            municipality.slug,
            f"{month:%Y-%m}",
            getattr(by, "pk", None),
            message,
        )
        raise DomainError(message)

    if not can_export_invoices(by, municipality):
        refuse(_("You may not export this municipality's invoice basis."))
    if export_format not in ExportFormat.values:
        refuse(_("Choose CSV or JSON."))
    if month > last_ended_month():
        refuse(
            _("%(month)s is not over yet; its invoice basis can be exported when it has ended.")
            % {"month": _month_name(month)}
        )
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:  # one export of a municipality at a time
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext('betaling.invoice_export'), %s)",
                    [municipality.pk],
                )
            done = InvoicePeriod.objects.filter(municipality=municipality, month=month).first()
            if done is not None:
                refuse(_already_exported(done))
            due = invoice_due(municipality=municipality, month=month)
            if not due:
                refuse(
                    _("There is nothing to invoice for %(month)s.") % {"month": _month_name(month)}
                )
            missing = [basis.payer.name for basis in due if not basis.payer.has_address]
            if missing:
                refuse(
                    _(
                        "These payers have no invoice address: %(names)s. Add one to each "
                        "before exporting."
                    )
                    % {"names": ", ".join(missing)}
                )
            period = InvoicePeriod.objects.create(
                municipality=municipality,
                month=month,
                exported_by=by,
                exported_by_name=(by.get_full_name() or by.email or str(by))[:200],
                export_format=export_format,
            )
            for due_basis in due:
                payer = due_basis.payer
                basis = InvoiceBasis.objects.create(
                    period=period,
                    organisation_id=payer.organisation_id,
                    payer_org_number=payer.org_number,
                    payer_name=payer.name,
                    payer_address=payer.address,
                    payer_postcode=payer.postcode,
                    payer_city=payer.city,
                    payer_email=payer.email,
                    payer_reference=payer.reference,
                    total=due_basis.total,
                    vat=due_basis.vat,
                )
                InvoiceLine.objects.bulk_create(
                    InvoiceLine(
                        basis=basis,
                        kind=line.kind,
                        charge_line_id=line.charge_line_id,
                        generation=line.generation,
                        credits_id=line.credits_id,
                        booking_id=line.booking_id,
                        starts_at=line.starts_at,
                        ends_at=line.ends_at,
                        date=line.date,
                        resource_name=line.resource_name[:200],
                        description=line.description[:300],
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        amount=line.amount,
                        vat_rate=line.vat_rate,
                        vat=line.vat,
                        project_code=line.project_code,
                        service_code=line.service_code,
                    )
                    for line in due_basis.lines
                )
            period.locked = True
            period.exported_at = timezone.now()
            period.total = sum(basis.total for basis in due)
            period.save(update_fields=["locked", "exported_at", "total"])
    except IntegrityError as error:  # a second export that slipped past the lock
        logger.warning("Invoice export of %s %s refused: %s", municipality.slug, month, error)
        done = InvoicePeriod.objects.filter(municipality=municipality, month=month).first()
        raise DomainError(
            _already_exported(done)
            if done
            else _("The bookings changed while exporting. Please export again.")
        ) from error
    logger.info(
        "Invoice basis of %s %s exported by user %s: %d payers, %d øre",
        municipality.slug,
        f"{month:%Y-%m}",
        by.pk,
        len(due),
        period.total,
    )
    return period


def _already_exported(period: InvoicePeriod) -> str:
    return _(
        "The invoice basis for %(month)s was exported %(when)s by %(who)s. An exported basis "
        "is never exported again; corrections go into the next month's basis."
    ) % {
        "month": _month_name(period.month),
        "when": date_format(timezone.localtime(period.exported_at), "j. F Y H:i")
        if period.exported_at
        else "",
        "who": period.exported_by_name,
    }
