"""The one permission module: "may this user do X to this object?", "which objects may
this user touch?" and "who may act on this object?", for every app. Views, services,
selectors, templates and the admin all ask here, or ask a named question of an app's own
``permissions.py`` that is built on this module.

Roles
    citizen                  everyone, signed in or not: public pages, own registrations
    association coordinator  acts for the organisations they coordinate (frivillighet)
    hub staff                manages the hubs they are members of
    finance staff            see the payments, refunds and invoice bases of their
                             municipality, and export its invoice basis
    municipality admin       manages everything in their municipality
    regional coordinator     sees the aggregated figures of the cooperations they coordinate
                             (samarbeid), never a member's personal data as such
    superuser                everything, on every municipality of the installation

This module holds only the machinery; it imports no app. Each app declares its rules in
its own ``permissions.py`` (found by :func:`autodiscover`, called from
``hubportal.core``'s ``AppConfig.ready``, as ``search_documents.py`` is found):

- a *membership source* (:func:`membership_source`) adds the user's municipalities, hubs
  and organisations to their :class:`Scope`, and lists the members of given
  municipalities, hubs or organisations (for :func:`users_who_can`);
- a :class:`Policy` per scoped model (:func:`register`) says how an object reaches its
  municipality, hub or organisation, and which actions each role may take;
- named questions of the app's domain (``booking.permissions.books_as_staff``,
  ``frivillighet.permissions.can_check_in``, …) built on :func:`can` and :func:`scope_of`.

Django's per-model permissions are not used for scoped models: the policy is the only
source of truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ASSOCIATION_COORDINATOR = "association_coordinator", _("Association coordinator")
    HUB_STAFF = "hub_staff", _("Hub staff")
    FINANCE_STAFF = "finance_staff", _("Finance staff")
    MUNICIPALITY_ADMIN = "municipality_admin", _("Municipality administrator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
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
    cooperation_ids: set[int] = field(default_factory=set)  # as regional coordinator
    finance_municipality_ids: set[int] = field(default_factory=set)

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
        if self.cooperation_ids:
            roles.add(Role.REGIONAL_COORDINATOR)
        if self.finance_municipality_ids:
            roles.add(Role.FINANCE_STAFF)
        return roles

    @property
    def is_staff_anywhere(self) -> bool:
        return self.is_superuser or bool(
            self.municipality_ids or self.hub_ids or self.finance_municipality_ids
        )


# The kinds of membership a scope holds, by the Scope field that holds their ids, and the
# role each gives.
MEMBERSHIP_ROLES: dict[str, Role] = {
    "municipality_ids": Role.MUNICIPALITY_ADMIN,
    "hub_ids": Role.HUB_STAFF,
    "hub_municipality_ids": Role.HUB_STAFF,
    "organisation_ids": Role.ASSOCIATION_COORDINATOR,
    "cooperation_ids": Role.REGIONAL_COORDINATOR,
    "finance_municipality_ids": Role.FINANCE_STAFF,
}


@dataclass(frozen=True)
class MembershipSource:
    """Where memberships are stored. ``add_to_scope(user, scope)`` adds a user's ids to
    their scope; ``members(kind, ids)`` answers the reverse: a queryset of the ids of the
    users holding a membership of that kind (a :class:`Scope` field name, e.g.
    "hub_ids") in any of the ids (anywhere, when ids is None), or None when the source
    keeps no such memberships."""

    add_to_scope: Callable[[object, Scope], None]
    members: Callable[[str, set[int] | None], QuerySet | None]


_membership_sources: list[MembershipSource] = []


def membership_source(*, members: Callable[[str, set[int] | None], QuerySet | None]):
    """Decorate ``add_to_scope(user, scope)`` as a membership source; ``members`` lists
    the members of given municipalities, hubs or organisations (see MembershipSource)."""

    def decorator(add_to_scope: Callable[[object, Scope], None]):
        _membership_sources.append(MembershipSource(add_to_scope, members))
        return add_to_scope

    return decorator


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_hubportal_scope", None)
    if cached is None:
        cached = Scope(is_superuser=user.is_superuser)
        for source in _membership_sources:
            source.add_to_scope(user, cached)
        user._hubportal_scope = cached
    return cached


def roles_of(user) -> set[Role]:
    return scope_of(user).roles


def autodiscover() -> None:
    """Import every installed app's ``permissions.py``: its policies and membership
    sources register themselves."""
    autodiscover_modules("permissions")


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
    cooperation: tuple[str, ...] = ()
    municipality_admin: frozenset[str] = ALL_ACTIONS
    hub_staff: frozenset[str] = ALL_ACTIONS
    coordinator: frozenset[str] = frozenset()
    # What hub staff may do with objects of the municipalities their hubs are in (e.g. read
    # the municipality's service catalogue to say which services their hub offers).
    staff_in_municipality: frozenset[str] = frozenset()
    # What a regional coordinator may do with objects of the cooperations they coordinate.
    regional_coordinator: frozenset[str] = frozenset()
    # What the municipality's finance staff may do with its objects (payments, refunds,
    # invoice bases: nothing else).
    finance: frozenset[str] = frozenset()

    def grants(self) -> tuple[tuple[tuple[str, ...], frozenset[str], str], ...]:
        """(paths to the object's ids, actions granted, the Scope field holding the ids)."""
        return (
            (self.municipality, self.municipality_admin, "municipality_ids"),
            (self.hub, self.hub_staff, "hub_ids"),
            (self.organisation, self.coordinator, "organisation_ids"),
            (self.municipality, self.staff_in_municipality, "hub_municipality_ids"),
            (self.cooperation, self.regional_coordinator, "cooperation_ids"),
            (self.municipality, self.finance, "finance_municipality_ids"),
        )

    def q(self, scope: Scope, action: str) -> Q | None:
        """A filter for the objects the scope may act on; None when it may act on none."""
        conditions: list[Q] = []
        for paths, actions, kind in self.grants():
            ids = getattr(scope, kind)
            if ids and action in actions:
                conditions += [Q(**{_lookup(path): sorted(ids)}) for path in paths]
        return reduce(or_, conditions) if conditions else None

    def allows(self, scope: Scope, action: str, obj) -> bool:
        return any(
            getattr(scope, kind)
            and action in actions
            and any(_resolve(obj, path) in getattr(scope, kind) for path in paths)
            for paths, actions, kind in self.grants()
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


def registered_models() -> Iterable[str]:
    return sorted(_policies)


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
    return scoped_to(scope_of(user), action, queryset)


def scope_allows(scope: Scope, action: str, obj) -> bool:
    """May a scope that belongs to no user (an API token's) take the action on the object?
    The same policies answer as for users."""
    return scope.is_superuser or policy_for(type(obj)).allows(scope, action, obj)


def scoped_to(scope: Scope, action: str, queryset: QuerySet) -> QuerySet:
    """The objects of the queryset a scope that belongs to no user may take the action on."""
    if scope.is_superuser:
        return queryset
    condition = policy_for(queryset.model).q(scope, action)
    return queryset.none() if condition is None else queryset.filter(condition)


def users_who_can(action: str, obj, *, roles: Iterable[Role] | None = None) -> QuerySet:
    """The active users whose memberships let them take the action on the object, e.g. to
    tell the staff of a hub about it; ``roles`` keeps only memberships of those roles.
    Superusers may act on everything but are nobody's staff: they are not listed."""
    wanted = set(roles) if roles is not None else set(Role)
    policy = policy_for(type(obj))
    members: list[QuerySet] = []
    for paths, actions, kind in policy.grants():
        if action not in actions or MEMBERSHIP_ROLES[kind] not in wanted:
            continue
        ids = {value for path in paths if (value := _resolve(obj, path)) is not None}
        if not ids:
            continue
        for source in _membership_sources:
            found = source.members(kind, ids)
            if found is not None:
                members.append(found)
    users = get_user_model().objects.filter(is_active=True)
    if not members:
        return users.none()
    return users.filter(reduce(or_, (Q(pk__in=found) for found in members))).order_by("pk")


def is_staff_anywhere(user) -> bool:
    """Hub staff, a municipality administrator or a superuser: someone who works in the
    admin and may act outside the citizens' rules somewhere."""
    return scope_of(user).is_staff_anywhere


def is_staff_member(user) -> bool:
    """Hub staff or a municipality administrator somewhere (a membership; superusers as
    such are not staff members)."""
    scope = scope_of(user)
    return bool(scope.municipality_ids or scope.hub_ids)


def staff_members() -> QuerySet:
    """Every user who is hub staff or a municipality administrator somewhere."""
    found = [
        members
        for source in _membership_sources
        for kind in ("municipality_ids", "hub_ids")
        if (members := source.members(kind, None)) is not None
    ]
    users = get_user_model().objects.all()
    if not found:
        return users.none()
    return users.filter(reduce(or_, (Q(pk__in=members) for members in found)))


def staff_municipality_ids(user) -> set[int]:
    """The municipalities a staff member works for: those they administer, those their
    hubs are in and those whose finances they see (empty for a citizen; a superuser as
    such works for none of them)."""
    scope = scope_of(user)
    return scope.municipality_ids | scope.hub_municipality_ids | scope.finance_municipality_ids


def staff_hub_ids(user) -> set[int]:
    """The hubs where the user is a member of the staff."""
    return set(scope_of(user).hub_ids)


def finance_municipality_ids(user) -> set[int]:
    """The municipalities whose finances (payments, invoicing) the user sees as finance
    staff."""
    return set(scope_of(user).finance_municipality_ids)


def administered_municipality_ids(user) -> set[int]:
    """The municipalities the user administers."""
    return set(scope_of(user).municipality_ids)


def is_staff_or_coordinator_anywhere(user) -> bool:
    """Staff anywhere, or the coordinator of some organisation."""
    scope = scope_of(user)
    return scope.is_staff_anywhere or bool(scope.organisation_ids)


def is_installation_admin(user) -> bool:
    """A superuser: manages the installation itself (accounts, every municipality)."""
    return scope_of(user).is_superuser


def coordinated_cooperation_ids(user) -> set[int]:
    """The cooperations the user is a regional coordinator of."""
    return set(scope_of(user).cooperation_ids)


def is_regional_coordinator_of(user, cooperation_id: int) -> bool:
    """A regional coordinator of this cooperation (superusers as such are not)."""
    return cooperation_id in scope_of(user).cooperation_ids


def may_see_personal_data_of(user, municipality_id: int) -> bool:
    """Whether the user may see personal data of this municipality's residents and bookers:
    a superuser, or staff there. A regional coordinator as such may not: the cooperation's
    figures are aggregates."""
    scope = scope_of(user)
    return scope.is_superuser or municipality_id in staff_municipality_ids(user)
