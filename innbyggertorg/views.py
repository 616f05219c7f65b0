from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from knutepunkt.models import Hub, Municipality

from . import selectors
from .calendar import visits_calendar
from .enums import ServiceCategory
from .models import ServiceType


@require_GET
def service_list(request, municipality):
    municipality = get_object_or_404(Municipality, slug=municipality)
    services = ServiceType.objects.filter(municipality=municipality).order_by("category", "name")
    by_category = {}
    for service in services:
        by_category.setdefault(ServiceCategory(service.category).label, []).append(service)
    context = {"municipality": municipality, "by_category": by_category}
    return render(request, "innbyggertorg/service_list.html", context)


def _service(municipality, service):
    return get_object_or_404(
        ServiceType.objects.select_related("municipality"),
        municipality__slug=municipality, slug=service,
    )  # fmt: skip


@require_GET
def service_page(request, municipality, service):
    """Where and when can I meet this service, across every hub of the municipality."""
    service = _service(municipality, service)
    context = {
        "municipality": service.municipality,
        "service": service,
        "visits": selectors.service_where_and_when(service_type=service),
        "offers": selectors.service_hubs(service_type=service),
    }
    return render(request, "innbyggertorg/service.html", context)


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def service_calendar(request, municipality, service):
    service = _service(municipality, service)
    visits = selectors.service_where_and_when(service_type=service)
    return _ics(visits_calendar(service.name, visits), f"{service.slug}.ics")


@require_GET
def hub_calendar(request, municipality, hub):
    hub = get_object_or_404(Hub, municipality__slug=municipality, slug=hub)
    return _ics(visits_calendar(hub.name, selectors.hub_visits(hub=hub)), f"{hub.slug}.ics")
