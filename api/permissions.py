"""Who may do what with API tokens and webhook subscriptions, and what a token may read.

Tokens are the municipality administrators' (and superusers'): hub staff neither see nor
create them. A token acts with the scope of an administrator of its one municipality,
read-only: the apps' own policies (``hubportal.permissions``) answer what it may read, so
a token reads exactly the bookings and statistics an administrator of its municipality
would see, and nothing of another municipality."""

from __future__ import annotations

from django.db.models import QuerySet

from hubportal import permissions
from hubportal.permissions import EDIT, Action, Policy, Scope, register

register("api.apitoken", Policy(municipality=("municipality",), hub_staff=frozenset()))
# Webhook subscriptions are the municipality administrators' too (each sends the
# municipality's changes to a system outside the portal); their deliveries are read, and
# sent again, but never made or edited by hand.
register("api.webhooksubscription", Policy(municipality=("municipality",), hub_staff=frozenset()))
# Applications citizens may let read their own bookings and registrations (OAuth 2) are
# registered by the municipality's administrators.
register("api.oauthclient", Policy(municipality=("municipality",), hub_staff=frozenset()))
register(
    "api.webhookdelivery",
    Policy(
        municipality=("subscription__municipality",),
        municipality_admin=EDIT,
        hub_staff=frozenset(),
    ),
)


def can_create_api_token(user, token) -> bool:
    """May this user create this token (not saved yet) for its municipality? Its
    administrators and superusers."""
    return permissions.can(user, Action.ADD, token)


def can_revoke_api_token(user, token) -> bool:
    return permissions.can(user, Action.CHANGE, token)


def can_manage_webhook(user, subscription) -> bool:
    """May this user make (not saved yet) or change this webhook subscription? The
    administrators of its municipality and superusers; hub staff may not."""
    action = Action.ADD if subscription.pk is None else Action.CHANGE
    return permissions.can(user, action, subscription)


def can_manage_oauth_client(user, client) -> bool:
    """May this user register (not saved yet), change or remove this OAuth application?"""
    if client.pk is None:
        return permissions.can(user, Action.ADD, client)
    return permissions.can(user, Action.CHANGE, client)


def oauth_token_allows(token, scope: str) -> bool:
    """May this (usable) OAuth access token read what ``scope`` covers? Only its own
    person's data: the reads filter by ``token.user``."""
    return token.is_valid([scope]) and token.user is not None and token.user.is_active


def can_resend_webhook(user, delivery) -> bool:
    """May this user send a failed webhook message again (from the admin)?"""
    return permissions.can(user, Action.CHANGE, delivery)


def token_scope(token) -> Scope:
    """What a token stands for: an administrator of its municipality, and nothing else."""
    return Scope(municipality_ids={token.municipality_id})


def token_may_read(token, obj) -> bool:
    """May this (usable) token read this object (a hub, a resource, a booking)?"""
    return token.is_usable() and permissions.scope_allows(token_scope(token), Action.VIEW, obj)


def token_readable(token, queryset: QuerySet) -> QuerySet:
    """The objects of the queryset this token may read."""
    if not token.is_usable():
        return queryset.none()
    return permissions.scoped_to(token_scope(token), Action.VIEW, queryset)
