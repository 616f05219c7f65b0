"""Every model that holds a reference to a person is answered for by a personal-data
section: shown in the download and handled on deletion. A model added later with a user
reference and no section fails here."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from oauth2_provider.models import (
    DeviceGrant,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
    set_token_value,
)

from api.models import ApiToken, OAuthClient, WebhookSubscription
from api.services import oauth_client_create
from betaling.models import InvoicePeriod, Payment, Refund
from booking.models import Booking
from booking.services import booking_create, calendar_feed_renew
from frivillighet.models import OrganisationMember, VolunteerProfile
from frivillighet.services import shift_signup
from hubportal.accounts import registry
from hubportal.accounts.models import IdentityProviderSession, NationalIdentity
from hubportal.core.audit import audit_personal_data
from hubportal.notifications.enums import ChannelChoice, MessageKind
from hubportal.notifications.services import message_preferences_save
from innbyggertorg.services import registration_create
from knutepunkt.enums import StaffRole
from knutepunkt.models import StaffMembership
from samarbeid import services as samarbeid_services
from sesong.models import Application, ApplicationRound, Decision, JournalEntry
from tests.booking.factories import ResourceFactory
from tests.frivillighet.factories import OrganisationFactory, ShiftFactory
from tests.innbyggertorg.factories import EventFactory
from tests.knutepunkt.factories import MunicipalityFactory, UserFactory
from tests.privacy.helpers import delete_account, download, person


def user_references() -> dict[str, tuple[type, list[str]]]:
    """Every model (the many-to-many tables included) with a ForeignKey or OneToOneField to
    the user model, and the names of those fields."""
    User = get_user_model()
    found = {}
    for model in apps.get_models(include_auto_created=True):
        fields = [
            field.name
            for field in model._meta.get_fields()
            if (field.many_to_one or field.one_to_one)
            and field.concrete
            and field.related_model is User
        ]
        if fields:
            found[model._meta.label_lower] = (model, fields)
    return found


def test_every_model_with_a_user_reference_has_a_section_that_exports_and_erases_it():
    references = user_references()
    assert "innbyggertorg.registration" in references  # the walk finds the apps' models
    declared = {}
    for section in registry.sections():
        assert callable(section.export) and callable(section.erase), section.name
        assert set(section.retains) <= set(section.models), section.name
        for label in section.models:
            assert label not in declared, f"{label} is claimed by {declared[label]} too"
            declared[label] = section.name
    unanswered = sorted(set(references) - set(declared))
    assert not unanswered, (
        f"{unanswered} hold a reference to a person, but no personal-data section exports "
        "and erases them: declare them in the app's personal_data.py"
    )
    stale = sorted(set(declared) - set(references))
    assert not stale, f"sections name models without a user reference: {stale}"


def _season_records(kari, room, organisation):
    """Kari published a round, applied in it, decided and answered, and is in its journal."""
    now = timezone.now()
    first = timezone.localdate() + timedelta(days=200)
    round = ApplicationRound.objects.create(
        municipality=room.hub.municipality,
        name="Sesong",
        season_starts_on=first,
        season_ends_on=first + timedelta(days=300),
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=1),
        contact_email="kultur@example.no",
        published_by=kari,
    )
    application = Application.objects.create(
        round=round,
        organisation=organisation,
        activity_name="Sjakk",
        age_group="all",
        participants=5,
        contact_name="Kari",
        contact_email=kari.email,
        category="voluntary",
        submitted_by=kari,
    )
    Decision.objects.create(
        application=application,
        outcome="refused",
        reason="Fullt",
        decided_by=kari,
        decided_by_name="Kari",
        decided_at=now,
        responded_by=kari,
    )
    JournalEntry.objects.create(round=round, kind="decision", text="Vedtak", actor=kari)
    message_preferences_save(user=kari, choices={MessageKind.REMINDER: ChannelChoice.BOTH})
    ApiToken.objects.create(
        municipality=room.municipality,
        name="Kommunens app",
        prefix="hp_abcd",
        digest="0" * 64,
        created_by=kari,
        expires_at=now + timedelta(days=30),
    )
    _oauth_records(kari, room)
    WebhookSubscription.objects.create(
        municipality=room.municipality,
        name="Kalendersynk",
        url="https://93.184.215.14/hook",
        kinds=["booking.created"],
        secret="whsec_x",
        secret_prefix="whsec_x",
        owner=kari,
    )


def _oauth_records(kari, room):
    """Kari registered an application for her municipality and let one in (OAuth 2)."""
    now = timezone.now()
    client = oauth_client_create(
        by=UserFactory(email="super-oauth@example.no", is_superuser=True, is_staff=True),
        municipality=room.municipality,
        name="Kommuneappen",
        redirect_uris="https://app.example.no/callback",
        client_type="public",
    ).client
    OAuthClient.objects.filter(pk=client.pk).update(created_by=kari)
    application = client.application
    get_application_model().objects.filter(pk=application.pk).update(user=kari)
    get_grant_model().objects.create(
        user=kari,
        application=application,
        code="kode",
        expires=now + timedelta(minutes=1),
        redirect_uri="https://app.example.no/callback",
        code_challenge="x" * 43,
        code_challenge_method="S256",
    )
    access = get_access_token_model()(
        user=kari, application=application, expires=now + timedelta(hours=1), scope="bookings:read"
    )
    set_token_value(access, "tilgang-1")
    access.save()
    refresh = get_refresh_token_model()(user=kari, application=application, access_token=access)
    set_token_value(refresh, "fornying-1")
    refresh.save()
    get_id_token_model().objects.create(
        user=kari, application=application, expires=now + timedelta(hours=1)
    )
    DeviceGrant.objects.create(
        user=kari,
        device_code="d",
        user_code="u",
        expires=now + timedelta(minutes=5),
        client_id=application.client_id,
    )


@pytest.mark.django_db
def test_a_person_in_every_model__shown_in_the_download_and_no_reference_left(client):
    kari = person()
    kari.groups.add(Group.objects.create(name="Redaktører"))
    kari.user_permissions.add(Permission.objects.get(codename="view_event"))
    SocialAccount.objects.create(user=kari, provider="idporten", uid="sub-1", extra_data={})
    NationalIdentity.objects.create(user=kari, pid_digest="ab" * 32, provider_id="idporten")
    IdentityProviderSession.objects.create(
        user=kari, session_key="k" * 32, provider_id="idporten", issuer="https://x", sid="s"
    )
    room = ResourceFactory()
    start = (timezone.localtime() + timedelta(days=4)).replace(hour=18, minute=0, second=0)
    booking_create(
        booker=kari, resource=room, times=[(start, start + timedelta(hours=1))], purpose="Møte"
    )
    calendar_feed_renew(user=kari)
    event = EventFactory(hub=room.hub)
    registration_create(event=event, name="Kari", email=kari.email, user=kari)
    StaffMembership.objects.create(user=kari, role=StaffRole.HUB_STAFF, hub=room.hub)
    region = samarbeid_services.cooperation_create(
        name="Regionen",
        slug="regionen",
        members=[room.hub.municipality, MunicipalityFactory(name="Nabokommunen")],
    )
    samarbeid_services.regional_coordinator_appoint(cooperation=region, user=kari)
    organisation = OrganisationFactory(municipality=room.hub.municipality)
    OrganisationMember.objects.create(organisation=organisation, user=kari, role="coordinator")
    VolunteerProfile.objects.create(user=kari, skills=["kaffe"])
    shift_signup(shift=ShiftFactory(), volunteer=kari)
    audit_personal_data(kari, "Exported attendee lists (CSV)", [event])
    _season_records(kari, room, organisation)
    InvoicePeriod.objects.create(  # Kari, of the finance staff, exported a month
        municipality=room.hub.municipality,
        month=date(2026, 1, 1),
        locked=True,
        exported_at=timezone.now(),
        exported_by=kari,
        exported_by_name="Kari",
    )
    payment = Payment.objects.create(  # and, as staff, waived a cancellation fee
        booking=Booking.objects.get(booker=kari),
        reference="kari-betaling",
        amount=20000,
        state="CAPTURED",
        then_status="confirmed",
        expires_at=timezone.now(),
        captured_amount=20000,
    )
    Refund.objects.create(
        payment=payment, amount=5000, reason="Syk", state="done", by=kari, by_name="Kari"
    )

    references = user_references()
    for label, (model, fields) in references.items():
        held = sum(model._default_manager.filter(**{f: kari}).count() for f in fields)
        assert held, f"the person of this test holds no {label}: give them one above"

    data = download(client, kari)
    for section in registry.sections():
        assert data[section.name], f"the download's {section.name!r} section is empty"

    delete_account(client, kari)

    # Kari made an audit entry, so her account stays as a nameless placeholder: nothing
    # cascaded away with it, and every reference is gone because a section removed it.
    assert get_user_model().objects.filter(pk=kari.pk, is_active=False).exists()
    retained = {label for section in registry.sections() for label in section.retains}
    for label, (model, fields) in references.items():
        if label in retained:
            continue
        for field in fields:
            left = model._default_manager.filter(**{f"{field}_id": kari.pk}).count()
            assert not left, f"{left} {label} still refer to the deleted person"
