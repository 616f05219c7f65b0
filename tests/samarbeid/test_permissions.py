"""Every cooperation page and the admin of cooperations, as every role that matters to a
cooperation, through the real URLs: the public page is everyone's, managing cooperations
is a superuser's alone."""

from __future__ import annotations

import pytest

from hubportal import permissions
from samarbeid import permissions as cooperation_permissions

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "citizen",
    "regional_coordinator",
    "member_hub_staff",
    "member_admin",
    "non_member_hub_staff",
    "non_member_admin",
    "superuser",
]
# What each role gets: the status, or "login" for a redirect to a sign-in page.
#               visitor citizen regional member_hub member_admin other_hub other_admin super
# fmt: off
EXPECTED = {
    "public":   "200     200     200      200        200          200       200         200",
    "admin":    "login   login   login    403        403          403       403         200",
    "admin_obj":"login   login   login    404        404          404       404         200",
}
# fmt: on


def _expected(kind, role):
    return EXPECTED[kind].split()[ROLES.index(role)]


def _pages(region):
    cooperation, arrangement = region.cooperation, region.shared_service
    coordinator = cooperation.coordinators.get()
    return [
        ("public", "/samarbeid/"),
        ("public", "/samarbeid/vaernesregionen/"),
        ("public", "/nn/samarbeid/vaernesregionen/"),
        ("public", "/en/samarbeid/vaernesregionen/"),
        ("admin", "/admin/samarbeid/cooperation/"),
        ("admin", "/admin/samarbeid/cooperation/add/"),
        ("admin_obj", f"/admin/samarbeid/cooperation/{cooperation.pk}/change/"),
        ("admin", "/admin/samarbeid/sharedarrangement/"),
        ("admin", "/admin/samarbeid/sharedarrangement/add/"),
        ("admin_obj", f"/admin/samarbeid/sharedarrangement/{arrangement.pk}/change/"),
        ("admin", "/admin/samarbeid/regionalcoordinator/"),
        ("admin_obj", f"/admin/samarbeid/regionalcoordinator/{coordinator.pk}/change/"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_cooperation_page__as_every_role(client, region, role):
    user = region.users[role]
    if user.is_authenticated:
        client.force_login(user)
    answers = {}
    for kind, url in _pages(region):
        response = client.get(url)
        got = str(response.status_code)
        if response.status_code == 302 and "login" in response.headers["Location"]:
            got = "login"
        answers[url] = (got, _expected(kind, role))
    assert {url: got for url, (got, _want) in answers.items()} == {
        url: want for url, (_got, want) in answers.items()
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_questions__as_every_role(region, role):
    user = region.users[role]
    cooperation = region.cooperation
    assert cooperation_permissions.can_manage_cooperations(user) == (role == "superuser")
    assert cooperation_permissions.can_view_coordination(user, cooperation) == (
        role in ("regional_coordinator", "superuser")
    )
    assert (permissions.Role.REGIONAL_COORDINATOR in permissions.roles_of(user)) == (
        role == "regional_coordinator"
    )
    # Aggregates only: a regional coordinator as such sees no member's personal data.
    member = region.municipality["b"]
    assert permissions.may_see_personal_data_of(user, member.pk) == (
        role in ("member_hub_staff", "member_admin", "superuser")
    )


def test_regional_coordinators__are_who_may_view_the_figures(region):
    coordinator = region.users["regional_coordinator"]
    listed = permissions.users_who_can(
        "view", region.cooperation, roles={permissions.Role.REGIONAL_COORDINATOR}
    )
    assert list(listed) == []  # the policy grants coordinators nothing in the admin
    assert list(
        cooperation_permissions.coordinated_cooperations(
            coordinator, type(region.cooperation).objects.all()
        )
    ) == [region.cooperation]
