"""The monthly finance report per municipality (paid, refunded, invoiced, outstanding, per
hub) as a page and as CSV, against the local Vipps on real PostgreSQL, in a fixed number
of queries however many hubs and payments."""

import csv
import io
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from betaling import services
from betaling.enums import PaymentState, PriceUnit, RenterCategory, VatRate
from betaling.models import Payment
from betaling.selectors import finance_report, last_ended_month
from booking import services as booking_services
from booking.models import Occurrence
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import HubFactory, UserFactory, municipality_admin

from .factories import PriceLineFactory, PriceListFactory, booked_in, payer

pytestmark = pytest.mark.django_db
THIS_MONTH = timezone.localdate().replace(day=1)


def priced(hub, name):
    room = ResourceFactory(hub=hub, name=name, cancellation_deadline_hours=0)
    for category in (RenterCategory.CITIZEN, RenterCategory.VOLUNTARY):
        prices = PriceListFactory(resource=room, category=category)
        PriceLineFactory(
            price_list=prices,
            unit=PriceUnit.PER_BOOKING,
            unit_price=40000,
            vat_rate=VatRate.OUTSIDE,
        )
    return room


def into_this_month(booking, day=1):
    """Move a booking's times to `day` of this month, 18:00 (booking refuses the past)."""
    first = booking.occurrences.order_by("starts_at").first().starts_at
    target = timezone.make_aware(timezone.datetime(THIS_MONTH.year, THIS_MONTH.month, day, 18))
    Occurrence.objects.filter(booking=booking).update(
        starts_at=F("starts_at") - (first - target), ends_at=F("ends_at") - (first - target)
    )


def pay(room, vipps, *, days=4):
    citizen = UserFactory()
    start = (timezone.localtime() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    booking = booking_services.booking_create(
        booker=citizen, resource=room, times=[(start, start + timedelta(hours=1))], purpose="Fest"
    ).booking
    services.payment_start(payment=booking.payment, return_url="http://testserver/r")
    vipps.approve(booking.payment.reference)
    services.payment_sync(payment=Payment.objects.get(booking=booking), source="redirect")
    return booking, citizen


@pytest.fixture
def municipality_with_money(vipps, settings, django_capture_on_commit_callbacks):
    first_hub = HubFactory(name="Heggedal")
    second_hub = HubFactory(name="Holmen", district=first_hub.district)
    hall, room = priced(first_hub, "Sal"), priced(second_hub, "Rom")
    pay(hall, vipps)  # paid 400
    cancelled, citizen = pay(hall, vipps, days=6)  # paid 400, refunded 400
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=cancelled, by=citizen)
    settings.PAYMENT_CAPTURE = "when_used"
    approved, _citizen = pay(room, vipps)  # approved, not drawn: outstanding 400
    into_this_month(approved)
    club = payer(room, "Klubb", 3)
    booked_in(room, club, last_ended_month())  # invoiced last month: 400
    services.invoice_export(
        municipality=room.municipality, month=last_ended_month(), by=UserFactory(is_superuser=True)
    )
    into_this_month(booked_in(room, club, THIS_MONTH, day=2))  # to be invoiced: 400
    assert Payment.objects.get(booking=approved).state == PaymentState.AUTHORIZED
    return room.municipality


def test_the_month_shows_paid_refunded_invoiced_and_outstanding_per_hub(
    municipality_with_money, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        report = finance_report(municipality=municipality_with_money, month=THIS_MONTH)
    rows = {row.name: row for row in report.rows}
    assert (rows["Heggedal"].paid, rows["Heggedal"].refunded, rows["Heggedal"].net) == (
        80000,
        40000,
        40000,
    )
    assert (rows["Holmen"].paid, rows["Holmen"].outstanding) == (0, 80000)
    assert report.total.outstanding == 80000 and report.total.invoiced == 0
    last = finance_report(municipality=municipality_with_money, month=last_ended_month())
    assert last.exported is not None and last.total.invoiced == 40000
    assert last.total.paid == 0 and last.total.outstanding == 0


def test_the_report_page_and_its_csv_for_finance(municipality_with_money, client):
    client.force_login(municipality_admin(municipality_with_money))
    args = [municipality_with_money.slug, THIS_MONTH.year, THIS_MONTH.month]
    page = client.get(reverse("betaling:finance_report", args=args)).content.decode()
    assert "Heggedal" in page and "kr 800,00" in page and "Utestående" in page
    response = client.get(reverse("betaling:finance_report_csv", args=args))
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["knutepunkt"] for r in rows] == ["Heggedal", "Holmen", municipality_with_money.name]
    assert rows[-1]["betalt"] == "800,00" and rows[-1]["utestaende"] == "800,00"
    assert rows[0]["refundert"] == "400,00" and rows[0]["netto"] == "400,00"


def test_the_report_is_for_the_municipalitys_finance_only(municipality_with_money, client):
    args = [municipality_with_money.slug, THIS_MONTH.year, THIS_MONTH.month]
    client.force_login(UserFactory())
    assert client.get(reverse("betaling:finance_report", args=args)).status_code == 404
    assert client.get(reverse("betaling:finance_report_csv", args=args)).status_code == 404
