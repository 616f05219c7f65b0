"""Periodic work of seasonal allocation (thin: the service does it)."""

from celery import shared_task

from .services import allocations_release_unanswered


@shared_task(name="sesong.tasks.release_unanswered_allocations")
def release_unanswered_allocations() -> int:
    """Allocations not accepted or declined by their round's deadline are released."""
    return allocations_release_unanswered()
