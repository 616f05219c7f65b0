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
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from betaling.enums import RenterCategory
from knutepunkt.models import Municipality
from knutepunkt.models.places import validate_not_reserved

from .enums import ArrangementKind

MIN_MEMBERS = 2
MIN_PARTICIPANTS = 2
GUEST_HORIZON_DAYS = (1, 730)


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
    # A shared room's rules for associations of the other participating municipalities
    # (the host's own bookers keep the room's usual rules).
    guest_horizon_days = models.PositiveSmallIntegerField(
        _("guests book at most this many days ahead"),
        default=60,
        validators=[
            MinValueValidator(GUEST_HORIZON_DAYS[0]),
            MaxValueValidator(GUEST_HORIZON_DAYS[1]),
        ],
        help_text=_(
            "For a shared room: associations of the other municipalities book within this "
            "horizon (the room's own horizon still applies)."
        ),
    )
    guest_needs_approval = models.BooleanField(
        _("staff approve guests' bookings"),
        default=True,
        help_text=_(
            "For a shared room: bookings by associations of the other municipalities are "
            "requests that the hub's staff approve, so the host's own come first."
        ),
    )
    guest_price_category = models.CharField(
        _("guests' price category"),
        max_length=20,
        choices=RenterCategory.choices,
        blank=True,
        help_text=_(
            "For a shared room: the price list associations of the other municipalities "
            "pay by. Empty: the same as any association."
        ),
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
            models.CheckConstraint(
                condition=Q(guest_horizon_days__range=GUEST_HORIZON_DAYS),
                name="shared_arrangement_guest_horizon_range",
                violation_error_message=_("Guests book between one day and two years ahead."),
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


class GuestBooking(models.Model):
    """A booking made by an association of another municipality through a shared room
    (recorded by booking's write path through booking.access): what staff are told about
    if the room stops being shared with that municipality."""

    booking = models.OneToOneField(
        "booking.Booking",
        verbose_name=_("booking"),
        on_delete=models.CASCADE,
        related_name="guest_of_cooperation",
    )
    arrangement = models.ForeignKey(
        SharedArrangement,
        verbose_name=_("shared room"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="guest_bookings",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("the association's municipality"),
        on_delete=models.CASCADE,
        related_name="guest_bookings",
    )
    cooperation_name = models.CharField(_("cooperation"), max_length=120)

    class Meta:
        verbose_name = _("guest booking")
        verbose_name_plural = _("guest bookings")

    def __str__(self):
        return f"{self.booking} ({self.cooperation_name})"
