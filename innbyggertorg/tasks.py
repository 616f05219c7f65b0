from celery import shared_task

from . import services


@shared_task(name="innbyggertorg.tasks.purge_past_registrations", ignore_result=True)
def purge_past_registrations() -> int:
    return services.registrations_purge_past()
