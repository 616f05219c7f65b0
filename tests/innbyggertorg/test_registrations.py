"""Event registration: capacity held by PostgreSQL, waiting list, guests, changes, reminders."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from hubportal.core.errors import DomainError
from hubportal.notifications.models import Notification
from innbyggertorg import services
from innbyggertorg.enums import EventStatus
from innbyggertorg.enums import RegistrationStatus as S
from innbyggertorg.models import Event, Registration
from tests.knutepunkt.factories import UserFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def verified_user(email="kari@example.no", language="nb"):
    user = UserFactory(email=email, language=language)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def register(event, email="kari@example.no", group_size=1, verified=True):
    user = verified_user(email) if verified else None
    return services.registration_create(
        event=event, name="Kari", email=email, group_size=group_size, user=user
    )


def templates_sent_to(email):
    return list(
        Notification.objects.filter(to_address=email)
        .order_by("pk")
        .values_list("template", flat=True)
    )


def test_signed_in_with_confirmed_email__confirmed_at_once_with_ics_and_reminder():
    event = EventFactory(capacity=5)
    registration = register(event, group_size=2)
    assert registration.status == S.CONFIRMED
    event.refresh_from_db()
    assert event.places_taken == 2
    confirmation = Notification.objects.get(template="innbyggertorg/email/registration_confirmed")
    assert confirmation.attachments[0]["mimetype"] == "text/calendar"
    assert "BEGIN:VEVENT" in confirmation.attachments[0]["content"]
    reminder = Notification.objects.get(dedupe_key=f"event-reminder:{registration.pk}")
    assert reminder.send_after == event.starts_at - timedelta(days=1)


def test_guest__must_confirm_email_before_taking_a_place():
    event = EventFactory(capacity=5)
    registration = register(event, email="gjest@example.no", verified=False)
    assert registration.status == S.AWAITING_EMAIL
    assert Event.objects.get(pk=event.pk).places_taken == 0
    assert templates_sent_to("gjest@example.no") == [
        "innbyggertorg/email/registration_confirm_email"
    ]
    token = services.registration_token(registration, "confirm")
    assert services.registration_confirm_email(token=token).status == S.CONFIRMED
    assert services.registration_confirm_email(token=token).status == S.CONFIRMED  # twice: no-op
    assert Event.objects.get(pk=event.pk).places_taken == 1


def test_guest__forged_or_wrong_kind_of_token__refused():
    registration = register(EventFactory(), email="gjest@example.no", verified=False)
    with pytest.raises(DomainError):
        services.registration_confirm_email(token="forged:token")
    with pytest.raises(DomainError):
        services.registration_confirm_email(
            token=services.registration_token(registration, "cancel")
        )


def test_full_event__waiting_list_and_promotion_when_someone_cancels():
    event = EventFactory(capacity=2)
    first = register(event, "a@example.no", group_size=2)
    waiting = register(event, "b@example.no")
    assert waiting.status == S.WAITLISTED
    promoted = services.registration_cancel(registration=first)
    assert [r.pk for r in promoted] == [waiting.pk]
    assert Registration.objects.get(pk=waiting.pk).status == S.CONFIRMED
    assert "innbyggertorg/email/registration_promoted" in templates_sent_to("b@example.no")
    assert not Notification.objects.filter(
        dedupe_key=f"event-reminder:{first.pk}", status="pending"
    ).exists()


def test_waiting_list__promotion_in_order_and_once_per_freed_place():
    event = EventFactory(capacity=2, max_group_size=4)
    holder = register(event, "a@example.no", group_size=1)
    register(event, "b@example.no", group_size=1)
    big = register(event, "c@example.no", group_size=2)
    small = register(event, "d@example.no", group_size=1)
    assert (big.status, small.status) == (S.WAITLISTED, S.WAITLISTED)
    # One place frees: the group of two first in line keeps its turn; nobody jumps it.
    assert services.registration_cancel(registration=holder) == []
    assert Registration.objects.get(pk=small.pk).status == S.WAITLISTED
    # A second place frees: the group of two moves up, then there is no room for more.
    second = Registration.objects.get(email="b@example.no")
    assert [r.pk for r in services.registration_cancel(registration=second)] == [big.pk]
    assert Registration.objects.get(pk=small.pk).status == S.WAITLISTED
    assert Event.objects.get(pk=event.pk).places_taken == 2
    assert services.registration_cancel(registration=second) == []  # twice: nothing more


def test_group_larger_than_the_places_left__clear_message_nothing_saved():
    event = EventFactory(capacity=3, max_group_size=4)
    register(event, "a@example.no", group_size=2)
    with pytest.raises(DomainError, match=r"Bare 1 plass|Only 1 places"):
        register(event, "b@example.no", group_size=2)
    assert Registration.objects.count() == 1


def test_newcomer__does_not_jump_the_queue():
    event = EventFactory(capacity=1)
    register(event, "a@example.no")
    register(event, "b@example.no")  # waiting
    Event.objects.filter(pk=event.pk).update(capacity=5)  # staff add places
    assert register(event, "c@example.no").status == S.WAITLISTED


@pytest.mark.parametrize("group_size", [0, 5])
def test_group_size_outside_the_limit__refused(group_size):
    with pytest.raises(DomainError):
        register(EventFactory(max_group_size=4), group_size=group_size)


def test_same_email_twice__idempotent_and_allowed_again_after_cancelling():
    event = EventFactory()
    first = register(event, "kari@example.no")
    again = services.registration_create(event=event, name="Kari", email="KARI@example.no")
    assert again.pk == first.pk and Registration.objects.count() == 1
    assert Event.objects.get(pk=event.pk).places_taken == 1
    services.registration_cancel(registration=first)
    assert register(event, "kari@example.no").pk != first.pk
    assert Registration.objects.filter(status=S.CONFIRMED).count() == 1


def test_cancelled_or_past_event__refuses_registrations():
    with pytest.raises(DomainError):
        register(EventFactory(status=EventStatus.CANCELLED))
    past = EventFactory(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(DomainError):
        register(past)


def test_capacity__database_refuses_more_places_than_there_are():
    event = EventFactory(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(places_taken=F("capacity") + 1)


@pytest.mark.django_db(transaction=True)
def test_capacity__30_people_racing_for_10_places__exactly_10_get_one():
    event = EventFactory(capacity=10, max_group_size=1)
    users = [verified_user(f"p{n}@example.no") for n in range(30)]
    barrier = threading.Barrier(len(users))
    errors = []

    def race(user):
        try:
            barrier.wait()
            services.registration_create(event=event, name=user.email, email=user.email, user=user)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Registration.objects.filter(status=S.CONFIRMED).count() == 10
    assert Registration.objects.filter(status=S.WAITLISTED).count() == 20
    assert Event.objects.get(pk=event.pk).places_taken == 10


def test_event_moved__everyone_told_and_the_reminder_moves_to_the_new_time():
    event = EventFactory()
    registration = register(event)
    event.starts_at += timedelta(days=3)
    event.ends_at += timedelta(days=3)
    event.save()
    assert services.event_changed(event=event, changed_fields={"starts_at", "ends_at"}) == 1
    reminder = Notification.objects.get(dedupe_key=f"event-reminder:{registration.pk}")
    assert reminder.next_attempt_at == event.starts_at - timedelta(days=1)
    assert "innbyggertorg/email/event_changed" in templates_sent_to(registration.email)


def test_event_description_corrected__nobody_is_emailed():
    event = EventFactory()
    register(event)
    assert services.event_changed(event=event, changed_fields={"description"}) == 0


def test_event_cancelled__registrants_told_and_reminders_cancelled():
    event = EventFactory()
    confirmed = register(event, "a@example.no")
    event.status = EventStatus.CANCELLED
    event.save()
    services.event_changed(event=event, changed_fields={"status"})
    assert (
        Notification.objects.get(dedupe_key=f"event-reminder:{confirmed.pk}").status == "cancelled"
    )
    assert "innbyggertorg/email/event_cancelled" in templates_sent_to("a@example.no")


def test_messages__in_the_registrants_language():
    event = EventFactory()
    user = verified_user("en@example.no", language="en")
    services.registration_create(
        event=event, name="Ann", email=user.email, user=user, language="en"
    )
    subject = Notification.objects.get(
        template="innbyggertorg/email/registration_confirmed"
    ).subject
    assert subject.startswith("You are registered")


def test_attendee_rows__for_the_csv_export():
    event = EventFactory()
    register(event, "a@example.no", group_size=2)
    other = EventFactory(
        starts_at=event.starts_at + timedelta(days=1), ends_at=event.ends_at + timedelta(days=1)
    )
    register(other, "b@example.no")
    rows = list(services.attendee_rows(events=[event.pk, other.pk]))
    assert rows[0][0] == event.title and len(rows[1]) == 6  # the event, then a header
    assert rows[2][1:3] == ["a@example.no", "2"]
    assert rows[3] == [] and rows[4][0] == other.title and rows[6][1] == "b@example.no"


def test_purge__registrations_a_month_after_the_event_are_deleted():
    old = EventFactory()
    register(old, "old@example.no")
    Event.objects.filter(pk=old.pk).update(
        starts_at=timezone.now() - timedelta(days=40), ends_at=timezone.now() - timedelta(days=40)
    )
    register(EventFactory(), "new@example.no")
    assert services.registrations_purge_past() == 1
    assert list(Registration.objects.values_list("email", flat=True)) == ["new@example.no"]
