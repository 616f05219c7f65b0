"""hubportal: district portals for municipalities that run local citizen hubs."""

from .celery import app as celery_app

__all__ = ["celery_app"]
