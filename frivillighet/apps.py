from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrivillighetConfig(AppConfig):
    name = "frivillighet"
    verbose_name = _("Volunteering")

    def ready(self):
        from hubportal.accounts.services import personal_data_section

        @personal_data_section("volunteering")
        def _volunteering(user) -> dict:
            from .models import ShiftSignup, VolunteerProfile

            profile = (
                VolunteerProfile.objects.filter(user=user)
                .values(
                    "birth_date",
                    "skills",
                    "languages",
                    "availability",
                    "consent_to_contact",
                    "police_certificate_checked_on",
                    "police_certificate_valid_until",
                )
                .first()
            )
            shifts = [
                {
                    "opportunity": s.shift.opportunity.title,
                    "starts_at": s.shift.starts_at.isoformat(),
                    "status": s.status,
                    "hours": str(s.hours) if s.hours is not None else None,
                }
                for s in ShiftSignup.objects.filter(volunteer=user).select_related(
                    "shift__opportunity"
                )
            ]
            return {"profile": profile, "shifts": shifts}
