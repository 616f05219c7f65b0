"""Changes that systems outside the portal may subscribe to (the API's webhooks).

An app's service says what happened, inside its own transaction, by calling
:func:`change_happened` once its write is done; the listeners registered here (the API's
webhooks, ``api.webhooks``) write what they send to the outbox in the same transaction, so
a change that is rolled back sends nothing and a committed one is never lost. This module
holds only the names of the kinds and the registry: it imports no app, and the apps never
import the API."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeKind(models.TextChoices):
    BOOKING_CREATED = "booking.created", _("A booking is made")
    BOOKING_CHANGED = "booking.changed", _("A booking is changed (decided, paid, times cancelled)")
    BOOKING_CANCELLED = "booking.cancelled", _("A booking is cancelled")
    EVENT_CHANGED = "event.changed", _("An event is published or changed")
    OPENING_HOURS_CHANGED = "opening_hours.changed", _("A hub's opening hours change")
    REGISTRATION_CREATED = "registration.created", _("Someone registers for an event")


Listener = Callable[..., None]
_listeners: list[Listener] = []


def change_listener(listener: Listener) -> Listener:
    """Register ``listener(kind=..., obj=..., municipality_id=...)``; called in the
    transaction of the change."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def change_happened(*, kind: ChangeKind, obj: models.Model, municipality_id: int | None) -> None:
    """Tell the listeners, in the caller's transaction, that ``obj`` changed this way."""
    if municipality_id is None:
        return
    for listener in _listeners:
        listener(kind=ChangeKind(kind), obj=obj, municipality_id=municipality_id)
