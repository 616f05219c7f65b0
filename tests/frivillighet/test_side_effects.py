"""frivillighet's services (and the admin and views, which call them) own their side effects
and write in one transaction: an organisation approved with the admin's bulk action is
found by search at once; the admin's shift edits go through the service whole."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from frivillighet import services
from frivillighet.enums import ListingStatus, SignupStatus
from frivillighet.models import Organisation, OrganisationMember, Shift, VolunteerProfile
from hubportal.notifications.models import Notification
from tests.knutepunkt.factories import (
    DistrictFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
)
from tests.support.admin import admin_submit

from .factories import OrganisationFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)  # real commits: the index is written after each
def test_approve_listing_bulk_action__the_organisation_is_found_by_search_at_once():
    waiting = OrganisationFactory(name="Heggedal sjakklubb", listing=ListingStatus.PENDING)
    other = OrganisationFactory(
        name="Heggedal sykkellag",
        org_number="971524960",
        listing=ListingStatus.PENDING,
        municipality=waiting.municipality,
    )
    reader = Client()
    assert "Heggedal sjakklubb" not in reader.get("/sok/", {"q": "sjakklubb"}).content.decode()
    response = _signed_in(municipality_admin(waiting.municipality)).post(
        "/admin/frivillighet/organisation/",
        {"action": "approve_listing", "_selected_action": [waiting.pk]},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=waiting.pk).listing == ListingStatus.APPROVED
    assert Organisation.objects.get(pk=other.pk).listing == ListingStatus.PENDING
    page = reader.get("/sok/", {"q": "sjakklubb"}).content.decode()  # was cached
    assert "Heggedal sjakklubb" in page and waiting.get_absolute_url() in page
    assert "Heggedal sykkellag" not in reader.get("/sok/", {"q": "sykkellag"}).content.decode()


def test_approve_listings__counts_only_those_not_listed_before():
    listed = OrganisationFactory()
    waiting = OrganisationFactory(org_number="971524960", listing=ListingStatus.PENDING)
    assert services.organisation_approve_listings(organisations=[listed, waiting]) == 1


def test_register__a_second_request_with_the_same_number__form_error_and_nothing_saved(client):
    OrganisationFactory(org_number="974760673")
    district = DistrictFactory()
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/frivillighet/registrer/",
        {
            "municipality": district.municipality.pk,
            "name": "Nytt lag",
            "org_number": "974760673",
            "kind": "voluntary",
            "districts": [district.pk],
            "contact_email": "post@lag.no",
        },
    )
    assert response.status_code == 400  # a message, not an error page
    assert Organisation.objects.count() == 1
    assert not OrganisationMember.objects.filter(user=user).exists()


def test_register__organisation_districts_and_coordinator_in_one_transaction():
    district = DistrictFactory()
    user = UserFactory()
    with pytest.raises(ValueError):  # the coordinator cannot be saved: nothing is
        services.organisation_register(
            municipality=district.municipality,
            name="Nytt lag",
            org_number="974760673",
            kind="voluntary",
            districts=[district],
            coordinator=UserFactory.build(),  # unsaved
        )
    assert not Organisation.objects.exists()
    organisation = services.organisation_register(
        municipality=district.municipality,
        name="Nytt lag",
        org_number="974760673",
        kind="voluntary",
        districts=[district],
        coordinator=user,
    )
    assert list(organisation.districts.all()) == [district]
    assert OrganisationMember.objects.get(organisation=organisation).user == user


def test_shift_moved_and_enlarged_in_the_admin__both_changes_are_saved_and_volunteers_told():
    shift = ShiftFactory(capacity=2)
    services.shift_signup(shift=shift, volunteer=UserFactory())
    later = timezone.localtime(shift.starts_at + timedelta(hours=1)).replace(microsecond=0)
    response = admin_submit(
        _signed_in(hub_staff(shift.opportunity.hub)),
        f"/admin/frivillighet/shift/{shift.pk}/change/",
        {
            "starts_at_0": later.date().isoformat(),
            "starts_at_1": later.strftime("%H:%M:%S"),
            "ends_at_0": (later + timedelta(hours=2)).date().isoformat(),
            "ends_at_1": (later + timedelta(hours=2)).strftime("%H:%M:%S"),
            "capacity": "6",
        },
    )
    assert response.status_code == 302
    saved = Shift.objects.get(pk=shift.pk)
    assert saved.starts_at == later and saved.capacity == 6  # the capacity was lost before
    assert saved.places_taken == 1
    assert Notification.objects.filter(template="frivillighet/email/shift_changed").count() == 1


def test_shift_save__never_writes_the_places_taken_from_a_stale_object():
    shift = ShiftFactory(capacity=3)
    stale = Shift.objects.get(pk=shift.pk)  # as the admin read it, before a sign-up
    services.shift_signup(shift=shift, volunteer=UserFactory())
    stale.capacity = 4
    services.shift_save(shift=stale, changed_fields={"capacity"})
    saved = Shift.objects.get(pk=shift.pk)
    assert saved.capacity == 4 and saved.places_taken == 1


def test_profile_view__saved_through_the_service_with_its_districts(client):
    district = DistrictFactory()
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/frivillighet/profil/",
        {
            "skills": "snekring, kaffe",
            "languages": "norsk",
            "districts": [district.pk],
            "availability": "kvelder",
            "consent_to_contact": "on",
        },
    )
    assert response.status_code == 302
    profile = VolunteerProfile.objects.get(user=user)
    assert profile.skills == ["snekring", "kaffe"] and list(profile.districts.all()) == [district]


def test_police_certificate_recorded_in_the_admin__through_the_service():
    volunteer = UserFactory()
    profile = VolunteerProfile.objects.create(user=volunteer)
    shift = ShiftFactory()
    services.shift_signup(shift=shift, volunteer=volunteer)
    assert shift.signups.get().status == SignupStatus.CONFIRMED
    response = admin_submit(
        _signed_in(hub_staff(shift.opportunity.hub)),
        f"/admin/frivillighet/volunteerprofile/{profile.pk}/change/",
        police_certificate_checked_on="2026-11-01",
        police_certificate_valid_until="2029-11-01",
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert str(profile.police_certificate_valid_until) == "2029-11-01"
