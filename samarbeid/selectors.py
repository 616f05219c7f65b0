"""Reads of cooperations: the public page (members, shared services and where they are
offered, shared rooms), each in a fixed number of queries whatever the region's size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from booking.models import Resource
from innbyggertorg.models import ServiceOffer
from knutepunkt.models import Hub, Municipality

from .enums import ArrangementKind
from .models import Cooperation, SharedArrangement


@dataclass
class SharedItem:
    arrangement: SharedArrangement
    participants: list[Municipality]
    # For a shared service: the hubs where it is offered (the host's hubs with an offer).
    hubs: list[Hub] = field(default_factory=list)


@dataclass
class CooperationPage:
    cooperation: Cooperation
    members: list[Municipality]
    services: list[SharedItem]
    rooms: list[SharedItem]


def cooperations_listed() -> QuerySet[Cooperation]:
    return Cooperation.objects.prefetch_related(
        Prefetch("members", queryset=Municipality.objects.order_by("name"))
    ).order_by("name")


def cooperation_page(*, cooperation: Cooperation) -> CooperationPage:
    """Five queries: members, arrangements with their targets, participants, offers."""
    members = list(cooperation.members.order_by("name"))
    arrangements = list(
        cooperation.arrangements.select_related(
            "host",
            "service_type__municipality",
            "resource__hub__municipality",
        )
        .prefetch_related(Prefetch("participants", queryset=Municipality.objects.order_by("name")))
        .order_by("name")
    )
    service_ids = [a.service_type_id for a in arrangements if a.service_type_id]
    hubs_by_service: dict[int, list[Hub]] = {}
    offers = (
        ServiceOffer.objects.filter(service_type_id__in=service_ids)
        .select_related("hub__municipality")
        .order_by("hub__name")
    )
    for offer in offers:
        hubs_by_service.setdefault(offer.service_type_id, []).append(offer.hub)
    services, rooms = [], []
    for arrangement in arrangements:
        item = SharedItem(arrangement, list(arrangement.participants.all()))
        if arrangement.kind == ArrangementKind.SERVICE:
            item.hubs = hubs_by_service.get(arrangement.service_type_id, [])
            services.append(item)
        else:
            rooms.append(item)
    return CooperationPage(cooperation, members, services, rooms)


def shareable_resources() -> QuerySet[Resource]:
    return Resource.objects.select_related("hub__municipality").order_by("hub__name", "name")
