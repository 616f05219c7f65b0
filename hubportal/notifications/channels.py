"""Channels that apps deliver through the outbox themselves (the API's webhooks): the app
registers how a message of its channel is sent, and what a delivery that succeeded or
failed means for it. The outbox keeps the rest: the row, the lock, the retries with
backoff, the failed state and the admin's "send again"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class RefusedForGood(Exception):
    """Sending again would not help (the channel's receiver is gone or disabled): the row
    is failed at once, with this as its last error."""


@dataclass(frozen=True)
class ChannelHandler:
    # send(notification): sends it, or raises; runs while the row is locked, in the
    # savepoint that marks it sent.
    send: Callable
    # failed(notification, error, final): after a failed attempt, in the transaction that
    # records it (final: no attempt follows).
    failed: Callable | None = None


_handlers: dict[str, ChannelHandler] = {}


def channel_handler(channel: str, handler: ChannelHandler) -> None:
    _handlers[channel] = handler


def handler_for(channel: str) -> ChannelHandler | None:
    return _handlers.get(channel)
