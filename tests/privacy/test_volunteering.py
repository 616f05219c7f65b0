"""Deleting a person withdraws them from their shifts as they would withdraw themselves
(places freed, the first in line promoted and told), keeps the hours already given only
anonymised, and ends their memberships of organisations."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from frivillighet import services
from frivillighet.enums import SignupStatus as S
from frivillighet.models import OrganisationMember, Shift, ShiftSignup, VolunteerProfile
from hubportal.notifications.enums import Status
from hubportal.notifications.models import Notification
from tests.frivillighet.factories import OpportunityFactory, OrganisationFactory, ShiftFactory
from tests.knutepunkt.factories import DistrictFactory
from tests.privacy.helpers import delete_account, download, messages_to, person

pytestmark = pytest.mark.django_db


def past_shift_with_hours(user, hours):
    start = timezone.now() - timedelta(days=10)
    shift = ShiftFactory(starts_at=start, ends_at=start + timedelta(hours=3))
    return ShiftSignup.objects.create(
        shift=shift,
        volunteer=user,
        status=S.CONFIRMED,
        hours=hours,
        during=(shift.starts_at, shift.ends_at),
    )


@pytest.fixture
def kari():
    user = person()
    profile = VolunteerProfile.objects.create(
        user=user,
        skills=["kaffe", "norskopplæring"],
        languages=["ukrainsk"],
        consent_to_contact=True,
    )
    profile.districts.add(DistrictFactory(name="Heggedal"))
    return user


def test_volunteering__export_holds_profile_shifts_hours_and_memberships(client, kari):
    organisation = OrganisationFactory(name="Heggedal IL")
    OrganisationMember.objects.create(organisation=organisation, user=kari, role="coordinator")
    upcoming = ShiftFactory(opportunity=OpportunityFactory(title="Leksehjelp"))
    services.shift_signup(shift=upcoming, volunteer=kari)
    past_shift_with_hours(kari, Decimal("2.50"))

    data = download(client, kari)["volunteering"]

    assert data["profile"]["skills"] == ["kaffe", "norskopplæring"]
    assert data["profile"]["districts"] == ["Heggedal"] and data["profile"]["consent_to_contact"]
    assert [(s["status"], s["hours"]) for s in data["shifts"]] == [
        (S.CONFIRMED, "2.50"),
        (S.CONFIRMED, None),
    ]
    assert data["shifts"][1]["opportunity"] == "Leksehjelp"
    assert data["organisations"] == [{"organisation": "Heggedal IL", "role": "coordinator"}]


def test_volunteering__deletion_frees_places_promotes_in_order_and_keeps_hours_anonymised(
    client, kari
):
    full = ShiftFactory(capacity=1)
    mine = services.shift_signup(shift=full, volunteer=kari)
    per, nils = person("per@example.no"), person("nils@example.no")
    first = services.shift_signup(shift=full, volunteer=per)
    second = services.shift_signup(shift=full, volunteer=nils)
    assert (first.status, second.status) == (S.WAITLISTED, S.WAITLISTED)
    roomy = ShiftFactory(capacity=3, starts_at=timezone.now() + timedelta(days=9))
    services.shift_signup(shift=roomy, volunteer=kari)
    given = past_shift_with_hours(kari, Decimal("2.50"))
    organisation = OrganisationFactory()
    OrganisationMember.objects.create(organisation=organisation, user=kari, role="coordinator")
    reminder = Notification.objects.get(dedupe_key=f"shift-reminder:{mine.pk}")

    delete_account(client, kari)

    assert Shift.objects.get(pk=full.pk).places_taken == 1
    assert Shift.objects.get(pk=roomy.pk).places_taken == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED)
    assert messages_to(per, "frivillighet/email/signup_promoted")
    assert not messages_to(nils, "frivillighet/email/signup_promoted")
    assert Notification.objects.get(dedupe_key=f"shift-reminder:{first.pk}").status == (
        Status.PENDING
    )
    reminder.refresh_from_db()
    assert reminder.status == Status.CANCELLED
    given.refresh_from_db()
    assert given.volunteer_id is None and given.hours == Decimal("2.50")
    assert not ShiftSignup.objects.filter(volunteer_id=kari.pk).exists()
    assert not VolunteerProfile.objects.exists()
    assert not OrganisationMember.objects.exists()
    assert not messages_to(kari)


def test_volunteering__deleting_only_the_profile_frees_the_places_too(client, kari):
    full = ShiftFactory(capacity=1)
    services.shift_signup(shift=full, volunteer=kari)
    per = person("per@example.no")
    services.shift_signup(shift=full, volunteer=per)
    client.force_login(kari)
    client.post("/frivillighet/profil/", {"delete": "1"})
    assert not VolunteerProfile.objects.filter(user=kari).exists()
    assert Shift.objects.get(pk=full.pk).places_taken == 1
    assert ShiftSignup.objects.get(volunteer=per).status == S.CONFIRMED
    assert ShiftSignup.objects.get(volunteer=kari).status == S.WITHDRAWN
