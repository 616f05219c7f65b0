"""Bookable resources and bookings that never overlap.

A booking (one request, possibly a series) has occurrences; each occurrence claims every
*atomic space* it needs: a room claims itself, a divisible hall claims each of its parts,
so a hall and its halves can never be booked at the same time. A claim's time range
includes the resource's buffers, and an exclusion constraint on (space, range) for claims
that hold time makes a double booking impossible, whatever the application does.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from knutepunkt.models import Hub, Municipality

from .enums import ApprovalRule, BookingStatus, Facility, Repeat, ResourceKind, WhoMayBook


class Resource(models.Model):
    hub = models.ForeignKey(
        Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="resources"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        editable=False,
        related_name="resources",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("For a divisible hall: each half is part of the hall."),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    capacity = models.PositiveIntegerField(_("people"), null=True, blank=True)
    facilities = ArrayField(
        models.CharField(max_length=20, choices=Facility.choices),
        verbose_name=_("facilities"),
        default=list,
        blank=True,
    )
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="rom/", blank=True)
    who_may_book = models.CharField(
        _("who may book"), max_length=20, choices=WhoMayBook.choices, default=WhoMayBook.CITIZENS
    )
    approval = models.CharField(
        _("confirmation"), max_length=20, choices=ApprovalRule.choices, default=ApprovalRule.INSTANT
    )
    min_minutes = models.PositiveIntegerField(_("shortest booking (minutes)"), default=30)
    max_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=8 * 60)
    granularity_minutes = models.PositiveIntegerField(_("start times every (minutes)"), default=30)
    horizon_days = models.PositiveIntegerField(_("bookable this many days ahead"), default=180)
    min_notice_hours = models.PositiveIntegerField(_("minimum notice (hours)"), default=2)
    buffer_before_minutes = models.PositiveIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after_minutes = models.PositiveIntegerField(_("buffer after (minutes)"), default=0)
    only_in_opening_hours = models.BooleanField(
        _("only within the hub's opening hours"), default=True
    )
    max_active_per_booker = models.PositiveIntegerField(
        _("active bookings per person"),
        default=10,
        help_text=_("Upcoming bookings one person may hold."),
    )
    cancellation_deadline_hours = models.PositiveIntegerField(
        _("cancel at the latest (hours before)"), default=24
    )

    class Meta:
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")
        ordering = ["hub", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_minutes__gte=F("min_minutes")) & Q(min_minutes__gt=0),
                name="resource_durations_ordered",
                violation_error_message=_("The longest booking must be at least the shortest."),
            ),
            models.CheckConstraint(
                condition=Q(granularity_minutes__gt=0), name="resource_granularity_positive"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="resource_not_its_own_part"),
        ]

    def __str__(self):
        return f"{self.name} ({self.hub.name})" if self.hub_id else self.name

    def save(self, *args, **kwargs):
        self.municipality_id = self.hub.municipality_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("booking:resource", kwargs={"resource": self.pk})


class Booking(models.Model):
    """One request by one booker: a single time or a series, for a resource and add-ons."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="bookings"
    )
    # SET_NULL: when the booker's account is deleted, their past use of the premises stays
    # in the usage statistics, anonymised (booker_kind keeps the kind of booker).
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="bookings",
    )
    booker_kind = models.CharField(
        _("kind of booker"),
        max_length=20,
        blank=True,
        editable=False,
        help_text=_("Kept for the usage statistics when the booker's account is deleted."),
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    attendees = models.PositiveIntegerField(_("expected attendees"), default=1)
    is_public = models.BooleanField(
        _("show on the hub's page"), default=False, help_text=_("e.g. Chess club 18–20")
    )
    organisation = models.ForeignKey(
        "frivillighet.Organisation",
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    free_of_charge = models.BooleanField(
        _("free of charge"), default=False, help_text=_("Given by a cooperation agreement.")
    )
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices)
    rejection_reason = models.CharField(_("reason"), max_length=300, blank=True)
    repeat = models.CharField(_("repeats"), max_length=20, default="none")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When staff approved or rejected the request (None: never a request, or not yet
    # answered): how fast requests are answered (samarbeid's coordinating view).
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.purpose} – {self.resource.name}"

    def get_absolute_url(self):
        return reverse("booking:booking", kwargs={"booking": self.pk})

    @property
    def repeat_label(self) -> str:
        """How the booking repeats, in words ("Every week"); empty for a single time."""
        try:
            return "" if self.repeat == Repeat.NONE else Repeat(self.repeat).label
        except ValueError:
            return ""


class Occurrence(models.Model):
    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="occurrences"
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="occurrences"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices)
    no_show = models.BooleanField(_("did not show up"), default=False)

    class Meta:
        verbose_name = _("booked time")
        verbose_name_plural = _("booked times")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="occurrence_ends_after_start",
                violation_error_message=_("A booking must end after it starts."),
            )
        ]
        indexes = [models.Index(fields=["resource", "starts_at"], name="occurrence_resource_idx")]

    def __str__(self):
        return f"{self.resource.name} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def holds_its_time(self) -> bool:
        """Requested or confirmed: the time is taken, and can still be cancelled."""
        return self.status in BookingStatus.holding_time()


class SpaceClaim(models.Model):
    """The time an occurrence holds on one atomic space, buffers included."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="claims")
    space = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="claims")
    during = DateTimeRangeField()
    holds_time = models.BooleanField(default=True)

    class Meta:
        constraints = [
            ExclusionConstraint(
                name="no_double_booking",
                expressions=[("space", RangeOperators.EQUAL), ("during", RangeOperators.OVERLAPS)],
                condition=Q(holds_time=True),
                violation_error_message=_("The time is already booked."),
            )
        ]

    def __str__(self):
        return f"{self.space_id}: {self.during}"


class CalendarFeed(models.Model):
    """A private, revocable address for a person's bookings in their calendar app."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


class Blackout(models.Model):
    """A period when a resource cannot be booked (renovation, the hub's own use)."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="blackouts"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("blackout period")
        verbose_name_plural = _("blackout periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="blackout_ends_after_start",
                violation_error_message=_("The period must end after it starts."),
            )
        ]

    def __str__(self):
        return self.reason


class LockSystem(models.TextChoices):
    CONSOLE = "console", _("None (codes are only shown and sent)")
    NUKI = "nuki", _("Nuki (Web API keypad codes)")


class Lock(models.Model):
    """A door that a confirmed booking of the room opens with a code: the room's own door,
    or the hub's entrance (one row per room it lets people in to)."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("room"), on_delete=models.CASCADE, related_name="locks"
    )
    name = models.CharField(_("door"), max_length=120, help_text=_("E.g. Main entrance."))
    system = models.CharField(
        _("lock system"), max_length=20, choices=LockSystem.choices, default=LockSystem.CONSOLE
    )
    external_id = models.CharField(
        _("lock's id in the lock system"),
        max_length=100,
        blank=True,
        help_text=_("For Nuki: the smartlock id shown in Nuki Web."),
    )
    opens_minutes_before = models.PositiveIntegerField(
        _("code works from (minutes before the start)"), default=15
    )
    sent_minutes_before = models.PositiveIntegerField(
        _("code sent (minutes before the start)"), default=30
    )

    class Meta:
        verbose_name = _("door lock")
        verbose_name_plural = _("door locks")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_minutes_before__lte=24 * 60)
                & Q(sent_minutes_before__lte=24 * 60),
                name="lock_margins_within_a_day",
                violation_error_message=_("A code can work and be sent at most 24 hours ahead."),
            ),
        ]

    def __str__(self):
        return f"{self.resource.name}: {self.name}"


class DoorCodeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired (removed from the lock)")


class DoorCode(models.Model):
    """A code that opens one lock for one booked time, from a margin before its start to its
    end. Revoked when the time is cancelled or moved. The digits are kept only to show them
    to the booker and are never written to a log."""

    occurrence = models.ForeignKey(
        Occurrence,
        verbose_name=_("booked time"),
        on_delete=models.CASCADE,
        related_name="door_codes",
    )
    lock = models.ForeignKey(
        Lock, verbose_name=_("door lock"), on_delete=models.CASCADE, related_name="codes"
    )
    code = models.CharField(_("code"), max_length=12)
    valid_from = models.DateTimeField(_("works from"))
    valid_until = models.DateTimeField(_("works until"))
    external_id = models.CharField(_("id in the lock system"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DoorCodeStatus.choices, default=DoorCodeStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("door code")
        verbose_name_plural = _("door codes")
        ordering = ["valid_from"]
        constraints = [
            # One working code per lock and booked time: a sync that runs twice issues once.
            models.UniqueConstraint(
                fields=["occurrence", "lock"],
                condition=Q(status="active"),
                name="door_code_one_active_per_lock_and_time",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")),
                name="door_code_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.lock} {self.valid_from:%Y-%m-%d %H:%M}"  # never the digits
