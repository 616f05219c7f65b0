"""The account's own part of a person's data: profile, email addresses, linked logins and
the claims stored from them, open sessions, and the audit trail of what they did as staff."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from . import registry
from .models import IdentityProviderSession, NationalIdentity
from .registry import iso
from .services import user_erase_account_data, user_sessions


def _export_account(user) -> dict:
    return {
        "email": user.email,
        "name": user.full_name,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "mobile_number": user.phone,
        "language": user.language,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "email_addresses": list(
            EmailAddress.objects.filter(user=user)
            .order_by("email")
            .values("email", "verified", "primary")
        ),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
        # The claims are the person's own (without ID-porten's pid, which is not kept in
        # them); the tokens are credentials and, like the password, not shown.
        "linked_logins": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "date_joined": iso(account.date_joined),
                "last_login": iso(account.last_login),
                "claims": account.extra_data,
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [{"expires": iso(session.expire_date)} for session in user_sessions(user=user)],
        # ID-porten's pid, the national identity number, is sensitive personal data: it is
        # kept only as a keyed hash (HMAC-SHA256 under a key of the portal's), which is shown
        # as it is stored. The number itself is not stored anywhere.
        "national_identity_number": [
            {
                "stored_as": "HMAC-SHA256 keyed hash",
                "keyed_hash": identity.pid_digest,
                "identity_provider": identity.provider_id,
                "first_seen": iso(identity.first_seen),
                "last_seen": iso(identity.last_seen),
            }
            for identity in NationalIdentity.objects.filter(user=user)
        ],
        "identity_provider_sessions": [
            {
                "identity_provider": record.provider_id,
                "security_level": record.acr,
                "started": iso(record.started_at),
            }
            for record in IdentityProviderSession.objects.filter(user=user).order_by("pk")
        ],
    }


def _erase_account(user) -> None:
    user_erase_account_data(user=user)


registry.register(
    "account",
    export=_export_account,
    erase=_erase_account,
    models=[
        "account.EmailAddress",
        "socialaccount.SocialAccount",
        "accounts.NationalIdentity",
        "accounts.IdentityProviderSession",
        "accounts.User_groups",
        "accounts.User_user_permissions",
    ],
    order=1000,  # last: other apps still need the person's verified addresses
)


def _log_entries(queryset) -> list[dict]:
    return [
        {
            "at": iso(entry.action_time),
            "action": {1: "added", 2: "changed", 3: "deleted"}.get(entry.action_flag, "other"),
            "object_type": entry.content_type.model if entry.content_type_id else None,
            "object_id": entry.object_id,
            "object": entry.object_repr,
            "message": entry.get_change_message(),
        }
        for entry in queryset.select_related("content_type").order_by("action_time")
    ]


def _export_audit(user) -> dict:
    return {
        # What the person did with the portal's data as staff or coordinator.
        "your_actions": _log_entries(LogEntry.objects.filter(user=user)),
        # What staff did with the person's account.
        "about_your_account": _log_entries(
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(get_user_model()),
                object_id=str(user.pk),
            )
        ),
    }


def _erase_audit(user) -> None:
    """The audit trail is the municipality's record of what was done with personal data and
    is kept: the person's own entries stay (the account remains as a nameless placeholder
    they point to); entries about their account lose the name (in the account section)."""


registry.register(
    "audit",
    export=_export_audit,
    erase=_erase_audit,
    models=["admin.LogEntry"],
    retains=["admin.LogEntry"],
    order=1000,
)
