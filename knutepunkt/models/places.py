"""Municipalities, their districts and hubs, the news they publish and who works where."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.lookups import Regex
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..enums import ClosedEve, DataLicence, StaffRole
from ..validators import validate_organisation_number

RESERVED_SLUGS = {
    "admin",
    "konto",
    "sok",
    "finn-bydel",
    "sprak",
    "i18n",
    "static",
    "media",
    "nn",
    "en",
    "nb",
    "healthz",
    "knutepunkt",
    "api",
    "kalender",
    "tjenester",
    "arrangement",
    "arrangementer",
    "rom",
    "bookinger",
    "statistikk",
    "frivillighet",
    "samarbeid",
    # The legal pages: installation-wide and under each municipality's address.
    "tilgjengelighet",
    "personvern",
    "informasjonskapsler",
}

postcode_validator = RegexValidator(r"^\d{4}$", _("A postcode has four digits, e.g. 1389."))
kommunenummer_validator = RegexValidator(
    r"^\d{4}$", _("A municipality number has four digits, e.g. 3203.")
)
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use the form #RRGGBB, e.g. #0b5394."))


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved by the portal; choose another."))


def default_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def default_closed_eves() -> list[str]:
    return [str(eve) for eve in ClosedEve.default()]


class ArrayToString(Func):
    function = "array_to_string"
    output_field = models.TextField()


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("address"), max_length=60, unique=True, validators=[validate_not_reserved]
    )
    number = models.CharField(
        _("municipality number"),
        max_length=4,
        unique=True,
        validators=[kommunenummer_validator],
        help_text=_("The four-digit kommunenummer."),
    )
    coat_of_arms = models.ImageField(_("coat of arms"), upload_to="kommunevapen/", blank=True)
    brand_colour = models.CharField(
        _("brand colour"), max_length=7, default="#0b5394", validators=[colour_validator]
    )
    languages = ArrayField(
        models.CharField(max_length=5, choices=settings.LANGUAGES),
        verbose_name=_("languages offered"),
        default=default_languages,
    )
    closed_eves = ArrayField(
        models.CharField(max_length=20, choices=ClosedEve.choices),
        verbose_name=_("eves when the hubs are closed"),
        default=default_closed_eves,
        blank=True,
        help_text=_(
            "Days that are not public holidays but on which the hubs close as on a public "
            "holiday. A hub that opens anyway gets special hours for the date."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        validators=[validate_organisation_number],
        help_text=_(
            "The municipality's number in the Central Coordinating Register for Legal "
            "Entities: the publisher of its open data in the national data catalogue."
        ),
    )
    data_licence = models.CharField(
        _("licence of the open data"),
        max_length=20,
        choices=DataLicence.choices,
        default=DataLicence.NLOD_2_0,
        help_text=_("The licence under which the API's data of the municipality are shared."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^\d{4}$"),
                name="municipality_number_four_digits",
                violation_error_message=_("A municipality number has four digits, e.g. 3203."),
            ),
            models.CheckConstraint(
                condition=Q(brand_colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="municipality_brand_colour_hex",
                violation_error_message=_("Use the form #RRGGBB, e.g. #0b5394."),
            ),
            models.CheckConstraint(
                condition=Q(languages__len__gte=1)
                & Q(languages__contained_by=[code for code, _name in settings.LANGUAGES]),
                name="municipality_languages_offered",
                violation_error_message=_(
                    "Offer at least one of the portal's languages (nb, nn, en)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(organisation_number="") | Q(organisation_number__regex=r"^\d{9}$"),
                name="municipality_organisation_number_nine_digits",
                violation_error_message=_(
                    "An organisation number has nine digits with a valid check digit, "
                    "e.g. 974760673."
                ),
            ),
            models.CheckConstraint(
                condition=Q(data_licence__in=DataLicence.values),
                name="municipality_data_licence_known",
                violation_error_message=_("Choose the licence from the list."),
            ),
            models.CheckConstraint(
                condition=Q(closed_eves__contained_by=ClosedEve.values),
                name="municipality_closed_eves_known",
                violation_error_message=_("Choose the closed eves from the list."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("knutepunkt:municipality", kwargs={"municipality": self.slug})


class District(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="districts",
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=60, validators=[validate_not_reserved])
    description = models.TextField(_("description"), blank=True)
    postcodes = ArrayField(
        models.CharField(max_length=4, validators=[postcode_validator]),
        verbose_name=_("postcodes"),
        default=list,
        blank=True,
        help_text=_("The postcodes the district covers, separated by commas."),
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"],
                name="district_slug_unique_in_municipality",
                violation_error_message=_(
                    "Another district of this municipality has this address."
                ),
            ),
            models.CheckConstraint(
                condition=Regex(ArrayToString(F("postcodes"), Value(",")), r"^(\d{4}(,\d{4})*)?$"),
                name="district_postcodes_four_digits",
                violation_error_message=_("A postcode has four digits, e.g. 1389."),
            ),
        ]
        # "Which districts cover postcode X" (postcodes @> '{X}') is an index lookup.
        indexes = [GinIndex(fields=["postcodes"], name="district_postcodes_gin")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "knutepunkt:district",
            kwargs={"municipality": self.municipality.slug, "district": self.slug},
        )


class Hub(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="hubs",
        editable=False,
        help_text=_("Taken from the district."),
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="hubs"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=60)
    is_pilot = models.BooleanField(
        _("pilot hub"), default=False, help_text=_("A pilot with cross-disciplinary management.")
    )
    description = models.TextField(_("description"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    post_town = models.CharField(_("post town"), max_length=60, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    coordinator_name = models.CharField(_("local coordinator"), max_length=120, blank=True)
    coordinator_phone = models.CharField(_("coordinator's phone"), max_length=30, blank=True)
    coordinator_email = models.EmailField(_("coordinator's email"), blank=True)
    step_free_entrance = models.BooleanField(_("step-free entrance"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    parking = models.CharField(_("parking"), max_length=200, blank=True)
    public_transport = models.CharField(_("public transport"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"],
                name="hub_slug_unique_in_municipality",
                violation_error_message=_("Another hub of this municipality has this address."),
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^\d{4}$"), name="hub_postcode_four_digits"
            ),
            models.CheckConstraint(
                condition=(
                    Q(latitude__isnull=True, longitude__isnull=True)
                    | Q(latitude__range=(-90, 90), longitude__range=(-180, 180))
                ),
                name="hub_coordinates_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.municipality_id = self.district.municipality_id
        if kwargs.get("update_fields") is not None and "district" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "municipality"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "knutepunkt:hub", kwargs={"municipality": self.municipality.slug, "hub": self.slug}
        )

    @property
    def map_url(self) -> str:
        if self.latitude is not None and self.longitude is not None:
            return f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}#map=17/{self.latitude}/{self.longitude}"
        return "https://www.openstreetmap.org/search?query=" + quote(
            f"{self.street_address}, {self.postcode} {self.post_town}"
        )

    @property
    def accessibility_facts(self) -> list[tuple[str, bool]]:
        return [
            (_("Step-free entrance"), self.step_free_entrance),
            (_("Hearing loop"), self.hearing_loop),
            (_("Accessible toilet"), self.accessible_toilet),
        ]


class NewsItem(models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="news"
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news",
        help_text=_("Leave empty for news for the whole municipality."),
    )
    hub = models.ForeignKey(
        Hub,
        verbose_name=_("hub"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    publish_from = models.DateTimeField(_("publish from"))
    publish_until = models.DateTimeField(_("publish until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-publish_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True)
                | Q(publish_until__gt=models.F("publish_from")),
                name="news_published_window_ordered",
                violation_error_message=_("The news must stop being published after it starts."),
            )
        ]
        indexes = [models.Index(fields=["municipality", "-publish_from"], name="news_recent_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.hub_id:  # the hub decides where the news belongs
            self.district_id = self.hub.district_id
            self.municipality_id = self.hub.municipality_id
        if self.hub_id and self.hub.district_id != self.district_id:
            raise ValidationError({"hub": _("The hub is not in the chosen district.")})
        if self.district_id and self.district.municipality_id != self.municipality_id:
            raise ValidationError(
                {"district": _("The district is not in the chosen municipality.")}
            )


class StaffMembership(models.Model):
    """A member of staff: administrator of a whole municipality, or staff of one hub."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=StaffRole.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_memberships",
    )
    hub = models.ForeignKey(
        Hub,
        verbose_name=_("hub"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_memberships",
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role=StaffRole.MUNICIPALITY_ADMIN,
                        municipality__isnull=False,
                        hub__isnull=True,
                    )
                    | Q(role=StaffRole.HUB_STAFF, hub__isnull=False, municipality__isnull=True)
                    | Q(role=StaffRole.FINANCE, municipality__isnull=False, hub__isnull=True)
                ),
                name="staff_membership_scope_matches_role",
                violation_error_message=_(
                    "A municipality administrator or finance staff need a municipality (and "
                    "no hub); hub staff need a hub (and no municipality)."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(hub__isnull=True),
                name="staff_membership_unique_municipality",
                violation_error_message=_(
                    "This person is already an administrator of this municipality."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "hub"],
                condition=Q(municipality__isnull=True),
                name="staff_membership_unique_hub",
                violation_error_message=_("This person is already staff of this hub."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}: {self.hub or self.municipality}"
