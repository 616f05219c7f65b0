"""The write path of cooperations: what is refused, with which message (in Bokmål, the
portal's default), and that nothing of a refused action stays behind; PostgreSQL's own
guards behind the services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from hubportal.core.errors import DomainError
from samarbeid import services
from samarbeid.enums import ArrangementKind
from samarbeid.models import (
    Cooperation,
    CooperationMembership,
    Participation,
    SharedArrangement,
)
from tests.booking.factories import ResourceFactory
from tests.innbyggertorg.factories import ServiceTypeFactory
from tests.knutepunkt.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _messages(error: DomainError) -> dict:
    return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}


def test_cooperation_create__without_members__is_refused_on_the_field_and_nothing_saved():
    with pytest.raises(DomainError) as refused:
        services.cooperation_create(name="Tomt", slug="tomt", members=[])
    assert "minst to medlemskommuner" in _messages(refused.value)["members"][0]
    assert not Cooperation.objects.exists()


def test_cooperation_create__one_member_twice__is_one_member_and_refused():
    frosta = MunicipalityFactory(name="Frosta")
    with pytest.raises(DomainError):
        services.cooperation_create(name="Alene", slug="alene", members=[frosta, frosta])
    assert not Cooperation.objects.exists()


def test_cooperation_create__a_municipality_may_be_in_several(region):
    a, b = region.municipality["a"], region.municipality["b"]
    other = services.cooperation_create(name="Trondheimsregionen", slug="trh", members=[a, b])
    assert set(a.cooperations.all()) == {region.cooperation, other}


def test_cooperation_create__reserved_or_taken_address__is_refused(region):
    a, b = region.municipality["a"], region.municipality["b"]
    with pytest.raises(DomainError) as refused:
        services.cooperation_create(name="Annet", slug="vaernesregionen", members=[a, b])
    assert "slug" in refused.value.message_dict
    assert Cooperation.objects.count() == 1


def test_shared_service__for_a_municipality_outside_the_cooperation__names_it(region):
    outside = region.municipality["d"]
    service = ServiceTypeFactory(municipality=region.municipality["a"], name="Skatt")
    with pytest.raises(DomainError) as refused:
        services.shared_arrangement_create(
            cooperation=region.cooperation,
            kind=ArrangementKind.SERVICE,
            name="Skatt",
            service_type=service,
            participants=[region.municipality["a"], outside],
        )
    message = _messages(refused.value)["participants"][0]
    assert "Ikke medlemmer av Værnesregionen: Asker." in message
    assert not SharedArrangement.objects.filter(name="Skatt").exists()


def test_shared_service__of_a_non_member_host__is_refused_on_the_service(region):
    service = ServiceTypeFactory(municipality=region.municipality["d"], name="Askers tjeneste")
    with pytest.raises(DomainError) as refused:
        services.shared_arrangement_create(
            cooperation=region.cooperation,
            kind=ArrangementKind.SERVICE,
            name="Askers tjeneste",
            service_type=service,
            participants=[region.municipality["a"], region.municipality["b"]],
        )
    assert "Asker er ikke medlem av Værnesregionen" in _messages(refused.value)["service_type"][0]


def test_shared_service__host_alone__needs_another_participant(region):
    service = ServiceTypeFactory(municipality=region.municipality["a"], name="Lønn")
    with pytest.raises(DomainError) as refused:
        services.shared_arrangement_create(
            cooperation=region.cooperation,
            kind=ArrangementKind.SERVICE,
            name="Lønn",
            service_type=service,
            participants=[],
        )
    assert "minst én annen medlemskommune" in _messages(refused.value)["participants"][0]


def test_shared_service__the_host_always_takes_part(region):
    assert set(region.shared_service.participants.all()) == {
        region.municipality["a"],
        region.municipality["b"],
    }
    service = ServiceTypeFactory(municipality=region.municipality["a"], name="Regnskap")
    arrangement = services.shared_arrangement_create(
        cooperation=region.cooperation,
        kind=ArrangementKind.SERVICE,
        name="Regnskap",
        service_type=service,
        participants=[region.municipality["c"]],
    )
    assert arrangement.host == region.municipality["a"]
    assert region.municipality["a"] in arrangement.participants.all()


def test_shared_room__without_a_room__is_refused_on_the_room(region):
    with pytest.raises(DomainError) as refused:
        services.shared_arrangement_create(
            cooperation=region.cooperation,
            kind=ArrangementKind.ROOM,
            name="Uten rom",
            participants=[region.municipality["a"], region.municipality["b"]],
        )
    assert "resource" in refused.value.message_dict


def test_shared_room__twice_in_one_cooperation__is_refused(region):
    with pytest.raises(DomainError) as refused:
        services.shared_arrangement_create(
            cooperation=region.cooperation,
            kind=ArrangementKind.ROOM,
            name="Igjen",
            resource=region.room,
            participants=[region.municipality["a"], region.municipality["b"]],
        )
    assert "deler allerede dette rommet" in str(refused.value)


def test_cooperation_update__member_taking_part__cannot_leave_and_nothing_changes(region):
    with pytest.raises(DomainError) as refused:
        services.cooperation_update(
            cooperation=region.cooperation,
            name="Værnesregionen",
            slug="vaernesregionen",
            members=[region.municipality["a"], region.municipality["c"]],
        )
    message = _messages(refused.value)["members"][0]
    assert message.startswith(
        "Frosta kan ikke gå ut mens kommunen deltar i: Barnevern, Regionsalen i Stjørdal."
    )
    assert region.cooperation.memberships.count() == 3


def test_cooperation_update__a_member_that_takes_part_in_nothing_leaves(region):
    services.shared_arrangement_update(
        arrangement=region.shared_room,
        name=region.shared_room.name,
        resource=region.room,
        participants=[region.municipality["a"], region.municipality["b"]],
    )
    services.cooperation_update(
        cooperation=region.cooperation,
        name="Værnesregionen",
        slug="vaernesregionen",
        members=[region.municipality["a"], region.municipality["b"]],
    )
    assert set(region.cooperation.members.all()) == {
        region.municipality["a"],
        region.municipality["b"],
    }


# --------------------------------------------------------------------------- the database


def _check_now():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_database__refuses_a_participant_who_is_not_a_member(region):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Participation.objects.create(
            arrangement=region.shared_service,
            cooperation=region.cooperation,
            municipality=region.municipality["d"],
        )
        _check_now()
    assert refused.value.__cause__.diag.constraint_name == "participation_is_member"


def test_database__refuses_a_cooperation_with_one_member(region):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        cooperation = Cooperation.objects.create(name="Én", slug="en")
        CooperationMembership.objects.create(
            cooperation=cooperation, municipality=region.municipality["d"]
        )
        _check_now()
    assert refused.value.__cause__.diag.constraint_name == "cooperation_has_members"


def test_database__refuses_removing_the_last_but_one_participant(region):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        region.shared_service.participations.filter(municipality=region.municipality["b"]).delete()
        _check_now()
    assert refused.value.__cause__.diag.constraint_name == "shared_arrangement_has_participants"


def test_database__refuses_a_host_that_is_not_a_member(region):
    room = ResourceFactory(hub=region.hub["d"])
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        arrangement = SharedArrangement.objects.create(
            cooperation=region.cooperation,
            kind=ArrangementKind.ROOM,
            name="Askers rom",
            host=region.municipality["d"],
            resource=room,
        )
        for key in "ab":
            Participation.objects.create(
                arrangement=arrangement,
                cooperation=region.cooperation,
                municipality=region.municipality[key],
            )
        _check_now()
    assert refused.value.__cause__.diag.constraint_name == "shared_arrangement_host_is_member"


def test_database__deleting_a_cooperation_takes_its_arrangements(region):
    services.cooperation_delete(cooperation=region.cooperation)
    _check_now()
    assert not SharedArrangement.objects.exists()
    assert not Participation.objects.exists()
