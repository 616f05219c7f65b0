"""Invoicing on real PostgreSQL: an organisation's booked times collect, per payer and
month, into the municipality's invoice basis; finance exports it once as CSV or JSON
(streamed), and the month is locked by PostgreSQL (triggers, a unique month row); a time
cancelled or moved after the export is a credit line in the next export.

Times are booked through booking's write path in the coming days and then moved into the
month under test with an UPDATE (booking refuses times in the past, as it should)."""

import csv
import io
import json
import logging
from datetime import timedelta

import pytest
from django.db import IntegrityError, InternalError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from betaling import services
from betaling.enums import InvoiceLineKind, PriceUnit, RenterCategory, VatRate
from betaling.models import InvoiceBasis, InvoiceLine, InvoicePeriod
from betaling.selectors import invoice_due, last_ended_month, month_bounds
from booking import services as booking_services
from booking.models import Occurrence
from frivillighet.enums import OrganisationKind
from frivillighet.models import RegisterRecord
from hubportal.core.errors import DomainError
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import (
    MunicipalityFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
)
from tests.support.race import race

from .factories import PriceLineFactory, PriceListFactory, booked_in, payer

pytestmark = pytest.mark.django_db

LAST = last_ended_month()
BEFORE = (LAST - timedelta(days=1)).replace(day=1)
EARLIER = (BEFORE - timedelta(days=1)).replace(day=1)


@pytest.fixture
def room():
    room = ResourceFactory(name="Storsalen")
    for category in (RenterCategory.VOLUNTARY, RenterCategory.BUSINESS):
        prices = PriceListFactory(
            resource=room, category=category, project_code="P-420", service_code="3850"
        )
        PriceLineFactory(price_list=prices, label="Leie", unit=PriceUnit.PER_HOUR, unit_price=20000)
        PriceLineFactory(
            price_list=prices,
            label="Vask",
            unit=PriceUnit.PER_BOOKING,
            unit_price=12500,
            vat_rate=VatRate.HIGH,
        )
    return room


def admin_of(room):
    return municipality_admin(room.municipality)


def test_an_organisations_times_of_the_month_are_its_invoice_basis(room):
    club = payer(room, "Sjakklubben", 1)
    business = payer(room, "Kafé AS", 2, kind=OrganisationKind.PRIVATE)
    booked_in(room, club, LAST, count=2)  # 10th and 17th
    booked_in(room, business, LAST, day=3, hours=3)
    booked_in(room, club, BEFORE)  # another month: not in this basis
    bases = invoice_due(municipality=room.municipality, month=LAST)
    assert [b.payer.name for b in bases] == ["Kafé AS", "Sjakklubben"]
    kafe, klubb = bases
    assert len(klubb.lines) == 4  # rent and cleaning for each of two times
    assert klubb.total == 2 * (40000 + 12500)
    assert kafe.total == 60000 + 12500
    rent = klubb.lines[0]
    assert (rent.quantity, rent.unit_price, rent.amount, rent.vat_code) == (2, 20000, 40000, "6")
    assert (rent.project_code, rent.service_code) == ("P-420", "3850")
    assert "Storsalen: Leie" in rent.description
    assert klubb.lines[1].vat_code == "3" and klubb.lines[1].vat == 2500


def test_the_export_writes_and_locks_the_month_and_postgresql_keeps_it_locked(room):
    club = payer(room, "Sjakklubben", 1)
    booked_in(room, club, LAST, count=2)
    finance = admin_of(room)
    period = services.invoice_export(municipality=room.municipality, month=LAST, by=finance)
    assert period.locked and period.exported_at and period.total == 2 * 52500
    basis = InvoiceBasis.objects.get(period=period)
    assert (basis.payer_name, basis.payer_address, basis.payer_postcode) == (
        "Sjakklubben",
        "Postboks 12",
        "1372",
    )
    assert basis.total == sum(line.amount for line in basis.lines.all()) == period.total
    line = basis.lines.first()
    for change in (
        lambda: InvoiceLine.objects.filter(pk=line.pk).update(amount=1),
        lambda: InvoiceLine.objects.filter(pk=line.pk).delete(),
        lambda: InvoiceBasis.objects.filter(pk=basis.pk).update(payer_name="Noen andre"),
        lambda: InvoicePeriod.objects.filter(pk=period.pk).update(locked=False),
        lambda: InvoicePeriod.objects.filter(pk=period.pk).delete(),
        lambda: InvoiceLine.objects.create(
            basis=basis,
            kind="charge",
            charge_line_id=line.charge_line_id,
            generation=7,
            booking_id=line.booking_id,
            starts_at=line.starts_at,
            ends_at=line.ends_at,
            date=line.date,
            resource_name="x",
            description="x",
            quantity=1,
            unit_price=1,
            amount=1,
            vat_rate=VatRate.OUTSIDE,
            vat=0,
        ),
    ):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            change()
    assert InvoiceLine.objects.get(pk=line.pk).amount == line.amount


def test_a_second_export_is_refused_with_a_clear_message_and_logged(room, caplog):
    club = payer(room, "Sjakklubben", 1)
    booked_in(room, club, LAST)
    finance = admin_of(room)
    services.invoice_export(municipality=room.municipality, month=LAST, by=finance)
    with (
        caplog.at_level(logging.WARNING, logger="hubportal.betaling"),
        pytest.raises(DomainError, match="aldri eksportert igjen"),
    ):
        services.invoice_export(
            municipality=room.municipality, month=LAST, by=finance, export_format="json"
        )
    assert "refused" in caplog.text
    assert InvoiceLine.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_exports_at_once_export_the_month_once(room):
    """Real PostgreSQL, two threads exporting the same month at the same moment (and a
    third exporting the next month, which would take the same late lines): every line is
    invoiced once, one of the two is refused with the message."""
    club = payer(room, "Sjakklubben", 1)
    booked_in(room, club, LAST, count=3)
    finance = admin_of(room)
    outcomes = race(
        lambda _n: services.invoice_export(municipality=room.municipality, month=LAST, by=finance),
        [1, 2],
    )
    exported = [o for o in outcomes if isinstance(o, InvoicePeriod)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(exported) == 1 and len(refused) == 1, outcomes
    assert "aldri eksportert igjen" in str(refused[0])
    assert InvoicePeriod.objects.count() == 1
    assert InvoiceLine.objects.count() == 6
    assert InvoiceLine.objects.values("charge_line").distinct().count() == 6


def test_a_time_cancelled_after_the_export_is_a_credit_line_in_the_next_export(room):
    club = payer(room, "Sjakklubben", 1)
    booking = booked_in(room, club, BEFORE, count=2)
    finance = admin_of(room)
    services.invoice_export(municipality=room.municipality, month=BEFORE, by=finance)
    first = booking.occurrences.order_by("starts_at").first()
    booking_services.booking_cancel(booking=booking, by=hub_staff(room.hub), occurrence=first)
    booked_in(room, club, LAST)
    period = services.invoice_export(municipality=room.municipality, month=LAST, by=finance)
    lines = list(InvoiceLine.objects.filter(basis__period=period).order_by("kind", "pk"))
    credits = [line for line in lines if line.kind == InvoiceLineKind.CREDIT]
    assert [c.amount for c in credits] == [-40000, -12500]
    assert all(c.credits.starts_at == first.starts_at for c in credits)
    assert all(c.description.startswith("Kreditering: ") for c in credits)
    assert period.total == 52500 - 52500  # the new time less the cancelled one
    # Credited once: the export after that has nothing for it.
    assert not invoice_due(municipality=room.municipality, month=LAST.replace(day=1))


def test_a_time_moved_after_the_export_is_credited_and_charged_again(room):
    club = payer(room, "Sjakklubben", 1)
    booking = booked_in(room, club, BEFORE)
    finance = admin_of(room)
    services.invoice_export(municipality=room.municipality, month=BEFORE, by=finance)
    Occurrence.objects.filter(booking=booking).update(
        starts_at=F("starts_at") + timedelta(days=1), ends_at=F("ends_at") + timedelta(days=1)
    )
    period = services.invoice_export(municipality=room.municipality, month=LAST, by=finance)
    kinds = sorted(InvoiceLine.objects.filter(basis__period=period).values_list("kind", "amount"))
    assert kinds == [("charge", 12500), ("charge", 40000), ("credit", -40000), ("credit", -12500)]
    assert period.total == 0
    assert set(
        InvoiceLine.objects.filter(basis__period=period, kind="charge").values_list(
            "generation", flat=True
        )
    ) == {1}


def test_late_times_of_an_exported_month_go_into_the_next_but_an_open_month_keeps_its_own(room):
    club = payer(room, "Sjakklubben", 1)
    finance = admin_of(room)
    booked_in(room, club, BEFORE)
    services.invoice_export(municipality=room.municipality, month=BEFORE, by=finance)
    booked_in(room, club, BEFORE, day=20)  # came after BEFORE was exported
    booked_in(room, club, EARLIER)  # EARLIER is not exported: it stays there
    (basis,) = invoice_due(municipality=room.municipality, month=LAST)
    start, end = month_bounds(BEFORE)
    assert len(basis.lines) == 2 and all(start <= line.starts_at < end for line in basis.lines)
    assert len(invoice_due(municipality=room.municipality, month=EARLIER)[0].lines) == 2


def test_bad_exports_are_refused_with_a_clear_message_and_nothing_is_saved(room, caplog):
    club = payer(room, "Sjakklubben", 1, address=False)
    booked_in(room, club, LAST)
    finance = admin_of(room)
    this_month = timezone.localdate().replace(day=1)
    cases = [
        ({"month": this_month, "by": finance}, "ikke over ennå"),
        ({"month": LAST, "by": hub_staff(room.hub)}, "kan ikke eksportere"),
        ({"month": LAST, "by": municipality_admin(MunicipalityFactory())}, "kan ikke eksportere"),
        ({"month": LAST, "by": finance, "export_format": "xlsx"}, "CSV eller JSON"),
        ({"month": LAST, "by": finance}, "ingen fakturaadresse: Sjakklubben"),
        ({"month": BEFORE, "by": finance}, "ingenting å fakturere"),
    ]
    with caplog.at_level(logging.WARNING, logger="hubportal.betaling"):
        for arguments, message in cases:
            with pytest.raises(DomainError) as refused:
                services.invoice_export(municipality=room.municipality, **arguments)
            assert message.lower() in str(refused.value).lower(), (arguments, refused.value)
    assert caplog.text.count("refused") == len(cases)
    assert not InvoicePeriod.objects.exists() and not InvoiceLine.objects.exists()


def test_without_an_invoice_address_enhetsregisterets_address_is_used(room):
    club = payer(room, "Sjakklubben", 1, address=False)
    RegisterRecord.objects.create(
        organisation=club,
        name="SJAKKLUBBEN",
        address="Storgata 1",
        postcode="1384",
        city="Asker",
        fetched_at=timezone.now(),
    )
    booked_in(room, club, LAST)
    period = services.invoice_export(municipality=room.municipality, month=LAST, by=admin_of(room))
    assert period.bases.get().payer_address == "Storgata 1"


def test_finance_exports_through_the_page_as_a_streamed_csv_once(room, client):
    club = payer(room, "Sjakklubben «Løper'n»", 1)
    booked_in(room, club, LAST, count=2)
    finance = admin_of(room)
    client.force_login(finance)
    args = [room.municipality.slug, LAST.year, LAST.month]
    page = client.get(reverse("betaling:invoice_month", args=args))
    assert page.status_code == 200
    assert (
        "Sjakklubben" in page.content.decode()
        and "Eksporter og lås måneden" in page.content.decode()
    )
    response = client.post(reverse("betaling:invoice_export", args=args), {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].endswith(f'{LAST:%Y-%m}.csv"')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 4
    assert {row["kunde_navn"] for row in rows} == {"Sjakklubben «Løper'n»"}
    assert {row["kunde_orgnr"] for row in rows} == {club.org_number}
    assert rows[0]["belop"] == "400,00" and rows[0]["antall"] == "2,00"
    assert rows[1]["mva_kode"] == "3" and rows[1]["mva_belop"] == "25,00"
    assert {row["prosjekt"] for row in rows} == {"P-420"}
    again = client.post(reverse("betaling:invoice_export", args=args), {"format": "json"})
    assert again.status_code == 302
    followed = client.get(again["Location"]).content.decode()
    assert "aldri eksportert igjen" in followed


def test_the_json_export_is_the_same_basis(room, client):
    club = payer(room, "Sjakklubben", 1)
    business = payer(room, "Kafé AS", 2, kind=OrganisationKind.PRIVATE)
    booked_in(room, club, LAST)
    booked_in(room, business, LAST, day=4)
    client.force_login(admin_of(room))
    args = [room.municipality.slug, LAST.year, LAST.month]
    response = client.post(reverse("betaling:invoice_export", args=args), {"format": "json"})
    data = json.loads(b"".join(response.streaming_content))
    assert data["periode"] == f"{LAST:%Y-%m}"
    assert [b["kunde"]["navn"] for b in data["fakturagrunnlag"]] == ["Kafé AS", "Sjakklubben"]
    assert data["sum_ore"] == sum(b["sum_ore"] for b in data["fakturagrunnlag"]) == 2 * 52500
    for basis in data["fakturagrunnlag"]:
        assert basis["sum_ore"] == sum(line["belop_ore"] for line in basis["linjer"])


def test_only_the_municipalitys_administrators_see_its_invoice_bases(room, client):
    other = MunicipalityFactory(name="Andre kommune")
    finance = admin_of(room)
    args = [room.municipality.slug, LAST.year, LAST.month]
    # (user, the month page of the room's municipality, their own list of months)
    for user, status, listed in (
        (UserFactory(), 404, 404),
        (hub_staff(room.hub), 404, 404),
        (municipality_admin(other), 404, 200),
        (finance, 200, 200),
        (UserFactory(email="root@example.no", is_superuser=True, is_staff=True), 200, 200),
    ):
        client.force_login(user)
        assert client.get(reverse("betaling:invoice_month", args=args)).status_code == status
        index = client.get(reverse("betaling:invoices"))
        assert index.status_code == listed
        if listed == 200:
            shown = room.municipality.name in index.content.decode()
            assert shown == (status == 200), user
        if status == 404:
            assert client.post(reverse("betaling:invoice_export", args=args)).status_code == 404
    assert not InvoicePeriod.objects.exists()
    client.force_login(finance)
    for year, month in ((2026, 13), (2026, 0), (99999, 1), (1999, 12)):
        bad = reverse("betaling:invoice_month", args=[room.municipality.slug, year, month])
        assert client.get(bad).status_code == 404
