"""Reads of cooperations: the public page (members, shared services and where they are
offered, shared rooms), each in a fixed number of queries whatever the region's size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from booking.access import GuestAccess
from booking.enums import BookingStatus
from booking.models import Booking, Resource
from innbyggertorg.models import ServiceOffer
from innbyggertorg.selectors import service_where_and_when
from knutepunkt.models import Hub, Municipality

from .enums import ArrangementKind
from .models import Cooperation, GuestBooking, Participation, SharedArrangement


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


# --------------------------------------------------------------------------- shared rooms


def guest_access_for(*, resource, organisation) -> GuestAccess | None:
    """booking.access asks: may this association of another municipality book the
    resource, because a cooperation shares it with the association's municipality? One
    query. The first such arrangement (by cooperation name) sets the rules."""
    arrangement = (
        SharedArrangement.objects.filter(
            kind=ArrangementKind.ROOM,
            resource_id=resource.pk,
            participations__municipality_id=organisation.municipality_id,
        )
        .select_related("cooperation")
        .order_by("cooperation__name")
        .first()
    )
    if arrangement is None:
        return None
    return GuestAccess(
        label=arrangement.cooperation.name,
        horizon_days=arrangement.guest_horizon_days,
        needs_approval=arrangement.guest_needs_approval,
        price_category=arrangement.guest_price_category,
        grant=arrangement,
    )


def future_guest_bookings(*, arrangement, municipality_ids=None, now=None) -> QuerySet[Booking]:
    """The bookings made as guests through the shared room (by associations of these
    municipalities) that still hold a time to come."""
    now = now or timezone.now()
    guests = GuestBooking.objects.filter(arrangement=arrangement)
    if municipality_ids is not None:
        guests = guests.filter(municipality_id__in=municipality_ids)
    return (
        Booking.objects.filter(pk__in=guests.values("booking_id"))
        .filter(
            occurrences__starts_at__gt=now,
            occurrences__status__in=BookingStatus.holding_time(),
        )
        .distinct()
        .select_related("organisation__municipality", "resource__hub")
        .order_by("pk")
    )


# --------------------------------------------------------------------------- hub sections


@dataclass
class SharedServiceAt:
    """A shared service as a participating municipality's hub page shows it: the hubs
    where it is offered (each with its municipality) and its next times there."""

    arrangement: SharedArrangement
    hubs: list[Hub]
    visits: list = field(default_factory=list)


def shared_services_for_hubs(*, hubs, at=None) -> dict[int, list[SharedServiceAt]]:
    """For each hub: the services shared with its municipality by a cooperation, unless
    the hub offers the service itself. Three queries, plus one per shared service for its
    coming times (bounded by the region's arrangements, not by the number of hubs)."""
    at = at or timezone.now()
    municipality_ids = {hub.municipality_id for hub in hubs}
    taking_part: dict[int, set[int]] = {}
    for arrangement_id, municipality_id in Participation.objects.filter(
        municipality_id__in=municipality_ids, arrangement__kind=ArrangementKind.SERVICE
    ).values_list("arrangement_id", "municipality_id"):
        taking_part.setdefault(arrangement_id, set()).add(municipality_id)
    if not taking_part:
        return {}
    arrangements = list(
        SharedArrangement.objects.filter(pk__in=taking_part)
        .select_related("cooperation", "service_type__municipality")
        .order_by("name")
    )
    offered_at: dict[int, list[Hub]] = {}
    for offer in (
        ServiceOffer.objects.filter(service_type_id__in=[a.service_type_id for a in arrangements])
        .select_related("hub__municipality")
        .order_by("hub__name")
    ):
        offered_at.setdefault(offer.service_type_id, []).append(offer.hub)
    shown = {
        arrangement.pk: SharedServiceAt(
            arrangement,
            offered_at.get(arrangement.service_type_id, []),
            service_where_and_when(service_type=arrangement.service_type, at=at)[:3],
        )
        for arrangement in arrangements
    }
    result: dict[int, list[SharedServiceAt]] = {}
    for hub in hubs:
        items = [
            item
            for arrangement_id, item in shown.items()
            if hub.municipality_id in taking_part[arrangement_id]
            and hub.pk not in {h.pk for h in item.hubs}
        ]
        if items:
            result[hub.pk] = items
    return result
