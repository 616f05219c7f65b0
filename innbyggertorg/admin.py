from django.contrib import admin
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from hubportal import permissions
from hubportal.core.admin import (
    CapacityAdminForm,
    LargeTableAdminMixin,
    ReadOnlyAdminMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from hubportal.core.audit import audit_personal_data
from hubportal.core.exports import csv_download
from hubportal.permissions import Action
from knutepunkt.models import Hub

from . import selectors, services
from .models import (
    Event,
    Registration,
    ScheduleCancellation,
    ServiceOffer,
    ServiceSchedule,
    ServiceType,
)


@admin.register(ServiceType)
class ServiceTypeAdmin(ScopedModelAdmin):
    list_display = ["name", "category", "is_base_module", "municipality"]
    list_filter = ["category", "is_base_module", "municipality"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["municipality"]


@admin.register(ServiceOffer)
class ServiceOfferAdmin(ScopedModelAdmin):
    list_display = ["service_type", "hub", "level"]
    list_filter = ["level", "hub__municipality"]
    search_fields = ["service_type__name", "hub__name"]
    list_select_related = ["service_type", "hub"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.base_modules_view)
        return [path("grunnmoduler/", view, name="innbyggertorg_base_modules"), *super().get_urls()]

    def base_modules_view(self, request):
        """Which base modules each of the user's hubs still lacks (equal treatment)."""
        hubs = list(
            permissions.scoped(request.user, Action.VIEW, Hub.objects.all())
            .select_related("municipality")
            .order_by("municipality__name", "name")
        )
        missing = selectors.missing_base_modules(hubs=hubs)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Base modules missing at hubs"),
            "rows": [(hub, missing[hub.pk]) for hub in hubs],
            "opts": self.model._meta,
        }
        return render(request, "admin/innbyggertorg/base_modules.html", context)


class CancellationInline(ScopedTabularInline):
    model = ScheduleCancellation
    extra = 1


@admin.register(ServiceSchedule)
class ServiceScheduleAdmin(ScopedModelAdmin):
    list_display = [
        "service_type",
        "hub",
        "recurrence",
        "weekday",
        "opens",
        "closes",
        "start_date",
        "end_date",
    ]
    list_filter = ["recurrence", "mode", "hub__municipality"]
    list_select_related = ["service_type", "hub"]
    inlines = [CancellationInline]


class RegistrationInline(ScopedTabularInline):
    """Staff see who is coming and mark attendance; people register themselves."""

    model = Registration
    extra = 0
    fields = ["name", "email", "group_size", "status", "created_at", "attended"]
    readonly_fields = ["name", "email", "group_size", "status", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventAdminForm(CapacityAdminForm):
    places = services.PLACES


@admin.register(Event)
class EventAdmin(ScopedModelAdmin):
    form = EventAdminForm
    list_display = ["title", "hub", "starts_at", "status", "capacity", "places_taken"]
    list_filter = ["status", "category", "audience", "hub__municipality"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_at"
    list_select_related = ["hub"]
    inlines = [RegistrationInline]
    actions = ["export_attendees"]
    readonly_fields = ["places_taken"]

    def save_object(self, request, obj, form, change):
        # Places are counted under the lock; a new capacity promotes from the waiting list;
        # registrants hear about what affects them (time, place, cancellation).
        services.event_save(event=obj, changed_fields=set(form.changed_data) if change else None)

    @admin.action(description=_("Download the attendee list (CSV)"))
    def export_attendees(self, request, queryset):
        audit_personal_data(
            request.user, _("Exported attendee lists (CSV)"), queryset.only("title")
        )
        return csv_download(
            "deltakere.csv", None, services.attendee_rows(events=queryset.values("pk"))
        )


@admin.register(Registration)
class RegistrationAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, ScopedModelAdmin):
    """Every registration for the events of the staff member's hubs, newest first (the
    event's page in the admin lists its own and marks attendance)."""

    list_display = ["name", "event", "group_size", "status", "created_at", "attended"]
    list_filter = ["status", "event__hub"]
    search_fields = ["name", "email", "event__title"]
    list_select_related = ["event"]
    list_only = ("name", "group_size", "status", "created_at", "attended", "event__title")
    ordering = ["-created_at", "-pk"]
    fields = ["event", "name", "email", "group_size", "status", "attended", "created_at"]
