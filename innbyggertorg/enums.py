from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.TextChoices):
    CITIZEN_SERVICE_DESK = "citizen_service_desk", _("Citizen service desk")
    LIBRARY = "library", _("Library")
    CULTURE = "culture", _("Culture")
    VOLUNTEER_CENTRE = "volunteer_centre", _("Volunteer centre")
    HEALTH = "health", _("Health and prevention (open house)")
    NAV = "nav", _("NAV")
    OTHER = "other", _("Other")

    @property
    def levels(self) -> list[str]:
        """The levels at which a hub can offer a service of this category."""
        if self == ServiceCategory.LIBRARY:
            return [OfferLevel.FULL_LIBRARY, OfferLevel.LIBRARY_DEPARTMENT, OfferLevel.BOOK_OFFER]
        if self == ServiceCategory.CITIZEN_SERVICE_DESK:
            return [OfferLevel.STAFFED, OfferLevel.DIGITAL_WITH_HELP]
        return [OfferLevel.PRESENT, OfferLevel.ROTATING]


class OfferLevel(models.TextChoices):
    FULL_LIBRARY = "full_library", _("Full library")
    LIBRARY_DEPARTMENT = "library_department", _("Library department")
    BOOK_OFFER = "book_offer", _("Book offer (e.g. self-service book machine)")
    STAFFED = "staffed", _("Staffed")
    DIGITAL_WITH_HELP = "digital_with_help", _("Digital, with local help")
    PRESENT = "present", _("Present")
    ROTATING = "rotating", _("Visits on a schedule")


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    EVERY_OTHER_WEEK = "every_other_week", _("Every other week")
    MONTHLY_WEEKDAY = "monthly_weekday", _("A weekday of the month (e.g. the first Tuesday)")
    SINGLE_DATES = "single_dates", _("Single dates")


class AttendanceMode(models.TextChoices):
    DROP_IN = "drop_in", _("Drop in")
    BY_APPOINTMENT = "by_appointment", _("By appointment")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


class Audience(models.TextChoices):
    ALL = "all", _("Everyone")
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Youth")
    ADULTS = "adults", _("Adults")
    SENIORS = "seniors", _("Seniors")


class EventCategory(models.TextChoices):
    LANGUAGE_CAFE = "language_cafe", _("Language café")
    AUTHOR_VISIT = "author_visit", _("Author visit")
    COURSE = "course", _("Course")
    DEBATE = "debate", _("Debate and local democracy")
    CONCERT = "concert", _("Concert")
    EXERCISE = "exercise", _("Exercise")
    CULTURE_SCHOOL = "culture_school", _("School of culture")
    OTHER = "other", _("Other")


class RegistrationMode(models.TextChoices):
    NONE = "none", _("No registration")
    PORTAL = "portal", _("Register on the portal")
    EXTERNAL = "external", _("Register elsewhere (link)")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationStatus(models.TextChoices):
    AWAITING_EMAIL = "awaiting_email", _("Waiting for the email address to be confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def active(cls) -> list[str]:
        return [cls.AWAITING_EMAIL, cls.CONFIRMED, cls.WAITLISTED]

    @property
    def outcome(self):
        """What the person is told about their registration in this status."""
        return {
            RegistrationStatus.AWAITING_EMAIL: _(
                "Almost done: open the email we sent you and confirm your address."
            ),
            RegistrationStatus.CONFIRMED: _(
                "You are registered. We have sent you a confirmation by email."
            ),
            RegistrationStatus.WAITLISTED: _(
                "The event is full, so you are on the waiting list. "
                "We will email you if you get a place."
            ),
            RegistrationStatus.CANCELLED: _("This registration is cancelled."),
        }[self]
