from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from frivillighet.permissions import organisations_coordinated_by
from hubportal import permissions
from hubportal.core.errors import DomainError
from hubportal.core.ics import ics_response
from hubportal.core.lists import paginated
from hubportal.core.page_cache import cached_page
from hubportal.core.params import date_param, id_param, slug_param, tab_param, within_calendar
from knutepunkt.models import Hub, Municipality
from knutepunkt.opening_hours import OSLO, localise

from . import charges, selectors, services
from .calendar import booking_calendar, occurrences_calendar
from .enums import BookingStatus, Facility
from .forms import BookingForm, FindRoomForm, resource_lengths
from .models import Booking, CalendarFeed, Occurrence, Resource
from .permissions import books_as_staff, can_view_booking, is_own_booking


@require_GET
def find_room(request):
    return cached_page(
        request,
        scopes=(),
        build=lambda: (_find_room(request), _next_step()),
        same_for_everyone=_sees_citizens_free_times(request.user),
    )


def _sees_citizens_free_times(user) -> bool:
    """Staff and administrators may book outside the citizens' rules (opening hours,
    notice, horizon) where they are staff, so the free times they see are their own; every
    other reader, signed in or not, sees what a citizen sees and shares the cached copy."""
    return not permissions.is_staff_anywhere(user)


def _find_room(request):
    form = FindRoomForm(request.GET or None)
    slug = slug_param(request.GET.get("kommune"), "kommune")
    municipality = Municipality.objects.filter(slug=slug).first() if slug else None
    # Plain (slug, name) pairs: the list has every municipality of the installation.
    municipalities = Municipality.objects.order_by("name").values_list("slug", "name")
    rooms = start = end = None
    if form.is_valid():
        data = form.cleaned_data
        start = localise(data["day"], data["start"])
        end = start + timedelta(minutes=data["minutes"])
        hubs = Hub.objects.filter(municipality=municipality) if municipality else Hub.objects.all()
        rooms = selectors.find_free_rooms(
            hubs=hubs,
            start=start,
            end=end,
            people=data.get("people"),
            facilities=data.get("facilities"),
            user=request.user,
        )
    context = {
        "form": form,
        "rooms": rooms,
        "municipalities": municipalities,
        "municipality": municipality,
        "search_start_iso": start.isoformat(timespec="minutes") if start else "",
        "search_end": end.astimezone(OSLO) if end else None,
    }
    template = "booking/_room_results.html" if request.htmx else "booking/find_room.html"
    return render(request, template, context)


def _next_step(minutes: int = 15) -> datetime:
    """The next start-time boundary: until then, which times are free cannot change by
    itself (a booking or an edit invalidates the cache at once)."""
    now = timezone.now()
    return now + timedelta(minutes=minutes - (now.minute % minutes), seconds=-now.second)


@require_GET
def resource_page(request, resource):
    resource_id = resource

    def build():
        return _resource_page(request, resource_id), _next_step()

    return cached_page(
        request, scopes=(), build=build, same_for_everyone=_sees_citizens_free_times(request.user)
    )


def _resource_page(request, resource):
    resource = get_object_or_404(Resource.objects.select_related("hub__municipality"), pk=resource)
    start = date_param(request, "uke", default=timezone.localdate())
    chosen_day = date_param(request, "dag", default=start)
    monday = start - timedelta(days=start.weekday())
    grid = selectors.week_grid(resource, request.user, monday)
    context = {
        "resource": resource,
        "hub": resource.hub,
        "municipality": resource.hub.municipality,
        "grid": grid,
        "chosen": grid.day(chosen_day if "dag" in request.GET else None),
        "facilities": [Facility(f).label for f in resource.facilities],
        "price_lists": [] if request.htmx else charges.of_resource(resource),
    }
    template = "booking/_week.html" if request.htmx else "booking/resource.html"
    return render(request, template, context)


@login_required
def book(request, resource):
    resource = get_object_or_404(Resource.objects.select_related("hub__municipality"), pk=resource)
    initial = _suggested_time(request, resource)
    form = BookingForm(
        request.POST or None,
        resource=resource,
        initial=initial,
        staff=books_as_staff(request.user, resource),
        organisations=organisations_coordinated_by(request.user),
    )
    checked = quote = None
    if request.method == "POST" and form.is_valid() and "check" in request.POST:
        # Check every time before booking: which are free, which are not and why, and
        # what the free ones cost.
        checked = selectors.check_series(resource, request.user, form.times())
        data = form.cleaned_data
        quote = charges.quote(
            resource=resource,
            add_ons=list(data.get("add_ons", ())),
            times=[(start, end) for start, end, problems in checked if not problems],
            booker=data.get("on_behalf_user") or request.user,
            by=request.user,
            organisation=data.get("organisation"),
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        times = form.times()
        try:
            result = services.booking_create(
                booker=data.get("on_behalf_user") or request.user,
                by=request.user,
                organisation=data.get("organisation"),
                displace=data.get("displace", False),
                resource=resource,
                times=times,
                purpose=data["purpose"],
                attendees=data["attendees"],
                add_ons=list(data.get("add_ons", ())),
                is_public=data["is_public"],
                all_or_nothing=data["all_or_nothing"],
                repeat=data["repeat"],
            )
        except DomainError as refused:
            refused.add_to_form(form)
        else:
            for problem in result.skipped:
                messages.warning(request, str(problem))
            pay_at = charges.payment_url(result.booking)
            if pay_at:  # held until it is paid
                return redirect(pay_at)
            messages.success(request, _("Booked %(n)d time(s).") % {"n": len(result.booked)})
            return redirect(result.booking.get_absolute_url())
    context = {
        "resource": resource,
        "hub": resource.hub,
        "municipality": resource.hub.municipality,
        "form": form,
        "checked": checked,
        "quote": quote,
        "price_lists": charges.of_resource(resource),
    }
    return render(request, "booking/book.html", context, status=400 if form.errors else 200)


def _suggested_time(request, resource) -> dict:
    """The start (``start``, an ISO time with its offset, as the week grid and the free-room
    search link it) and length in minutes (``lengde``) to fill the form with. Suggestions
    only: anything unusable is ignored and the form asks."""
    initial = {"minutes": resource.min_minutes}
    raw = request.GET.get("start", "")
    try:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=OSLO)
        moment = moment.astimezone(OSLO)
        within_calendar(moment.date())
    except (ValueError, OverflowError, ValidationError):
        pass
    else:
        initial["day"] = moment.date()
        initial["start"] = moment.time().replace(second=0, microsecond=0)
    length = request.GET.get("lengde", "")
    if length.isascii() and length.isdigit() and int(length) in resource_lengths(resource):
        initial["minutes"] = int(length)
    return initial


def _booking_for(request, booking_id) -> Booking:
    """The booking, when it is the reader's own or they manage its resource's bookings."""
    booking = (
        Booking.objects.select_related("resource__hub__municipality").filter(pk=booking_id).first()
    )
    if booking is None or not can_view_booking(request.user, booking):
        raise Http404  # someone else's booking does not exist for you
    return booking


@login_required
def booking_page(request, booking):
    booking = _booking_for(request, booking)
    occurrences = booking.occurrences.filter(resource=booking.resource).order_by("starts_at")
    context = {
        "booking": booking,
        "occurrences": occurrences,
        "price": charges.of_booking(booking),
        "payment": charges.payment_history(booking),
        # Only the booker sees the digits, and only while the code works.
        "door_codes": selectors.door_codes_to_show(booking=booking)
        if booking.booker_id == request.user.pk
        else [],
        "pay_at": charges.payment_url(booking) if is_own_booking(request.user, booking) else None,
        # The room's municipality: its header, and its statements in the footer.
        "municipality": booking.resource.hub.municipality,
    }
    return render(request, "booking/booking.html", context)


@login_required
@require_POST
def booking_cancel(request, booking):
    booking = _booking_for(request, booking)
    occurrence_id = id_param(request.POST.get("occurrence"), "occurrence")
    occurrence = booking.occurrences.filter(pk=occurrence_id).first()
    try:
        count = services.booking_cancel(
            booking=booking,
            by=request.user,
            occurrence=occurrence,
            following=request.POST.get("scope") == "following",
        )
    except DomainError as refused:
        refused.add_to_messages(request)
    else:
        messages.success(request, _("Cancelled %(n)d time(s).") % {"n": count})
    return redirect(booking.get_absolute_url())


MY_BOOKINGS_PER_PAGE = 20
# The tabs of My bookings (?visning=), the first shown when none is chosen.
MY_BOOKINGS_TABS = [("kommende", gettext_lazy("Upcoming")), ("tidligere", gettext_lazy("Past"))]


@login_required
@require_GET
def my_bookings(request):
    """The person's bookings, a line each: a weekly series is one line with its times
    folded under it (a coordinator's season is a handful of lines, not forty rows each)."""
    now = timezone.now()
    selected = tab_param(request, [key for key, _label in MY_BOOKINGS_TABS])
    feed = CalendarFeed.objects.filter(user=request.user).first()
    # A page of bookings at a time, in SQL; each tab's list has its own page number, so the
    # other keeps its place.
    upcoming = paginated(
        request,
        selectors.my_bookings(request.user, upcoming=True, now=now),
        per_page=MY_BOOKINGS_PER_PAGE,
    )
    past = paginated(
        request,
        selectors.my_bookings(request.user, upcoming=False, now=now),
        per_page=MY_BOOKINGS_PER_PAGE,
        parameter="side-tidligere",
    )
    for page, is_upcoming in ((upcoming, True), (past, False)):
        times = selectors.times_of(page.object_list, upcoming=is_upcoming, now=now)
        prices = charges.of_occurrences([o for found in times.values() for o in found])
        for booking in page.object_list:
            booking.tab_times = times[booking.pk]
            for occurrence in booking.tab_times:
                occurrence.price = prices.get(occurrence.pk)
            priced = [o.price for o in booking.tab_times if o.price]
            booking.price = sum(priced) if priced else None
    context = {
        "tabs": [
            (key, f"{label} ({page.paginator.count})")
            for (key, label), page in zip(MY_BOOKINGS_TABS, (upcoming, past), strict=True)
        ],
        "selected": selected,
        "upcoming": upcoming,
        "past": past,
        "feed_url": request.build_absolute_uri(reverse("booking:private_feed", args=[feed.token]))
        if feed
        else None,
    }
    return render(request, "booking/my_bookings.html", context)


@login_required
@require_GET
def booking_ics(request, booking):
    booking = _booking_for(request, booking)
    return ics_response(booking_calendar(booking), f"booking-{booking.pk}.ics")


@require_GET
def resource_feed(request, resource):
    """Busy times of a resource, without who booked them (public bookings show their title)."""
    resource = get_object_or_404(Resource, pk=resource)
    occurrences = Occurrence.objects.filter(
        resource=resource,
        status__in=BookingStatus.holding_time(),
        ends_at__gt=timezone.now() - timedelta(days=30),
    ).select_related("booking", "resource")
    return ics_response(
        occurrences_calendar(resource.name, occurrences, private=False), f"rom-{resource.pk}.ics"
    )


@require_GET
def private_feed(request, token):
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    occurrences = selectors.my_occurrences(feed.user).filter(
        status__in=BookingStatus.holding_time(), ends_at__gt=timezone.now() - timedelta(days=30)
    )
    return ics_response(
        occurrences_calendar(_("My bookings"), occurrences, private=True), "mine-bookinger.ics"
    )


@login_required
@require_POST
def renew_feed(request):
    services.calendar_feed_renew(user=request.user)
    messages.success(request, _("You have a new calendar address. The old one no longer works."))
    return redirect("booking:my_bookings")
