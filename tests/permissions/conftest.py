"""One small installation with every role in it: two municipalities (Asker, Drammen),
two hubs in Asker, one in Drammen, and a person of each kind. Tests ask every named
permission question of every role and compare with one table of expected answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from booking.enums import WhoMayBook
from booking.models import Booking
from frivillighet.enums import MemberRole, SignupStatus
from frivillighet.models import (
    CooperationAgreement,
    OrganisationMember,
    ShiftSignup,
    VolunteerProfile,
)
from tests.booking.factories import ResourceFactory
from tests.frivillighet.factories import OpportunityFactory, OrganisationFactory, ShiftFactory
from tests.knutepunkt.factories import (
    DistrictFactory,
    HubFactory,
    MunicipalityFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
)

# Every role the portal knows, plus staff of another municipality (who must be treated as
# citizens here).
ROLES = [
    "anonymous",
    "citizen",
    "coordinator",
    "hub_staff",
    "municipality_admin",
    "superuser",
    "other_hub_staff",
    "other_municipality_admin",
]


class World:
    def __init__(self):
        self.asker = MunicipalityFactory(slug="asker", name="Asker")
        self.drammen = MunicipalityFactory(slug="drammen", name="Drammen")
        self.heggedal = HubFactory(district=DistrictFactory(municipality=self.asker))
        self.holmen = HubFactory(district=DistrictFactory(municipality=self.asker))
        self.bragernes = HubFactory(district=DistrictFactory(municipality=self.drammen))
        self.organisation = OrganisationFactory(municipality=self.asker, name="Sjakklubben")
        coordinator = UserFactory(email="koordinator@example.no")
        OrganisationMember.objects.create(
            organisation=self.organisation, user=coordinator, role=MemberRole.COORDINATOR
        )
        self.users = {
            "anonymous": AnonymousUser(),
            "citizen": UserFactory(email="innbygger@example.no"),
            "coordinator": coordinator,
            "hub_staff": hub_staff(self.heggedal, email="ansatt.heggedal@example.no"),
            "municipality_admin": municipality_admin(self.asker, email="admin.asker@example.no"),
            "superuser": UserFactory(email="super@example.no", is_superuser=True, is_staff=True),
            "other_hub_staff": hub_staff(self.bragernes, email="ansatt.bragernes@example.no"),
            "other_municipality_admin": municipality_admin(
                self.drammen, email="admin.drammen@example.no"
            ),
        }
        # Rooms of Heggedal: one open to citizens, one for staff, one for associations.
        self.room = ResourceFactory(hub=self.heggedal, who_may_book=WhoMayBook.CITIZENS)
        self.staff_room = ResourceFactory(hub=self.heggedal, who_may_book=WhoMayBook.STAFF)
        self.association_room = ResourceFactory(
            hub=self.heggedal, who_may_book=WhoMayBook.ASSOCIATIONS
        )
        self.booking = Booking.objects.create(
            resource=self.room, booker=self.users["citizen"], purpose="Strikkekafé"
        )
        today = timezone.localdate()
        self.agreement = CooperationAgreement.objects.create(
            organisation=self.organisation,
            municipality=self.asker,
            hub=self.heggedal,
            status="active",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=20),
            free_room_use=True,
        )
        # A shift at Heggedal that started ten minutes ago and allows self check-in, with
        # the citizen's confirmed place on it.
        self.shift = ShiftFactory(
            opportunity=OpportunityFactory(
                hub=self.heggedal, organisation=self.organisation, allow_self_check_in=True
            ),
            starts_at=timezone.now() - timedelta(minutes=10),
            capacity=5,
        )
        self.signup = self.signup_for(self.users["citizen"], SignupStatus.CONFIRMED)
        self.profile = VolunteerProfile.objects.create(user=self.users["citizen"])

    def citizen_profiles(self):
        return VolunteerProfile.objects.filter(pk=self.profile.pk)

    def signup_for(self, user, status, shift=None):
        shift = shift or self.shift
        return ShiftSignup.objects.create(
            shift=shift, volunteer=user, status=status, during=(shift.starts_at, shift.ends_at)
        )


@pytest.fixture
def world(db):
    return World()
