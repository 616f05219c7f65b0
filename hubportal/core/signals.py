"""Any change to a municipality's content makes its cached pages stale at once."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from hubportal import permissions
from hubportal.core.page_cache import bump_content_version


def _content_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    try:
        municipality_id = permissions.municipality_id_of(instance)
    except Exception:  # an object whose path cannot be followed any more (cascade delete)
        municipality_id = None
    if municipality_id is None and permissions._policies.get(sender._meta.label_lower) is None:
        return
    transaction.on_commit(lambda: bump_content_version(municipality_id))


def connect() -> None:
    post_save.connect(_content_changed, dispatch_uid="hubportal.core.content_saved")
    post_delete.connect(_content_changed, dispatch_uid="hubportal.core.content_deleted")
