"""Who may do what in seasonal allocation.

- A round belongs to its municipality: its administrators manage it (create, change,
  move through its states); the municipality's hub staff see it and allocate (run the
  proposal, adjust, decide, publish). Staff of another municipality never see it.
- An application belongs to its organisation: the organisation's coordinators see it,
  change it until the deadline and answer the decision; the municipality's staff see and
  decide it. A coordinator sees only their own organisations' applications.
- A municipal service (an organisation of kind "public") may also be applied for by the
  municipality's staff.
"""

from __future__ import annotations

from django.db.models import QuerySet

from frivillighet.enums import OrganisationKind
from frivillighet.permissions import can_coordinate, organisations_coordinated_by
from hubportal import permissions
from hubportal.permissions import EDIT, READ, Action, Policy, register

from .models import ApplicationRound

register(
    "sesong.applicationround",
    Policy(
        municipality=("municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=EDIT,
    ),
)
register(
    "sesong.application",
    Policy(
        municipality=("round__municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=EDIT,
        organisation=("organisation",),
        coordinator=EDIT,
    ),
)
register(
    "sesong.allocation",
    Policy(
        municipality=("round__municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=EDIT,
        organisation=("application__organisation",),
        coordinator=READ,
    ),
)
register(
    "sesong.journalentry",
    Policy(
        municipality=("round__municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=READ,
        municipality_admin=READ,
    ),
)


def can_manage_rounds(user, municipality) -> bool:
    """Create rounds and change their settings: the municipality's administrators."""
    return permissions.can(user, Action.ADD, ApplicationRound(municipality=municipality))


def can_manage_round(user, round) -> bool:
    """Change the round's settings and states before allocation: its administrators."""
    return permissions.can(user, Action.DELETE, round)


def can_allocate(user, round) -> bool:
    """Run the proposal, adjust, decide and publish: the municipality's administrators and
    hub staff (never another municipality's)."""
    return permissions.can(user, Action.CHANGE, round)


def can_view_round_as_staff(user, round) -> bool:
    return permissions.can(user, Action.VIEW, round)


def rounds_visible_to_staff(user, queryset: QuerySet) -> QuerySet:
    return permissions.scoped(user, Action.VIEW, queryset)


def can_apply_for(user, organisation) -> bool:
    """Apply (and change, withdraw, accept, decline) for the organisation: its
    coordinators; for a municipal service also the staff of its municipality."""
    if user is None or not user.is_authenticated:
        return False
    if can_coordinate(user, organisation):
        return True
    return organisation.kind == OrganisationKind.PUBLIC and permissions.can(
        user, Action.CHANGE, organisation
    )


def organisations_to_apply_for(user) -> QuerySet:
    """The organisations the user may apply for (coordinated ones; municipal services of
    the staff's municipalities)."""
    from_coordination = organisations_coordinated_by(user)
    scope = permissions.scope_of(user)
    municipalities = scope.municipality_ids | scope.hub_municipality_ids
    if not municipalities and not scope.is_superuser:
        return from_coordination
    public = from_coordination.model.objects.filter(kind=OrganisationKind.PUBLIC)
    if not scope.is_superuser:
        public = public.filter(municipality_id__in=municipalities)
    return (from_coordination | public).distinct()


def can_view_application(user, application) -> bool:
    return can_apply_for(user, application.organisation) or permissions.can(
        user, Action.VIEW, application
    )


def applications_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Coordinators their organisations' applications; staff their municipality's."""
    return permissions.scoped(user, Action.VIEW, queryset)


def can_decide(user, application) -> bool:
    return can_allocate(user, application.round)
