"""The one permission module: "may this user do X to this object?" and "which objects may
this user touch?", for every app. Views, services and the admin all ask here.

Roles
    citizen                  everyone, signed in or not: public pages, own registrations
    association coordinator  acts for the organisations they coordinate (frivillighet)
    hub staff                manages the hubs they are members of
    municipality admin       manages everything in their municipality
    superuser                everything, on every municipality of the installation

Memberships (who is staff where) are rows in the apps that own the scoped objects; each
app registers a *membership source* that adds the user's municipalities, hubs and
organisations to their :class:`Scope`. Each scoped model registers a :class:`Policy`
that says how an object reaches its municipality, hub or organisation, and which actions
each role may take. Django's per-model permissions are not used for scoped models: the
policy is the only source of truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ASSOCIATION_COORDINATOR = "association_coordinator", _("Association coordinator")
    HUB_STAFF = "hub_staff", _("Hub staff")
    MUNICIPALITY_ADMIN = "municipality_admin", _("Municipality administrator")
    SUPERUSER = "superuser", _("Superuser")


class Action(models.TextChoices):
    VIEW = "view", _("view")
    ADD = "add", _("add")
    CHANGE = "change", _("change")
    DELETE = "delete", _("delete")


ALL_ACTIONS = frozenset(Action)
READ = frozenset({Action.VIEW})
EDIT = frozenset({Action.VIEW, Action.CHANGE})


@dataclass
class Scope:
    """Where a user holds a role. Built once per user object and cached on it."""

    is_superuser: bool = False
    municipality_ids: set[int] = field(default_factory=set)
    hub_ids: set[int] = field(default_factory=set)
    hub_municipality_ids: set[int] = field(default_factory=set)  # where their hubs are
    organisation_ids: set[int] = field(default_factory=set)

    @property
    def roles(self) -> set[Role]:
        roles = {Role.CITIZEN}
        if self.is_superuser:
            roles.add(Role.SUPERUSER)
        if self.municipality_ids:
            roles.add(Role.MUNICIPALITY_ADMIN)
        if self.hub_ids:
            roles.add(Role.HUB_STAFF)
        if self.organisation_ids:
            roles.add(Role.ASSOCIATION_COORDINATOR)
        return roles

    @property
    def is_staff_anywhere(self) -> bool:
        return self.is_superuser or bool(self.municipality_ids or self.hub_ids)


MembershipSource = Callable[[object, Scope], None]
_membership_sources: list[MembershipSource] = []


def membership_source(function: MembershipSource) -> MembershipSource:
    """Register a function that adds a user's memberships to their scope."""
    _membership_sources.append(function)
    return function


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_hubportal_scope", None)
    if cached is None:
        cached = Scope(is_superuser=user.is_superuser)
        for source in _membership_sources:
            source(user, cached)
        user._hubportal_scope = cached
    return cached


def forget_scope(user) -> None:
    """Call after changing a user's memberships within the same request."""
    user.__dict__.pop("_hubportal_scope", None)


def roles_of(user) -> set[Role]:
    return scope_of(user).roles


# --------------------------------------------------------------------------- policies


@dataclass(frozen=True)
class Policy:
    """How objects of one model reach the scope, and what each role may do with them.

    Paths are ORM lookups from the model to a primary key ("pk" for the object itself),
    e.g. ``municipality="hub__district__municipality"``; several paths are alternatives.
    """

    municipality: tuple[str, ...] = ()
    hub: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()
    municipality_admin: frozenset[str] = ALL_ACTIONS
    hub_staff: frozenset[str] = ALL_ACTIONS
    coordinator: frozenset[str] = frozenset()
    # What hub staff may do with objects of the municipalities their hubs are in (e.g. read
    # the municipality's service catalogue to say which services their hub offers).
    staff_in_municipality: frozenset[str] = frozenset()

    def _grants(self, scope: Scope):
        return (
            (self.municipality, self.municipality_admin, scope.municipality_ids),
            (self.hub, self.hub_staff, scope.hub_ids),
            (self.organisation, self.coordinator, scope.organisation_ids),
            (self.municipality, self.staff_in_municipality, scope.hub_municipality_ids),
        )

    def q(self, scope: Scope, action: str) -> Q | None:
        """A filter for the objects the scope may act on; None when it may act on none."""
        conditions: list[Q] = []
        for paths, actions, ids in self._grants(scope):
            if ids and action in actions:
                conditions += [Q(**{_lookup(path): sorted(ids)}) for path in paths]
        return reduce(or_, conditions) if conditions else None

    def allows(self, scope: Scope, action: str, obj) -> bool:
        return any(
            ids and action in actions and any(_resolve(obj, path) in ids for path in paths)
            for paths, actions, ids in self._grants(scope)
        )

    def may_some(self, scope: Scope, action: str) -> bool:
        """Whether the scope may take the action on at least some objects of the model."""
        return self.q(scope, action) is not None


def _lookup(path: str) -> str:
    return "pk__in" if path == "pk" else f"{path}__in"


def _resolve(obj, path: str):
    """Follow an ORM path on an object (saved or not) to the primary key at its end."""
    if path == "pk":
        return obj.pk
    *relations, last = path.split("__")
    for relation in relations:
        obj = getattr(obj, relation, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


_policies: dict[str, Policy] = {}


def register(model_label: str, policy: Policy) -> None:
    """Register the policy of a scoped model, by label ("knutepunkt.hub")."""
    _policies[model_label.lower()] = policy


def policy_for(model) -> Policy:
    label = model._meta.label_lower
    try:
        return _policies[label]
    except KeyError:
        raise LookupError(f"no permission policy registered for {label}") from None


# --------------------------------------------------------------------------- questions


def can(user, action: str, obj) -> bool:
    """May this user take the action on this object (saved, or about to be added)?"""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    return policy_for(type(obj)).allows(scope, action, obj)


def can_some(user, action: str, model) -> bool:
    """May this user take the action on at least some objects of this model?"""
    scope = scope_of(user)
    return scope.is_superuser or policy_for(model).may_some(scope, action)


def scoped(user, action: str, queryset: QuerySet) -> QuerySet:
    """The objects of the queryset that this user may take the action on."""
    scope = scope_of(user)
    if scope.is_superuser:
        return queryset
    condition = policy_for(queryset.model).q(scope, action)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def registered_models() -> Iterable[str]:
    return sorted(_policies)


# --------------------------------------------------------------------------- the rules
# Every scoped model of every app, in one place. Paths lead to the municipality, the hub
# or the organisation an object belongs to.


@membership_source
def _staff_memberships(user, scope: Scope) -> None:
    from knutepunkt.models import StaffMembership

    memberships = StaffMembership.objects.filter(user=user).values_list(
        "role", "municipality_id", "hub_id", "hub__municipality_id"
    )
    for role, municipality_id, hub_id, hub_municipality_id in memberships:
        if role == Role.MUNICIPALITY_ADMIN and municipality_id:
            scope.municipality_ids.add(municipality_id)
        elif role == Role.HUB_STAFF and hub_id:
            scope.hub_ids.add(hub_id)
            scope.hub_municipality_ids.add(hub_municipality_id)


# knutepunkt: a municipality admin manages everything in the municipality (but not the
# municipality's own row beyond viewing and editing it); hub staff manage their hubs'
# description, hours and news, and see (not change) their district and municipality.
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
# Municipality admins appoint staff for the hubs of their municipality.
register(
    "knutepunkt.staffmembership",
    Policy(
        municipality=("municipality", "hub__municipality"),
        hub_staff=frozenset(),
    ),
)


def municipality_id_of(obj) -> int | None:
    """The municipality a scoped object belongs to (None for unscoped models)."""
    policy = _policies.get(type(obj)._meta.label_lower)
    if policy is None or not policy.municipality:
        return None
    for path in policy.municipality:
        value = _resolve(obj, path)
        if value is not None:
            return value
    return None


# innbyggertorg: the municipality keeps the service catalogue (hub staff read it); hub staff
# say which services their hubs offer and when rotating services are there.
register(
    "innbyggertorg.servicetype",
    Policy(
        municipality=("municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=READ,
    ),
)
register("innbyggertorg.serviceoffer", Policy(municipality=("hub__municipality",), hub=("hub",)))
register(
    "innbyggertorg.serviceschedule",
    Policy(
        municipality=("hub__municipality",),
        hub=("hub",),
    ),
)
register(
    "innbyggertorg.schedulecancellation",
    Policy(
        municipality=("schedule__hub__municipality",),
        hub=("schedule__hub",),
    ),
)
register("innbyggertorg.event", Policy(municipality=("municipality",), hub=("hub",)))
# Registrations hold personal data: staff of the event's hub (and the municipality) only.
register(
    "innbyggertorg.registration",
    Policy(
        municipality=("event__municipality",),
        hub=("event__hub",),
    ),
)

# booking: staff manage their hubs' resources and every booking of them.
register("booking.resource", Policy(municipality=("municipality",), hub=("hub",)))
register(
    "booking.booking", Policy(municipality=("resource__municipality",), hub=("resource__hub",))
)
register(
    "booking.occurrence", Policy(municipality=("resource__municipality",), hub=("resource__hub",))
)


@membership_source
def _organisation_coordinators(user, scope: Scope) -> None:
    from frivillighet.models import OrganisationMember

    scope.organisation_ids.update(
        OrganisationMember.objects.filter(user=user, role="coordinator").values_list(
            "organisation_id", flat=True
        )
    )


# frivillighet: staff of a municipality (and its hubs, for what happens at their hub) and
# the organisation's own coordinators.
register(
    "frivillighet.organisation",
    Policy(
        municipality=("municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=EDIT,
        organisation=("pk",),
        coordinator=EDIT,
    ),
)
register(
    "frivillighet.activity",
    Policy(
        municipality=("organisation__municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=READ,
        organisation=("organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
register(
    "frivillighet.cooperationagreement",
    Policy(
        municipality=("municipality",),
        hub=("hub",),
        organisation=("organisation",),
        coordinator=READ,
    ),
)
register(
    "frivillighet.opportunity",
    Policy(
        municipality=("hub__municipality",),
        hub=("hub",),
        organisation=("organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
register(
    "frivillighet.shift",
    Policy(
        municipality=("opportunity__hub__municipality",),
        hub=("opportunity__hub",),
        organisation=("opportunity__organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
register(
    "frivillighet.shiftsignup",
    Policy(
        municipality=("shift__opportunity__hub__municipality",),
        hub=("shift__opportunity__hub",),
        organisation=("shift__opportunity__organisation",),
        coordinator=EDIT,
    ),
)
register(
    "frivillighet.shifttemplate",
    Policy(
        municipality=("opportunity__hub__municipality",),
        hub=("opportunity__hub",),
        organisation=("opportunity__organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
register(
    "frivillighet.organisationmember",
    Policy(
        municipality=("organisation__municipality",),
        hub_staff=frozenset(),
        organisation=("organisation",),
        coordinator=ALL_ACTIONS,
    ),
)
