"""An audit trail of staff actions on personal data. Changes made in the admin are logged by
Django's own LogEntry; exports of personal data are logged here, in the same table, so one
list in the admin ("Recent actions" / LogEntry) shows both."""

from __future__ import annotations

from itertools import islice

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet


def audit_personal_data(user, what: str, objects=None) -> None:
    """Record that `user` did `what` with personal data (e.g. exported an attendee list):
    one log entry per object (each event whose list was exported), written a thousand at a
    time. A queryset is read in chunks, so an export of ten thousand events is
    logged in a few statements, in constant memory."""
    if objects is None:
        objects = [user]
    if isinstance(objects, QuerySet):  # read in chunks (pass .only() what __str__ needs)
        objects = objects.select_related(None).order_by().iterator(chunk_size=2000)
    entries = (
        LogEntry(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message=str(what),
        )
        for obj in objects
    )
    while batch := list(islice(entries, 1000)):
        LogEntry.objects.bulk_create(batch)
