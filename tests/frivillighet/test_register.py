"""Organisations checked in Enhetsregisteret: the client against the local stand-in speaking
real HTTP (frivillighet/fake_register.py, started by tests/conftest.py), registration that
looks the number up (unknown, deleted or a register that does not answer: a clear message,
nothing saved, logged), the facts shown to staff who approve the listing, and the periodic
refresh."""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from frivillighet import services, tasks
from frivillighet.enums import ListingStatus
from frivillighet.models import Organisation, OrganisationMember, RegisterRecord
from frivillighet.register import (
    EnhetsregisteretClient,
    RegisterUnavailable,
    UnknownOrganisation,
    configured_register,
)
from hubportal.core.errors import DomainError
from tests.frivillighet.factories import OrganisationFactory
from tests.knutepunkt.factories import DistrictFactory, UserFactory, municipality_admin
from tests.resilience.servers import free_port
from tests.walk.test_hostile_input import rows

pytestmark = pytest.mark.django_db

KNOWN = "923456783"  # HOLMEN SANGKOR (DEMO), in the stand-in, not yet in the portal
UNKNOWN = "918901248"  # a valid check digit, but no such unit
DELETED = "917890129"
BANKRUPT = "915678904"


# --------------------------------------------------------------------------- the client


def test_client__a_known_number__the_registers_facts():
    entry = configured_register().lookup(KNOWN)
    assert entry.name == "HOLMEN SANGKOR (DEMO)"
    assert (entry.organisation_form_code, entry.organisation_form) == (
        "FLI",
        "Forening/lag/innretning",
    )
    assert (entry.address, entry.postcode, entry.city) == ("Holmensvingen 4", "1394", "NESBRU")
    assert entry.in_voluntary_register is True
    assert (entry.bankrupt, entry.winding_up, entry.deleted) == (False, False, False)


def test_client__bankrupt_and_deleted_units__flagged():
    assert configured_register().lookup(BANKRUPT).bankrupt is True
    gone = configured_register().lookup(DELETED)  # 410 Gone with its date
    assert gone.deleted is True and gone.deleted_on == date(2024, 5, 31)


@pytest.mark.parametrize("number", [UNKNOWN, "12345"])
def test_client__unknown_or_malformed_number__unknown(number):
    with pytest.raises(UnknownOrganisation):
        configured_register().lookup(number)


@pytest.mark.parametrize("behaviour", ["500", "garbage", "hang"])
def test_client__register_fails__unavailable_within_the_timeout(enhetsregisteret, behaviour):
    enhetsregisteret.behaviour = behaviour
    enhetsregisteret.hang_seconds = 5
    client = EnhetsregisteretClient(enhetsregisteret.url, timeout=1)
    started = time.monotonic()
    with pytest.raises(RegisterUnavailable):
        client.lookup(KNOWN)
    assert time.monotonic() - started < 3


def test_client__nothing_listening__unavailable():
    with pytest.raises(RegisterUnavailable):
        EnhetsregisteretClient(f"http://127.0.0.1:{free_port()}/api", timeout=1).lookup(KNOWN)


# --------------------------------------------------------------------------- registration


def register(number=KNOWN, **more):
    district = more.pop("district", None) or DistrictFactory()
    return services.organisation_register(
        municipality=district.municipality,
        name="Holmen sangkor",
        org_number=number,
        kind="voluntary",
        districts=[district],
        **more,
    )


def test_register__the_facts_are_stored_with_when_they_were_fetched(enhetsregisteret):
    before = timezone.now()
    organisation = register()
    record = RegisterRecord.objects.get(organisation=organisation)
    assert record.found and record.name == "HOLMEN SANGKOR (DEMO)"
    assert record.full_address == "Holmensvingen 4, 1394 NESBRU"
    assert record.in_voluntary_register and record.warnings() == []
    assert record.fetched_at >= before
    assert enhetsregisteret.requests == [f"/enhetsregisteret/api/enheter/{KNOWN}"]


def test_register__a_bankrupt_unit__registered_with_the_flag_for_staff():
    record = register(BANKRUPT).register_record
    assert record.bankrupt
    assert [str(w) for w in record.warnings()] == [
        "Konkurs.",
        "Ikke registrert i Frivillighetsregisteret.",
    ]


@pytest.mark.parametrize(
    ("number", "behaviour", "field", "message", "logged"),
    [
        (UNKNOWN, "working", "org_number", "har ingen organisasjon med nummeret", "unknown in"),
        (DELETED, "working", "org_number", "er slettet fra Enhetsregisteret", "deleted from"),
        (KNOWN, "500", None, "Vi fikk ikke sjekket organisasjonsnummeret", "unavailable"),
        (KNOWN, "garbage", None, "Vi fikk ikke sjekket organisasjonsnummeret", "unavailable"),
    ],
)
def test_register__refused__a_clear_message_nothing_saved_and_logged(
    enhetsregisteret, caplog, number, behaviour, field, message, logged
):
    district = DistrictFactory()
    enhetsregisteret.behaviour = behaviour
    before = rows()
    with (
        caplog.at_level(logging.INFO, logger="frivillighet.services"),
        pytest.raises(DomainError) as refused,
    ):
        register(number, district=district)
    (problem,) = refused.value.problems
    assert problem.field == field and message in str(problem.message)
    assert rows() == before
    assert logged in caplog.text


def test_register_page__shows_the_registers_facts(client, enhetsregisteret):
    district = DistrictFactory()
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/frivillighet/registrer/",
        {
            "municipality": district.municipality.pk,
            "name": "Holmen sangkor",
            "org_number": KNOWN,
            "kind": "voluntary",
            "contact_email": "kor@example.no",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Enhetsregisteret kjenner nummeret som HOLMEN SANGKOR (DEMO)" in html
    assert "Holmensvingen 4, 1394 NESBRU" in html
    assert OrganisationMember.objects.filter(user=user).exists()


def test_register_page__register_down__the_form_again_with_the_reason(client, enhetsregisteret):
    district = DistrictFactory()
    client.force_login(UserFactory())
    enhetsregisteret.behaviour = "500"
    before = rows()
    response = client.post(
        "/en/frivillighet/registrer/",
        {
            "municipality": district.municipality.pk,
            "name": "Holmen sangkor",
            "org_number": KNOWN,
            "kind": "voluntary",
            "contact_email": "kor@example.no",
        },
    )
    assert response.status_code == 400
    assert "We could not check the organisation number in Enhetsregisteret" in (
        response.content.decode()
    )
    assert rows() == before


# --------------------------------------------------------------------------- refresh


def _stale(record: RegisterRecord, days: int = 30) -> None:
    RegisterRecord.objects.filter(pk=record.pk).update(
        fetched_at=timezone.now() - timedelta(days=days)
    )


def test_refresh__stale_and_missing_facts_fetched_again__fresh_ones_left(enhetsregisteret):
    fresh = register()
    stale = OrganisationFactory(org_number="971524960")
    missing = OrganisationFactory(org_number=BANKRUPT)
    RegisterRecord.objects.create(organisation=stale, name="OLD", fetched_at=timezone.now())
    _stale(stale.register_record)
    enhetsregisteret.requests.clear()
    assert tasks.refresh_register_records() == 2
    stale.register_record.refresh_from_db()
    assert stale.register_record.name == "ASKER FRIVILLIGSENTRAL (DEMO)"
    assert RegisterRecord.objects.get(organisation=missing).bankrupt
    assert f"/enhetsregisteret/api/enheter/{fresh.org_number}" not in enhetsregisteret.requests


def test_refresh__a_unit_gone_since__flagged_for_staff(enhetsregisteret):
    organisation = register()
    _stale(organisation.register_record)
    enhetsregisteret.deleted[KNOWN] = "2026-11-30"
    assert services.organisation_register_refresh_due() == 1
    record = RegisterRecord.objects.get(organisation=organisation)
    assert record.deleted and record.deleted_on == date(2026, 11, 30)
    assert "Slettet fra Enhetsregisteret." in [str(w) for w in record.warnings()]


def test_refresh__register_down__the_last_facts_kept_with_their_date(enhetsregisteret, caplog):
    organisation = register()
    _stale(organisation.register_record)
    kept = RegisterRecord.objects.get(organisation=organisation)
    enhetsregisteret.behaviour = "500"
    with caplog.at_level(logging.WARNING, logger="frivillighet.services"):
        assert services.organisation_register_refresh_due() == 0
    record = RegisterRecord.objects.get(organisation=organisation)
    assert (record.name, record.fetched_at) == (kept.name, kept.fetched_at)
    assert "not refreshed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_refresh__a_second_run_meanwhile__does_nothing(enhetsregisteret):
    organisation = register()
    _stale(organisation.register_record)
    enhetsregisteret.behaviour = "hang"
    enhetsregisteret.hang_seconds = 2
    first = threading.Thread(target=services.organisation_register_refresh_due)
    first.start()
    time.sleep(0.5)  # the first run holds the lock while it waits for the register
    try:
        assert services.organisation_register_refresh_due() == 0
    finally:
        first.join()
        connection.close()


# --------------------------------------------------------------------------- admin


def test_admin__staff_approving_a_listing_see_the_registers_facts(client, enhetsregisteret):
    organisation = register(BANKRUPT)
    assert organisation.listing == ListingStatus.PENDING
    client.force_login(municipality_admin(organisation.municipality))
    change = client.get(f"/admin/frivillighet/organisation/{organisation.pk}/change/")
    html = change.content.decode()
    assert change.status_code == 200
    assert "KONKURSRAMMET KULTURLAG (DEMO)" in html and "Konkurs." in html
    listing = client.get("/admin/frivillighet/organisation/").content.decode()
    assert "Konkurs. Ikke registrert i Frivillighetsregisteret." in listing


def test_admin__check_again_action__refreshes_or_says_the_register_did_not_answer(
    client, enhetsregisteret
):
    organisation = register()
    client.force_login(municipality_admin(organisation.municipality))
    enhetsregisteret.units[KNOWN]["navn"] = "HOLMEN SANGKOR OG ORKESTER (DEMO)"
    data = {"action": "refresh_from_register", "_selected_action": [organisation.pk]}
    response = client.post("/admin/frivillighet/organisation/", data, follow=True)
    assert "1 organisasjon sjekket i Enhetsregisteret." in response.content.decode()
    assert Organisation.objects.get().register_record.name == "HOLMEN SANGKOR OG ORKESTER (DEMO)"
    enhetsregisteret.behaviour = "500"
    response = client.post("/admin/frivillighet/organisation/", data, follow=True)
    assert "Enhetsregisteret svarte ikke" in response.content.decode()
