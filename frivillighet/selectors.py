"""Reads other apps ask of volunteering."""

from __future__ import annotations

from django.db.models import Q, Sum
from django.utils import timezone

from .enums import AgreementStatus, SignupStatus
from .models import CooperationAgreement, ShiftSignup
from .permissions import can_check_in, can_check_out


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


def volunteer_shifts(*, user, now=None) -> dict:
    """A volunteer's upcoming shifts (each saying whether they may check in or out now),
    their history and the hours they have given in all."""
    now = now or timezone.now()
    signups = (
        ShiftSignup.objects.filter(volunteer=user)
        .select_related("shift__opportunity__hub")
        .order_by("shift__starts_at")
    )
    upcoming = [s for s in signups if s.shift.ends_at > now and s.status != SignupStatus.WITHDRAWN]
    for signup in upcoming:
        signup.may_check_in = can_check_in(user, signup, now=now)
        signup.may_check_out = can_check_out(user, signup)
    return {
        "upcoming": upcoming,
        "history": [s for s in signups if s.shift.ends_at <= now],
        "total_hours": signups.filter(no_show=False).aggregate(total=Sum("hours"))["total"] or 0,
    }
