"""Volunteering: the volunteer profile, shift sign-ups with hours, organisation memberships."""

from __future__ import annotations

from hubportal.accounts import registry
from hubportal.accounts.registry import iso

from .models import OrganisationMember, ShiftSignup, VolunteerProfile
from .services import volunteer_erase_person


def _export(user) -> dict:
    profile = VolunteerProfile.objects.filter(user=user).prefetch_related("districts").first()
    return {
        "profile": None
        if profile is None
        else {
            "birth_date": iso(profile.birth_date),
            "skills": profile.skills,
            "languages": profile.languages,
            "districts": sorted(d.name for d in profile.districts.all()),
            "availability": profile.availability,
            "consent_to_contact": profile.consent_to_contact,
            "police_certificate_checked_on": iso(profile.police_certificate_checked_on),
            "police_certificate_valid_until": iso(profile.police_certificate_valid_until),
        },
        "shifts": [
            {
                "opportunity": s.shift.opportunity.title,
                "hub": s.shift.opportunity.hub.name,
                "starts_at": iso(s.shift.starts_at),
                "ends_at": iso(s.shift.ends_at),
                "status": s.status,
                "hours": str(s.hours) if s.hours is not None else None,
                "no_show": s.no_show,
                "checked_in_at": iso(s.checked_in_at),
                "checked_out_at": iso(s.checked_out_at),
                "signed_up_at": iso(s.created_at),
            }
            for s in ShiftSignup.objects.filter(volunteer=user)
            .select_related("shift__opportunity__hub")
            .order_by("shift__starts_at", "pk")
        ],
        "organisations": [
            {"organisation": m.organisation.name, "role": m.role}
            for m in OrganisationMember.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name")
        ],
    }


def _erase(user) -> None:
    volunteer_erase_person(user=user)


registry.register(
    "volunteering",
    export=_export,
    erase=_erase,
    models=[
        "frivillighet.VolunteerProfile",
        "frivillighet.ShiftSignup",
        "frivillighet.OrganisationMember",
    ],
)
