"""The seasonal allocation's words, each carrying its rules."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open for applications")
    ALLOCATING = "allocating", _("Being allocated")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")

    @classmethod
    def next_of(cls, state: str) -> str | None:
        """The one state a round may move to from this one (None: the last)."""
        order = list(cls)
        index = order.index(cls(state))
        return order[index + 1] if index + 1 < len(order) else None

    @classmethod
    def holding(cls) -> list[str]:
        """While the round is in these states its wished slots are held for it."""
        return [cls.OPEN, cls.ALLOCATING, cls.DECIDED]

    @classmethod
    def allocating(cls) -> list[str]:
        """States in which staff may run the proposal, adjust and decide."""
        return [cls.ALLOCATING, cls.DECIDED]

    @classmethod
    def public(cls) -> list[str]:
        """States in which the round has a public page."""
        return [cls.UPCOMING, cls.OPEN]


class PriorityCategory(models.TextChoices):
    """Who goes first. The default order is the Asker order: associations the municipality
    cooperates with, other voluntary associations, municipal services, everyone else."""

    AGREEMENT = "agreement", _("Associations with a cooperation agreement")
    VOLUNTARY = "voluntary", _("Other voluntary associations")
    MUNICIPAL = "municipal", _("Municipal services")
    OTHER = "other", _("Others")

    @classmethod
    def default_order(cls) -> list[str]:
        return [cls.AGREEMENT, cls.VOLUNTARY, cls.MUNICIPAL, cls.OTHER]


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    EVERY_OTHER_WEEK = "every_other_week", _("Every other week")

    @property
    def parities(self) -> tuple[int, ...]:
        """The weeks (0: the season's first week and every other after it, 1: the rest)
        that a weekly time in this frequency may occupy."""
        return (0, 1) if self == Frequency.WEEKLY else (0,)


class HoldMode(models.TextChoices):
    REFUSE = "refuse", _("Refuse single bookings in the held times")
    MARK = "mark", _('Accept them, marked "until the season is allocated"')


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    RELEASED = "released", _("Released (not answered in time)")

    @classmethod
    def holding(cls) -> list[str]:
        """Statuses whose weekly time no other allocation may take."""
        return [cls.PROPOSED, cls.OFFERED, cls.ACCEPTED]


class AllocationSource(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic proposal")
    MANUAL = "manual", _("Set by staff")


class PartialKind(models.TextChoices):
    """How an allocation differs from the wish it answers ("" when it is the wish)."""

    FULL = "", _("As wished")
    OTHER_ROOM = "other_room", _("Another room")
    EVERY_OTHER_WEEK = "every_other_week", _("Every other week")
    SHORTER = "shorter", _("A shorter time")


class Outcome(models.TextChoices):
    FULL = "full", _("Allocated in full")
    PARTIAL = "partial", _("Allocated in part")
    REFUSED = "refused", _("Refused")


class Response(models.TextChoices):
    NONE = "", _("Not answered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class JournalKind(models.TextChoices):
    ROUND_CREATED = "round_created", _("Round created")
    ROUND_CHANGED = "round_changed", _("Round changed")
    STATE_CHANGED = "state_changed", _("State changed")
    APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
    APPLICATION_CHANGED = "application_changed", _("Application changed")
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Application withdrawn")
    PROPOSAL_RUN = "proposal_run", _("Automatic proposal run")
    ALLOCATION_SET = "allocation_set", _("Allocation set by staff")
    ALLOCATION_REMOVED = "allocation_removed", _("Allocation removed by staff")
    DECISION = "decision", _("Decision")
    PUBLISHED = "published", _("Decisions published")
    CLASH = "clash", _("Clash found")
    ACCEPTED = "accepted", _("Allocation accepted")
    DECLINED = "declined", _("Allocation declined")
    RELEASED = "released", _("Allocation released")
    BOOKING_MARKED = "booking_marked", _("Single booking marked until the season is allocated")
    BOOKING_DISPLACED = "booking_displaced", _("Marked single booking cancelled by the allocation")
