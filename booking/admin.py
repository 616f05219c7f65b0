from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hubportal.core.admin import ScopedModelAdmin, ScopedTabularInline

from . import services
from .enums import BookingStatus
from .models import Booking, Occurrence, Resource


@admin.register(Resource)
class ResourceAdmin(ScopedModelAdmin):
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


@admin.register(Booking)
class BookingAdmin(ScopedModelAdmin):
    """The approval queue: filter on status 'Requested'."""

    list_display = ["purpose", "resource", "booker", "status", "created_at"]
    list_filter = ["status", "resource__hub"]
    search_fields = ["purpose", "booker__email"]
    list_select_related = ["resource__hub", "booker"]
    readonly_fields = ["resource", "booker", "status", "repeat", "created_at"]
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
    ]
    inlines = [OccurrenceInline]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False  # staff book through the booking pages, under the same rules

    def _decide(self, request, queryset, approve):
        count = 0
        for booking in queryset.filter(status=BookingStatus.REQUESTED):
            services.booking_decide(
                booking=booking, by=request.user, approve=approve, reason=booking.rejection_reason
            )
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
