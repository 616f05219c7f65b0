"""Inter-municipal cooperation: a named group of municipalities (a region such as
Værnesregionen), the arrangements its members share (a service, a room) and who takes part
in each, and the regional coordinators who see the region's aggregated figures.

A municipality may be a member of several cooperations. PostgreSQL guards the invariants
the models cannot say alone (see migration 0002): a cooperation has at least two members
and a shared arrangement at least two participants when a transaction commits, every
participant is a member of the arrangement's cooperation, and the arrangement's host (the
municipality whose service or room it is) is a member too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from knutepunkt.models import Municipality
from knutepunkt.models.places import validate_not_reserved

from .enums import ArrangementKind

MIN_MEMBERS = 2
MIN_PARTICIPANTS = 2


class Cooperation(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(
        _("address"), max_length=60, unique=True, validators=[validate_not_reserved]
    )
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Municipality,
        verbose_name=_("member municipalities"),
        through="CooperationMembership",
        related_name="cooperations",
    )

    class Meta:
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("samarbeid:cooperation", kwargs={"cooperation": self.slug})


class CooperationMembership(models.Model):
    cooperation = models.ForeignKey(
        Cooperation,
        verbose_name=_("cooperation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="cooperation_memberships",
    )
    joined_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("member municipality")
        verbose_name_plural = _("member municipalities")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "municipality"],
                name="cooperation_member_once",
                violation_error_message=_("The municipality is already a member."),
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.cooperation}"


class SharedArrangement(models.Model):
    """A service or a room one member (the host) shares with some of the members."""

    cooperation = models.ForeignKey(
        Cooperation,
        verbose_name=_("cooperation"),
        on_delete=models.CASCADE,
        related_name="arrangements",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ArrangementKind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    host = models.ForeignKey(
        Municipality,
        verbose_name=_("host municipality"),
        on_delete=models.PROTECT,
        related_name="hosted_arrangements",
        editable=False,
        help_text=_("The municipality whose service or room it is."),
    )
    service_type = models.ForeignKey(
        "innbyggertorg.ServiceType",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shared_arrangements",
        help_text=_("For a shared service: the service in the host municipality's catalogue."),
    )
    resource = models.ForeignKey(
        "booking.Resource",
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shared_arrangements",
        help_text=_("For a shared room: the room at one of the host municipality's hubs."),
    )
    participants = models.ManyToManyField(
        Municipality,
        verbose_name=_("participating municipalities"),
        through="Participation",
        related_name="shared_arrangements",
    )

    class Meta:
        verbose_name = _("shared arrangement")
        verbose_name_plural = _("shared arrangements")
        ordering = ["cooperation__name", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=ArrangementKind.SERVICE, service_type__isnull=False, resource=None)
                    | Q(kind=ArrangementKind.ROOM, resource__isnull=False, service_type=None)
                ),
                name="shared_arrangement_target_matches_kind",
                violation_error_message=_(
                    "A shared service needs a service (and no room); a shared room needs a "
                    "room (and no service)."
                ),
            ),
            models.UniqueConstraint(
                fields=["cooperation", "service_type"],
                name="shared_service_once_per_cooperation",
                violation_error_message=_("The cooperation already shares this service."),
            ),
            models.UniqueConstraint(
                fields=["cooperation", "resource"],
                name="shared_room_once_per_cooperation",
                violation_error_message=_("The cooperation already shares this room."),
            ),
            # The target of the composite foreign key from Participation (migration 0002).
            models.UniqueConstraint(
                fields=["id", "cooperation"], name="shared_arrangement_id_cooperation"
            ),
        ]

    def __str__(self):
        return self.name


class Participation(models.Model):
    """A member municipality taking part in a shared arrangement. ``cooperation`` repeats
    the arrangement's, so that PostgreSQL can refer to the membership (cooperation,
    municipality) and refuse a participant who is not a member."""

    arrangement = models.ForeignKey(
        SharedArrangement,
        verbose_name=_("shared arrangement"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    cooperation = models.ForeignKey(
        Cooperation, verbose_name=_("cooperation"), on_delete=models.CASCADE, editable=False
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="participations",
    )

    class Meta:
        verbose_name = _("participating municipality")
        verbose_name_plural = _("participating municipalities")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "municipality"],
                name="participation_once",
                violation_error_message=_("The municipality already takes part."),
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.arrangement}"


class RegionalCoordinator(models.Model):
    """Someone who sees a cooperation's aggregated figures (the coordinating view), never
    a member's personal data unless they are also staff there."""

    cooperation = models.ForeignKey(
        Cooperation,
        verbose_name=_("cooperation"),
        on_delete=models.CASCADE,
        related_name="coordinators",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="regional_coordinations",
    )

    class Meta:
        verbose_name = _("regional coordinator")
        verbose_name_plural = _("regional coordinators")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "user"],
                name="regional_coordinator_once",
                violation_error_message=_(
                    "This person is already a regional coordinator of this cooperation."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.cooperation}"
