"""Staff memberships: where the person is hub staff or municipality administrator."""

from __future__ import annotations

from hubportal.accounts import registry

from .models import StaffMembership
from .services import staff_membership_revoke


def _memberships(user):
    return StaffMembership.objects.filter(user=user).select_related("hub", "municipality")


def _export(user) -> list[dict]:
    return [
        {
            "role": m.role,
            "hub": m.hub.name if m.hub_id else None,
            "municipality": m.municipality.name if m.municipality_id else None,
        }
        for m in _memberships(user).order_by("pk")
    ]


def _erase(user) -> None:
    for membership in _memberships(user):
        staff_membership_revoke(membership=membership)


registry.register(
    "staff",
    export=_export,
    erase=_erase,
    models=["knutepunkt.StaffMembership"],
    order=200,  # after bookings: their staff are told while the hub still has them
)
