from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary")
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class ListingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Listed")
    REJECTED = "rejected", _("Not listed")


class MemberRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("Children (6–12)")
    YOUTH = "youth", _("Youth (13–19)")
    ADULTS = "adults", _("Adults")
    SENIORS = "seniors", _("Seniors")
    ALL = "all", _("All ages")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Signed up")
    WAITLISTED = "waitlisted", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def active(cls) -> list[str]:
        return [cls.CONFIRMED, cls.WAITLISTED]
