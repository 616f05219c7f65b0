"""Regional coordinations: the cooperations whose figures the person sees."""

from __future__ import annotations

from hubportal.accounts import registry

from .models import RegionalCoordinator
from .services import regional_coordinator_remove


def _coordinations(user):
    return RegionalCoordinator.objects.filter(user=user).select_related("cooperation")


def _export(user) -> list[dict]:
    return [{"cooperation": c.cooperation.name} for c in _coordinations(user).order_by("pk")]


def _erase(user) -> None:
    for coordinator in _coordinations(user):
        regional_coordinator_remove(coordinator=coordinator)


registry.register(
    "regional_coordinator",
    export=_export,
    erase=_erase,
    models=["samarbeid.RegionalCoordinator"],
    order=210,
)
