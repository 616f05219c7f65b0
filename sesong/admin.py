"""Round management in the scoped admin: the municipality's administrators create and
change rounds (through the services, which refuse what the round's rules do not allow);
its hub staff see them and allocate in the allocation tool."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.postgres.forms import SimpleArrayField
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from booking.enums import ResourceKind
from booking.models import Resource
from hubportal import permissions
from hubportal.core.admin import ScopedModelAdmin
from hubportal.permissions import Action

from . import permissions as sesong_permissions
from . import services
from .enums import PriorityCategory
from .models import ApplicationRound

CATEGORY_CODES = ", ".join(f"{value} ({label})" for value, label in PriorityCategory.choices)


class RoundForm(forms.ModelForm):
    resources = forms.ModelMultipleChoiceField(
        label=_("Resources"),
        queryset=Resource.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The rooms whose weekly times the round allocates."),
    )
    priority_order = SimpleArrayField(
        forms.ChoiceField(choices=PriorityCategory.choices),
        label=_("Priority categories, in order"),
        help_text=_("Comma-separated, highest first: %(codes)s.") % {"codes": CATEGORY_CODES},
    )

    class Meta:
        model = ApplicationRound
        fields = [
            "municipality",
            "name",
            "hubs",
            "resources",
            "season_starts_on",
            "season_ends_on",
            "opens_at",
            "closes_at",
            "priority_order",
            "text",
            "hold_mode",
            "accept_days",
            "appeal_route",
            "contact_email",
            "contact_phone",
        ]


@admin.register(ApplicationRound)
class ApplicationRoundAdmin(ScopedModelAdmin):
    form = RoundForm
    list_display = ["name", "municipality", "state", "closes_at", "tool_link"]
    list_filter = ["state", "municipality"]
    search_fields = ["name"]
    list_select_related = ["municipality"]
    readonly_fields = ["state", "accept_by", "published_at", "tool_link"]

    @admin.display(description=_("Allocation tool"))
    def tool_link(self, obj):
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("sesong:tool", args=[obj.pk]), _("Allocation tool")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        rooms = permissions.scoped(
            request.user,
            Action.CHANGE,
            Resource.objects.exclude(kind__in=ResourceKind.add_ons()).select_related("hub"),
        )
        form.base_fields["resources"].queryset = rooms
        if obj is not None:
            form.base_fields["resources"].initial = list(
                obj.round_resources.values_list("resource_id", flat=True)
            )
        return form

    def has_change_permission(self, request, obj=None):
        # Hub staff see rounds and allocate in the tool; settings are the administrators'.
        if obj is not None:
            return super().has_change_permission(request, obj) and (
                sesong_permissions.can_manage_round(request.user, obj)
            )
        return super().has_change_permission(request, obj)

    def save_object(self, request, obj, form, change):
        data = form.cleaned_data
        round_data = services.RoundData(
            name=data["name"],
            season_starts_on=data["season_starts_on"],
            season_ends_on=data["season_ends_on"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            contact_email=data["contact_email"],
            contact_phone=data.get("contact_phone", ""),
            resources=list(data["resources"]),
            hubs=list(data.get("hubs") or ()),
            priority_order=list(data["priority_order"]),
            text=data.get("text", ""),
            hold_mode=data["hold_mode"],
            accept_days=data["accept_days"],
            appeal_route=data.get("appeal_route", ""),
        )
        if change:
            saved = services.round_update(by=request.user, round=obj, data=round_data)
        else:
            saved = services.round_create(
                by=request.user, municipality=data["municipality"], data=round_data
            )
        obj.pk = saved.pk  # the admin goes on with the saved round (its history, redirect)

    def save_related(self, request, form, formsets, change):
        """The hubs are saved by the service with the rest of the round."""

    def delete_object(self, request, obj):
        services.round_delete(by=request.user, round=obj)
