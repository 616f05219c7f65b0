"""Event places on the capacity engine, raced on real PostgreSQL: exactly the capacity is
confirmed, the rest wait in the order they came, and freed places go to them in order."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from hubportal.notifications.models import Notification
from innbyggertorg import services
from innbyggertorg.enums import RegistrationStatus as S
from innbyggertorg.models import Event, Registration
from tests.knutepunkt.factories import hub_staff
from tests.support.forms import form_data
from tests.support.race import race

from .factories import EventFactory
from .test_registrations import register, verified_user

pytestmark = pytest.mark.django_db


def confirmed_places(event) -> int:
    return (
        Registration.objects.filter(event=event, status=S.CONFIRMED).aggregate(n=Sum("group_size"))[
            "n"
        ]
        or 0
    )


@pytest.mark.django_db(transaction=True)
def test_race__groups_for_fewer_places__capacity_confirmed_the_rest_waitlisted_in_order():
    event = EventFactory(capacity=10, max_group_size=2)
    users = [verified_user(f"p{n}@example.no") for n in range(14)]

    def sign_up(user):
        return services.registration_create(
            event=event, name=user.email, email=user.email, group_size=2, user=user
        )

    outcomes = race(sign_up, users)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    confirmed = list(Registration.objects.filter(status=S.CONFIRMED).order_by("created_at"))
    waiting = list(Registration.objects.filter(status=S.WAITLISTED).order_by("created_at"))
    assert (len(confirmed), len(waiting)) == (5, 9)
    assert Event.objects.get(pk=event.pk).places_taken == 10 == confirmed_places(event)
    # In order: everyone confirmed came before everyone waiting.
    assert max(r.created_at for r in confirmed) < min(r.created_at for r in waiting)


@pytest.mark.django_db(transaction=True)
def test_race__cancellations_at_once__promote_the_waiting_list_in_order_counter_exact():
    event = EventFactory(capacity=4, max_group_size=1)
    holders = [register(event, f"h{n}@example.no") for n in range(4)]
    waiting = [register(event, f"w{n}@example.no") for n in range(6)]
    assert {r.status for r in waiting} == {S.WAITLISTED}

    outcomes = race(lambda r: services.registration_cancel(registration=r), holders)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    promoted = sorted(r.pk for promoted in outcomes for r in promoted)
    assert promoted == [r.pk for r in waiting[:4]]  # the first four in line, once each
    assert set(
        Registration.objects.filter(pk__in=[r.pk for r in waiting[4:]]).values_list(
            "status", flat=True
        )
    ) == {S.WAITLISTED}
    assert Event.objects.get(pk=event.pk).places_taken == 4 == confirmed_places(event)


def test_stale_counter__places_are_counted_from_the_registrations():
    """A counter that no longer matches (an account deleted with its registration) never
    decides: the next registration is counted against the registrations themselves."""
    event = EventFactory(capacity=1)
    gone = register(event, "gone@example.no")
    gone.user.delete()  # the registration goes with the account; the counter stayed at 1
    assert Event.objects.get(pk=event.pk).places_taken == 1
    assert register(event, "next@example.no").status == S.CONFIRMED
    assert Event.objects.get(pk=event.pk).places_taken == 1 == confirmed_places(event)


def test_stale_counter__too_low_never_overfills():
    event = EventFactory(capacity=1)
    register(event, "a@example.no")
    Event.objects.filter(pk=event.pk).update(places_taken=0)  # wrong, e.g. an old admin form
    assert register(event, "b@example.no").status == S.WAITLISTED
    assert Event.objects.get(pk=event.pk).places_taken == 1 == confirmed_places(event)


def test_guest_who_confirms_later__joins_the_waiting_list_behind_those_already_on_it():
    """The waiting list's order is when one joined it: a guest who confirms their address
    days after filling in the form does not jump those who were waiting meanwhile."""
    event = EventFactory(capacity=1)
    holder = register(event, "a@example.no")
    guest = register(event, "gjest@example.no", verified=False)  # fills in the form first
    waiting = register(event, "b@example.no")
    assert waiting.status == S.WAITLISTED
    token = services.registration_token(guest, "confirm")
    assert services.registration_confirm_email(token=token).status == S.WAITLISTED
    assert [r.pk for r in services.registration_cancel(registration=holder)] == [waiting.pk]
    assert Registration.objects.get(pk=guest.pk).status == S.WAITLISTED


# --------------------------------------------------------------------------- the admin


def change_event(client, event, **changes):
    url = f"/admin/innbyggertorg/event/{event.pk}/change/"
    page = client.get(url).content.decode()
    return client.post(url, form_data(page, "event_form", **changes))


def test_admin__more_places__the_waiting_list_moves_up_in_order_and_is_told(client):
    event = EventFactory(capacity=1)
    register(event, "a@example.no")
    first, second = register(event, "b@example.no"), register(event, "c@example.no")
    client.force_login(hub_staff(event.hub))
    response = change_event(client, event, capacity="2")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Registration.objects.get(pk=first.pk).status == S.CONFIRMED
    assert Registration.objects.get(pk=second.pk).status == S.WAITLISTED
    assert Event.objects.get(pk=event.pk).places_taken == 2 == confirmed_places(event)
    assert Notification.objects.filter(
        to_address="b@example.no", template="innbyggertorg/email/registration_promoted"
    ).exists()


def test_admin__fewer_places_than_are_taken__refused_on_the_capacity_field(client):
    event = EventFactory(capacity=3)
    register(event, "a@example.no", group_size=2)
    client.force_login(hub_staff(event.hub))
    response = change_event(client, event, capacity="1")
    assert response.status_code == 200  # the form again, not an error page
    assert response.context["adminform"].form.errors["capacity"] == [
        "2 plasser er tatt, så det må være minst 2."
    ]
    assert Event.objects.get(pk=event.pk).capacity == 3


@pytest.mark.django_db(transaction=True)
def test_race__the_same_person_submits_twice_at_once__one_registration_no_error():
    """A double click: both requests get the one registration (before, the second failed
    with "already registered", having passed the check before the first had saved)."""
    event = EventFactory(capacity=5)
    user = verified_user("kari@example.no")
    outcomes = race(
        lambda _: services.registration_create(
            event=event, name="Kari", email=user.email, user=user
        ),
        range(4),
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert len({o.pk for o in outcomes}) == 1
    assert Event.objects.get(pk=event.pk).places_taken == 1 == confirmed_places(event)
