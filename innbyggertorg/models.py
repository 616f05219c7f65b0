"""What each hub offers: the municipality's service catalogue, which services a hub has and
at which level, and when rotating services are present."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from knutepunkt.enums import Weekday
from knutepunkt.models import Hub, Municipality

from .enums import (
    AttendanceMode,
    Audience,
    EventCategory,
    EventStatus,
    OfferLevel,
    Recurrence,
    RegistrationMode,
    RegistrationStatus,
    ServiceCategory,
    WeekOfMonth,
)


class ServiceType(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="service_types",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80)
    category = models.CharField(_("category"), max_length=30, choices=ServiceCategory.choices)
    is_base_module = models.BooleanField(
        _("base module"), default=False, help_text=_("Every hub should offer it.")
    )
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("search words"),
        max_length=300,
        blank=True,
        help_text=_("Other words people use for the service, e.g. bostøtte, husleie."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    chat_url = models.URLField(_("chat"), blank=True)
    video_url = models.URLField(_("video meeting booking"), blank=True)
    form_url = models.URLField(_("web form"), blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"],
                name="service_type_slug_unique_in_municipality",
                violation_error_message=_("Another service of this municipality has this address."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "innbyggertorg:service",
            kwargs={"municipality": self.municipality.slug, "service": self.slug},
        )

    @property
    def digital_channels(self) -> list[tuple[str, str]]:
        channels = [
            (_("Chat"), self.chat_url),
            (_("Book a video meeting"), self.video_url),
            (_("Web form"), self.form_url),
        ]
        return [(label, url) for label, url in channels if url]


class ServiceOffer(models.Model):
    hub = models.ForeignKey(
        Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="service_offers"
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("service"), on_delete=models.CASCADE, related_name="offers"
    )
    level = models.CharField(_("level"), max_length=30, choices=OfferLevel.choices)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("service at a hub")
        verbose_name_plural = _("services at hubs")
        ordering = ["service_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "service_type"],
                name="service_offer_once_per_hub",
                violation_error_message=_("The hub already offers this service."),
            )
        ]

    def __str__(self):
        return f"{self.service_type} – {self.hub}"

    def clean(self):
        if self.hub_id and self.service_type_id:
            if self.service_type.municipality_id != self.hub.municipality_id:
                raise ValidationError(
                    {"service_type": _("The service belongs to another municipality.")}
                )
            category = ServiceCategory(self.service_type.category)
            if self.level and self.level not in category.levels:
                raise ValidationError(
                    {"level": _("This level does not fit a service of this category.")}
                )


class ServiceSchedule(models.Model):
    """A rotating service at a hub: when the specialist is there."""

    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("service"), on_delete=models.CASCADE, related_name="schedules"
    )
    hub = models.ForeignKey(
        Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="service_schedules"
    )
    recurrence = models.CharField(
        _("repeats"), max_length=20, choices=Recurrence.choices, default=Recurrence.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        null=True,
        blank=True,
        choices=Weekday.choices,
    )
    week_of_month = models.SmallIntegerField(
        _("week of the month"), null=True, blank=True, choices=WeekOfMonth.choices
    )
    dates = ArrayField(
        models.DateField(),
        verbose_name=_("dates"),
        default=list,
        blank=True,
        help_text=_("For single dates: the dates, separated by commas (YYYY-MM-DD)."),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    opens = models.TimeField(_("from (time)"))
    closes = models.TimeField(_("until (time)"))
    mode = models.CharField(
        _("attendance"),
        max_length=20,
        choices=AttendanceMode.choices,
        default=AttendanceMode.DROP_IN,
    )
    booking_url = models.URLField(_("where to book an appointment"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rotating service hours")
        verbose_name_plural = _("rotating service hours")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="service_schedule_ends_after_start",
                violation_error_message=_("The schedule cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="service_schedule_closes_after_opens",
                violation_error_message=_("The end time must be after the start time."),
            ),
            models.CheckConstraint(
                condition=Q(recurrence=Recurrence.SINGLE_DATES) | Q(weekday__range=(0, 6)),
                name="service_schedule_repeating_has_weekday",
                violation_error_message=_("A repeating schedule needs a weekday."),
            ),
            models.CheckConstraint(
                condition=~Q(recurrence=Recurrence.MONTHLY_WEEKDAY)
                | Q(week_of_month__isnull=False),
                name="service_schedule_monthly_has_week",
                violation_error_message=_("Say which week of the month, e.g. the first."),
            ),
        ]
        indexes = [models.Index(fields=["hub", "end_date"], name="service_schedule_hub_idx")]

    def __str__(self):
        return f"{self.service_type} @ {self.hub}"

    @property
    def by_appointment(self) -> bool:
        return self.mode == AttendanceMode.BY_APPOINTMENT

    def clean(self):
        if (
            self.hub_id
            and self.service_type_id
            and self.service_type.municipality_id != self.hub.municipality_id
        ):
            raise ValidationError(
                {"service_type": _("The service belongs to another municipality.")}
            )
        if self.recurrence == Recurrence.SINGLE_DATES and not self.dates:
            raise ValidationError({"dates": _("Give at least one date.")})
        if self.recurrence != Recurrence.SINGLE_DATES and self.weekday is None:
            raise ValidationError({"weekday": _("A repeating schedule needs a weekday.")})
        if self.recurrence == Recurrence.MONTHLY_WEEKDAY and self.week_of_month is None:
            raise ValidationError(
                {"week_of_month": _("Say which week of the month, e.g. the first.")}
            )


class ScheduleCancellation(models.Model):
    schedule = models.ForeignKey(
        ServiceSchedule,
        verbose_name=_("schedule"),
        on_delete=models.CASCADE,
        related_name="cancellations",
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("cancelled date")
        verbose_name_plural = _("cancelled dates")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "date"],
                name="schedule_cancellation_once_per_date",
                violation_error_message=_("This date is already cancelled."),
            )
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}: {self.reason}"


class Event(models.Model):
    """Something citizens can join at a hub (the culture arena)."""

    hub = models.ForeignKey(
        Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="events"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="events",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    category = models.CharField(_("category"), max_length=30, choices=EventCategory.choices)
    languages = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("languages"),
        default=list,
        blank=True,
        help_text=_("The languages spoken, separated by commas, e.g. norsk, ukrainsk."),
    )
    accessibility_notes = models.CharField(_("accessibility"), max_length=300, blank=True)
    registration = models.CharField(
        _("registration"),
        max_length=20,
        choices=RegistrationMode.choices,
        default=RegistrationMode.NONE,
    )
    external_url = models.URLField(_("registration link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    max_group_size = models.PositiveSmallIntegerField(
        _("largest group per registration"), default=4
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            # The database guarantees that confirmed places never exceed the capacity.
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(places_taken__lte=F("capacity")),
                name="event_places_within_capacity",
                violation_error_message=_("The event is full."),
            ),
            models.CheckConstraint(
                condition=~Q(registration=RegistrationMode.EXTERNAL) | ~Q(external_url=""),
                name="event_external_registration_has_link",
                violation_error_message=_("Registration elsewhere needs a link."),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "starts_at"], name="event_upcoming_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.municipality_id = self.hub.municipality_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "innbyggertorg:event",
            kwargs={"municipality": self.hub.municipality.slug, "event": self.pk},
        )

    @property
    def free_places(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.places_taken)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def counts_places(self) -> bool:
        """Registration on the portal with a limited number of places (free places are
        counted and a waiting list kept)."""
        return self.registration == RegistrationMode.PORTAL and bool(self.capacity)

    @property
    def registers_on_portal(self) -> bool:
        return self.registration == RegistrationMode.PORTAL

    @property
    def registers_elsewhere(self) -> bool:
        return self.registration == RegistrationMode.EXTERNAL


class Registration(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=5, default="nb")
    group_size = models.PositiveSmallIntegerField(_("people"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # When they joined the waiting list: its order (set by the capacity engine).
    queued_at = models.DateTimeField(_("on the waiting list since"), null=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=Q(status__in=RegistrationStatus.active()),
                name="registration_once_per_email",
                violation_error_message=_(
                    "This email address is already registered for the event."
                ),
            ),
            models.CheckConstraint(
                condition=Q(group_size__gte=1), name="registration_group_at_least_one"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.group_size})"

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    @property
    def awaits_email(self) -> bool:
        return self.status == RegistrationStatus.AWAITING_EMAIL

    @property
    def outcome(self):
        """What the person is told about their registration now."""
        return RegistrationStatus(self.status).outcome
