"""Deleting a person cancels their event registrations exactly as the cancellation link
does: places freed, the waiting list promoted strictly in order, the promoted told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hubportal.notifications.enums import Status
from hubportal.notifications.models import Notification
from innbyggertorg import services
from innbyggertorg.enums import RegistrationStatus as S
from innbyggertorg.models import Event, Registration
from tests.innbyggertorg.factories import EventFactory
from tests.privacy.helpers import delete_account, download, messages_to, person

pytestmark = pytest.mark.django_db


def register(event, user, group_size=1):
    return services.registration_create(
        event=event, name=user.full_name, email=user.email, group_size=group_size, user=user
    )


def register_as_guest(event, name, email, group_size=1):
    """A guest registers and confirms their address through the link in the email."""
    registration = services.registration_create(
        event=event, name=name, email=email, group_size=group_size
    )
    return services.registration_confirm_email(
        token=services.registration_token(registration, "confirm")
    )


@pytest.fixture
def kari():
    return person()


def test_events__export_holds_registrations_with_the_account_and_as_a_guest(client, kari):
    concert = EventFactory(title="Konsert", capacity=10)
    quiz = EventFactory(title="Quiz", capacity=10)
    past = EventFactory(
        title="Forfatterbesøk",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )
    register(concert, kari, group_size=2)
    register_as_guest(quiz, "Kari N.", "KARI@example.no")
    Registration.objects.create(
        event=past, user=kari, name="Kari", email=kari.email, status=S.CONFIRMED, attended=True
    )
    # An address Kari never proved is hers: what was registered with it is not shown to her.
    register_as_guest(concert, "Noen andre", "kari.nordmann@example.no")

    events = download(client, kari)["events"]

    assert [(e["event"], e["as_guest"], e["people"], e["status"]) for e in events] == [
        ("Forfatterbesøk", False, 1, S.CONFIRMED),
        ("Konsert", False, 2, S.CONFIRMED),
        ("Quiz", True, 1, S.CONFIRMED),
    ]
    assert events[0]["attended"] is True
    assert events[2]["name"] == "Kari N." and events[2]["email"] == "kari@example.no"
    assert "Noen andre" not in str(events)


def test_events__deletion_frees_places_and_promotes_the_waiting_list_in_order(client, kari):
    concert = EventFactory(title="Konsert", capacity=3)
    ola, per, nils, eva = (
        person(f"{name}@example.no", full_name=name.title())
        for name in ("ola", "per", "nils", "eva")
    )
    mine = register(concert, kari, group_size=2)
    register(concert, ola)
    assert Event.objects.get(pk=concert.pk).places_taken == 3
    waiting = [register(concert, per), register(concert, nils), register(concert, eva, 2)]
    assert [w.status for w in waiting] == [S.WAITLISTED] * 3
    reminder = Notification.objects.get(dedupe_key=f"event-reminder:{mine.pk}")
    # As a guest with the same (verified) address, at another event with its own queue.
    quiz = EventFactory(title="Quiz", capacity=1)
    register_as_guest(quiz, "Kari", "kari@example.no")
    queued = register_as_guest(quiz, "Mona", "mona@example.no")
    assert queued.status == S.WAITLISTED
    # A past event's figures stay as they are.
    past = EventFactory(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
        capacity=5,
    )
    Event.objects.filter(pk=past.pk).update(places_taken=4)
    Registration.objects.create(
        event=past, user=kari, name="Kari", email=kari.email, status=S.CONFIRMED, group_size=4
    )

    delete_account(client, kari)

    concert.refresh_from_db()
    assert concert.places_taken == 3  # Ola 1 + Per 1 + Nils 1; Eva's group of 2 does not fit
    statuses = {r.email: r.status for r in concert.registrations.all()}
    assert statuses == {
        "ola@example.no": S.CONFIRMED,
        "per@example.no": S.CONFIRMED,
        "nils@example.no": S.CONFIRMED,
        "eva@example.no": S.WAITLISTED,
    }
    promoted = Notification.objects.filter(
        template="innbyggertorg/email/registration_promoted"
    ).order_by("pk")
    assert [n.to_address for n in promoted] == [
        "per@example.no",
        "nils@example.no",
        "mona@example.no",
    ]
    assert messages_to(per, "innbyggertorg/email/registration_promoted")[0].attachments
    reminders = Notification.objects.filter(dedupe_key__startswith="event-reminder:")
    assert sorted(reminders.filter(status=Status.PENDING).values_list("to_address", flat=True)) == [
        "mona@example.no",
        "nils@example.no",
        "ola@example.no",
        "per@example.no",
    ]  # Kari's is cancelled
    reminder.refresh_from_db()
    assert reminder.status == Status.CANCELLED
    quiz.refresh_from_db()
    assert quiz.places_taken == 1
    assert Registration.objects.get(email="mona@example.no").status == S.CONFIRMED
    assert Event.objects.get(pk=past.pk).places_taken == 4
    assert not Registration.objects.filter(email__iexact="kari@example.no").exists()
    assert not messages_to(kari)


@pytest.mark.parametrize("how", ["change page", "bulk action"])
def test_events__a_superuser_deleting_the_account_in_the_admin_frees_the_places_too(
    client, kari, how
):
    concert = EventFactory(capacity=1)
    register(concert, kari)
    waiting = register(concert, person("per@example.no", full_name="Per"))
    root = get_user_model().objects.create_superuser("root@example.no", "et-langt-passord-2026")
    client.force_login(root)
    if how == "change page":
        response = client.post(f"/admin/accounts/user/{kari.pk}/delete/", {"post": "yes"})
    else:
        response = client.post(
            "/admin/accounts/user/",
            {"action": "delete_selected", "_selected_action": [kari.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=kari.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert Event.objects.get(pk=concert.pk).places_taken == 1
    assert messages_to("per@example.no", "innbyggertorg/email/registration_promoted")
