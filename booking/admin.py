from datetime import timedelta

from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hubportal import permissions
from hubportal.core.admin import (
    LargeTableAdminMixin,
    ReadOnlyAdminMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from hubportal.core.errors import DomainError
from hubportal.core.exports import csv_download
from hubportal.core.params import date_param, year_param
from hubportal.permissions import Action

from . import services, statistics
from .enums import BookingStatus, ResourceKind
from .models import Blackout, Booking, DoorCode, DoorCodeStatus, Lock, Occurrence, Resource


class BlackoutInline(ScopedTabularInline):
    model = Blackout
    extra = 0


class LockInline(ScopedTabularInline):
    """The doors a confirmed booking of the room opens with a code (booking/door_codes.py)."""

    model = Lock
    extra = 0
    fields = ["name", "system", "external_id", "opens_minutes_before", "sent_minutes_before"]


@admin.register(Resource)
class ResourceAdmin(ScopedModelAdmin):
    inlines = [BlackoutInline, LockInline]
    list_display = ["name", "hub", "kind", "capacity", "approval", "who_may_book"]
    list_filter = ["kind", "approval", "hub__municipality"]
    search_fields = ["name", "hub__name"]
    list_select_related = ["hub"]


class OccurrenceInline(ScopedTabularInline):
    model = Occurrence
    extra = 0
    fields = ["resource", "starts_at", "ends_at", "status", "no_show"]
    readonly_fields = ["resource", "starts_at", "ends_at", "status"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row names its room (and the room its hub): one query for a series of any length.
        return super().get_queryset(request).select_related("resource__hub")


class WhenFilter(admin.SimpleListFilter):
    """Booked times by when they are: the coming week, all coming, or past."""

    title = _("when")
    parameter_name = "naar"

    def lookups(self, request, model_admin):
        return [
            ("uke", _("Next 7 days")),
            ("kommende", _("Coming")),
            ("tidligere", _("Past")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "uke":
            return queryset.filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=7))
        if self.value() == "kommende":
            return queryset.filter(starts_at__gte=now)
        if self.value() == "tidligere":
            return queryset.filter(starts_at__lt=now)
        return queryset


@admin.register(Occurrence)
class OccurrenceAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, ScopedModelAdmin):
    """Every booked time of the staff member's rooms, newest first; each links to its
    booking, where staff approve, reject and mark no-shows."""

    list_display = ["starts_at", "ends_at", "resource", "purpose", "status", "no_show"]
    list_filter = [WhenFilter, "status", "no_show", "resource__hub"]
    search_fields = ["booking__purpose", "resource__name"]
    list_select_related = ["resource__hub", "booking"]
    list_only = (
        "starts_at",
        "ends_at",
        "status",
        "no_show",
        "resource__name",
        "resource__hub__name",
        "booking__purpose",
    )
    ordering = ["-starts_at", "-pk"]
    fields = ["booking", "resource", "starts_at", "ends_at", "status", "no_show"]

    @admin.display(description=_("purpose"), ordering="booking__purpose")
    def purpose(self, obj):
        return obj.booking.purpose


@admin.register(Booking)
class BookingAdmin(LargeTableAdminMixin, ScopedModelAdmin):
    """The approval queue: filter on status 'Requested'."""

    list_display = ["purpose", "resource", "booker", "status", "created_at"]
    list_filter = ["status", "resource__hub"]
    search_fields = ["purpose", "booker__email"]
    list_select_related = ["resource__hub", "booker"]
    list_only = (
        "purpose",
        "status",
        "created_at",
        "resource__name",
        "resource__hub__name",
        "booker__email",
        "booker__full_name",
    )
    readonly_fields = ["resource", "booker", "status", "repeat", "created_at", "door_codes"]
    fields = [
        "resource",
        "booker",
        "purpose",
        "attendees",
        "is_public",
        "status",
        "rejection_reason",
        "repeat",
        "created_at",
        "door_codes",
    ]
    inlines = [OccurrenceInline]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False  # staff book through the booking pages, under the same rules

    @admin.display(description=_("door codes"))
    def door_codes(self, obj):
        """Which codes work or will work (staff see that one exists, never its digits)."""
        codes = DoorCode.objects.filter(
            occurrence__booking=obj, status=DoorCodeStatus.ACTIVE
        ).select_related("lock")
        lines = [
            _("%(door)s: %(start)s–%(end)s")
            % {
                "door": code.lock.name,
                "start": formats.date_format(timezone.localtime(code.valid_from), "j.n.Y H:i"),
                "end": formats.time_format(timezone.localtime(code.valid_until), "H:i"),
            }
            for code in codes
        ]
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines)) or _(
            "No active door code"
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.usage_view)
        return [path("bruk/", view, name="booking_usage"), *super().get_urls()]

    def usage_view(self, request):
        """Hours booked, occupancy, bookers, cancellations and no-shows per resource, for a
        month (?maaned=YYYY-MM) or a whole year (?aar=YYYY)."""
        year = year_param(request, "aar")
        month = date_param(
            request, "maaned", default=timezone.localdate().replace(day=1), month=True
        )
        resources = permissions.scoped(
            request.user, Action.VIEW, Resource.objects.all()
        ).select_related("hub")
        rows = statistics.usage(
            resources=resources.exclude(kind__in=ResourceKind.add_ons()),
            month=month,
            year=year,
        )
        if request.GET.get("format") == "csv":
            period = str(year) if year is not None else f"{month:%Y-%m}"
            return csv_download(
                f"bruk-{period}.csv",
                [
                    _("Hub"),
                    _("Resource"),
                    _("Hours booked"),
                    _("Open hours"),
                    _("Occupancy (per cent)"),
                    _("By staff"),
                    _("By citizens"),
                    _("By associations"),
                    _("Cancelled"),
                    _("No-shows"),
                ],
                (
                    [
                        row.resource.hub.name,
                        row.resource.name,
                        row.hours_booked,
                        round(row.open_hours, 1),
                        row.occupancy,
                        row.bookings_by_booker["staff"],
                        row.bookings_by_booker["citizen"],
                        row.bookings_by_booker["association"],
                        row.cancelled,
                        row.no_shows,
                    ]
                    for row in rows
                ),
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Use of rooms"),
            "rows": rows,
            "month": month,
            "year": year,
            "opts": self.model._meta,
        }
        return render(request, "admin/booking/usage.html", context)

    def _decide(self, request, queryset, approve):
        count = 0
        for booking in queryset.filter(status=BookingStatus.REQUESTED):
            try:
                services.booking_decide(
                    booking=booking,
                    by=request.user,
                    approve=approve,
                    reason=booking.rejection_reason,
                )
            except DomainError as refused:
                refused.add_to_messages(request)
                continue
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d request handled.", "%(n)d requests handled.", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve the selected requests"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(
        description=_("Reject the selected requests (write the reason on each first)"),
        permissions=["change"],
    )
    def reject(self, request, queryset):
        self._decide(request, queryset, False)
