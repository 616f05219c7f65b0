"""Write paths for a person's own account: profile, export of their data, deletion."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from hubportal.core.page_cache import invalidate_after_commit

PersonalDataSection = Callable[[object], dict]
_sections: dict[str, PersonalDataSection] = {}


def personal_data_section(name: str):
    """Register a function that returns one app's data about a user, for the export."""

    def register(function: PersonalDataSection) -> PersonalDataSection:
        _sections[name] = function
        return function

    return register


@personal_data_section("account")
def _account_section(user) -> dict:
    from allauth.account.models import EmailAddress

    return {
        "email": user.email,
        "name": user.full_name,
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
    }


@personal_data_section("notifications")
def _notifications_section(user) -> list[dict]:
    return [
        {
            "channel": n.channel,
            "to": n.to_address,
            "subject": n.subject,
            "status": n.status,
            "created_at": n.created_at.isoformat(),
        }
        for n in user.notifications.order_by("created_at")
    ]


def user_export_data(*, user) -> dict:
    """Everything the portal holds about the user (GDPR right of access)."""
    return {
        "exported_at": timezone.now().isoformat(),
        **{name: section(user) for name, section in _sections.items()},
    }


def user_update_profile(*, user, full_name: str, language: str) -> None:
    user.full_name = full_name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "language"])


@transaction.atomic
def user_delete(*, user) -> None:
    """Delete the account and the personal data that hangs on it (GDPR right to erasure).
    Messages to the person, sent or waiting, go with it."""
    user.notifications.all().delete()
    user.delete()
    # Their bookings and registrations went with the account: times and places are free.
    invalidate_after_commit()
