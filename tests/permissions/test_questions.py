"""Every named permission question, asked of every role. One table says who may: a
change in who may do what shows here as a changed row, not as a surprise elsewhere."""

from __future__ import annotations

import pytest

from booking import permissions as booking_permissions
from frivillighet import permissions as frivillighet_permissions
from hubportal import permissions

from .conftest import ROLES

# Who answers yes; everyone else in ROLES answers no.
STAFF_HERE = {"hub_staff", "municipality_admin", "superuser"}
STAFF_ANYWHERE = STAFF_HERE | {"other_hub_staff", "other_municipality_admin"}
SIGNED_IN = set(ROLES) - {"anonymous"}

QUESTIONS = {
    # booking
    "books_as_staff": (
        lambda w, u: booking_permissions.books_as_staff(u, w.room),
        STAFF_HERE,
    ),
    "can_book a room open to citizens": (
        lambda w, u: booking_permissions.can_book(u, w.room),
        SIGNED_IN,
    ),
    "can_book a room for staff only": (
        lambda w, u: booking_permissions.can_book(u, w.staff_room),
        STAFF_HERE,
    ),
    "can_book an association room with the agreement in force": (
        lambda w, u: booking_permissions.can_book(
            u,
            w.association_room,
            w.agreement if frivillighet_permissions.can_coordinate(u, w.organisation) else None,
        ),
        STAFF_HERE | {"coordinator"},
    ),
    "can_book_for_organisation": (
        lambda w, u: booking_permissions.can_book_for_organisation(
            by=u, booker=u, organisation=w.organisation, resource=w.room
        ),
        STAFF_HERE | {"coordinator"},
    ),
    "can_view_booking (the citizen's)": (
        lambda w, u: booking_permissions.can_view_booking(u, w.booking),
        STAFF_HERE | {"citizen"},
    ),
    "can_manage_booking (the citizen's)": (
        lambda w, u: booking_permissions.can_manage_booking(u, w.booking),
        STAFF_HERE | {"citizen"},
    ),
    "is_own_booking (the citizen's)": (
        lambda w, u: booking_permissions.is_own_booking(u, w.booking),
        {"citizen"},
    ),
    "can_decide_booking": (
        lambda w, u: booking_permissions.can_decide_booking(u, w.booking),
        STAFF_HERE,
    ),
    "requests_to_decide lists the booking": (
        lambda w, u: booking_permissions.requests_to_decide(
            u, type(w.booking).objects.all()
        ).exists(),
        STAFF_HERE,
    ),
    # frivillighet
    "can_coordinate": (
        lambda w, u: frivillighet_permissions.can_coordinate(u, w.organisation),
        {"coordinator"},
    ),
    "organisations_coordinated_by lists it": (
        lambda w, u: w.organisation in frivillighet_permissions.organisations_coordinated_by(u),
        {"coordinator"},
    ),
    "can_manage_members": (
        lambda w, u: frivillighet_permissions.can_manage_members(u, w.organisation),
        # hub staff see their municipality's organisations (staff_in_municipality)
        STAFF_HERE | {"coordinator"},
    ),
    "can_check_in (the citizen's confirmed sign-up, shift under way)": (
        lambda w, u: frivillighet_permissions.can_check_in(u, w.signup),
        {"citizen"},
    ),
    "is_own_signup (the citizen's)": (
        lambda w, u: frivillighet_permissions.is_own_signup(u, w.signup),
        {"citizen"},
    ),
    "may_record_police_certificates": (
        lambda w, u: frivillighet_permissions.may_record_police_certificates(u),
        STAFF_ANYWHERE | {"coordinator"},
    ),
    "volunteer_profiles_visible_to includes the citizen's": (
        lambda w, u: frivillighet_permissions.volunteer_profiles_visible_to(
            u, w.citizen_profiles()
        ).exists(),
        # staff of the shift's hub and municipality, its organisation's coordinator
        STAFF_HERE | {"coordinator"},
    ),
    # hubportal
    "is_staff_anywhere": (lambda w, u: permissions.is_staff_anywhere(u), STAFF_ANYWHERE),
    "is_staff_or_coordinator_anywhere": (
        lambda w, u: permissions.is_staff_or_coordinator_anywhere(u),
        STAFF_ANYWHERE | {"coordinator"},
    ),
    "is_installation_admin": (lambda w, u: permissions.is_installation_admin(u), {"superuser"}),
    "is_staff_member (a membership; superusers as such are not)": (
        lambda w, u: permissions.is_staff_member(u),
        STAFF_ANYWHERE - {"superuser"},
    ),
    "staff_members lists them": (
        lambda w, u: u.is_authenticated and permissions.staff_members().filter(pk=u.pk).exists(),
        STAFF_ANYWHERE - {"superuser"},
    ),
    "can change the hub": (
        lambda w, u: permissions.can(u, permissions.Action.CHANGE, w.heggedal),
        STAFF_HERE,
    ),
    "can change the neighbouring hub": (
        lambda w, u: permissions.can(u, permissions.Action.CHANGE, w.holmen),
        {"municipality_admin", "superuser"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("question", list(QUESTIONS))
def test_named_question__answers_each_role_as_the_table_says(world, question, role):
    ask, yes = QUESTIONS[question]
    assert ask(world, world.users[role]) is (role in yes)


def test_every_role_is_named_in_the_table():
    for _ask, yes in QUESTIONS.values():
        assert yes <= set(ROLES)
