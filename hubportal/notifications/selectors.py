"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .enums import Channel, ChannelChoice
from .models import MessagePreference, Notification


def notifications_to_person(*, user, addresses) -> QuerySet[Notification]:
    """Every message to the person: to their account, or to one of their verified
    addresses without it (a guest registration's messages)."""
    to_address = Q(pk__in=[])
    for address in addresses:
        to_address |= Q(to_address__iexact=address)
    return Notification.objects.filter(Q(recipient=user) | (Q(recipient__isnull=True) & to_address))


def message_preferences(*, user) -> dict[str, str]:
    """The person's channel per kind of message (kinds without a choice are email)."""
    return dict(MessagePreference.objects.filter(user=user).values_list("kind", "channels"))


def message_channels(*, user, kind: str) -> list[str]:
    """The channels a message of this kind goes by to this person: what they chose, but
    email when they chose SMS and have no mobile number."""
    chosen = message_preferences(user=user).get(kind, ChannelChoice.EMAIL)
    channels = ChannelChoice(chosen).channels()
    if not getattr(user, "phone", ""):
        channels = [Channel.EMAIL]
    return channels
