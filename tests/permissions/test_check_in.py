"""Self check-in: only the volunteer's own confirmed sign-up, on a shift that allows it,
from half an hour before it starts until it ends (before, a waitlisted or withdrawn
sign-up could be checked in: the rule lived only in the template)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from frivillighet import permissions as frivillighet_permissions
from frivillighet import services
from frivillighet.enums import SignupStatus
from hubportal.core.errors import DomainError
from tests.frivillighet.factories import OpportunityFactory, ShiftFactory
from tests.knutepunkt.factories import UserFactory


def check_in_url(signup):
    return f"/frivillighet/pamelding/{signup.pk}/innsjekk/"


@pytest.mark.parametrize("status", [SignupStatus.WAITLISTED, SignupStatus.WITHDRAWN])
def test_check_in__of_a_sign_up_without_a_place__is_refused_through_the_url(client, world, status):
    volunteer = UserFactory()
    signup = world.signup_for(volunteer, status)
    client.force_login(volunteer)
    client.post(check_in_url(signup))
    signup.refresh_from_db()
    assert signup.checked_in_at is None
    assert not frivillighet_permissions.can_check_in(volunteer, signup)
    with pytest.raises(DomainError):
        services.signup_check_in(signup=signup, by=volunteer)


def test_check_in__of_someone_elses_sign_up__does_not_exist_for_you(client, world):
    client.force_login(UserFactory())
    assert client.post(check_in_url(world.signup)).status_code == 404
    world.signup.refresh_from_db()
    assert world.signup.checked_in_at is None


@pytest.mark.parametrize(
    ("starts_in", "allowed"),
    [
        (timedelta(minutes=31), False),  # too early
        (timedelta(minutes=29), True),  # the window has opened
        (timedelta(minutes=-100), True),  # under way (the shift lasts two hours)
        (timedelta(minutes=-121), False),  # over
    ],
)
def test_check_in__only_inside_the_window(world, starts_in, allowed):
    shift = ShiftFactory(
        opportunity=world.shift.opportunity, starts_at=timezone.now() + starts_in, capacity=3
    )
    volunteer = UserFactory()
    signup = world.signup_for(volunteer, SignupStatus.CONFIRMED, shift=shift)
    assert frivillighet_permissions.can_check_in(volunteer, signup) is allowed


def test_check_in__not_where_the_coordinator_records_attendance(world):
    shift = ShiftFactory(
        opportunity=OpportunityFactory(hub=world.heggedal, allow_self_check_in=False),
        starts_at=timezone.now() - timedelta(minutes=5),
    )
    volunteer = UserFactory()
    signup = world.signup_for(volunteer, SignupStatus.CONFIRMED, shift=shift)
    assert frivillighet_permissions.check_in_refusal(volunteer, signup) == (
        "Koordinatoren registrerer oppmøte for denne vakten."
    )


def test_check_in__of_a_cancelled_shift__is_refused(world):
    world.shift.is_cancelled = True
    world.shift.save(update_fields=["is_cancelled"])
    assert not frivillighet_permissions.can_check_in(world.users["citizen"], world.signup)


def test_check_in_then_out__through_the_url_and_then_no_more(client, world):
    citizen = world.users["citizen"]
    client.force_login(citizen)
    client.post(check_in_url(world.signup))
    world.signup.refresh_from_db()
    assert world.signup.checked_in_at is not None
    assert frivillighet_permissions.can_check_out(citizen, world.signup)
    client.post(check_in_url(world.signup))
    world.signup.refresh_from_db()
    assert world.signup.checked_out_at is not None and world.signup.hours is not None
    assert not frivillighet_permissions.can_check_in(citizen, world.signup)
    assert not frivillighet_permissions.can_check_out(citizen, world.signup)


def test_my_shifts__offers_the_check_in_button_exactly_where_check_in_is_allowed(client, world):
    citizen = world.users["citizen"]
    later = ShiftFactory(
        opportunity=world.shift.opportunity, starts_at=timezone.now() + timedelta(days=2)
    )
    waiting = ShiftFactory(
        opportunity=world.shift.opportunity, starts_at=timezone.now() - timedelta(minutes=1)
    )
    later_signup = world.signup_for(citizen, SignupStatus.CONFIRMED, shift=later)
    waiting_signup = world.signup_for(citizen, SignupStatus.WAITLISTED, shift=waiting)
    client.force_login(citizen)
    page = client.get("/frivillighet/mine-vakter/").content.decode()
    assert check_in_url(world.signup) in page
    assert check_in_url(later_signup) not in page  # not yet
    assert check_in_url(waiting_signup) not in page  # no place
