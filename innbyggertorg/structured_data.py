"""schema.org JSON-LD for the event and service pages, and what the hub page's services and
events sections say about the hub (``PortalSection.describe``).

An event is an ``Event`` as Google's event rich results read it: the hub as its Place, the
municipality as its organiser, and an ``Offer`` whose availability follows the registration
(free places counted under the capacity engine's lock, so "in stock" means a place is free).
A service is a ``GovernmentService`` whose channels are the hubs where it is met, with the
coming times it is there, and its phone and digital channels."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from knutepunkt.opening_hours import OSLO
from knutepunkt.structured_data import (
    SCHEMA,
    WEEKDAYS,
    absolute,
    hub_place,
    municipality_organisation,
)

from .enums import Audience, ServiceCategory
from .models import Event, ServiceOffer, ServiceType
from .selectors import NextVisit

# Audiences schema.org can say more of than a name.
_AGES = {Audience.CHILDREN: {"suggestedMaxAge": 12}, Audience.YOUTH: {"suggestedMinAge": 13}}


def _instant(moment: datetime) -> str:
    return moment.astimezone(OSLO).isoformat()


def event_availability(event: Event, now: datetime) -> str:
    """Whether a place can be had now, in schema.org's ItemAvailability words."""
    if event.is_cancelled or event.ends_at <= now:
        return f"{SCHEMA}/Discontinued"
    if event.counts_places and not event.free_places:
        return f"{SCHEMA}/SoldOut"  # a waiting list is no place
    if event.counts_places and event.free_places <= max(1, event.capacity // 10):
        return f"{SCHEMA}/LimitedAvailability"
    return f"{SCHEMA}/InStock"


def event_offer(event: Event, now: datetime) -> dict[str, Any]:
    """Events at the hubs are free (the portal has no price for them). Registering elsewhere
    is offered at that address."""
    url = event.external_url if event.registers_elsewhere else absolute(event.get_absolute_url())
    return {
        "@type": "Offer",
        "price": 0,
        "priceCurrency": "NOK",
        "availability": event_availability(event, now),
        "url": url,
        "validFrom": _instant(event.created_at.replace(microsecond=0)),  # published then
        "validThrough": _instant(event.ends_at),
    }


def event_json_ld(*, event: Event, now: datetime | None = None, context: bool = True) -> dict:
    now = now or timezone.now()
    hub = event.hub
    location = hub_place(hub)
    if event.accessibility_notes:
        location["amenityFeature"] = [
            *location["amenityFeature"],
            {
                "@type": "LocationFeatureSpecification",
                "name": _("Accessibility"),
                "value": event.accessibility_notes,
            },
        ]
    described: dict[str, Any] = {
        **({"@context": SCHEMA} if context else {}),
        "@type": "Event",
        "@id": absolute(event.get_absolute_url()) + "#arrangement",
        "name": event.title,
        "url": absolute(event.get_absolute_url()),
        "startDate": _instant(event.starts_at),
        "endDate": _instant(event.ends_at),
        "eventStatus": f"{SCHEMA}/EventCancelled"
        if event.is_cancelled
        else f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": location,
        "organizer": municipality_organisation(hub.municipality),
        "description": event.description
        or _("%(title)s at %(hub)s.") % {"title": event.title, "hub": hub.name},
        "offers": event_offer(event, now),
        "isAccessibleForFree": True,
        "audience": {
            "@type": "PeopleAudience",
            "audienceType": str(event.get_audience_display()),
            **_AGES.get(event.audience, {}),
        },
        "keywords": str(event.get_category_display()),
    }
    if event.languages:
        described["inLanguage"] = [
            {"@type": "Language", "name": language} for language in event.languages
        ]
    if event.capacity:
        described["maximumAttendeeCapacity"] = event.capacity
        if not event.is_cancelled:
            described["remainingAttendeeCapacity"] = event.free_places
    return described


# --------------------------------------------------------------------------- services


def _service_reference(service: ServiceType) -> dict[str, Any]:
    return {
        "@type": "GovernmentService",
        "@id": absolute(service.get_absolute_url()) + "#tjeneste",
        "name": service.name,
        "url": absolute(service.get_absolute_url()),
        "serviceType": str(ServiceCategory(service.category).label),
    }


def _visit_hours(visit: NextVisit) -> dict[str, Any]:
    interval = visit.occurrence.interval
    day = visit.occurrence.day.isoformat()
    return {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": f"{SCHEMA}/{WEEKDAYS[visit.occurrence.day.weekday()]}",
        "opens": f"{interval.start.astimezone(OSLO):%H:%M}",
        "closes": f"{interval.end.astimezone(OSLO):%H:%M}",
        "validFrom": day,
        "validThrough": day,
        "description": str(_("by appointment") if visit.schedule.by_appointment else _("drop in")),
    }


def service_json_ld(
    *, service: ServiceType, visits: Sequence[NextVisit], offers: Sequence[ServiceOffer]
) -> dict[str, Any]:
    """The service, with a channel for each hub where it is met (the coming times it is there
    as that place's hours for the service) and for its phone and digital channels."""
    municipality = service.municipality
    by_hub: dict[int, dict[str, Any]] = {}
    hours: dict[int, list] = defaultdict(list)
    for offer in offers:
        by_hub.setdefault(offer.hub_id, {"hub": offer.hub, "offer": offer})
    for visit in visits:
        by_hub.setdefault(visit.schedule.hub_id, {"hub": visit.schedule.hub, "offer": None})
        if not visit.occurrence.is_cancelled:
            hours[visit.schedule.hub_id].append(_visit_hours(visit))
    channels = []
    for hub_id, found in by_hub.items():
        hub = found["hub"]
        place = hub_place(hub)
        if hours[hub_id]:
            place["openingHoursSpecification"] = hours[hub_id]
        channel: dict[str, Any] = {
            "@type": "ServiceChannel",
            "name": _("%(service)s at %(hub)s") % {"service": service.name, "hub": hub.name},
            "serviceLocation": place,
            "serviceUrl": absolute(hub.get_absolute_url()),
        }
        offer = found["offer"]
        if offer is not None:
            channel["description"] = str(offer.get_level_display())
            if offer.contact_phone:
                channel["servicePhone"] = {
                    "@type": "ContactPoint",
                    "telephone": offer.contact_phone,
                    **({"name": offer.contact_name} if offer.contact_name else {}),
                }
        channels.append(channel)
    if service.phone:
        channels.append(
            {
                "@type": "ServiceChannel",
                "name": _("Phone"),
                "servicePhone": {"@type": "ContactPoint", "telephone": service.phone},
            }
        )
    for label, url in service.digital_channels:
        channels.append({"@type": "ServiceChannel", "name": str(label), "serviceUrl": url})
    described = {
        "@context": SCHEMA,
        **_service_reference(service),
        "provider": municipality_organisation(municipality),
        "serviceOperator": municipality_organisation(municipality),
        "areaServed": {"@type": "AdministrativeArea", "name": municipality.name},
        "availableChannel": channels,
    }
    if service.description:
        described["description"] = service.description
    if service.keywords:
        described["keywords"] = service.keywords
    return described


# --------------------------------------------------------------------------- the hub page


def hub_services_described(hub, data: dict) -> dict[str, Any]:
    """What the hub page's services section says of the hub: its offer catalogue."""
    services = [offer.service_type for offer in data["offers"]]
    services += [
        visit.schedule.service_type
        for visit in data["visits"]
        if visit.schedule.service_type not in services
    ]
    if not services:
        return {}
    return {
        "hasOfferCatalog": {
            "@type": "OfferCatalog",
            "name": _("Services at %(hub)s") % {"hub": hub.name},
            "itemListElement": [
                {"@type": "Offer", "itemOffered": _service_reference(service)}
                for service in services
            ],
        }
    }
