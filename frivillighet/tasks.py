from celery import shared_task

from . import services


@shared_task(name="frivillighet.tasks.weekly_digest", ignore_result=True)
def weekly_digest() -> int:
    return services.weekly_digest()


@shared_task(name="frivillighet.tasks.agreements_expiring", ignore_result=True)
def agreements_expiring() -> int:
    return services.agreements_remind_expiring()


@shared_task(name="frivillighet.tasks.refresh_register_records", ignore_result=True)
def refresh_register_records() -> int:
    return services.organisation_register_refresh_due()
