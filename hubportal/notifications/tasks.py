"""Thin Celery tasks: take ids, call a service. The outbox row carries the state, so a task
that is lost, duplicated or run late does no harm."""

from celery import shared_task

from . import services


@shared_task(name="hubportal.notifications.tasks.deliver_notification", ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    result = services.notification_deliver(notification_id=notification_id)
    if result.outcome == "retry":
        services.notification_dispatch_if_soon(notification_id=notification_id, due=result.retry_at)
    return result.outcome


@shared_task(name="hubportal.notifications.tasks.dispatch_due_notifications", ignore_result=True)
def dispatch_due_notifications() -> int:
    return services.notification_dispatch_due()


@shared_task(name="hubportal.notifications.tasks.purge_old_notifications", ignore_result=True)
def purge_old_notifications() -> int:
    return services.notification_purge_old()
