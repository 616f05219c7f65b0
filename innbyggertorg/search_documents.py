from django.utils.translation import gettext_lazy as _

from hubportal.search.registry import SearchEntry, register, register_kind

from .models import Event, ServiceType


@register(
    "innbyggertorg.servicetype", queryset=lambda: ServiceType.objects.select_related("municipality")
)
def service_entry(service: ServiceType) -> SearchEntry:
    # "Bostøtte Heggedal" finds the service: the hubs where it is offered or visits count.
    hubs = set(service.offers.values_list("hub__name", flat=True)) | set(
        service.schedules.values_list("hub__name", flat=True)
    )
    return SearchEntry(
        kind="service",
        title=service.name,
        url=service.get_absolute_url(),
        summary=service.description[:300],
        body=service.description,
        keywords=f"{service.keywords} {service.get_category_display()} {' '.join(sorted(hubs))}",
        municipality_id=service.municipality_id,
        boost=1.5,  # "one door in": services first
    )


register_kind("service", _("Service"))


@register("innbyggertorg.event", queryset=lambda: Event.objects.select_related("hub__municipality"))
def event_entry(event: Event) -> SearchEntry | None:
    return SearchEntry(
        kind="event",
        title=event.title,
        url=event.get_absolute_url(),
        summary=event.description[:300],
        body=event.description,
        keywords=f"{event.get_category_display()} {event.hub.name}",
        municipality_id=event.municipality_id,
        hub_id=event.hub_id,
        visible_until=event.ends_at,  # past events are not found
    )


register_kind("event", _("Event"))


# Offers and schedules are not found themselves; saving one re-indexes its service.
@register("innbyggertorg.serviceoffer", dependents=lambda offer: [offer.service_type])
def _offer_entry(offer) -> None:
    return None


@register("innbyggertorg.serviceschedule", dependents=lambda schedule: [schedule.service_type])
def _schedule_entry(schedule) -> None:
    return None
