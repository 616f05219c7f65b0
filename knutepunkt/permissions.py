"""Who may do what with municipalities, districts, hubs, their hours and news, and the
staff memberships that make someone staff: the memberships are kept here, so this app is
the membership source of municipality administrators and hub staff."""

from __future__ import annotations

from django.db.models import QuerySet

from hubportal import permissions
from hubportal.permissions import EDIT, READ, Policy, Scope, register

from .enums import StaffRole
from .models import StaffMembership


def _staff_members(kind: str, ids: set[int] | None) -> QuerySet | None:
    memberships = {
        "municipality_ids": (StaffRole.MUNICIPALITY_ADMIN, "municipality_id__in"),
        "hub_ids": (StaffRole.HUB_STAFF, "hub_id__in"),
        "hub_municipality_ids": (StaffRole.HUB_STAFF, "hub__municipality_id__in"),
        "finance_municipality_ids": (StaffRole.FINANCE, "municipality_id__in"),
    }
    if kind not in memberships:
        return None
    role, lookup = memberships[kind]
    found = StaffMembership.objects.filter(role=role)
    if ids is not None:
        found = found.filter(**{lookup: ids})
    return found.values("user_id")


@permissions.membership_source(members=_staff_members)
def _staff_memberships(user, scope: Scope) -> None:
    memberships = StaffMembership.objects.filter(user=user).values_list(
        "role", "municipality_id", "hub_id", "hub__municipality_id"
    )
    for role, municipality_id, hub_id, hub_municipality_id in memberships:
        if role == StaffRole.MUNICIPALITY_ADMIN and municipality_id:
            scope.municipality_ids.add(municipality_id)
        elif role == StaffRole.HUB_STAFF and hub_id:
            scope.hub_ids.add(hub_id)
            scope.hub_municipality_ids.add(hub_municipality_id)
        elif role == StaffRole.FINANCE and municipality_id:
            scope.finance_municipality_ids.add(municipality_id)


# A municipality admin manages everything in the municipality (but not the municipality's
# own row beyond viewing and editing it); hub staff manage their hubs' description, hours
# and news, and see (not change) their district and municipality.
register(
    "knutepunkt.municipality",
    Policy(
        municipality=("pk",),
        municipality_admin=EDIT,
        hub=(),
        hub_staff=frozenset(),
        staff_in_municipality=READ,
    ),
)
register(
    "knutepunkt.district",
    Policy(
        municipality=("municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=READ,
    ),
)
register("knutepunkt.hub", Policy(municipality=("municipality",), hub=("pk",), hub_staff=EDIT))
register(
    "knutepunkt.openinghoursperiod",
    Policy(
        municipality=("hub__municipality",),
        hub=("hub",),
    ),
)
register(
    "knutepunkt.openinghoursspan",
    Policy(
        municipality=("period__hub__municipality",),
        hub=("period__hub",),
    ),
)
register(
    "knutepunkt.openinghoursexception",
    Policy(
        municipality=("hub__municipality",),
        hub=("hub",),
    ),
)
register(
    "knutepunkt.exceptionspan",
    Policy(
        municipality=("exception__hub__municipality",),
        hub=("exception__hub",),
    ),
)
register("knutepunkt.newsitem", Policy(municipality=("municipality",), hub=("hub",)))
# What the municipality publishes about the portal (its accessibility and privacy
# statements) is its administrators' alone.
register(
    "knutepunkt.accessibilitystatement",
    Policy(municipality=("municipality",), hub_staff=frozenset()),
)
register(
    "knutepunkt.privacystatement",
    Policy(municipality=("municipality",), hub_staff=frozenset()),
)
# Municipality admins appoint staff for the hubs of their municipality.
register(
    "knutepunkt.staffmembership",
    Policy(
        municipality=("municipality", "hub__municipality"),
        hub_staff=frozenset(),
    ),
)
