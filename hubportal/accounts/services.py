"""Write paths for a person's own account: profile, export of their data, deletion.

Export and deletion ask every app through the sections registered in each app's
``personal_data.py`` (see ``hubportal.accounts.registry``)."""

from __future__ import annotations

import logging
from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from hubportal.notifications.services import message_preferences_save

from . import registry
from .models import IdentityProviderSession, NationalIdentity
from .oidc import IdentitySession

logger = logging.getLogger(__name__)


def user_export_data(*, user) -> dict:
    """Everything the portal holds about the user (GDPR right of access), from every app."""
    return {
        "exported_at": timezone.now().isoformat(),
        **{section.name: section.export(user) for section in registry.sections()},
    }


@transaction.atomic
def user_update_profile(
    *,
    user,
    full_name: str,
    language: str,
    phone: str | None = None,
    message_channels: dict[str, str] | None = None,
) -> None:
    """The person's name, language, mobile number (E.164, already checked by the form) and
    how they want each kind of message."""
    user.full_name = full_name.strip()
    user.language = language
    fields = ["full_name", "language"]
    if phone is not None:
        user.phone = phone
        fields.append("phone")
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    if message_channels:
        message_preferences_save(user=user, choices=message_channels)


@transaction.atomic
def user_delete(*, user) -> None:
    """Delete the person (GDPR right to erasure): every app erases or anonymises what it
    holds, through its own services (upcoming bookings, registrations and shifts are
    cancelled so that others get the places), then the account goes. Where a section keeps
    rows on purpose (the audit trail of staff actions), the account row stays as a
    nameless, deactivated placeholder that those rows point to."""
    for section in registry.sections():
        section.erase(user)
    if _retained_references(user):
        _user_make_placeholder(user)
    else:
        user.delete()


def _retained_references(user) -> bool:
    """Whether a row that a section keeps on purpose still points to the user."""
    User = get_user_model()
    for section in registry.sections():
        for label in section.retains:
            model = apps.get_model(label)
            for field in model._meta.get_fields():
                if (
                    (field.many_to_one or field.one_to_one)
                    and field.concrete
                    and field.related_model is User
                    and model._default_manager.filter(**{field.name: user}).exists()
                ):
                    return True
    return False


def _user_make_placeholder(user) -> None:
    user.email = f"slettet-{user.pk}@slettet.invalid"
    user.full_name = ""
    user.phone = ""
    user.language = settings.LANGUAGE_CODE
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


# --------------------------------------------------------------------------- account data


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_sessions(*, user) -> list:
    """The person's open sessions (signed in on some device). Sessions hold the user id
    only inside their encoded data, so each open session is decoded."""
    store = _session_store()
    if not hasattr(store, "get_model_class"):
        return []  # sessions only in a cache cannot be listed; they expire on their own
    found = []
    for session in (
        store.get_model_class().objects.filter(expire_date__gt=timezone.now()).iterator()
    ):
        if str(store().decode(session.session_data).get(SESSION_KEY)) == str(user.pk):
            found.append(session)
    return found


@transaction.atomic
def user_erase_account_data(*, user) -> None:
    """What hangs on the account itself: linked logins (and the claims stored from them,
    tokens included), email addresses (and their confirmations), open sessions on every
    device, groups and permissions. Entries about the person's account in the audit trail
    keep what staff did, without the person's name."""
    SocialAccount.objects.filter(user=user).delete()
    NationalIdentity.objects.filter(user=user).delete()
    IdentityProviderSession.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    store = _session_store()
    for session in user_sessions(user=user):
        store(session.session_key).delete()
    user.groups.clear()
    user.user_permissions.clear()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=str(user.pk),
    ).update(object_repr=f"slettet bruker {user.pk}")


# --------------------------------------------------------------------------- identity provider


def _profile_name(names: dict) -> str:
    full = (names.get("name") or "").strip()
    if full:
        return full
    return " ".join(
        part
        for part in ((names.get("given_name") or "").strip(), names.get("family_name") or "")
        if part.strip()
    ).strip()


@transaction.atomic
def identity_login_complete(
    *, user, session_key: str, identity: IdentitySession, names: dict, pid_digest: str | None
) -> None:
    """A login through an identity provider is complete: the names it gave are copied to
    the profile, the national identity number (as its keyed hash) is recorded for the
    account, and the portal session is recorded with the provider's `iss` and `sid` so that
    the provider's front-channel logout can end it."""
    full_name = _profile_name(names)
    changed = []
    for field, value in (
        ("full_name", full_name),
        ("given_name", (names.get("given_name") or "").strip()),
        ("family_name", (names.get("family_name") or "").strip()),
    ):
        if value and getattr(user, field) != value[:200]:
            setattr(user, field, value[:200])
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    if pid_digest:
        try:
            with transaction.atomic():
                NationalIdentity.objects.update_or_create(
                    user=user,
                    defaults={"pid_digest": pid_digest, "provider_id": identity.provider_id},
                )
        except IntegrityError:
            # Another account holds the number (the login was matched by `sub`, not by
            # number): the login stands, the other account keeps the number.
            logger.warning(
                "login of user %s through %s: the national identity number belongs to "
                "another account; not recorded for this one",
                user.pk,
                identity.provider_id,
            )
    if identity.sid and session_key:
        IdentityProviderSession.objects.update_or_create(
            session_key=session_key,
            defaults={
                "user": user,
                "provider_id": identity.provider_id,
                "issuer": identity.issuer,
                "sid": identity.sid,
                "acr": identity.acr,
            },
        )


def identity_session_forget(*, session_key: str | None) -> None:
    """The portal session ended here (a logout): it needs no front-channel logout."""
    if session_key:
        IdentityProviderSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def identity_sessions_end(*, provider_id: str, issuer: str, sid: str) -> int:
    """The provider says the person logged out there (front-channel logout): every portal
    session that began with that provider session ends. Returns how many did."""
    records = list(
        IdentityProviderSession.objects.select_for_update().filter(
            provider_id=provider_id, issuer=issuer, sid=sid
        )
    )
    store = _session_store()
    for record in records:
        store(record.session_key).delete()
    IdentityProviderSession.objects.filter(pk__in=[record.pk for record in records]).delete()
    return len(records)


def identity_sessions_purge_ended() -> int:
    """The record of a portal session that ended without a logout (it expired) is kept no
    longer than the session: a nightly purge. Returns how many were deleted."""
    store = _session_store()
    if not hasattr(store, "get_model_class"):
        return 0
    live = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    deleted, _ = IdentityProviderSession.objects.exclude(
        session_key__in=live.values("session_key")
    ).delete()
    return deleted
