"""Booking on behalf of an organisation applies its agreement's benefits (free room use),
so only its coordinators, and staff who book the room as staff, may do it. Before, any
member of staff anywhere could, staff of another municipality included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services
from hubportal.core.errors import DomainError


def evening():
    start = (timezone.localtime() + timedelta(days=3)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return [(start, start + timedelta(hours=2))]


@pytest.mark.parametrize("role", ["citizen", "other_hub_staff", "other_municipality_admin"])
def test_booking_for_an_organisation__refused_to_those_who_neither_coordinate_nor_staff_it(
    world, role
):
    with pytest.raises(DomainError, match="koordinerer ikke"):
        services.booking_create(
            booker=world.users[role],
            resource=world.room,
            times=evening(),
            purpose="Gratis rom?",
            organisation=world.organisation,
        )


@pytest.mark.parametrize("role", ["coordinator", "hub_staff", "municipality_admin", "superuser"])
def test_booking_for_an_organisation__its_coordinator_and_the_rooms_staff_get_its_benefits(
    world, role
):
    result = services.booking_create(
        booker=world.users[role],
        resource=world.room,
        times=evening(),
        purpose="Sjakk",
        organisation=world.organisation,
    )
    assert result.booking.organisation == world.organisation and result.booking.free_of_charge
