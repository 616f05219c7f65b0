"""Sign-up, verification, login limits, profile, export and deletion through the real URLs."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError

from hubportal.notifications.models import Notification
from hubportal.notifications.services import notification_deliver, notification_enqueue

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "et-langt-passord-2026"


@pytest.fixture
def verified_user():
    user = User.objects.create_user("kari@example.no", PASSWORD, full_name="Kari Nordmann")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def deliver_all():
    for pk in Notification.objects.values_list("pk", flat=True):
        notification_deliver(notification_id=pk)


def test_user_model__email_is_the_login_and_unique_without_case():
    User.objects.create_user("Ola@Example.no", PASSWORD)
    assert User.objects.get_by_natural_key("ola@example.no").email == "ola@example.no"
    with pytest.raises(IntegrityError):
        User.objects.create_user("OLA@example.NO", PASSWORD)


def test_signup__in_english__sends_verification_through_the_outbox_in_english(client):
    response = client.post(
        "/en/konto/signup/",
        {"email": "new@example.no", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.no")
    assert user.language == "en"
    notification = Notification.objects.get(to_address="new@example.no")
    assert notification.language == "en"
    assert "Confirm" in notification.subject or "confirm" in notification.body_text.lower()
    deliver_all()
    assert mail.outbox[0].to == ["new@example.no"]


def test_signup__in_bokmal__verification_is_in_norwegian(client):
    client.post(
        "/konto/signup/", {"email": "ny@example.no", "password1": PASSWORD, "password2": PASSWORD}
    )
    notification = Notification.objects.get(to_address="ny@example.no")
    assert notification.language == "nb"
    assert "Bekreft" in notification.subject or "bekreft" in notification.body_text.lower()


def test_signup__mismatched_passwords__shows_errors_and_creates_nothing(client):
    response = client.post(
        "/konto/signup/", {"email": "x@example.no", "password1": PASSWORD, "password2": "annet"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.no").exists()
    assert not Notification.objects.exists()


def test_login__unverified_email__is_not_let_in(client):
    User.objects.create_user("unverified@example.no", PASSWORD)
    client.post("/konto/login/", {"login": "unverified@example.no", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_login__many_wrong_passwords__is_rate_limited_even_for_the_right_one(client, verified_user):
    for _ in range(6):
        client.post("/konto/login/", {"login": verified_user.email, "password": "feil"})
    response = client.post("/konto/login/", {"login": verified_user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    errors = " ".join(response.context["form"].non_field_errors())
    assert "For mange" in errors or "Too many" in errors


def test_profile__changes_name_and_message_language(client, verified_user):
    client.force_login(verified_user)
    response = client.post("/konto/profil/", {"full_name": "Kari N.", "language": "nn"})
    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert (verified_user.full_name, verified_user.language) == ("Kari N.", "nn")


def test_profile__bad_language__is_a_field_error_and_nothing_saved(client, verified_user):
    client.force_login(verified_user)
    response = client.post("/konto/profil/", {"full_name": "Endret", "language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    verified_user.refresh_from_db()
    assert verified_user.full_name == "Kari Nordmann"


def test_export__contains_the_users_own_data(client, verified_user):
    client.force_login(verified_user)
    response = client.get("/konto/mine-data/")
    data = json.loads(response.content)
    assert data["account"]["email"] == "kari@example.no"
    assert response["Content-Disposition"].startswith("attachment")


def test_delete__wrong_password__keeps_the_account(client, verified_user):
    client.force_login(verified_user)
    response = client.post("/konto/slett/", {"password": "feil"})
    assert response.status_code == 200
    assert User.objects.filter(pk=verified_user.pk).exists()


def test_delete__right_password__removes_account_and_empties_messages(client, verified_user):
    notification_enqueue(template="notifications/test_message", context={}, recipient=verified_user)
    client.force_login(verified_user)
    response = client.post("/konto/slett/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=verified_user.pk).exists()
    # The outbox keeps that a message was cancelled, with nothing left of the person.
    (message,) = Notification.objects.all()
    assert message.status == "cancelled" and message.recipient is None
    assert message.to_address == message.subject == message.body_text == ""
    assert "_auth_user_id" not in client.session


def test_account_pages__signed_out__redirect_to_login(client):
    for url in ("/konto/profil/", "/konto/mine-data/", "/konto/slett/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/konto/login/" in response["Location"]
