"""Associations around the hubs, the agreements that make roles clear, and volunteers.

PostgreSQL guards the invariants: a shift's confirmed places never exceed its capacity
(a check constraint on a counter updated conditionally), and one person never holds two
overlapping shifts (an exclusion constraint on the person and the shift's time range).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from knutepunkt.enums import Weekday
from knutepunkt.models import District, Hub, Municipality

from .enums import (
    AgeGroup,
    AgreementStatus,
    ListingStatus,
    MemberRole,
    OrganisationKind,
    SignupStatus,
)


def validate_org_number(value: str) -> None:
    if not orgnr.is_valid(value):
        raise ValidationError(
            _("An organisation number has nine digits with a valid check digit, e.g. 974760673.")
        )


class Organisation(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="organisations",
    )
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(
        _("organisation number"), max_length=9, unique=True, validators=[validate_org_number]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    categories = ArrayField(
        models.CharField(max_length=60), verbose_name=_("categories"), default=list, blank=True
    )
    districts = models.ManyToManyField(District, verbose_name=_("districts served"), blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    listing = models.CharField(
        _("listing"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.PENDING
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(org_number__regex=r"^\d{9}$"), name="organisation_number_nine_digits"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.org_number = orgnr.compact(self.org_number)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("frivillighet:organisation", kwargs={"organisation": self.pk})


class RegisterRecord(models.Model):
    """What Enhetsregisteret said of an organisation's number when it was last asked
    (frivillighet.register): shown to staff who approve its listing, refreshed periodically."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="register_record",
    )
    found = models.BooleanField(_("found in the register"), default=True)
    name = models.CharField(_("name in the register"), max_length=300, blank=True)
    organisation_form_code = models.CharField(
        _("organisation form code"), max_length=10, blank=True
    )
    organisation_form = models.CharField(_("organisation form"), max_length=200, blank=True)
    address = models.CharField(_("business address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("postal town"), max_length=100, blank=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    in_voluntary_register = models.BooleanField(
        _("registered in the Register of Non-Profit Organizations"), default=False
    )
    bankrupt = models.BooleanField(_("bankrupt"), default=False)
    winding_up = models.BooleanField(_("being wound up"), default=False)
    deleted = models.BooleanField(_("deleted from the register"), default=False)
    deleted_on = models.DateField(_("deleted on"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("register record")
        verbose_name_plural = _("register records")

    def __str__(self):
        return f"{self.organisation_id}: {self.name}"

    @property
    def full_address(self) -> str:
        return ", ".join(
            part for part in (self.address, f"{self.postcode} {self.city}".strip()) if part
        )

    def warnings(self) -> list[str]:
        """What staff approving a listing should look at twice."""
        found = []
        if not self.found:
            found.append(_("Enhetsregisteret does not know this number."))
        if self.deleted:
            found.append(_("Deleted from Enhetsregisteret."))
        if self.bankrupt:
            found.append(_("Bankrupt."))
        if self.winding_up:
            found.append(_("Being wound up."))
        if self.found and not self.deleted and not self.in_voluntary_register:
            found.append(_("Not in the Register of Non-Profit Organizations."))
        return found


class Activity(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    age_groups = ArrayField(
        models.CharField(max_length=20, choices=AgeGroup.choices),
        verbose_name=_("age groups"),
        default=list,
    )
    free_for_children = models.BooleanField(_("free or low-cost for children"), default=False)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationMember(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="organisation_member_once"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class CooperationAgreement(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="agreements",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE
    )
    hub = models.ForeignKey(
        Hub,
        verbose_name=_("hub"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: the agreement is with the whole municipality."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    municipality_provides = models.TextField(_("the municipality provides"), blank=True)
    organisation_provides = models.TextField(_("the organisation provides"), blank=True)
    free_room_use = models.BooleanField(_("free use of rooms"), default=False)
    booking_priority = models.BooleanField(_("may book rooms"), default=True)

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="agreement_ends_after_start",
                violation_error_message=_("The agreement cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.hub or self.municipality}"


class VolunteerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="volunteer_profile",
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    skills = ArrayField(
        models.CharField(max_length=60), verbose_name=_("skills"), default=list, blank=True
    )
    languages = ArrayField(
        models.CharField(max_length=40), verbose_name=_("languages"), default=list, blank=True
    )
    districts = models.ManyToManyField(District, verbose_name=_("districts"), blank=True)
    availability = models.CharField(_("when you can help"), max_length=300, blank=True)
    consent_to_contact = models.BooleanField(_("coordinators may contact me"), default=False)
    police_certificate_checked_on = models.DateField(
        _("police certificate checked on"), null=True, blank=True
    )
    police_certificate_valid_until = models.DateField(
        _("police certificate valid until"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return str(self.user)


class Opportunity(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    hub = models.ForeignKey(
        Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    skills_wanted = models.CharField(_("skills wanted"), max_length=300, blank=True)
    requires_police_certificate = models.BooleanField(
        _("police certificate required"), default=False
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    allow_self_check_in = models.BooleanField(
        _("volunteers check in and out themselves"), default=False
    )

    class Meta:
        verbose_name = _("volunteer opportunity")
        verbose_name_plural = _("volunteer opportunities")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("frivillighet:opportunity", kwargs={"opportunity": self.pk})


class Shift(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("volunteers needed"), default=1)
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="shift_ends_after_start",
                violation_error_message=_("The shift must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")),
                name="shift_places_within_capacity",
                violation_error_message=_("The shift is full."),
            ),
        ]

    def __str__(self):
        return f"{self.opportunity.title} {self.starts_at:%Y-%m-%d %H:%M}"


class ShiftSignup(models.Model):
    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="signups"
    )
    # SET_NULL: when a volunteer deletes their profile, their hours stay for statistics,
    # anonymised.
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="shift_signups",
    )
    status = models.CharField(_("status"), max_length=20, choices=SignupStatus.choices)
    # The shift's time, so overlaps are the database's business.
    during = DateTimeRangeField(_("time"), editable=False)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    no_show = models.BooleanField(_("did not show up"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status__in=SignupStatus.active()),
                name="signup_once_per_shift",
            ),
            ExclusionConstraint(
                name="volunteer_no_overlapping_shifts",
                expressions=[
                    ("volunteer", RangeOperators.EQUAL),
                    ("during", RangeOperators.OVERLAPS),
                ],
                condition=Q(status=SignupStatus.CONFIRMED),
                violation_error_message=_("You already have a shift at that time."),
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} – {self.shift}"


class ShiftTemplate(models.Model):
    """A repeating need: staff or coordinators create the coming weeks' shifts from it."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="templates",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("starts"))
    minutes = models.PositiveIntegerField(_("length in minutes"), default=120)
    capacity = models.PositiveIntegerField(_("volunteers needed"), default=1)

    class Meta:
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")

    def __str__(self):
        return f"{self.opportunity} {self.get_weekday_display()} {self.starts:%H:%M}"
