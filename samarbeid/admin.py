"""Superusers create and manage cooperations here: members, shared services and rooms and
who takes part in each, regional coordinators. Every save goes through samarbeid.services,
whose refusals (a cooperation without members, a participant outside the cooperation) are
shown on the form with nothing saved."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hubportal.core.admin import ScopedModelAdmin
from knutepunkt.models import Municipality

from . import services
from .models import Cooperation, RegionalCoordinator, SharedArrangement


def _municipalities_field(label, help_text) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        help_text=help_text,
        queryset=Municipality.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says what is missing, in the domain's words
    )


def _told(request, count: int) -> None:
    if count:
        messages.warning(
            request,
            ngettext(
                "%(n)d future booking by an association of a municipality no longer taking "
                "part stands; the hub's staff have been told.",
                "%(n)d future bookings by associations of municipalities no longer taking "
                "part stand; the hub's staff have been told.",
                count,
            )
            % {"n": count},
        )


class CooperationForm(forms.ModelForm):
    members = _municipalities_field(
        _("member municipalities"),
        _("At least two. A municipality may be a member of several cooperations."),
    )

    class Meta:
        model = Cooperation
        fields = ["name", "slug", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.members.all())


@admin.register(Cooperation)
class CooperationAdmin(ScopedModelAdmin):
    form = CooperationForm
    list_display = ["name", "member_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description=_("members"))
    def member_count(self, obj):
        return obj.memberships.count()

    def save_object(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "slug": data["slug"],
            "description": data.get("description", ""),
            "members": data.get("members") or [],
        }
        if change:
            services.cooperation_update(cooperation=obj, **fields)
        else:
            obj.pk = services.cooperation_create(**fields).pk

    def save_related(self, request, form, formsets, change):
        """The members were saved by the service."""

    def delete_object(self, request, obj):
        _told(request, services.cooperation_delete(cooperation=obj))


class SharedArrangementForm(forms.ModelForm):
    participants = _municipalities_field(
        _("participating municipalities"),
        _(
            "The members taking part (at least one besides the host, which always takes "
            "part). Only members of the cooperation can."
        ),
    )

    class Meta:
        model = SharedArrangement
        fields = [
            "cooperation",
            "kind",
            "name",
            "description",
            "service_type",
            "resource",
            "guest_horizon_days",
            "guest_needs_approval",
            "guest_price_category",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["participants"].initial = list(self.instance.participants.all())
            for name in ("cooperation", "kind"):
                self.fields[name].disabled = True


@admin.register(SharedArrangement)
class SharedArrangementAdmin(ScopedModelAdmin):
    form = SharedArrangementForm
    list_display = ["name", "cooperation", "kind", "host"]
    list_filter = ["cooperation", "kind"]
    search_fields = ["name"]

    def save_object(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "description": data.get("description", ""),
            "service_type": data.get("service_type"),
            "resource": data.get("resource"),
            "participants": data.get("participants") or [],
            "guest_horizon_days": data.get("guest_horizon_days") or 60,
            "guest_needs_approval": bool(data.get("guest_needs_approval")),
            "guest_price_category": data.get("guest_price_category") or "",
        }
        if change:
            saved = services.shared_arrangement_update(arrangement=obj, **fields)
            _told(request, saved.guest_bookings_told)
        else:
            obj.pk = services.shared_arrangement_create(
                cooperation=data["cooperation"], kind=data["kind"], **fields
            ).pk

    def save_related(self, request, form, formsets, change):
        """The participants were saved by the service."""

    def delete_object(self, request, obj):
        _told(request, services.shared_arrangement_delete(arrangement=obj))


@admin.register(RegionalCoordinator)
class RegionalCoordinatorAdmin(ScopedModelAdmin):
    list_display = ["user", "cooperation"]
    list_filter = ["cooperation"]
    fields = ["cooperation", "user"]

    def get_readonly_fields(self, request, obj=None):
        # An appointment is made or removed, not moved to someone else.
        return ["cooperation", "user"] if obj is not None else []

    def save_object(self, request, obj, form, change):
        if not change:
            obj.pk = services.regional_coordinator_appoint(
                cooperation=obj.cooperation, user=obj.user
            ).pk

    def delete_object(self, request, obj):
        services.regional_coordinator_remove(coordinator=obj)
