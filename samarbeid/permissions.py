"""Who may do what with cooperations. Superusers create and manage them (members, shared
arrangements, regional coordinators) in the admin; the cooperation's page is public; its
coordinating view and exports are for its regional coordinators (and superusers). This app
keeps the regional coordinators, so it is their membership source."""

from __future__ import annotations

from django.db.models import QuerySet

from hubportal import permissions
from hubportal.permissions import Policy, Scope, register

from .models import RegionalCoordinator


def _coordinators(kind: str, ids: set[int] | None) -> QuerySet | None:
    if kind != "cooperation_ids":
        return None
    found = RegionalCoordinator.objects.all()
    if ids is not None:
        found = found.filter(cooperation_id__in=ids)
    return found.values("user_id")


@permissions.membership_source(members=_coordinators)
def _regional_coordinations(user, scope: Scope) -> None:
    scope.cooperation_ids.update(
        RegionalCoordinator.objects.filter(user=user).values_list("cooperation_id", flat=True)
    )


# Managed by superusers only: no municipality's staff, however many members they serve,
# changes a cooperation of several municipalities.
_SUPERUSER_ONLY = Policy(municipality_admin=frozenset(), hub_staff=frozenset())
register("samarbeid.cooperation", _SUPERUSER_ONLY)
register("samarbeid.cooperationmembership", _SUPERUSER_ONLY)
register("samarbeid.sharedarrangement", _SUPERUSER_ONLY)
register("samarbeid.participation", _SUPERUSER_ONLY)
register("samarbeid.regionalcoordinator", _SUPERUSER_ONLY)


def can_manage_cooperations(user) -> bool:
    """Create cooperations, change their members, arrangements and coordinators."""
    return permissions.is_installation_admin(user)


def can_view_coordination(user, cooperation) -> bool:
    """Open the cooperation's coordinating view and download its figures: its regional
    coordinators and superusers. Staff of a member municipality see their own figures in
    their own admin, not the region's side by side."""
    return permissions.is_installation_admin(user) or permissions.is_regional_coordinator_of(
        user, cooperation.pk
    )


def coordinated_cooperations(user, queryset: QuerySet) -> QuerySet:
    """The cooperations of the queryset whose coordinating view the user may open."""
    if permissions.is_installation_admin(user):
        return queryset
    return queryset.filter(pk__in=permissions.coordinated_cooperation_ids(user))
