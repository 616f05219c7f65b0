"""An audit trail of staff actions on personal data. Changes made in the admin are logged by
Django's own LogEntry; exports of personal data are logged here, in the same table, so one
list in the admin ("Recent actions" / LogEntry) shows both."""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType


def audit_personal_data(user, what: str, objects=None) -> None:
    """Record that `user` did `what` with personal data (e.g. exported an attendee list)."""
    objects = list(objects) if objects is not None else [user]
    for obj in objects:
        LogEntry.objects.create(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message=str(what),
        )
