"""No space is ever allocated or booked twice, also when two staff adjust or publish at
once, and two applicants accepting at once never share a time: real PostgreSQL, real
threads, each on its own connection."""

from __future__ import annotations

from datetime import time

import pytest

from booking.models import Occurrence
from hubportal.core.errors import DomainError
from hubportal.notifications.models import Notification
from sesong import services
from sesong.enums import AllocationStatus
from sesong.models import Allocation, AllocationClaim
from tests.support.race import race

from .factories import season_world, wish

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_staff_allocating_the_same_time_at_once__exactly_one_succeeds():
    world = season_world()
    applicants = [world.applicant() for _ in range(4)]
    applications = [world.apply(org, c, [wish(resource=world.rooms[0])]) for org, c in applicants]
    world.to_allocating()

    def allocate(application):
        return services.allocation_set(
            by=world.staff,
            application=application,
            resource=world.rooms[0],
            weekday=0,
            starts_at=time(18),
            ends_at=time(20),
        )

    outcomes = race(allocate, applications)
    assert sum(isinstance(o, Allocation) for o in outcomes) == 1
    assert all(isinstance(o, DomainError) for o in outcomes if not isinstance(o, Allocation))
    assert AllocationClaim.objects.filter(holds=True).count() == 2  # one per week parity


def test_proposal_and_adjustment_at_once__never_a_double_allocation():
    world = season_world()
    applicants = [world.applicant() for _ in range(3)]
    applications = [world.apply(org, c, [wish(resource=world.rooms[0])]) for org, c in applicants]
    world.to_allocating()

    def act(what):
        if what == "proposal":
            return services.proposal_run(by=world.admin, round=world.round)
        return services.allocation_set(
            by=world.staff,
            application=applications[what],
            resource=world.rooms[0],
            weekday=0,
            starts_at=time(18, 30),
            ends_at=time(19, 30),
        )

    race(act, ["proposal", 0, 1, "proposal"])
    holding = list(Allocation.objects.filter(status__in=AllocationStatus.holding()))
    for index, one in enumerate(holding):
        for other in holding[index + 1 :]:
            assert not (
                one.resource_id == other.resource_id
                and one.weekday == other.weekday
                and one.starts_at < other.ends_at
                and other.starts_at < one.ends_at
            ), (one, other)


def test_two_staff_publishing_at_once__published_once_each_applicant_told_once():
    world = season_world()
    org, coordinator = world.applicant()
    world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.to_allocating()
    services.proposal_run(by=world.staff, round=world.round)
    services.round_decide(by=world.staff, round=world.round)

    outcomes = race(
        lambda who: services.round_publish(by=who, round=world.round), [world.staff, world.admin]
    )
    assert sum(isinstance(o, services.PublicationReport) for o in outcomes) == 1
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1
    assert Notification.objects.filter(template="sesong/email/decision").count() == 2


def test_accepting_twice_at_once__one_series_never_double_booked():
    world = season_world()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.to_allocating()
    services.proposal_run(by=world.staff, round=world.round)
    world.publish()

    outcomes = race(
        lambda _n: services.allocation_accept(by=coordinator, application=application), [1, 2]
    )
    assert sum(isinstance(o, services.AcceptanceReport) for o in outcomes) == 1
    assert Allocation.objects.get().status == AllocationStatus.ACCEPTED
    starts = list(
        Occurrence.objects.filter(resource=world.rooms[0]).values_list("starts_at", flat=True)
    )
    assert len(starts) == len(set(starts)) > 30
