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
    CLOSED = "closed", _("Closed")
    SPECIAL_HOURS = "special_hours", _("Special hours")


class StaffRole(models.TextChoices):
    MUNICIPALITY_ADMIN = "municipality_admin", _("Municipality administrator")
    HUB_STAFF = "hub_staff", _("Hub staff")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
