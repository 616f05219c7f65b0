"""The cap on a person's upcoming bookings of a resource, counted under a lock on
(resource, person) inside the booking's transaction: raced on real PostgreSQL."""

from __future__ import annotations

import pytest

from booking import services
from booking.models import Occurrence
from hubportal.core.errors import DomainError
from tests.knutepunkt.factories import UserFactory, hub_staff
from tests.support.race import race

from .factories import ResourceFactory
from .test_invariants import book, slot

pytestmark = pytest.mark.django_db

CAP_MESSAGE = "høyst 3 kommende bookinger"


@pytest.mark.django_db(transaction=True)
def test_race__one_person_at_cap_minus_one__exactly_one_of_the_concurrent_bookings_passes():
    room = ResourceFactory(max_active_per_booker=3)
    person = UserFactory()
    book(room, [slot(days=2)], user=person)
    book(room, [slot(days=3)], user=person)
    outcomes = race(lambda days: book(room, [slot(days=days)], user=person), [4, 5, 6, 7, 8, 9])
    passed = [o for o in outcomes if isinstance(o, services.BookingResult)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert (len(passed), len(refused)) == (1, 5)
    assert all(CAP_MESSAGE in str(error) for error in refused)
    assert Occurrence.objects.filter(booking__booker=person).count() == 3


@pytest.mark.django_db(transaction=True)
def test_race__the_cap_is_per_person__others_book_at_the_same_time():
    room = ResourceFactory(max_active_per_booker=1)
    people = [UserFactory() for _ in range(4)]
    outcomes = race(lambda n: book(room, [slot(days=2 + n)], user=people[n]), range(4))
    assert all(isinstance(o, services.BookingResult) for o in outcomes)


def test_cap__a_series_counts_every_time_and_is_refused_whole():
    room = ResourceFactory(max_active_per_booker=3)
    person = UserFactory()
    book(room, [slot(days=2)], user=person)
    with pytest.raises(DomainError, match=CAP_MESSAGE):
        book(room, [slot(days=d) for d in (3, 4, 5)], user=person, all_or_nothing=False)
    assert Occurrence.objects.filter(booking__booker=person).count() == 1


def test_cap__staff_are_not_capped():
    room = ResourceFactory(max_active_per_booker=1)
    staff = hub_staff(room.hub)
    book(room, [slot(days=2)], user=staff)
    book(room, [slot(days=3)], user=staff)
    assert Occurrence.objects.filter(booking__booker=staff).count() == 2
