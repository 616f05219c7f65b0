"""``/sitemap.xml`` for search engines: every public page, in each of the portal's languages,
with ``hreflang`` alternates (and ``x-default``, the Bokmål page) for each, built with
Django's sitemap framework. Only what a visitor may see is listed: listed organisations,
coming events and volunteering shifts, bookable rooms (not add-ons)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from booking.enums import ResourceKind
from booking.models import Resource
from frivillighet.enums import ListingStatus
from frivillighet.models import Opportunity, Organisation, Shift
from innbyggertorg.models import Event, ServiceType
from knutepunkt.models import AccessibilityStatement, District, Hub, Municipality, PrivacyStatement


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    languages = [code for code, _name in settings.LANGUAGES]


class PagesSitemap(PortalSitemap):
    priority = 1.0
    changefreq = "daily"

    def items(self):
        return [
            "home",
            "knutepunkt:find_district",
            "knutepunkt:search",
            "knutepunkt:accessibility_index",
            "knutepunkt:privacy_index",
            "knutepunkt:cookies",
            "booking:find_room",
            "frivillighet:directory",
            "sesong:rounds",
        ]

    def location(self, item):
        return reverse(item)


class PlacesSitemap(PortalSitemap):
    """Municipalities, districts and hubs: the portal's main pages."""

    priority = 0.9
    changefreq = "daily"

    def items(self):
        return [
            *Municipality.objects.order_by("slug"),
            *District.objects.select_related("municipality").order_by("municipality__slug", "slug"),
            *Hub.objects.select_related("municipality").order_by("municipality__slug", "slug"),
        ]


class StatementsSitemap(PortalSitemap):
    priority = 0.3
    changefreq = "monthly"

    def items(self):
        return [
            *AccessibilityStatement.objects.select_related("municipality").order_by("pk"),
            *PrivacyStatement.objects.select_related("municipality").order_by("pk"),
        ]


class ServicesSitemap(PortalSitemap):
    priority = 0.7
    changefreq = "weekly"

    def items(self):
        return ServiceType.objects.select_related("municipality").order_by(
            "municipality__slug", "slug"
        )


class EventsSitemap(PortalSitemap):
    priority = 0.6
    changefreq = "daily"

    def items(self):
        return (
            Event.objects.filter(ends_at__gt=timezone.now())
            .select_related("hub__municipality")
            .order_by("starts_at", "pk")
        )


class RoomsSitemap(PortalSitemap):
    priority = 0.5
    changefreq = "daily"

    def items(self):
        return Resource.objects.exclude(kind__in=ResourceKind.add_ons()).order_by("pk")


class VolunteeringSitemap(PortalSitemap):
    priority = 0.5
    changefreq = "daily"

    def items(self):
        coming = Shift.objects.filter(starts_at__gt=timezone.now(), is_cancelled=False)
        return [
            *Organisation.objects.filter(listing=ListingStatus.APPROVED).order_by("pk"),
            *Opportunity.objects.filter(pk__in=coming.values("opportunity_id")).order_by("pk"),
        ]


SITEMAPS = {
    "pages": PagesSitemap,
    "places": PlacesSitemap,
    "statements": StatementsSitemap,
    "services": ServicesSitemap,
    "events": EventsSitemap,
    "rooms": RoomsSitemap,
    "volunteering": VolunteeringSitemap,
}
