"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Notification


def notifications_to_person(*, user, addresses) -> QuerySet[Notification]:
    """Every message to the person: to their account, or to one of their verified
    addresses without it (a guest registration's messages)."""
    to_address = Q(pk__in=[])
    for address in addresses:
        to_address |= Q(to_address__iexact=address)
    return Notification.objects.filter(Q(recipient=user) | (Q(recipient__isnull=True) & to_address))
