"""Reads about a person's account."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from .models import IdentityProviderSession, NationalIdentity


def person_verified_addresses(*, user) -> list[str]:
    """The email addresses the person has proved are theirs (lower case). Data kept under an
    address without the account (a guest registration, a message) is theirs only if the
    address is verified: an address anyone can type in proves nothing."""
    return sorted(
        {
            address.lower()
            for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
                "email", flat=True
            )
        }
    )


def national_identity_owner(*, pid_digest: str):
    """The account that holds this national identity number (its keyed hash), if any."""
    identity = NationalIdentity.objects.select_related("user").filter(pid_digest=pid_digest)
    found = identity.first()
    return found.user if found is not None else None


def identity_session_refusal(*, provider_id: str, issuer: str, sid: str) -> str | None:
    """Why a front-channel logout for this `iss` and `sid` is refused (for the log), or None
    when portal sessions began with that provider session."""
    sessions = IdentityProviderSession.objects.filter(provider_id=provider_id, sid=sid)
    if not sid or not issuer:
        return "iss and sid are both required"
    if sessions.filter(issuer=issuer).exists():
        return None
    if sessions.exists():
        return "the iss is not the issuer of that session"
    return "no portal session has that sid"
