"""A small region: Værnes-like cooperation of three municipalities (A, B, C) with a hub
each, a fourth municipality (D) outside it, a service of A shared with B, a room of A
shared with all three, and a person of every role that matters to a cooperation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from samarbeid import services
from samarbeid.enums import ArrangementKind
from tests.booking.factories import ResourceFactory
from tests.innbyggertorg.factories import ServiceOfferFactory, ServiceTypeFactory
from tests.knutepunkt.factories import (
    DistrictFactory,
    HubFactory,
    MunicipalityFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
)


class Region:
    def __init__(self):
        names = {"a": "Stjørdal", "b": "Frosta", "c": "Malvik", "d": "Asker"}
        self.municipality = {
            key: MunicipalityFactory(name=name, slug=f"kommune-{key}")
            for key, name in names.items()
        }
        self.hub = {
            key: HubFactory(
                district=DistrictFactory(municipality=m, slug="sentrum"),
                name=f"{m.name} knutepunkt",
                slug="sentrum",
            )
            for key, m in self.municipality.items()
        }
        self.cooperation = services.cooperation_create(
            name="Værnesregionen",
            slug="vaernesregionen",
            description="Seks kommuner samarbeider.",
            members=[self.municipality[k] for k in "abc"],
        )
        self.service_type = ServiceTypeFactory(
            municipality=self.municipality["a"], name="Barnevern", slug="barnevern"
        )
        ServiceOfferFactory(hub=self.hub["a"], service_type=self.service_type)
        self.shared_service = services.shared_arrangement_create(
            cooperation=self.cooperation,
            kind=ArrangementKind.SERVICE,
            name="Barnevern",
            service_type=self.service_type,
            participants=[self.municipality["a"], self.municipality["b"]],
        )
        self.room = ResourceFactory(hub=self.hub["a"], name="Regionsalen")
        self.shared_room = services.shared_arrangement_create(
            cooperation=self.cooperation,
            kind=ArrangementKind.ROOM,
            name="Regionsalen i Stjørdal",
            resource=self.room,
            participants=[self.municipality[k] for k in "abc"],
        )
        coordinator = UserFactory(email="regionkoordinator@example.no")
        services.regional_coordinator_appoint(cooperation=self.cooperation, user=coordinator)
        self.users = {
            "visitor": AnonymousUser(),
            "citizen": UserFactory(email="innbygger@example.no"),
            "regional_coordinator": coordinator,
            "member_hub_staff": hub_staff(self.hub["b"], "ansatt.b@example.no"),
            "member_admin": municipality_admin(self.municipality["b"]),
            "non_member_hub_staff": hub_staff(self.hub["d"], "ansatt.d@example.no"),
            "non_member_admin": municipality_admin(self.municipality["d"]),
            "superuser": UserFactory(email="super@example.no", is_staff=True, is_superuser=True),
        }


@pytest.fixture
def region(db):
    return Region()
