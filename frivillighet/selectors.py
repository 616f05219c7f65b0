"""Reads other apps ask of volunteering."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .enums import AgreementStatus
from .models import CooperationAgreement


def active_agreement(*, organisation_id: int, hub) -> CooperationAgreement | None:
    """The organisation's agreement in force today with the hub or its whole municipality."""
    today = timezone.localdate()
    return (
        CooperationAgreement.objects.filter(
            organisation_id=organisation_id,
            status=AgreementStatus.ACTIVE,
            starts_on__lte=today,
            ends_on__gte=today,
            municipality_id=hub.municipality_id,
        )
        .filter(Q(hub__isnull=True) | Q(hub=hub))
        .order_by("-free_room_use")
        .first()
    )
