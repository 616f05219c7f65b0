"""Messages the portal has sent, or will send, to the person."""

from __future__ import annotations

from hubportal.accounts import registry
from hubportal.accounts.registry import iso
from hubportal.accounts.selectors import person_verified_addresses

from .models import MessagePreference
from .selectors import message_preferences, notifications_to_person
from .services import notification_erase_person


def _export(user) -> list[dict]:
    addresses = person_verified_addresses(user=user)
    return [
        {
            "channel": n.channel,
            "to": n.to_address,
            "language": n.language,
            "kind": n.template,
            "subject": n.subject,
            "text": n.body_text,
            "attachments": [a.get("filename") for a in n.attachments],
            "status": n.status,
            "created_at": iso(n.created_at),
            "send_after": iso(n.send_after),
            "sent_at": iso(n.sent_at),
        }
        for n in notifications_to_person(user=user, addresses=addresses).order_by(
            "created_at", "pk"
        )
    ]


def _erase(user) -> None:
    notification_erase_person(user=user, addresses=person_verified_addresses(user=user))


registry.register(
    "notifications",
    export=_export,
    erase=_erase,
    models=["notifications.Notification"],
    order=900,  # after the apps, which cancel their own reminders and tell others
)


registry.register(
    "message_preferences",
    export=lambda user: message_preferences(user=user),
    erase=lambda user: MessagePreference.objects.filter(user=user).delete(),
    models=["notifications.MessagePreference"],
)
