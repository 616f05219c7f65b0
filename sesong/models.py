"""Seasonal allocation (*sesongbooking*): a municipality opens an application round for a
season, associations apply for weekly times, staff allocate them fairly, and accepted
allocations become booking series.

PostgreSQL guards the invariants:

- two rounds never cover the same resource in overlapping seasons (an exclusion
  constraint on ``RoundResource``);
- one application never wishes for two overlapping weekly times (on ``Wish``);
- no atomic space is ever allocated twice at once (on ``AllocationClaim``: each allocation
  claims each atomic space it needs — a divisible hall its halves, as a booking does — per
  week parity, weekly minutes and days of the season, so "every other week" on week 0 and
  "every other week" on week 1 can share a room).

A weekly time is kept as minutes of the week (Monday 00:00 is 0) so that an integer range
can be compared by an exclusion constraint.
"""

from __future__ import annotations

from datetime import date, time

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    DateRangeField,
    IntegerRangeField,
    RangeOperators,
)
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateRange, NumericRange
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from booking.enums import Facility
from booking.models import Booking, Resource
from frivillighet.enums import AgeGroup
from frivillighet.models import Activity, Organisation
from knutepunkt.enums import Weekday
from knutepunkt.models import Hub, Municipality

from .enums import (
    AllocationSource,
    AllocationStatus,
    ApplicationStatus,
    Frequency,
    HoldMode,
    JournalKind,
    Outcome,
    PartialKind,
    PriorityCategory,
    Response,
    RoundState,
)

MINUTES_PER_DAY = 24 * 60


def week_minutes(weekday: int, starts: time, ends: time) -> NumericRange:
    """A weekly time as a range of minutes of the week."""
    base = int(weekday) * MINUTES_PER_DAY
    return NumericRange(
        base + starts.hour * 60 + starts.minute, base + ends.hour * 60 + ends.minute, "[)"
    )


def season_days(first: date, last: date) -> DateRange:
    return DateRange(first, last, "[]")


def _default_priority_order() -> list[str]:
    return PriorityCategory.default_order()


class ApplicationRound(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="application_rounds",
    )
    hubs = models.ManyToManyField(
        Hub,
        verbose_name=_("hubs"),
        blank=True,
        related_name="application_rounds",
        help_text=_("Empty: every hub of the municipality."),
    )
    name = models.CharField(_("name"), max_length=200)
    season_starts_on = models.DateField(_("season starts"))
    season_ends_on = models.DateField(_("season ends"))
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("application deadline"))
    priority_order = ArrayField(
        models.CharField(max_length=20, choices=PriorityCategory.choices),
        verbose_name=_("priority categories, in order"),
        default=_default_priority_order,
        help_text=_("A category left out cannot apply in this round."),
    )
    text = models.TextField(_("text for applicants"), blank=True)
    hold_mode = models.CharField(
        _("single bookings in held times"),
        max_length=20,
        choices=HoldMode.choices,
        default=HoldMode.REFUSE,
    )
    accept_days = models.PositiveSmallIntegerField(
        _("days to accept after publication"), default=14
    )
    accept_by = models.DateTimeField(_("accept by"), null=True, blank=True, editable=False)
    appeal_route = models.TextField(
        _("how to appeal"),
        blank=True,
        help_text=_("Shown in every decision. Empty: the default text with the contact below."),
    )
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RoundState.choices,
        default=RoundState.UPCOMING,
        editable=False,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    resources = models.ManyToManyField(
        Resource,
        verbose_name=_("resources"),
        through="RoundResource",
        related_name="application_rounds",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("application round")
        verbose_name_plural = _("application rounds")
        ordering = ["-season_starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(season_ends_on__gte=F("season_starts_on")),
                name="round_season_ordered",
                violation_error_message=_("The season cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="round_window_ordered",
                violation_error_message=_("The deadline must come after applications open."),
            ),
            models.CheckConstraint(
                condition=Q(accept_days__gte=1),
                name="round_accept_days_positive",
                violation_error_message=_("Applicants need at least one day to accept."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sesong:round", kwargs={"round": self.pk})

    @property
    def season(self) -> DateRange:
        return season_days(self.season_starts_on, self.season_ends_on)


class RoundResource(models.Model):
    """A resource in a round, with the round's season: two rounds never share a resource
    in overlapping seasons."""

    round = models.ForeignKey(
        ApplicationRound, on_delete=models.CASCADE, related_name="round_resources"
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="+"
    )
    season = DateRangeField()

    class Meta:
        verbose_name = _("resource in the round")
        verbose_name_plural = _("resources in the round")
        constraints = [
            ExclusionConstraint(
                name="one_round_per_resource_and_season",
                expressions=[
                    ("resource", RangeOperators.EQUAL),
                    ("season", RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "The resource is already in another round for an overlapping season."
                ),
            )
        ]

    def __str__(self):
        return str(self.resource)


class Application(models.Model):
    round = models.ForeignKey(
        ApplicationRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="season_applications",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    activity_name = models.CharField(_("activity"), max_length=200)
    age_group = models.CharField(_("age group"), max_length=20, choices=AgeGroup.choices)
    participants = models.PositiveIntegerField(_("expected participants"))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    consent_to_partial = models.BooleanField(
        _("we accept a partial allocation"),
        default=True,
        help_text=_("A shorter time, another room or every other week, if the wish is taken."),
    )
    add_ons = models.ManyToManyField(
        Resource,
        verbose_name=_("equipment"),
        blank=True,
        related_name="+",
        help_text=_("Booked together with every allocated time."),
    )
    category = models.CharField(
        _("priority category"), max_length=20, choices=PriorityCategory.choices
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="season_applications",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    changed_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("season application")
        verbose_name_plural = _("season applications")
        ordering = ["round", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=Q(status=ApplicationStatus.SUBMITTED),
                name="one_application_per_organisation_and_round",
                violation_error_message=_(
                    "The organisation has already applied in this round; change that application."
                ),
            ),
            models.CheckConstraint(
                condition=Q(participants__gt=0),
                name="application_participants_positive",
                violation_error_message=_("At least one participant is expected."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.activity_name}"

    def get_absolute_url(self):
        return reverse("sesong:application", kwargs={"application": self.pk})

    @property
    def reference(self) -> str:
        """The receipt's reference, for the applicant and the archive."""
        return f"S{self.round_id}-{self.pk:05d}"


class WeeklyTime(models.Model):
    """A weekly time in a season: weekday, start and end, between two days."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    minutes = IntegerRangeField(editable=False)
    days = DateRangeField(editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.minutes = week_minutes(self.weekday, self.starts_at, self.ends_at)
        self.days = season_days(self.first_day, self.last_day)
        super().save(*args, **kwargs)

    @property
    def length_minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )


def _weekly_time_checks(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(ends_at__gt=F("starts_at")),
            name=f"{prefix}_ends_after_start",
            violation_error_message=_("A weekly time must end after it starts."),
        ),
        models.CheckConstraint(
            condition=Q(last_day__gte=F("first_day")),
            name=f"{prefix}_days_ordered",
            violation_error_message=_("The last day cannot come before the first."),
        ),
    ]


class Wish(WeeklyTime):
    """One weekly time an applicant asks for, in their order of preference: a named
    resource, or any resource of the round with these facilities and room for the
    participants at a hub."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="wishes"
    )
    preference = models.PositiveSmallIntegerField(_("preference"))
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hub = models.ForeignKey(
        Hub,
        verbose_name=_("any suitable room at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    facilities = ArrayField(
        models.CharField(max_length=20, choices=Facility.choices),
        verbose_name=_("facilities needed"),
        default=list,
        blank=True,
    )

    class Meta:
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        ordering = ["application", "preference"]
        constraints = [
            *_weekly_time_checks("wish"),
            models.UniqueConstraint(
                fields=["application", "preference"], name="wish_preference_once"
            ),
            models.CheckConstraint(
                condition=Q(resource__isnull=False) | Q(hub__isnull=False),
                name="wish_names_a_resource_or_a_hub",
                violation_error_message=_(
                    "Choose a room, or a hub where any suitable room will do."
                ),
            ),
            ExclusionConstraint(
                name="wishes_of_one_application_never_overlap",
                expressions=[
                    ("application", RangeOperators.EQUAL),
                    ("minutes", RangeOperators.OVERLAPS),
                    ("days", RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Two of the wishes overlap."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Allocation(WeeklyTime):
    """A weekly time given to an application on one resource."""

    round = models.ForeignKey(
        ApplicationRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    wish = models.ForeignKey(
        Wish,
        verbose_name=_("answers the wish"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocations",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="+"
    )
    parity = models.PositiveSmallIntegerField(
        _("week"),
        default=0,
        help_text=_("Every other week: 0 starts in the season's first week, 1 in its second."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AllocationStatus.choices,
        default=AllocationStatus.PROPOSED,
    )
    source = models.CharField(_("source"), max_length=20, choices=AllocationSource.choices)
    partial = models.CharField(
        _("differs from the wish"),
        max_length=20,
        choices=PartialKind.choices,
        default=PartialKind.FULL,
        blank=True,
    )
    booking = models.ForeignKey(
        Booking,
        verbose_name=_("booking series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["round", "resource", "minutes"]
        constraints = [
            *_weekly_time_checks("allocation"),
            models.CheckConstraint(
                condition=Q(parity__in=[0, 1]), name="allocation_parity_zero_or_one"
            ),
        ]

    def __str__(self):
        return (
            f"{self.resource.name}: {self.get_weekday_display()} "
            f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
        )

    @property
    def holds_its_time(self) -> bool:
        return self.status in AllocationStatus.holding()


class AllocationClaim(models.Model):
    """The weekly time an allocation holds on one atomic space in one week parity."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="claims")
    space = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    parity = models.PositiveSmallIntegerField()
    minutes = IntegerRangeField()
    days = DateRangeField()
    holds = models.BooleanField(default=True)

    class Meta:
        constraints = [
            ExclusionConstraint(
                name="no_double_allocation",
                expressions=[
                    ("space", RangeOperators.EQUAL),
                    ("parity", RangeOperators.EQUAL),
                    ("minutes", RangeOperators.OVERLAPS),
                    ("days", RangeOperators.OVERLAPS),
                ],
                condition=Q(holds=True),
                violation_error_message=_("The weekly time is already allocated."),
            )
        ]

    def __str__(self):
        return f"{self.space_id}/{self.parity}: {self.minutes}"


class Decision(models.Model):
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="decision",
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_by_name = models.CharField(_("decided by"), max_length=200)
    decided_at = models.DateTimeField(_("decided"))
    response = models.CharField(
        _("answer"), max_length=20, choices=Response.choices, default=Response.NONE, blank=True
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="decision_has_a_reason",
                violation_error_message=_("Every decision needs a reason."),
            )
        ]

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"


class HeldBooking(models.Model):
    """A single booking accepted in a held time, "until the season is allocated": if the
    time is allocated at publication, the booking is cancelled and its booker told."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="season_hold")
    round = models.ForeignKey(
        ApplicationRound, on_delete=models.CASCADE, related_name="held_bookings"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking in a held time")
        verbose_name_plural = _("bookings in held times")

    def __str__(self):
        return str(self.booking)


class JournalEntry(models.Model):
    """The round's journal for the archive: every application, decision, reason and who
    did it. Written only by the services, never changed."""

    round = models.ForeignKey(
        ApplicationRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="journal"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=JournalKind.choices)
    text = models.TextField(_("what happened"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
