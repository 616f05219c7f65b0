"""A person as the portal knows them, and the two things they can ask for: their data
(the JSON download) and the deletion of their account, both through the real URLs."""

from __future__ import annotations

import json

from allauth.account.models import EmailAddress

from hubportal.notifications.models import Notification
from tests.knutepunkt.factories import UserFactory

PASSWORD = "et-langt-passord-2026"


def person(email="kari@example.no", **fields):
    user = UserFactory(email=email, full_name=fields.pop("full_name", "Kari Nordmann"), **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get("/konto/mine-data/")
    assert response.status_code == 200
    client.logout()
    return json.loads(response.content)


def delete_account(client, user) -> None:
    client.force_login(user)
    response = client.post("/konto/slett/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def messages_to(user_or_email, template=None) -> list[Notification]:
    email = getattr(user_or_email, "email", user_or_email)
    found = Notification.objects.filter(to_address=email).order_by("pk")
    if template:
        found = found.filter(template=template)
    return list(found)
