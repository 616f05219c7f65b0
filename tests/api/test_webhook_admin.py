"""Webhook subscriptions in the admin, through its real addresses, for every role: a
municipality's administrators subscribe (the secret shown once) and change their own; hub
staff, citizens, visitors and another municipality's administrators cannot; a refused
address is a message on the field and nothing saved; failed deliveries are sent again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from api import services
from api.models import WebhookDelivery, WebhookSubscription
from booking.services import booking_create
from hubportal.core.changes import ChangeKind
from hubportal.notifications.enums import Status
from hubportal.notifications.models import Notification
from tests.knutepunkt.factories import UserFactory, hub_staff, municipality_admin

pytestmark = pytest.mark.django_db

ADD = reverse("admin:api_webhooksubscription_add")
LIST = reverse("admin:api_webhooksubscription_changelist")
DELIVERIES = reverse("admin:api_webhookdelivery_changelist")


@pytest.fixture
def people(api_world):
    superuser = UserFactory(email="super@example.no", is_staff=True, is_superuser=True)
    return {
        "visitor": None,
        "citizen": UserFactory(email="innbygger@example.no"),
        "hub_staff": hub_staff(api_world.hub),
        "admin_a": municipality_admin(api_world.municipality),
        "admin_b": municipality_admin(api_world.other_municipality),
        "superuser": superuser,
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def form(municipality, url="http://127.0.0.1:9/hook", kinds=("booking.created",)):
    return {"municipality": municipality.pk, "name": "Kalendersynk", "url": url, "kinds": kinds}


@pytest.mark.parametrize(
    ("role", "page", "may_add"),
    [
        ("visitor", 302, False),
        ("citizen", 302, False),
        ("hub_staff", 403, False),
        ("admin_b", 200, False),  # may add for Bærum, not for Asker
        ("admin_a", 200, True),
        ("superuser", 200, True),
    ],
)
def test_add__for_asker__only_askers_administrators_and_superusers(
    api_world, people, role, page, may_add
):
    client = client_for(people[role])
    assert client.get(ADD).status_code == page
    response = client.post(ADD, form(api_world.municipality))
    assert WebhookSubscription.objects.exists() is may_add
    if may_add:
        assert response.status_code == 200  # the page with the secret, once
        subscription = WebhookSubscription.objects.get()
        assert subscription.owner == people[role]
        assert subscription.secret.encode() in response.content
        change = reverse("admin:api_webhooksubscription_change", args=[subscription.pk])
        assert subscription.secret.encode() not in client.get(change).content
        assert subscription.secret_prefix.encode() in client.get(change).content
    elif role == "admin_b":
        assert response.status_code == 200 and b"errorlist" in response.content


def _subscription_of(world):
    return services.webhook_subscription_create(
        by=UserFactory(email="super2@example.no", is_superuser=True, is_staff=True),
        municipality=world.municipality,
        name="Asker sin",
        url="http://127.0.0.1:9/hook",
        kinds=[ChangeKind.BOOKING_CREATED],
    ).subscription


@pytest.mark.parametrize(
    ("role", "listed", "change_page"),
    [
        ("visitor", None, 302),
        ("citizen", None, 302),
        ("hub_staff", None, 404),
        ("admin_b", False, 404),
        ("admin_a", True, 200),
        ("superuser", True, 200),
    ],
)
def test_list_and_change__another_municipalitys_subscription_does_not_exist_for_them(
    api_world, people, role, listed, change_page
):
    subscription = _subscription_of(api_world)
    client = client_for(people[role])
    page = client.get(LIST)
    if listed is None:
        assert page.status_code in (302, 403)
    else:
        assert page.status_code == 200
        assert (b"Asker sin" in page.content) is listed
    change = reverse("admin:api_webhooksubscription_change", args=[subscription.pk])
    assert client.get(change).status_code == change_page


def test_change__switched_off_and_on_again_by_its_administrator(api_world, people):
    subscription = _subscription_of(api_world)
    client = client_for(people["admin_a"])
    change = reverse("admin:api_webhooksubscription_change", args=[subscription.pk])
    data = {
        "name": "Asker sin",
        "url": subscription.url,
        "kinds": ["booking.created", "event.changed"],
    }
    assert client.post(change, data).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.kinds == ["booking.created", "event.changed"]
    WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since="2026-01-01T00:00Z")
    assert client.post(change, {**data, "is_active": "on"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.failing_since is None


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://10.0.0.7/hook", "private"),
        ("http://93.184.215.14/hook", "https://"),
        ("https://169.254.169.254/", "private"),
        ("https://finnes-ikke.invalid/", "could not be found"),
        ("ikke en adresse", "valid"),
    ],
)
def test_add__refused_address__the_form_again_with_the_message_and_nothing_saved(
    api_world, people, url, said
):
    client = client_for(people["admin_a"])
    with translation.override("en"):
        english = reverse("admin:api_webhooksubscription_add")
    response = client.post(english, form(api_world.municipality, url=url))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["url"] and said in " ".join(errors["url"])
    assert WebhookSubscription.objects.count() == 0


def test_add__no_kind__refused_on_the_field(api_world, people):
    response = client_for(people["admin_a"]).post(ADD, form(api_world.municipality, kinds=()))
    assert response.status_code == 200 and "kinds" in response.context["adminform"].form.errors
    assert WebhookSubscription.objects.count() == 0


def test_deliveries__failed_ones_sent_again_by_the_municipalitys_administrator_only(
    api_world, people
):
    _subscription_of(api_world)
    start = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    start += timedelta(days=3)
    booking_create(
        booker=people["citizen"],
        resource=api_world.room,
        times=[(start, start + timedelta(hours=1))],
        purpose="Møte",
    )
    delivery = WebhookDelivery.objects.get()
    Notification.objects.filter(pk=delivery.pk).update(status=Status.FAILED, attempts=6)
    action = {"action": "send_again", "_selected_action": [delivery.pk]}

    for role in ("hub_staff", "admin_b"):
        client_for(people[role]).post(DELIVERIES, action)
        assert Notification.objects.get(pk=delivery.pk).status == Status.FAILED
    listed = client_for(people["admin_b"]).get(DELIVERIES)
    assert listed.status_code == 200 and b"Asker sin" not in listed.content
    change = reverse("admin:api_webhookdelivery_change", args=[delivery.pk])
    assert client_for(people["admin_b"]).get(change).status_code == 404
    assert client_for(people["admin_a"]).get(change).status_code == 200

    assert client_for(people["admin_a"]).post(DELIVERIES, action).status_code == 302
    assert Notification.objects.get(pk=delivery.pk).status == Status.PENDING
