"""Reads about a person's account."""

from __future__ import annotations

from allauth.account.models import EmailAddress


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
