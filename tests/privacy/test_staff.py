"""Staff memberships: shown in the download, ended when the person is deleted."""

from __future__ import annotations

import pytest

from knutepunkt.enums import StaffRole
from knutepunkt.models import StaffMembership
from tests.knutepunkt.factories import HubFactory, MunicipalityFactory, hub_staff
from tests.privacy.helpers import PASSWORD, delete_account, download

pytestmark = pytest.mark.django_db


def test_staff__export_names_each_membership_and_deletion_ends_them_and_the_admin(client):
    hub = HubFactory(name="Heggedal")
    staff = hub_staff(hub, email="ansatt@heggedal.no")
    municipality = MunicipalityFactory(name="Asker")
    StaffMembership.objects.create(
        user=staff, role=StaffRole.MUNICIPALITY_ADMIN, municipality=municipality
    )
    other = hub_staff(hub, email="kollega@heggedal.no")
    staff.set_password(PASSWORD)
    staff.save()

    assert download(client, staff)["staff"] == [
        {"role": StaffRole.HUB_STAFF, "hub": "Heggedal", "municipality": None},
        {"role": StaffRole.MUNICIPALITY_ADMIN, "hub": None, "municipality": "Asker"},
    ]
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200

    delete_account(client, staff)

    assert list(StaffMembership.objects.values_list("user", flat=True)) == [other.pk]
    assert client.get("/admin/").status_code == 302  # signed out, and nobody to sign in as
    assert not client.login(email="ansatt@heggedal.no", password=PASSWORD)
