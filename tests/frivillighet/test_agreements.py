"""A cooperation agreement gives an association the right to book and free room use, and
booking honours it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services as booking_services
from booking.enums import WhoMayBook
from frivillighet.models import CooperationAgreement, OrganisationMember
from hubportal.core.errors import DomainError
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import UserFactory

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def slot():
    start = (timezone.localtime() + timedelta(days=3)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return [(start, start + timedelta(hours=2))]


def coordinator_of(organisation):
    user = UserFactory()
    OrganisationMember.objects.create(organisation=organisation, user=user, role="coordinator")
    return user


def test_association_room__needs_an_agreement_in_force_then_free_of_charge():
    room = ResourceFactory(who_may_book=WhoMayBook.ASSOCIATIONS)
    club = OrganisationFactory(municipality=room.hub.municipality)
    coordinator = coordinator_of(club)
    with pytest.raises(DomainError):
        booking_services.booking_create(
            booker=coordinator, resource=room, times=slot(), purpose="Sjakk", organisation=club
        )
    today = timezone.localdate()
    CooperationAgreement.objects.create(
        organisation=club,
        municipality=room.hub.municipality,
        hub=room.hub,
        status="active",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=365),
        free_room_use=True,
    )
    result = booking_services.booking_create(
        booker=coordinator, resource=room, times=slot(), purpose="Sjakk", organisation=club
    )
    assert result.booking.free_of_charge and result.booking.organisation == club


def test_expired_agreement__gives_nothing():
    room = ResourceFactory(who_may_book=WhoMayBook.ASSOCIATIONS)
    club = OrganisationFactory(municipality=room.hub.municipality)
    today = timezone.localdate()
    CooperationAgreement.objects.create(
        organisation=club,
        municipality=room.hub.municipality,
        status="active",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=1),
    )
    with pytest.raises(DomainError):
        booking_services.booking_create(
            booker=coordinator_of(club), resource=room, times=slot(), purpose="X", organisation=club
        )


def test_booking_for_an_organisation_one_does_not_coordinate__refused():
    room = ResourceFactory()
    club = OrganisationFactory(municipality=room.hub.municipality)
    with pytest.raises(DomainError, match=r"koordinerer ikke|do not coordinate"):
        booking_services.booking_create(
            booker=UserFactory(), resource=room, times=slot(), purpose="X", organisation=club
        )
