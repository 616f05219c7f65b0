from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import door_codes, services


@shared_task(name="booking.tasks.remind_stale_requests", ignore_result=True)
def remind_stale_requests() -> int:
    return services.booking_remind_stale_requests(
        older_than=timedelta(hours=settings.BOOKING_REQUEST_REMINDER_HOURS)
    )


@shared_task(name="booking.tasks.sync_door_codes", ignore_result=True)
def sync_door_codes(occurrence_ids: list[int] | None = None) -> int:
    result = door_codes.door_codes_sync(occurrence_ids=occurrence_ids)
    return result.issued + result.revoked + result.removed
