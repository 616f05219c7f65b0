"""Write paths for a person's own account: profile, export of their data, deletion.

Export and deletion ask every app through the sections registered in each app's
``personal_data.py`` (see ``hubportal.accounts.registry``)."""

from __future__ import annotations

from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from . import registry


def user_export_data(*, user) -> dict:
    """Everything the portal holds about the user (GDPR right of access), from every app."""
    return {
        "exported_at": timezone.now().isoformat(),
        **{section.name: section.export(user) for section in registry.sections()},
    }


def user_update_profile(*, user, full_name: str, language: str) -> None:
    user.full_name = full_name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "language"])


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
