"""The finance staff role, through real URLs (the admin's and the invoicing pages): a
municipality's finance staff see its payments, refunds and invoice bases and keep its
payers' invoice addresses, nothing of another municipality and nothing else of their own;
proven for every role, including another municipality's finance staff and hub staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from betaling import services
from betaling.enums import PriceUnit, RenterCategory, VatRate
from betaling.models import InvoiceAddress, InvoiceBasis, InvoicePeriod, Payment, Refund
from betaling.selectors import last_ended_month
from booking import services as booking_services
from hubportal import permissions
from knutepunkt import services as knutepunkt_services
from knutepunkt.enums import StaffRole
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import UserFactory, hub_staff, municipality_admin

from .factories import PriceLineFactory, PriceListFactory, booked_in, payer

pytestmark = pytest.mark.django_db

REFUSED = (302, 403, 404)  # the admin sends an object outside the scope to its index


def priced_room(name):
    room = ResourceFactory(name=name, cancellation_deadline_hours=0)
    for category in (RenterCategory.CITIZEN, RenterCategory.VOLUNTARY):
        prices = PriceListFactory(resource=room, category=category)
        PriceLineFactory(
            price_list=prices,
            unit=PriceUnit.PER_BOOKING,
            unit_price=40000,
            vat_rate=VatRate.OUTSIDE,
        )
    return room


def paid_and_refunded(room, vipps, capture):
    citizen = UserFactory()
    start = (timezone.localtime() + timedelta(days=5)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    booking = booking_services.booking_create(
        booker=citizen, resource=room, times=[(start, start + timedelta(hours=1))], purpose="Fest"
    ).booking
    services.payment_start(payment=booking.payment, return_url="http://testserver/r")
    vipps.approve(booking.payment.reference)
    services.payment_sync(payment=Payment.objects.get(booking=booking), source="redirect")
    with capture(execute=True):
        booking_services.booking_cancel(booking=booking, by=citizen)
    return Payment.objects.get(booking=booking)


def finance_staff(municipality):
    user = UserFactory(email=f"okonomi-{municipality.slug}@example.no")
    knutepunkt_services.staff_membership_grant(
        user=user, role=StaffRole.FINANCE, municipality=municipality
    )
    return user


@pytest.fixture
def world(vipps, django_capture_on_commit_callbacks):
    rooms = {"a": priced_room("Sal A"), "b": priced_room("Sal B")}
    found = {}
    for key, room in rooms.items():
        payment = paid_and_refunded(room, vipps, django_capture_on_commit_callbacks)
        club = payer(room, f"Klubb {key.upper()}", 10 + ord(key))
        booked_in(room, club, last_ended_month())
        period = services.invoice_export(
            municipality=room.municipality,
            month=last_ended_month(),
            by=municipality_admin(room.municipality),
        )
        found[key] = {
            "payment": payment,
            "refund": Refund.objects.get(payment=payment),
            "period": period,
            "basis": InvoiceBasis.objects.get(period=period),
            "address": InvoiceAddress.objects.get(organisation=club),
            "room": room,
        }
    users = {
        "visitor": None,
        "citizen": UserFactory(),
        "hub_staff": hub_staff(rooms["a"].hub),
        "finance": finance_staff(rooms["a"].municipality),
        "finance_b": finance_staff(rooms["b"].municipality),
        "municipality_admin": UserFactory(email="kommune-a@example.no"),
        "superuser": UserFactory(email="root@example.no", is_staff=True, is_superuser=True),
    }
    knutepunkt_services.staff_membership_grant(
        user=users["municipality_admin"],
        role=StaffRole.MUNICIPALITY_ADMIN,
        municipality=rooms["a"].municipality,
    )
    return found, users


def admin_url(model, view, obj=None):
    name = f"admin:betaling_{model}_{view}"
    return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)


# What each role gets from municipality A's records (the change page of each; "list": the
# list shows A's record): 200, "refused" or "login".
#              visitor citizen hub_staff finance finance_b municipality_admin superuser
# fmt: off
EXPECTED = {
    "payment":        "login  login  200      200     refused   200   200",
    "refund":         "login  login  200      200     refused   200   200",
    "invoiceperiod":  "login  login  refused  200     refused   200   200",
    "invoicebasis":   "login  login  refused  200     refused   200   200",
    "invoiceaddress": "login  login  refused  200     refused   200   200",
}
ROLES = ["visitor", "citizen", "hub_staff", "finance", "finance_b", "municipality_admin",
         "superuser"]
# fmt: on
OBJECT = {
    "payment": "payment",
    "refund": "refund",
    "invoiceperiod": "period",
    "invoicebasis": "basis",
    "invoiceaddress": "address",
}


def as_role(client, users, role):
    client.logout()
    if users[role] is not None:
        client.force_login(users[role])
    return client


def test_finance_staff_see_their_municipalitys_finances_in_the_admin_and_nothing_else(
    client, world
):
    found, users = world
    problems = []
    for model, row in EXPECTED.items():
        for role, want in zip(ROLES, row.split(), strict=True):
            as_role(client, users, role)
            obj = found["a"][OBJECT[model]]
            change = client.get(admin_url(model, "change", obj))
            listing = client.get(admin_url(model, "changelist"))
            if want == "login":
                ok = change.status_code == 302 and "/login/" in change["Location"]
            elif want == "200":
                ok = change.status_code == 200 and str(obj.pk) in listing.content.decode()
            else:
                listed = listing.status_code == 200 and (
                    admin_url(model, "change", obj) in listing.content.decode()
                )
                ok = change.status_code in REFUSED and not listed
            if not ok:
                problems.append(f"{role} {model}: {change.status_code}, expected {want}")
    assert problems == []


def test_finance_staff_change_nothing_but_invoice_addresses_and_see_no_bookings(client, world):
    found, users = world
    as_role(client, users, "finance")
    assert client.get(reverse("admin:index")).status_code == 200
    for model in ("payment", "refund", "invoiceperiod", "invoicebasis"):
        assert client.get(admin_url(model, "add")).status_code == 403
        obj = found["a"][OBJECT[model]]
        assert client.post(admin_url(model, "delete", obj), {"post": "yes"}).status_code == 403
    for other in ("admin:booking_booking_changelist", "admin:knutepunkt_hub_changelist"):
        assert client.get(reverse(other)).status_code == 403
    address = found["a"]["address"]
    response = client.post(
        admin_url("invoiceaddress", "change", address),
        {
            "organisation": address.organisation_id,
            "address": "Rådhusplassen 1",
            "postcode": "1372",
            "city": "Asker",
            "email": "",
            "reference": "Kasserer",
        },
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.address == "Rådhusplassen 1"
    user = users["finance"]
    assert permissions.roles_of(user) == {permissions.Role.CITIZEN, permissions.Role.FINANCE_STAFF}
    assert not permissions.is_staff_member(user)  # not staff of a hub or an administrator


def test_the_invoicing_pages_answer_each_role_as_its_scope_says(client, world):
    found, users = world
    period = found["a"]["period"]
    args = [period.municipality.slug, period.month.year, period.month.month]
    # fmt: off
    want = {"visitor": 302, "citizen": 404, "hub_staff": 404, "finance": 200,
            "finance_b": 404, "municipality_admin": 200, "superuser": 200}
    # fmt: on
    for role, status in want.items():
        as_role(client, users, role)
        assert client.get(reverse("betaling:invoice_month", args=args)).status_code == status, role
    as_role(client, users, "finance")
    refused = client.post(reverse("betaling:invoice_export", args=args), {"format": "csv"})
    assert refused.status_code == 302  # exported already: back to the month, with the message
    assert InvoicePeriod.objects.count() == 2
