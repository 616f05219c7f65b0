"""Events: the person's registrations, with their account or as a guest with their address."""

from __future__ import annotations

from hubportal.accounts import registry
from hubportal.accounts.registry import iso
from hubportal.accounts.selectors import person_verified_addresses

from .selectors import person_registrations
from .services import registration_erase_person


def _export(user) -> list[dict]:
    return [
        {
            "event": r.event.title,
            "hub": r.event.hub.name,
            "starts_at": iso(r.event.starts_at),
            "as_guest": r.user_id is None,
            "name": r.name,
            "email": r.email,
            "language": r.language,
            "people": r.group_size,
            "status": r.status,
            "attended": r.attended,
            "registered_at": iso(r.created_at),
        }
        for r in person_registrations(user=user, addresses=person_verified_addresses(user=user))
        .select_related("event__hub")
        .order_by("event__starts_at", "pk")
    ]


def _erase(user) -> None:
    registration_erase_person(user=user, addresses=person_verified_addresses(user=user))


registry.register(
    "events",
    export=_export,
    erase=_erase,
    models=["innbyggertorg.Registration"],
)
