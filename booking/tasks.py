from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="booking.tasks.remind_stale_requests", ignore_result=True)
def remind_stale_requests() -> int:
    return services.booking_remind_stale_requests(
        older_than=timedelta(hours=settings.BOOKING_REQUEST_REMINDER_HOURS)
    )
