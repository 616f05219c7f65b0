from datetime import date, timedelta

from dateutil.easter import easter
from django.db import models
from django.utils.translation import gettext_lazy as _


class SpanState(models.TextChoices):
    """What a hub is during a span of time. Each state carries whether the doors are open."""

    STAFFED = "staffed", _("Staffed")
    SELF_SERVICE = "self_service", _("Self-service (extended opening)")
    BY_APPOINTMENT = "by_appointment", _("By appointment")
    CLOSED = "closed", _("Closed")

    @property
    def is_open(self) -> bool:
        return self in (SpanState.STAFFED, SpanState.SELF_SERVICE)

    @property
    def short_label(self):
        return {
            SpanState.STAFFED: _("staffed"),
            SpanState.SELF_SERVICE: _("self-service"),
            SpanState.BY_APPOINTMENT: _("by appointment"),
            SpanState.CLOSED: _("closed"),
        }[self]


class ExceptionKind(models.TextChoices):
    """An exception period overrides the regular hours: closed, or open at special hours."""

    CLOSED = "closed", _("Closed")
    SPECIAL_HOURS = "special_hours", _("Special hours")

    @property
    def has_hours(self) -> bool:
        return self == ExceptionKind.SPECIAL_HOURS


class ClosedEve(models.TextChoices):
    """Eves that are not public holidays in Norway (the `holidays` package leaves them out)
    but on which municipal offices and libraries commonly close. Each municipality chooses
    which of them close its hubs, like a public holiday; a hub that opens on one anyway
    says so with an exception (special hours)."""

    CHRISTMAS_EVE = "christmas_eve", _("Christmas Eve (24 December)")
    NEW_YEARS_EVE = "new_years_eve", _("New Year's Eve (31 December)")
    EASTER_EVE = "easter_eve", _("Holy Saturday (Easter Eve)")
    WHITSUN_EVE = "whitsun_eve", _("Whitsun Eve (the Saturday before Whit Sunday)")

    def date_in(self, year: int) -> date:
        if self == ClosedEve.CHRISTMAS_EVE:
            return date(year, 12, 24)
        if self == ClosedEve.NEW_YEARS_EVE:
            return date(year, 12, 31)
        easter_sunday = easter(year)
        if self == ClosedEve.EASTER_EVE:
            return easter_sunday - timedelta(days=1)
        return easter_sunday + timedelta(days=48)  # Whit Sunday is 49 days after Easter

    @property
    def calendar_name(self) -> dict[str, str]:
        """Its name beside the holiday names of the `holidays` package, by language."""
        return {
            ClosedEve.CHRISTMAS_EVE: {"nb": "Julaften", "nn": "Julaftan", "en": "Christmas Eve"},
            ClosedEve.NEW_YEARS_EVE: {
                "nb": "Nyttårsaften",
                "nn": "Nyttårsaftan",
                "en": "New Year's Eve",
            },
            ClosedEve.EASTER_EVE: {"nb": "Påskeaften", "nn": "Påskeaftan", "en": "Holy Saturday"},
            ClosedEve.WHITSUN_EVE: {"nb": "Pinseaften", "nn": "Pinseaftan", "en": "Whitsun Eve"},
        }[self]

    @classmethod
    def default(cls) -> list[str]:
        """Closed by default: Christmas Eve and New Year's Eve, when nearly every municipal
        service desk in Norway is closed, and Easter Eve, in the middle of the Easter
        holidays. Whitsun Eve is left to each municipality."""
        return [cls.CHRISTMAS_EVE, cls.NEW_YEARS_EVE, cls.EASTER_EVE]


class StaffRole(models.TextChoices):
    MUNICIPALITY_ADMIN = "municipality_admin", _("Municipality administrator")
    HUB_STAFF = "hub_staff", _("Hub staff")
    FINANCE = "finance", _("Finance staff")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DataLicence(models.TextChoices):
    """The licences a municipality may share its open data under, each with its URI in the
    EU's licence vocabulary (which data.norge.no reads)."""

    NLOD_2_0 = "nlod_2_0", _("Norwegian Licence for Open Government Data (NLOD) 2.0")
    CC_BY_4_0 = "cc_by_4_0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")

    @property
    def uri(self) -> str:
        return "http://publications.europa.eu/resource/authority/licence/" + self.name
