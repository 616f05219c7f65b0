"""Shift places on the capacity engine: raced on real PostgreSQL, and the paths where the
old copy of the algorithm drifted (a moved shift, a deleted profile)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from frivillighet import services
from frivillighet.enums import SignupStatus as S
from frivillighet.models import Shift, ShiftSignup, VolunteerProfile
from hubportal.notifications.models import Notification
from tests.knutepunkt.factories import UserFactory, hub_staff
from tests.support.forms import form_data
from tests.support.race import race

from .factories import ShiftFactory

pytestmark = pytest.mark.django_db


def places(shift) -> tuple[int, int]:
    """(the counter, the confirmed sign-ups): they must always agree."""
    return (
        Shift.objects.get(pk=shift.pk).places_taken,
        ShiftSignup.objects.filter(shift=shift, status=S.CONFIRMED).count(),
    )


def status(shift, user) -> str:
    return ShiftSignup.objects.exclude(status=S.WITHDRAWN).get(shift=shift, volunteer=user).status


def told(user, template) -> bool:
    return Notification.objects.filter(
        recipient=user, template=f"frivillighet/email/{template}"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_race__volunteers_for_fewer_places__capacity_confirmed_the_rest_waitlisted_in_order():
    shift = ShiftFactory(capacity=4)
    outcomes = race(
        lambda user: services.shift_signup(shift=shift, volunteer=user),
        [UserFactory() for _ in range(16)],
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    confirmed = list(ShiftSignup.objects.filter(status=S.CONFIRMED))
    waiting = list(ShiftSignup.objects.filter(status=S.WAITLISTED))
    assert (len(confirmed), len(waiting)) == (4, 12)
    assert places(shift) == (4, 4)
    assert max(s.created_at for s in confirmed) < min(s.created_at for s in waiting)


@pytest.mark.django_db(transaction=True)
def test_race__withdrawals_at_once__promote_the_waiting_list_in_order():
    shift = ShiftFactory(capacity=3)
    holders = [services.shift_signup(shift=shift, volunteer=UserFactory()) for _ in range(3)]
    waiting = [services.shift_signup(shift=shift, volunteer=UserFactory()) for _ in range(5)]
    outcomes = race(lambda signup: services.shift_withdraw(signup=signup), holders)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert sorted(s.pk for promoted in outcomes for s in promoted) == [s.pk for s in waiting[:3]]
    assert places(shift) == (3, 3)
    assert {status(shift, s.volunteer) for s in waiting[3:]} == {S.WAITLISTED}


def test_shift_moved__a_clash_frees_the_place_and_the_first_in_line_is_promoted():
    """The old copy decremented the counter for the volunteer taken off and promoted
    nobody: the shift stayed short of people with a waiting list."""
    shift = ShiftFactory(capacity=1)
    busy, next_in_line, after = UserFactory(), UserFactory(), UserFactory()
    for user in (busy, next_in_line, after):
        services.shift_signup(shift=shift, volunteer=user)
    new_start = shift.starts_at + timedelta(days=1)
    services.shift_signup(shift=ShiftFactory(starts_at=new_start), volunteer=busy)
    services.shift_change_time(
        shift=shift, starts_at=new_start, ends_at=new_start + timedelta(hours=2)
    )
    assert ShiftSignup.objects.get(shift=shift, volunteer=busy).status == S.WITHDRAWN
    assert status(shift, next_in_line) == S.CONFIRMED
    assert status(shift, after) == S.WAITLISTED
    assert places(shift) == (1, 1)
    assert told(busy, "shift_changed_conflict") and told(next_in_line, "signup_promoted")
    promoted = ShiftSignup.objects.get(shift=shift, volunteer=next_in_line)
    reminder = Notification.objects.get(dedupe_key=f"shift-reminder:{promoted.pk}")
    assert reminder.send_after == new_start - timedelta(hours=24)  # at the new time


def test_shift_moved__one_waiting_who_is_busy_at_the_new_time_is_passed_over_keeps_waiting():
    shift = ShiftFactory(capacity=1)
    leaving, busy_later, free_later = UserFactory(), UserFactory(), UserFactory()
    for user in (leaving, busy_later, free_later):
        services.shift_signup(shift=shift, volunteer=user)
    new_start = shift.starts_at + timedelta(days=1)
    for user in (leaving, busy_later):
        services.shift_signup(shift=ShiftFactory(starts_at=new_start), volunteer=user)
    services.shift_change_time(
        shift=shift, starts_at=new_start, ends_at=new_start + timedelta(hours=2)
    )
    assert status(shift, free_later) == S.CONFIRMED
    assert status(shift, busy_later) == S.WAITLISTED  # keeps their turn for a later place
    assert places(shift) == (1, 1)


def test_shift_moved__without_clashes__counter_and_statuses_unchanged():
    shift = ShiftFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        services.shift_signup(shift=shift, volunteer=user)
    new_start = shift.starts_at + timedelta(hours=3)
    assert (
        services.shift_change_time(
            shift=shift, starts_at=new_start, ends_at=new_start + timedelta(hours=2)
        )
        == 2
    )
    assert (status(shift, first), status(shift, second)) == (S.CONFIRMED, S.WAITLISTED)
    assert places(shift) == (1, 1)
    waiting = ShiftSignup.objects.get(shift=shift, volunteer=second)
    assert waiting.during.lower == new_start  # a later promotion is checked at the new time


def test_profile_deleted__future_places_freed_and_the_waiting_list_promoted():
    shift = ShiftFactory(capacity=1)
    leaving, waiting = UserFactory(), UserFactory()
    VolunteerProfile.objects.create(user=leaving)
    gone = services.shift_signup(shift=shift, volunteer=leaving)
    services.shift_signup(shift=shift, volunteer=waiting)
    services.volunteer_delete_profile(user=leaving)
    assert ShiftSignup.objects.get(pk=gone.pk).status == S.WITHDRAWN
    assert status(shift, waiting) == S.CONFIRMED
    assert places(shift) == (1, 1)
    assert told(waiting, "signup_promoted")
    # and the one who left is no longer reminded of a shift they are not on
    assert Notification.objects.get(dedupe_key=f"shift-reminder:{gone.pk}").status == "cancelled"


def test_withdrawing_a_waitlisted_signup__frees_no_place_and_promotes_nobody():
    shift = ShiftFactory(capacity=1)
    holder, first, second = UserFactory(), UserFactory(), UserFactory()
    for user in (holder, first, second):
        services.shift_signup(shift=shift, volunteer=user)
    assert services.shift_withdraw(signup=ShiftSignup.objects.get(volunteer=first)) == []
    assert status(shift, second) == S.WAITLISTED
    assert places(shift) == (1, 1)


# --------------------------------------------------------------------------- the admin


def change_shift(client, shift, **changes):
    url = f"/admin/frivillighet/shift/{shift.pk}/change/"
    page = client.get(url).content.decode()
    return client.post(url, form_data(page, "shift_form", **changes))


def test_admin__more_volunteers_needed__the_waiting_list_moves_up_and_is_told(client):
    shift = ShiftFactory(capacity=1)
    first, waiting = UserFactory(), UserFactory()
    for user in (first, waiting):
        services.shift_signup(shift=shift, volunteer=user)
    client.force_login(hub_staff(shift.opportunity.hub))
    response = change_shift(client, shift, capacity="2")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert status(shift, waiting) == S.CONFIRMED
    assert places(shift) == (2, 2)
    assert told(waiting, "signup_promoted")


def test_admin__fewer_than_signed_up__refused_on_the_capacity_field(client):
    shift = ShiftFactory(capacity=2)
    for _ in range(2):
        services.shift_signup(shift=shift, volunteer=UserFactory())
    client.force_login(hub_staff(shift.opportunity.hub))
    response = change_shift(client, shift, capacity="1")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"] == [
        "2 plasser er tatt, så det må være minst 2."
    ]
    assert Shift.objects.get(pk=shift.pk).capacity == 2


def test_admin__moved_and_more_volunteers_at_once__both_saved(client):
    """Moving a shift reloaded it from the database before saving the form, so every other
    change made with the move (here: the places) was silently lost."""
    shift = ShiftFactory(capacity=1)
    client.force_login(hub_staff(shift.opportunity.hub))
    page = client.get(f"/admin/frivillighet/shift/{shift.pk}/change/").content.decode()
    data = form_data(page, "shift_form")
    later = timezone.localtime(shift.starts_at + timedelta(days=1)).replace(microsecond=0)
    data.update(
        {
            "starts_at_0": later.strftime("%Y-%m-%d"),
            "starts_at_1": later.strftime("%H:%M:%S"),
            "ends_at_0": later.strftime("%Y-%m-%d"),
            "ends_at_1": (later + timedelta(hours=2)).strftime("%H:%M:%S"),
            "capacity": "4",
        }
    )
    response = client.post(f"/admin/frivillighet/shift/{shift.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    shift.refresh_from_db()
    assert (shift.starts_at, shift.capacity) == (later, 4)


@pytest.mark.django_db(transaction=True)
def test_race__the_same_volunteer_signs_up_twice_at_once__one_signup_no_error():
    """A double click: both requests get the one sign-up (before, the second was refused
    with "you already have a shift at that time", about the very same shift)."""
    shift, user = ShiftFactory(capacity=3), UserFactory()
    outcomes = race(lambda _: services.shift_signup(shift=shift, volunteer=user), range(4))
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert len({o.pk for o in outcomes}) == 1
    assert places(shift) == (1, 1)
