from celery import shared_task

from . import services


@shared_task(name="hubportal.accounts.tasks.purge_ended_identity_sessions", ignore_result=True)
def purge_ended_identity_sessions() -> int:
    return services.identity_sessions_purge_ended()
