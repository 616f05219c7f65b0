from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from hubportal.core.errors import DomainError
from hubportal.core.ics import ics_response
from hubportal.core.lists import paginated
from hubportal.core.page_cache import cached_page
from knutepunkt.models import Hub, Municipality

from . import selectors, services
from .calendar import event_calendar, events_calendar, visits_calendar
from .enums import RegistrationStatus, ServiceCategory
from .forms import EventFilterForm, RegistrationForm
from .models import Event, ServiceType
from .structured_data import event_json_ld, service_json_ld


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
        municipality__slug=municipality,
        slug=service,
    )


@require_GET
def service_page(request, municipality, service):
    """Where and when can I meet this service, across every hub of the municipality."""
    service = _service(municipality, service)
    visits = selectors.service_where_and_when(service_type=service)
    offers = selectors.service_hubs(service_type=service)
    context = {
        "municipality": service.municipality,
        "service": service,
        "visits": visits,
        "offers": offers,
        "structured_data": service_json_ld(service=service, visits=visits, offers=offers),
    }
    return render(request, "innbyggertorg/service.html", context)


@require_GET
def service_calendar(request, municipality, service):
    service = _service(municipality, service)
    visits = selectors.service_where_and_when(service_type=service)
    return ics_response(visits_calendar(service.name, visits), f"{service.slug}.ics")


@require_GET
def hub_calendar(request, municipality, hub):
    hub = get_object_or_404(Hub, municipality__slug=municipality, slug=hub)
    return ics_response(visits_calendar(hub.name, selectors.hub_visits(hub=hub)), f"{hub.slug}.ics")


# --------------------------------------------------------------------------- events


EVENTS_PER_PAGE = 20


@require_GET
def event_list(request, municipality):
    municipality = get_object_or_404(Municipality, slug=municipality)

    def build():
        form = EventFilterForm(request.GET or None, municipality=municipality)
        filters = form.cleaned_data if form.is_valid() else {}
        page = paginated(
            request,
            selectors.upcoming_events(municipality=municipality, filters=filters),
            per_page=EVENTS_PER_PAGE,
        )
        events = page.object_list
        context = {"municipality": municipality, "form": form, "events": events, "page": page}
        template = (
            "innbyggertorg/_event_results.html" if request.htmx else "innbyggertorg/event_list.html"
        )
        first_end = min((event.ends_at for event in events), default=None)
        return render(request, template, context), first_end  # a past event drops off

    return cached_page(request, scopes=(municipality.pk,), build=build)


def _event(municipality, event):
    return get_object_or_404(
        Event.objects.select_related("hub__district", "hub__municipality"),
        municipality__slug=municipality,
        pk=event,
    )


def event_page(request, municipality, event):
    event = _event(municipality, event)
    user = request.user if request.user.is_authenticated else None
    initial = {"name": user.full_name, "email": user.email} if user else {}
    form = RegistrationForm(request.POST or None, event=event, initial=initial)
    registration = None
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                event=event, user=user, language=get_language()[:2], **form.cleaned_data
            )
        except DomainError as refused:
            refused.add_to_form(form)
        else:
            return redirect(f"{event.get_absolute_url()}?pameldt={registration.status}")
    context = {
        "municipality": event.hub.municipality,
        "district": event.hub.district,
        "hub": event.hub,
        "event": event,
        "form": form,
        "result": _outcome(request.GET.get("pameldt")),
        "structured_data": event_json_ld(event=event),
    }
    return render(request, "innbyggertorg/event.html", context, status=400 if form.errors else 200)


def _outcome(status: str | None):
    """What a person just registered is told, from the status in the address."""
    return RegistrationStatus(status).outcome if status in RegistrationStatus.values else None


def registration_confirm(request, token):
    """GET shows a button (mail scanners follow links); POST confirms."""
    try:
        registration = services.registration_from_token(token, "confirm", services.CONFIRM_MAX_AGE)
        if request.method == "POST":
            registration = services.registration_confirm_email(token=token)
    except DomainError as error:
        return render(request, "innbyggertorg/registration_link.html", {"error": error}, status=400)
    context = {"registration": registration, "action": "confirm", "done": request.method == "POST"}
    return render(request, "innbyggertorg/registration_link.html", context)


def registration_cancel(request, token):
    try:
        registration = services.registration_from_token(token, "cancel")
    except DomainError as error:
        return render(request, "innbyggertorg/registration_link.html", {"error": error}, status=400)
    if request.method == "POST":
        services.registration_cancel(registration=registration)
        registration.refresh_from_db()
    context = {"registration": registration, "action": "cancel", "done": request.method == "POST"}
    return render(request, "innbyggertorg/registration_link.html", context)


@require_GET
def event_ics(request, municipality, event):
    event = _event(municipality, event)
    return ics_response(event_calendar(event), f"arrangement-{event.pk}.ics")


@require_GET
def hub_events_ics(request, municipality, hub):
    hub = get_object_or_404(Hub, municipality__slug=municipality, slug=hub)
    events = hub.events.filter(ends_at__gt=timezone.now()).select_related("hub__municipality")
    return ics_response(events_calendar(hub.name, events), f"{hub.slug}-arrangementer.ics")
