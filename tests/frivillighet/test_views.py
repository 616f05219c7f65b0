"""Volunteering through its URLs: directory filters, sign-up, dashboards, boundaries, privacy."""

import json
from datetime import date, time, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from frivillighet import services
from frivillighet.enums import SignupStatus
from frivillighet.models import (
    Activity,
    CooperationAgreement,
    Organisation,
    OrganisationMember,
    ShiftSignup,
    ShiftTemplate,
    VolunteerProfile,
)
from hubportal.core.errors import DomainError
from hubportal.notifications.models import Notification
from tests.knutepunkt.factories import DistrictFactory, UserFactory, hub_staff, municipality_admin

from .factories import OpportunityFactory, OrganisationFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def test_directory__free_childrens_activities_in_a_district(client):
    district = DistrictFactory()
    sport = OrganisationFactory(name="Idrettslaget", municipality=district.municipality)
    sport.districts.add(district)
    Activity.objects.create(
        organisation=sport, name="Allidrett", age_groups=["children"], free_for_children=True
    )
    paid = OrganisationFactory(
        name="Dyr klubb", org_number="971524960", municipality=district.municipality
    )
    paid.districts.add(district)
    Activity.objects.create(
        organisation=paid, name="Seiling", age_groups=["children"], free_for_children=False
    )
    OrganisationFactory(name="Ikke godkjent", org_number="983887457", listing="pending")
    page = client.get(
        "/frivillighet/", {"district": district.pk, "age": "children", "free": "1"}
    ).content.decode()
    assert "Idrettslaget" in page and "Dyr klubb" not in page and "Ikke godkjent" not in page


def test_signup_through_the_page_and_withdraw(client):
    shift = ShiftFactory()
    user = UserFactory()
    client.force_login(user)
    client.post(f"/frivillighet/vakt/{shift.pk}/meld-pa/")
    signup = ShiftSignup.objects.get(volunteer=user)
    assert signup.status == SignupStatus.CONFIRMED
    assert "Du er påmeldt" in client.get(shift.opportunity.get_absolute_url()).content.decode()
    client.post(f"/frivillighet/vakt/{signup.pk}/trekk/")
    assert ShiftSignup.objects.get(pk=signup.pk).status == SignupStatus.WITHDRAWN


def test_withdraw__someone_elses_signup_is_404(client):
    signup = services.shift_signup(shift=ShiftFactory(), volunteer=UserFactory())
    client.force_login(UserFactory())
    assert client.post(f"/frivillighet/vakt/{signup.pk}/trekk/").status_code == 404


def test_coordinator_dashboard__only_own_organisations_volunteers(client):
    mine = OrganisationFactory()
    theirs = OrganisationFactory(org_number="971524960")
    my_shift = ShiftFactory(opportunity=OpportunityFactory(organisation=mine))
    their_shift = ShiftFactory(opportunity=OpportunityFactory(organisation=theirs))
    services.shift_signup(shift=my_shift, volunteer=UserFactory(email="min@example.no"))
    services.shift_signup(shift=their_shift, volunteer=UserFactory(email="deres@example.no"))
    coordinator = UserFactory(is_staff=True)
    OrganisationMember.objects.create(organisation=mine, user=coordinator, role="coordinator")
    client.force_login(coordinator)
    page = client.get("/frivillighet/koordinator/").content.decode()
    assert "min@example.no" in page and "deres@example.no" not in page
    csv_text = client.get("/frivillighet/koordinator/", {"format": "csv"}).getvalue().decode()
    assert "min@example.no" in csv_text and "deres@example.no" not in csv_text
    their_signup = ShiftSignup.objects.get(volunteer__email="deres@example.no")
    assert client.get(f"/admin/frivillighet/shift/{their_shift.pk}/change/").status_code == 404
    assert client.get(f"/admin/frivillighet/shiftsignup/{their_signup.pk}/change/").status_code in (
        403,
        404,
    )


def test_dashboard__citizen_without_a_role_gets_404(client):
    client.force_login(UserFactory())
    assert client.get("/frivillighet/koordinator/").status_code == 404


def test_hub_staff__see_unfilled_shifts_at_their_hub(client):
    shift = ShiftFactory(capacity=3)
    client.force_login(hub_staff(shift.opportunity.hub))
    assert shift.opportunity.title in client.get("/frivillighet/koordinator/").content.decode()


def test_privacy__export_and_delete_profile_keeps_hours_anonymised(client):
    user = UserFactory()
    VolunteerProfile.objects.create(user=user, skills=["kaffe"], consent_to_contact=True)
    past = ShiftFactory(starts_at=timezone.now() - timedelta(days=3))
    ShiftSignup.objects.create(
        shift=past,
        volunteer=user,
        status=SignupStatus.CONFIRMED,
        hours=2,
        during=(past.starts_at, past.ends_at),
    )
    client.force_login(user)
    data = json.loads(client.get("/konto/mine-data/").content)
    assert data["volunteering"]["profile"]["skills"] == ["kaffe"]
    client.post("/frivillighet/profil/", {"delete": "1"})
    assert not VolunteerProfile.objects.filter(user=user).exists()
    anonymised = ShiftSignup.objects.get(shift=past)
    assert anonymised.volunteer is None and float(anonymised.hours) == 2.0


def test_profile__consent_can_be_withdrawn(client):
    user = UserFactory()
    VolunteerProfile.objects.create(user=user, consent_to_contact=True)
    client.force_login(user)
    client.post("/frivillighet/profil/", {"skills": "", "languages": "", "availability": ""})
    assert VolunteerProfile.objects.get(user=user).consent_to_contact is False


def test_weekly_digest__only_coordinators_with_unfilled_shifts_and_once_a_week():
    organisation = OrganisationFactory()
    ShiftFactory(
        opportunity=OpportunityFactory(organisation=organisation),
        starts_at=timezone.now() + timedelta(days=2),
    )
    coordinator = UserFactory()
    OrganisationMember.objects.create(
        organisation=organisation, user=coordinator, role="coordinator"
    )
    idle = OrganisationFactory(org_number="971524960")
    OrganisationMember.objects.create(organisation=idle, user=UserFactory(), role="coordinator")
    assert services.weekly_digest() == 1
    services.weekly_digest()
    assert Notification.objects.filter(template="frivillighet/email/weekly_digest").count() == 1


def test_shift_cancelled__only_those_signed_up_are_told():
    shift = ShiftFactory()
    services.shift_signup(shift=shift, volunteer=UserFactory(email="pa@example.no"))
    services.shift_signup(shift=ShiftFactory(), volunteer=UserFactory(email="annen@example.no"))
    assert services.shift_cancel(shift=shift) == 1
    told = Notification.objects.filter(template="frivillighet/email/shift_cancelled").values_list(
        "to_address", flat=True
    )
    assert list(told) == ["pa@example.no"]


def test_templates__create_the_coming_weeks_shifts_once():
    template = ShiftTemplate.objects.create(
        opportunity=OpportunityFactory(), weekday=(date.today().weekday() + 1) % 7, starts=time(18)
    )
    assert len(services.shifts_from_template(template=template, weeks=3)) == 3
    assert services.shifts_from_template(template=template, weeks=3) == []


def test_register__association_asks_to_be_listed_and_waits_for_approval(client):
    district = DistrictFactory()
    user = UserFactory()
    client.force_login(user)
    data = {
        "municipality": district.municipality.pk,
        "name": "Nytt lag",
        "org_number": "974760672",
        "kind": "voluntary",
        "districts": [district.pk],
        "contact_email": "post@lag.no",
    }
    response = client.post("/frivillighet/registrer/", data)
    assert response.status_code == 400 and "kontrollsiffer" in response.content.decode()
    assert not Organisation.objects.exists()
    client.post("/frivillighet/registrer/", {**data, "org_number": "974 760 673"})
    organisation = Organisation.objects.get()
    assert organisation.listing == "pending"
    assert OrganisationMember.objects.get(organisation=organisation).user == user
    assert "Nytt lag" not in client.get("/frivillighet/").content.decode()


def test_invitation__coordinator_invites_and_the_invitee_accepts(client):
    organisation = OrganisationFactory()
    coordinator = UserFactory()
    OrganisationMember.objects.create(
        organisation=organisation, user=coordinator, role="coordinator"
    )
    client.force_login(coordinator)
    client.post(
        f"/frivillighet/organisasjon/{organisation.pk}/inviter/",
        {"email": "ny@example.no", "role": "coordinator"},
    )
    body = Notification.objects.get(to_address="ny@example.no").body_text
    path = body[body.index("/frivillighet/invitasjon/") :].split()[0]
    invitee = UserFactory(email="ny@example.no")
    client.force_login(invitee)
    client.post(path)
    assert OrganisationMember.objects.get(user=invitee).role == "coordinator"
    stranger = UserFactory(email="annen@example.no")
    client.force_login(stranger)
    assert client.post(path).status_code == 400  # the invitation was for someone else


def test_invitation__other_organisations_coordinator_cannot_invite(client):
    organisation = OrganisationFactory()
    other = OrganisationFactory(org_number="971524960")
    coordinator = UserFactory()
    OrganisationMember.objects.create(organisation=other, user=coordinator, role="coordinator")
    client.force_login(coordinator)
    assert client.get(f"/frivillighet/organisasjon/{organisation.pk}/inviter/").status_code == 404


def test_agreement_expiring__staff_told_once():
    organisation = OrganisationFactory()
    admin = municipality_admin(organisation.municipality)
    today = timezone.localdate()
    CooperationAgreement.objects.create(
        organisation=organisation,
        municipality=organisation.municipality,
        status="active",
        starts_on=today - timedelta(days=300),
        ends_on=today + timedelta(days=10),
    )
    services.agreements_remind_expiring()
    services.agreements_remind_expiring()
    assert (
        Notification.objects.filter(
            recipient=admin, template="frivillighet/email/agreement_expiring"
        ).count()
        == 1
    )


def test_audit__csv_export_of_hours_is_logged(client):
    staff = hub_staff(ShiftFactory().opportunity.hub)
    client.force_login(staff)
    client.get("/frivillighet/koordinator/", {"format": "csv"})
    assert LogEntry.objects.filter(user=staff, change_message__contains="CSV").exists()


def test_shift_moved__volunteers_told_reminder_moves_and_a_clash_takes_one_off():
    shift = ShiftFactory(capacity=3, starts_at=timezone.now() + timedelta(days=5))
    keen, busy = UserFactory(), UserFactory()
    keen_signup = services.shift_signup(shift=shift, volunteer=keen)
    services.shift_signup(shift=shift, volunteer=busy)
    new_start = shift.starts_at + timedelta(days=1)
    services.shift_signup(shift=ShiftFactory(starts_at=new_start), volunteer=busy)  # busy then
    services.shift_change_time(
        shift=shift, starts_at=new_start, ends_at=new_start + timedelta(hours=2)
    )
    reminder = Notification.objects.get(dedupe_key=f"shift-reminder:{keen_signup.pk}")
    assert reminder.send_after == new_start - timedelta(hours=24)
    assert Notification.objects.filter(
        recipient=keen, template="frivillighet/email/shift_changed"
    ).exists()
    assert ShiftSignup.objects.get(shift=shift, volunteer=busy).status == SignupStatus.WITHDRAWN
    assert Notification.objects.filter(
        recipient=busy, template="frivillighet/email/shift_changed_conflict"
    ).exists()


def test_message_everyone_on_a_shift__coordinators_only(client):
    organisation = OrganisationFactory()
    shift = ShiftFactory(opportunity=OpportunityFactory(organisation=organisation))
    services.shift_signup(shift=shift, volunteer=UserFactory(email="v@example.no"))
    client.force_login(UserFactory())
    assert client.get(f"/frivillighet/vakt/{shift.pk}/melding/").status_code == 404
    coordinator = UserFactory()
    OrganisationMember.objects.create(
        organisation=organisation, user=coordinator, role="coordinator"
    )
    client.force_login(coordinator)
    client.post(f"/frivillighet/vakt/{shift.pk}/melding/", {"message": "Husk nøkkelen!"})
    assert (
        "Husk nøkkelen!"
        in Notification.objects.get(
            to_address="v@example.no", template="frivillighet/email/shift_message"
        ).body_text
    )


def test_self_check_in_and_out__records_hours_where_allowed(client):
    shift = ShiftFactory(
        opportunity=OpportunityFactory(allow_self_check_in=True),
        starts_at=timezone.now() - timedelta(minutes=5),
    )
    user = UserFactory()
    signup = ShiftSignup.objects.create(
        shift=shift,
        volunteer=user,
        status=SignupStatus.CONFIRMED,
        during=(shift.starts_at, shift.ends_at),
    )
    client.force_login(user)
    client.post(f"/frivillighet/pamelding/{signup.pk}/innsjekk/")
    client.post(f"/frivillighet/pamelding/{signup.pk}/innsjekk/")
    signup.refresh_from_db()
    assert signup.checked_in_at and signup.checked_out_at and signup.hours is not None


def test_self_check_in__not_allowed_when_the_coordinator_records_attendance():
    shift = ShiftFactory(starts_at=timezone.now() - timedelta(minutes=5))
    signup = ShiftSignup.objects.create(
        shift=shift,
        volunteer=UserFactory(),
        status=SignupStatus.CONFIRMED,
        during=(shift.starts_at, shift.ends_at),
    )
    with pytest.raises(DomainError):
        services.signup_check_in(signup=signup)


def test_dashboard__hours_per_organisation_for_a_period(client):
    organisation = OrganisationFactory(name="Frivilligsentralen")
    past = ShiftFactory(
        opportunity=OpportunityFactory(organisation=organisation),
        starts_at=timezone.now() - timedelta(days=10),
    )
    ShiftSignup.objects.create(
        shift=past,
        volunteer=UserFactory(),
        status=SignupStatus.CONFIRMED,
        hours=3,
        during=(past.starts_at, past.ends_at),
    )
    client.force_login(hub_staff(past.opportunity.hub))
    response = client.get("/frivillighet/koordinator/")
    (row,) = response.context["per_organisation"]
    assert (
        row["shift__opportunity__organisation__name"] == "Frivilligsentralen"
        and float(row["total"]) == 3.0
    )
