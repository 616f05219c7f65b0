"""The account's own part: email addresses, linked logins (ID-porten) and the claims kept
from them, open sessions on every device, groups, the audit trail, and messages."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from hubportal.accounts.services import user_sessions
from hubportal.core.audit import audit_personal_data
from hubportal.notifications.enums import Status
from hubportal.notifications.models import Notification
from hubportal.notifications.services import notification_deliver, notification_enqueue
from innbyggertorg.services import registration_create
from tests.innbyggertorg.factories import EventFactory
from tests.knutepunkt.factories import HubFactory, hub_staff
from tests.privacy.helpers import PASSWORD, delete_account, download, messages_to, person

pytestmark = pytest.mark.django_db
User = get_user_model()
PID = "05918799957"  # a synthetic national identity number (test data)


@pytest.fixture
def kari():
    user = person()
    EmailAddress.objects.create(user=user, email="kari@jobb.no", verified=False, primary=False)
    user.groups.add(Group.objects.create(name="Redaktører"))
    app = SocialApp.objects.create(
        provider="openid_connect", provider_id="idporten", name="ID-porten", client_id="c"
    )
    account = SocialAccount.objects.create(
        user=user,
        provider="idporten",
        uid="pairwise-sub-123",
        extra_data={"sub": "pairwise-sub-123", "pid": PID, "acr": "idporten-loa-substantial"},
    )
    SocialToken.objects.create(app=app, account=account, token="hemmelig-tilgangstoken")
    return user


def signed_in_elsewhere(user) -> Client:
    device = Client()
    device.force_login(user)
    assert device.get("/konto/profil/").status_code == 200
    return device


def test_account__export_holds_addresses_linked_logins_with_claims_and_sessions(client, kari):
    signed_in_elsewhere(kari)

    data = download(client, kari)["account"]

    assert data["email"] == "kari@example.no" and data["name"] == "Kari Nordmann"
    assert data["email_addresses"] == [
        {"email": "kari@example.no", "verified": True, "primary": True},
        {"email": "kari@jobb.no", "verified": False, "primary": False},
    ]
    assert data["groups"] == ["Redaktører"]
    (login,) = data["linked_logins"]
    assert login["provider"] == "idporten" and login["uid"] == "pairwise-sub-123"
    assert login["claims"]["pid"] == PID  # the person's own claims, shown to them
    assert "hemmelig-tilgangstoken" not in str(data)  # a credential, like the password
    assert len(data["sessions"]) == 2  # the other device and the one downloading


def test_account__deletion_removes_logins_claims_addresses_and_every_session(client, kari):
    device = signed_in_elsewhere(kari)
    assert user_sessions(user=kari)

    delete_account(client, kari)

    assert not User.objects.filter(pk=kari.pk).exists()
    assert not SocialAccount.objects.exists() and not SocialToken.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not any(PID in str(extra) for extra in SocialAccount.objects.values("extra_data"))
    assert Group.objects.get(name="Redaktører").user_set.count() == 0
    for session in Session.objects.all():  # not a single session names the person
        assert str(session.get_decoded().get("_auth_user_id")) != str(kari.pk)
    response = device.get("/konto/profil/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_account__staff_audit_trail_stays_and_the_account_becomes_a_nameless_placeholder(
    client,
):
    hub = HubFactory()
    staff = hub_staff(hub, email="ansatt@heggedal.no")
    staff.full_name = "Siri Ansatt"
    staff.set_password(PASSWORD)
    staff.save()
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    event = EventFactory(hub=hub)
    audit_personal_data(staff, "Exported attendee lists (CSV)", [event])
    kari = person()
    LogEntry.objects.create(  # staff changed Kari's account in the admin
        user_id=staff.pk,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(kari.pk),
        object_repr=str(kari),
        action_flag=CHANGE,
        change_message="Changed language.",
    )
    assert download(client, staff)["audit"]["your_actions"][0]["object"] == str(event)
    about = download(client, kari)["audit"]["about_your_account"]
    assert [(e["object"], e["action"]) for e in about] == [("Kari Nordmann", "changed")]

    delete_account(client, staff)
    delete_account(client, kari)

    placeholder = User.objects.get(pk=staff.pk)  # the audit trail points to it
    assert placeholder.email == f"slettet-{staff.pk}@slettet.invalid"
    assert placeholder.full_name == "" and not placeholder.is_active
    assert not placeholder.is_staff and not placeholder.has_usable_password()
    assert not placeholder.staff_memberships.exists()
    assert not EmailAddress.objects.filter(user=placeholder).exists()
    assert LogEntry.objects.filter(user=placeholder).count() == 2
    assert not User.objects.filter(pk=kari.pk).exists()  # no audit entry of her own
    about_kari = LogEntry.objects.get(object_id=str(kari.pk))
    assert "Kari" not in about_kari.object_repr
    assert not client.login(email="ansatt@heggedal.no", password=PASSWORD)
    assert "Siri" not in str(User.objects.values())


def test_notifications__export_holds_every_message_and_deletion_cancels_and_empties_them(
    client, kari
):
    sent = notification_enqueue(template="notifications/test_message", context={}, recipient=kari)
    notification_deliver(notification_id=sent.pk)
    pending = notification_enqueue(
        template="notifications/test_message",
        context={},
        recipient=kari,
        send_after=timezone.now() + timezone.timedelta(days=3),
    )
    # A message to her verified address without the account (a guest registration's).
    registration_create(event=EventFactory(title="Quiz"), name="Kari", email="kari@example.no")
    someone_else = person("ola@example.no")
    untouched = notification_enqueue(
        template="notifications/test_message", context={}, recipient=someone_else
    )

    messages = download(client, kari)["notifications"]

    assert [(m["status"], m["to"]) for m in messages] == [
        (Status.SENT, "kari@example.no"),
        (Status.PENDING, "kari@example.no"),
        (Status.PENDING, "kari@example.no"),
    ]
    assert all(m["subject"] and m["text"] for m in messages)
    assert "Quiz" in messages[2]["text"]

    delete_account(client, kari)

    sent.refresh_from_db()
    pending.refresh_from_db()
    assert sent.status == Status.SENT and pending.status == Status.CANCELLED
    for message in Notification.objects.exclude(pk=untouched.pk):
        assert message.recipient_id is None and message.to_address == ""
        assert message.subject == message.body_text == message.body_html == ""
        assert message.attachments == []
    assert not messages_to(kari)
    assert messages_to(someone_else)[0].body_text  # nobody else's messages are touched
