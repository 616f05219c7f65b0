"""schema.org JSON-LD for the hub pages (GovernmentOffice), and the pieces other apps' pages
describe their places with (a hub as a Place, a municipality as a GovernmentOrganization).

The opening hours come from the same engine and the same schedule as the page's own table
(`knutepunkt.opening_hours` through `knutepunkt.selectors.hub_schedules`): the regular week as
``openingHoursSpecification`` per validity period, and every coming date an exception or a
holiday decides as ``specialOpeningHoursSpecification`` (closed: opens = closes = 00:00, as
Google documents for a closed day). What the hub offers comes from its page sections: a
section may describe itself (``PortalSection.describe``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .enums import SpanState
from .models import Hub, Municipality
from .opening_hours import OSLO, Interval, Schedule

SCHEMA = "https://schema.org"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# How far ahead the special hours reach (Google reads special hours for coming dates).
SPECIAL_HOURS_DAYS = 60


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def postal_address(hub: Hub) -> dict[str, Any]:
    return {
        "@type": "PostalAddress",
        "streetAddress": hub.street_address,
        "postalCode": hub.postcode,
        **({"addressLocality": hub.post_town} if hub.post_town else {}),
        "addressRegion": hub.municipality.name,
        "addressCountry": "NO",
    }


def geo(hub: Hub) -> dict[str, Any] | None:
    if hub.latitude is None or hub.longitude is None:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": float(hub.latitude),
        "longitude": float(hub.longitude),
    }


def accessibility_features(hub: Hub) -> list[dict[str, Any]]:
    """The hub's accessibility facts as schema.org amenity features (known true or false)."""
    return [
        {"@type": "LocationFeatureSpecification", "name": str(name), "value": value}
        for name, value in hub.accessibility_facts
    ]


def hub_place(hub: Hub) -> dict[str, Any]:
    """The hub as the Place an event or a service is at."""
    place = {
        "@type": "Place",
        "@id": absolute(hub.get_absolute_url()) + "#sted",
        "name": hub.name,
        "url": absolute(hub.get_absolute_url()),
        "address": postal_address(hub),
        "amenityFeature": accessibility_features(hub),
    }
    if geo(hub):
        place["geo"] = geo(hub)
    return place


def municipality_organisation(municipality: Municipality) -> dict[str, Any]:
    organisation = {
        "@type": "GovernmentOrganization",
        "@id": absolute(municipality.get_absolute_url()) + "#kommune",
        "name": _("%(name)s municipality") % {"name": municipality.name},
        "url": municipality.website or absolute(municipality.get_absolute_url()),
    }
    if municipality.phone:
        organisation["telephone"] = municipality.phone
    return organisation


def _time(interval_moment) -> str:
    return f"{interval_moment.astimezone(OSLO):%H:%M}"


def _spec(interval: Interval, **extra) -> dict[str, Any]:
    spec = {
        "@type": "OpeningHoursSpecification",
        "opens": _time(interval.start),
        "closes": _time(interval.end),  # before opens: past midnight, as schema.org reads it
        **extra,
    }
    spec["description"] = str(interval.state_label)
    return spec


def regular_hours(schedule: Schedule, *, start: date, days: int) -> list[dict[str, Any]]:
    """The regular week of every period that holds on some day from `start` for `days`: one
    specification per open span, with the period's validity."""
    end = start + timedelta(days=days - 1)
    found = []
    for period in schedule.periods:
        if period.valid_from > end or (period.valid_until and period.valid_until < start):
            continue
        validity = {"validFrom": period.valid_from.isoformat()}
        if period.valid_until:
            validity["validThrough"] = period.valid_until.isoformat()
        for span in sorted(period.spans, key=lambda s: (s.weekday, s.opens)):
            if not SpanState(span.state).is_open:
                continue
            found.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": f"{SCHEMA}/{WEEKDAYS[span.weekday]}",
                    "opens": f"{span.opens:%H:%M}",
                    "closes": f"{span.closes:%H:%M}",
                    "description": str(SpanState(span.state).short_label),
                    **validity,
                }
            )
    return found


def special_hours(
    schedule: Schedule, *, start: date, days: int, language: str
) -> list[dict[str, Any]]:
    """Every date from `start` for `days` that an exception or a holiday decides: its open
    hours, or closed (opens = closes = 00:00), named by the exception's reason or the
    holiday."""
    found = []
    for day in schedule.week(start, days, language):
        if not day.differs_from_regular:
            continue
        dated = {"validFrom": day.day.isoformat(), "validThrough": day.day.isoformat()}
        name = day.exception_reason or day.holiday or ""
        named = {"name": name} if name else {}
        open_intervals = [interval for interval in day.intervals if interval.is_open]
        if not open_intervals:
            found.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "opens": "00:00",
                    "closes": "00:00",
                    **dated,
                    **named,
                }
            )
        for interval in open_intervals:
            found.append(_spec(interval, **dated, **named))
    return found


def hub_json_ld(
    *,
    hub: Hub,
    schedule: Schedule,
    today: date,
    language: str,
    sections: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The hub as a GovernmentOffice (a place where the municipality meets its citizens) and
    a CivicStructure, with its address, contact, accessibility, hours and what it offers."""
    url = absolute(hub.get_absolute_url())
    office: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": ["GovernmentOffice", "CivicStructure"],
        "@id": url + "#knutepunkt",
        "name": hub.name,
        "url": url,
        "address": postal_address(hub),
        "parentOrganization": municipality_organisation(hub.municipality),
        "containedInPlace": {
            "@type": "AdministrativeArea",
            "name": hub.district.name,
            "url": absolute(hub.district.get_absolute_url()),
        },
        "amenityFeature": accessibility_features(hub),
        "isAccessibleForFree": True,
        "publicAccess": True,
        "openingHoursSpecification": regular_hours(schedule, start=today, days=SPECIAL_HOURS_DAYS),
        "specialOpeningHoursSpecification": special_hours(
            schedule, start=today, days=SPECIAL_HOURS_DAYS, language=language
        ),
    }
    if hub.description:
        office["description"] = hub.description
    if geo(hub):
        office["geo"] = geo(hub)
        office["hasMap"] = hub.map_url
    if hub.phone:
        office["telephone"] = hub.phone
    if hub.email:
        office["email"] = hub.email
    if hub.municipality.coat_of_arms:
        office["logo"] = absolute(hub.municipality.coat_of_arms.url)
    for loaded in sections:
        section = loaded["section"]
        data = loaded["by_hub"].get(hub.pk)
        if section.describe is not None and data:
            office.update(section.describe(hub, data))
    return office
