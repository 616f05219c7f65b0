"""Who may act on an object, for "tell the staff of this hub": the members whose roles
let them, never a superuser (they may act everywhere but are nobody's staff), never
someone of another hub or municipality, never a deactivated account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from booking import permissions as booking_permissions
from booking import services as booking_services
from booking.enums import ApprovalRule, BookingStatus
from booking.models import Booking
from frivillighet import permissions as frivillighet_permissions
from frivillighet import services as frivillighet_services
from hubportal import permissions
from hubportal.notifications.models import Notification
from hubportal.permissions import Action, Role
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import UserFactory, hub_staff


def emails(users) -> set[str]:
    return {user.email for user in users}


def test_users_who_can__change_a_hub(world):
    assert emails(permissions.users_who_can(Action.CHANGE, world.heggedal)) == {
        "ansatt.heggedal@example.no",
        "admin.asker@example.no",
    }
    assert emails(
        permissions.users_who_can(Action.CHANGE, world.heggedal, roles={Role.HUB_STAFF})
    ) == {"ansatt.heggedal@example.no"}
    # The neighbouring hub has no staff of its own: only the administrator.
    assert emails(permissions.users_who_can(Action.CHANGE, world.holmen)) == {
        "admin.asker@example.no"
    }


def test_users_who_can__change_an_organisation__its_coordinator_and_the_municipalitys_staff(
    world,
):
    assert emails(permissions.users_who_can(Action.CHANGE, world.organisation)) == {
        "koordinator@example.no",
        "ansatt.heggedal@example.no",  # hub staff edit their municipality's organisations
        "admin.asker@example.no",
    }
    assert emails(
        permissions.users_who_can(
            Action.CHANGE, world.organisation, roles={Role.ASSOCIATION_COORDINATOR}
        )
    ) == {"koordinator@example.no"}


def test_users_who_can__leaves_out_deactivated_accounts(world):
    staff = world.users["hub_staff"]
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert emails(permissions.users_who_can(Action.CHANGE, world.heggedal)) == {
        "admin.asker@example.no"
    }


def test_staff_to_tell__the_hubs_staff_or_else_the_municipalitys_administrators(world):
    assert emails(booking_permissions.staff_to_tell(world.booking)) == {
        "ansatt.heggedal@example.no"
    }
    holmen_booking = Booking.objects.create(
        resource=ResourceFactory(hub=world.holmen), booker=world.users["citizen"], purpose="x"
    )
    assert emails(booking_permissions.staff_to_tell(holmen_booking)) == {"admin.asker@example.no"}


def test_agreement_staff_to_tell__administrators_and_the_staff_of_its_hub(world):
    assert emails(frivillighet_permissions.agreement_staff_to_tell(world.agreement)) == {
        "admin.asker@example.no",
        "ansatt.heggedal@example.no",
    }
    world.agreement.hub = None
    assert emails(frivillighet_permissions.agreement_staff_to_tell(world.agreement)) == {
        "admin.asker@example.no"
    }


@pytest.mark.parametrize("hub_name", ["heggedal", "holmen"])
def test_a_request__is_told_to_exactly_the_staff_to_tell(world, hub_name):
    hub = getattr(world, hub_name)
    if hub_name == "heggedal":
        hub_staff(hub, email="andre.heggedal@example.no")  # two staff: both are told
    room = ResourceFactory(hub=hub, approval=ApprovalRule.APPROVAL)
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=18, minute=0, second=0)
    result = booking_services.booking_create(
        booker=world.users["citizen"],
        resource=room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Korøvelse",
    )
    assert result.booking.status == BookingStatus.REQUESTED
    told = Notification.objects.filter(template="booking/email/staff_request_waiting")
    expected = (
        {"ansatt.heggedal@example.no", "andre.heggedal@example.no"}
        if hub_name == "heggedal"
        else {"admin.asker@example.no"}
    )
    assert {n.recipient.email for n in told} == expected
    assert emails(booking_permissions.staff_to_tell(result.booking)) == expected


def test_an_expiring_agreement__is_told_to_each_person_once(world):
    # The administrator is also staff of the agreement's hub: still one message.
    world.users["municipality_admin"].staff_memberships.create(role="hub_staff", hub=world.heggedal)
    frivillighet_services.agreements_remind_expiring()
    told = Notification.objects.filter(template="frivillighet/email/agreement_expiring")
    assert sorted(n.recipient.email for n in told) == [
        "admin.asker@example.no",
        "ansatt.heggedal@example.no",
    ]


def test_superusers__may_act_everywhere_but_are_told_nothing(world):
    superuser = world.users["superuser"]
    assert permissions.can(superuser, Action.DELETE, world.heggedal)
    assert superuser not in permissions.users_who_can(Action.DELETE, world.heggedal)
    assert UserFactory() not in permissions.users_who_can(Action.VIEW, world.heggedal)
