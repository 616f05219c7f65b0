"""Objects of registered models are re-indexed after the transaction that changed them
commits, whichever path changed them (a service, the admin, the demo loader)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .registry import provider_for


def _saved(sender, instance, raw=False, **kwargs):
    if raw or provider_for(sender) is None:
        return
    from .services import search_index_object

    transaction.on_commit(lambda: search_index_object(obj=instance))


def _deleted(sender, instance, **kwargs):
    if provider_for(sender) is None:
        return
    from .services import search_remove_object

    pk = instance.pk
    transaction.on_commit(lambda: search_remove_object(model=sender, pk=pk))


def connect() -> None:
    post_save.connect(_saved, dispatch_uid="hubportal.search.saved")
    post_delete.connect(_deleted, dispatch_uid="hubportal.search.deleted")
