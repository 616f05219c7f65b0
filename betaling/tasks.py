from celery import shared_task

from . import services


@shared_task(name="betaling.tasks.release_unpaid_holds", ignore_result=True)
def release_unpaid_holds() -> int:
    return services.payments_release_unpaid()


@shared_task(name="betaling.tasks.capture_due_payments", ignore_result=True)
def capture_due_payments() -> int:
    return services.payments_capture_due()


@shared_task(name="betaling.tasks.retry_refunds", ignore_result=True)
def retry_refunds() -> int:
    return services.refunds_retry()


@shared_task(name="betaling.tasks.reconcile_payments", ignore_result=True)
def reconcile_payments() -> int:
    return services.payments_reconcile()
