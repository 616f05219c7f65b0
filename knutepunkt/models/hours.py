"""Opening hours as staff enter them: regular weekly hours per validity period, and
exception periods (closed, or special hours) that override them."""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from ..enums import ExceptionKind, SpanState, Weekday
from .places import Hub


class DateRange(Func):
    function = "daterange"
    output_field = DateRangeField()


class OpenEndedDate(Func):
    """An empty end date means 'until further notice'."""

    template = "COALESCE(%(expressions)s, 'infinity'::date)"
    output_field = models.DateField()


class SpanFields(models.Model):
    """A span of a day: opens–closes, possibly past midnight, with a state."""

    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    past_midnight = models.BooleanField(
        _("closes after midnight"),
        default=False,
        help_text=_("Tick when the closing time is on the next day, e.g. 22:00–02:00."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=SpanState.choices, default=SpanState.STAFFED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        if self.opens is None or self.closes is None:
            return
        if not self.past_midnight and self.closes <= self.opens:
            raise ValidationError(
                {
                    "closes": _(
                        "The closing time must be after the opening time, or tick "
                        "'closes after midnight'."
                    )
                }
            )
        if self.past_midnight and self.closes > self.opens:
            raise ValidationError(
                {
                    "past_midnight": _(
                        "A span past midnight must close (the next day) no later "
                        "than its opening time."
                    )
                }
            )


def _span_order_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            Q(past_midnight=False, closes__gt=F("opens"))
            | Q(past_midnight=True, closes__lte=F("opens"))
        ),
        name=name,
        violation_error_message=_(
            "The closing time must be after the opening time, "
            "or the span must close after midnight."
        ),
    )


class DateRangeModel(models.Model):
    """A model with a first and last date whose date ranges must not overlap: an exclusion
    constraint on the range, and a check that the range is not inverted."""

    range_fields: tuple[str, str]
    ordered_constraint: str

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        # An inverted range cannot even be built to test the exclusion constraint
        # (PostgreSQL: "range lower bound must be less than or equal to range upper
        # bound"); the check constraint's own message says what is wrong.
        first, last = (getattr(self, name) for name in self.range_fields)
        if first is not None and last is not None and last < first:
            constraint = next(
                c for c in self._meta.constraints if c.name == self.ordered_constraint
            )
            raise ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
        super().validate_constraints(exclude=exclude)


class OpeningHoursPeriod(DateRangeModel):
    range_fields = ("valid_from", "valid_until")
    ordered_constraint = "hours_period_ends_after_start"

    hub = models.ForeignKey(
        Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="hour_periods"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Regular hours, Summer"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )

    class Meta:
        verbose_name = _("opening hours period")
        verbose_name_plural = _("opening hours periods")
        ordering = ["hub", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="hours_period_ends_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            ExclusionConstraint(
                name="hours_periods_do_not_overlap",
                expressions=[
                    (
                        DateRange(
                            "valid_from", OpenEndedDate("valid_until"), RangeBoundary(True, True)
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    ("hub", RangeOperators.EQUAL),
                ],
                violation_error_message=_(
                    "This period overlaps another opening hours period of the hub."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.valid_from:%d.%m.%Y}–{self.valid_until or '…'})"


class OpeningHoursSpan(SpanFields):
    period = models.ForeignKey(
        OpeningHoursPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="spans"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            _span_order_constraint("hours_span_closes_after_opens"),
            models.CheckConstraint(
                condition=Q(weekday__range=(0, 6)), name="hours_span_weekday_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningHoursException(DateRangeModel):
    range_fields = ("start_date", "end_date")
    ordered_constraint = "hours_exception_ends_after_start"

    hub = models.ForeignKey(
        Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="hour_exceptions"
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=ExceptionKind.choices, default=ExceptionKind.CLOSED
    )
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("Shown to citizens, e.g. Closed for renovation.")
    )

    class Meta:
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")
        ordering = ["hub", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="hours_exception_ends_after_start",
                violation_error_message=_("The exception cannot end before it starts."),
            ),
            ExclusionConstraint(
                name="hours_exceptions_do_not_overlap",
                expressions=[
                    (
                        DateRange("start_date", "end_date", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    ),
                    ("hub", RangeOperators.EQUAL),
                ],
                violation_error_message=_("This exception overlaps another exception of the hub."),
            ),
        ]

    def __str__(self):
        return f"{self.reason} ({self.start_date:%d.%m.%Y}–{self.end_date:%d.%m.%Y})"


class ExceptionSpan(SpanFields):
    """Special hours of an exception: on one date of it, or (no date) on every date of it.
    Hours dated for a date replace the undated ones on that date. On a public holiday
    inside an exception of several days, only hours dated for the holiday open the hub."""

    exception = models.ForeignKey(
        OpeningHoursException,
        verbose_name=_("exception"),
        on_delete=models.CASCADE,
        related_name="spans",
    )
    day = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("Empty: the same hours on every date of the exception."),
    )

    class Meta:
        verbose_name = _("special hours")
        verbose_name_plural = _("special hours")
        ordering = [F("day").asc(nulls_first=True), "opens"]
        constraints = [_span_order_constraint("exception_span_closes_after_opens")]

    def __str__(self):
        prefix = f"{self.day:%d.%m.%Y} " if self.day else ""
        return f"{prefix}{self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        exception = self.exception if self.exception_id else None
        if self.day is None or exception is None or not exception.start_date:
            return
        if not exception.start_date <= self.day <= exception.end_date:
            message = _("The date must lie within the exception (%(start)s–%(end)s).")
            params = {
                "start": f"{exception.start_date:%d.%m.%Y}",
                "end": f"{exception.end_date:%d.%m.%Y}",
            }
            raise ValidationError({"day": ValidationError(message, code="outside", params=params)})
