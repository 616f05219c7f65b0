"""Where a municipality's staff spend their day, measured like the public pages: the admin
changelists of the big tables (bookings, booked times, registrations, sign-ups: the first
page, each filter, a search, the last page), the change page of a booking with many times,
the approval queue, a month's and a year's usage statistics, the base-module gap view and
the coordinator dashboard — as the hub staff of the largest municipality's busiest hub, as
that municipality's administrator and as a coordinator of one of its associations.

The readers are made here (idempotently) in the benchmark's own database; `bench.run`
serves every page to each of them through gunicorn, counts its queries at both scales and
reports it against the bare view that only loads the user (× bare + user).
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

HUB_STAFF, MUNICIPALITY_ADMIN, COORDINATOR = "hub staff", "municipality admin", "coordinator"
ROLES = (HUB_STAFF, MUNICIPALITY_ADMIN, COORDINATOR)
PER_PAGE = 50  # LargeTableAdminMixin.list_per_page


def largest_municipality():
    """The municipality with the most bookable rooms (the first such: same at every run)."""
    from django.db.models import Count

    from booking.models import Resource
    from knutepunkt.models import Municipality

    top = (
        Resource.objects.values("municipality")
        .annotate(n=Count("id"))
        .order_by("-n", "municipality")
        .values_list("municipality", flat=True)
        .first()
    )
    return Municipality.objects.get(pk=top)


def busiest_hub(municipality):
    from django.db.models import Count

    from knutepunkt.models import Hub

    return (
        Hub.objects.filter(municipality=municipality)
        .annotate(n=Count("resources"))
        .order_by("-n", "pk")
        .first()
    )


def staff_setup() -> dict:
    """The three readers, made once: hub staff of the busiest hub, the municipality's
    administrator, and a coordinator of an association with shifts at that hub."""
    from frivillighet.enums import MemberRole
    from frivillighet.models import OrganisationMember, Shift
    from hubportal.accounts.models import User
    from knutepunkt.enums import StaffRole
    from knutepunkt.models import StaffMembership

    municipality = largest_municipality()
    hub = busiest_hub(municipality)
    readers = {}
    for role, email in (
        (HUB_STAFF, "bench-hub-staff@example.no"),
        (MUNICIPALITY_ADMIN, "bench-municipality-admin@example.no"),
        (COORDINATOR, "bench-coordinator@example.no"),
    ):
        user, _created = User.objects.get_or_create(
            email=email, defaults={"is_staff": role != COORDINATOR}
        )
        readers[role] = user
    StaffMembership.objects.get_or_create(
        user=readers[HUB_STAFF], role=StaffRole.HUB_STAFF, hub=hub
    )
    StaffMembership.objects.get_or_create(
        user=readers[MUNICIPALITY_ADMIN],
        role=StaffRole.MUNICIPALITY_ADMIN,
        municipality=municipality,
    )
    shift = Shift.objects.filter(opportunity__hub=hub).select_related("opportunity").first()
    OrganisationMember.objects.get_or_create(
        user=readers[COORDINATOR],
        organisation_id=shift.opportunity.organisation_id,
        defaults={"role": MemberRole.COORDINATOR},
    )
    return readers


def session_cookie_of(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _last_page(user, queryset) -> int:
    """The last page the changelist offers this reader (its count is capped)."""
    from hubportal import permissions
    from hubportal.core.admin import CappedCountPaginator
    from hubportal.permissions import Action

    rows = permissions.scoped(user, Action.VIEW, queryset)[: CappedCountPaginator.cap].count()
    return max(1, -(-rows // PER_PAGE))


def staff_pages(role: str, user) -> dict[str, str]:
    """Page name -> address, for one reader."""
    from django.db.models import Count
    from django.utils import timezone

    from booking.models import Booking, Occurrence
    from frivillighet.models import ShiftSignup
    from hubportal import permissions
    from hubportal.permissions import Action
    from innbyggertorg.models import Registration

    if role == COORDINATOR:
        return {"coordinator dashboard": "/frivillighet/koordinator/"}
    municipality = largest_municipality()
    hub = busiest_hub(municipality)
    today = timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    series = (
        permissions.scoped(user, Action.VIEW, Booking.objects.filter(repeat="weekly"))
        .annotate(n=Count("occurrences"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    changelists = {
        "bookings": ("/admin/booking/booking/", Booking.objects.all(), "resource__hub__id__exact"),
        "booked times": (
            "/admin/booking/occurrence/",
            Occurrence.objects.all(),
            "resource__hub__id__exact",
        ),
        "registrations": (
            "/admin/innbyggertorg/registration/",
            Registration.objects.all(),
            "event__hub__id__exact",
        ),
        "sign-ups": (
            "/admin/frivillighet/shiftsignup/",
            ShiftSignup.objects.all(),
            "shift__opportunity__hub__id__exact",
        ),
    }
    filters = {
        "bookings": {
            "approval queue": "status__exact=requested",
            "cancelled": "status__exact=cancelled",
            "search": "q=Kor%C3%B8velse",
        },
        "booked times": {
            "next 7 days": "naar=uke",
            "cancelled": "status__exact=cancelled",
            "no-shows": "no_show__exact=1",
            "search": "q=Spr%C3%A5kkaf%C3%A9",
        },
        "registrations": {"confirmed": "status__exact=confirmed", "search": "q=Deltaker"},
        "sign-ups": {"confirmed": "status__exact=confirmed", "search": "q=Vakt"},
    }
    pages = {}
    for name, (address, queryset, hub_filter) in changelists.items():
        pages[name] = address
        for label, query in filters[name].items():
            pages[f"{name}: {label}"] = f"{address}?{query}"
        pages[f"{name}: hub"] = f"{address}?{hub_filter}={hub.pk}"
        pages[f"{name}: last page"] = f"{address}?p={_last_page(user, queryset)}"
    pages.update(
        {
            "booking with many times": f"/admin/booking/booking/{series}/change/",
            "usage: month": f"/admin/booking/booking/bruk/?maaned={month:%Y-%m}",
            "usage: year": f"/admin/booking/booking/bruk/?aar={today.year - 1}",
            "base-module gaps": "/admin/innbyggertorg/serviceoffer/grunnmoduler/",
            "events": "/admin/innbyggertorg/event/",
            "shifts": "/admin/frivillighet/shift/",
            "coordinator dashboard": "/frivillighet/koordinator/",
        }
    )
    return pages


def staff_targets() -> list[tuple[str, str, str, str]]:
    """(page, reader, address, session cookie) for every staff page and reader."""
    readers = staff_setup()
    targets = []
    for role in ROLES:
        cookie = session_cookie_of(readers[role])
        for name, url in staff_pages(role, readers[role]).items():
            targets.append((name, role, url, cookie))
    return targets


def staff_query_counts(targets) -> dict[tuple[str, str], int]:
    """Queries of each page built afresh (cache cleared), and a check that it answers 200."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, role, url, cookie in targets:
        client = Client()
        key, value = cookie.split("=", 1)
        client.cookies[key] = value
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        if status != 200:
            raise RuntimeError(f"{name} as {role} ({url}) answered {status}")
        counts[(name, role)] = len(queries)
    return counts
