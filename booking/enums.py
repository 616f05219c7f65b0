from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    MEETING_ROOM = "meeting_room", _("Meeting room")
    HALL = "hall", _("Hall")
    MULTI_PURPOSE = "multi_purpose", _("Multi-purpose room")
    GUEST_WORKSPACE = "guest_workspace", _("Guest workspace")
    EQUIPMENT = "equipment", _("Equipment")
    TECHNICIAN = "technician", _("Technician")

    @classmethod
    def add_ons(cls) -> list[str]:
        """Kinds booked only together with a room (never found or shown as rooms)."""
        return [cls.EQUIPMENT, cls.TECHNICIAN]


class Facility(models.TextChoices):
    STAGE = "stage", _("Stage")
    SOUND = "sound", _("Sound system")
    LIGHT = "light", _("Stage lighting")
    PROJECTOR = "projector", _("Projector")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    KITCHEN = "kitchen", _("Kitchen")
    SOUND_PROOFING = "sound_proofing", _("Sound-proofing")
    STORAGE = "storage", _("Storage")


class WhoMayBook(models.TextChoices):
    STAFF = "staff", _("Hub staff only")
    ASSOCIATIONS = "associations", _("Associations with a cooperation agreement")
    CITIZENS = "citizens", _("Any signed-in citizen")


class ApprovalRule(models.TextChoices):
    INSTANT = "instant", _("Confirmed at once")
    APPROVAL = "approval", _("Staff approve every request")
    MIXED = "mixed", _("At once inside staffed hours, approval outside them")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")

    @classmethod
    def holding_time(cls) -> list[str]:
        """Statuses whose time no one else may take (a booking held while it is paid for
        holds its times as a confirmed one does, until the hold is released)."""
        return [cls.REQUESTED, cls.CONFIRMED, cls.AWAITING_PAYMENT]


class Repeat(models.TextChoices):
    NONE = "none", _("Once")
    WEEKLY = "weekly", _("Every week")
    EVERY_OTHER_WEEK = "every_other_week", _("Every other week")
    MONTHLY_DATE = "monthly_date", _("Every month on the same date")
    MONTHLY_WEEKDAY = "monthly_weekday", _("Every month on the same weekday")


class CellState(models.TextChoices):
    """What one cell of a room's week grid says about starting a booking there. Each state
    has a word and a pattern of its own in the grid, never only a colour."""

    FREE = "free", _("Free")
    BOOKED = "booked", _("Booked")
    HELD = "held", _("Held for a season")
    CLOSED = "closed", _("Closed")
    UNAVAILABLE = "unavailable", _("Not bookable")

    @property
    def is_bookable(self) -> bool:
        return self == CellState.FREE
