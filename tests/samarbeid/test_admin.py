"""Superusers manage cooperations in the admin; a refused save shows the service's message
on the form and saves nothing."""

from __future__ import annotations

import pytest

from samarbeid.models import Cooperation, SharedArrangement
from tests.innbyggertorg.factories import ServiceTypeFactory
from tests.support.admin import admin_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, region):
    client.force_login(region.users["superuser"])
    return client


def test_admin_add_cooperation__without_members__says_so_and_saves_nothing(superuser_client):
    response = admin_submit(
        superuser_client,
        "/admin/samarbeid/cooperation/add/",
        name="Trondheimsregionen",
        slug="trondheimsregionen",
    )
    assert response.status_code == 200
    assert "Et samarbeid trenger minst to medlemskommuner" in response.content.decode()
    assert not Cooperation.objects.filter(slug="trondheimsregionen").exists()


def test_admin_add_cooperation__with_members__saves_them(superuser_client, region):
    members = [str(region.municipality[k].pk) for k in "ad"]
    response = admin_submit(
        superuser_client,
        "/admin/samarbeid/cooperation/add/",
        name="Ny region",
        slug="ny-region",
        members=members,
    )
    assert response.status_code == 302
    cooperation = Cooperation.objects.get(slug="ny-region")
    assert {str(m.pk) for m in cooperation.members.all()} == set(members)


def test_admin_shared_service__for_a_non_member__names_it_and_saves_nothing(
    superuser_client, region
):
    service = ServiceTypeFactory(municipality=region.municipality["a"], name="Skatt")
    response = admin_submit(
        superuser_client,
        "/admin/samarbeid/sharedarrangement/add/",
        cooperation=region.cooperation.pk,
        kind="service",
        name="Skatt",
        service_type=service.pk,
        participants=[str(region.municipality[k].pk) for k in "ad"],
    )
    assert response.status_code == 200
    assert "Ikke medlemmer av Værnesregionen: Asker." in response.content.decode()
    assert not SharedArrangement.objects.filter(name="Skatt").exists()


def test_admin_change_cooperation__member_who_takes_part_cannot_leave(superuser_client, region):
    url = f"/admin/samarbeid/cooperation/{region.cooperation.pk}/change/"
    response = admin_submit(
        superuser_client, url, members=[str(region.municipality[k].pk) for k in "ac"]
    )
    assert response.status_code == 200
    assert "Frosta kan ikke gå ut" in response.content.decode()
    assert region.cooperation.memberships.count() == 3
