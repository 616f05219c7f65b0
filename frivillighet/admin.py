from django.contrib import admin, messages
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hubportal.core.admin import (
    CapacityAdminForm,
    CheckedActionsMixin,
    LargeTableAdminMixin,
    ReadOnlyAdminMixin,
    ScopedModelAdmin,
    ScopedTabularInline,
)

from . import services
from .models import (
    Activity,
    CooperationAgreement,
    Opportunity,
    Organisation,
    OrganisationMember,
    Shift,
    ShiftSignup,
    ShiftTemplate,
    VolunteerProfile,
)
from .permissions import may_record_police_certificates, volunteer_profiles_visible_to


class ActivityInline(ScopedTabularInline):
    model = Activity
    extra = 0
    fields = ["name", "age_groups", "free_for_children", "district"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedModelAdmin):
    list_display = ["name", "org_number", "kind", "listing", "municipality", "register_check"]
    list_filter = ["listing", "kind", "municipality"]
    list_select_related = ["register_record", "municipality"]
    search_fields = ["name", "org_number"]
    readonly_fields = ["register_facts"]
    inlines = [ActivityInline]
    actions = ["approve_listing", "refresh_from_register"]

    @admin.display(description=_("Enhetsregisteret"))
    def register_check(self, obj):
        """In the list: what to look at twice before approving, or that all is well."""
        record = getattr(obj, "register_record", None)
        if record is None:
            return _("Not checked yet")
        return " ".join(str(warning) for warning in record.warnings()) or _("In order")

    @admin.display(description=_("In Enhetsregisteret"))
    def register_facts(self, obj):
        record = getattr(obj, "register_record", None) if obj and obj.pk else None
        if record is None:
            return _("Not checked yet: the number is looked up tonight.")
        return render_to_string(
            "admin/frivillighet/register_facts.html", {"record": record, "organisation": obj}
        )

    @admin.action(
        description=_("Check the selected organisations in Enhetsregisteret again"),
        permissions=["change"],
    )
    def refresh_from_register(self, request, queryset):
        refreshed = sum(
            services.organisation_register_refresh(organisation=organisation)
            for organisation in queryset
        )
        failed = queryset.count() - refreshed
        if refreshed:
            self.message_user(
                request,
                ngettext(
                    "%(n)d organisation checked in Enhetsregisteret.",
                    "%(n)d organisations checked in Enhetsregisteret.",
                    refreshed,
                )
                % {"n": refreshed},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                _("Enhetsregisteret did not answer; the facts shown are the last ones fetched."),
                messages.ERROR,
            )

    @admin.action(
        description=_("List the selected organisations in the directory"), permissions=["change"]
    )
    def approve_listing(self, request, queryset):
        count = services.organisation_approve_listings(organisations=queryset)
        self.message_user(
            request,
            ngettext("%(n)d organisation listed.", "%(n)d organisations listed.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(CooperationAgreement)
class CooperationAgreementAdmin(ScopedModelAdmin):
    list_display = [
        "organisation",
        "municipality",
        "hub",
        "starts_on",
        "ends_on",
        "status",
        "free_room_use",
    ]
    list_filter = ["status", "free_room_use"]
    list_select_related = ["organisation", "municipality", "hub"]


class SignupInline(ScopedTabularInline):
    model = ShiftSignup
    extra = 0
    fields = ["volunteer", "status", "hours", "no_show"]
    readonly_fields = ["volunteer", "status"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ShiftAdminForm(CapacityAdminForm):
    places = services.PLACES


@admin.register(Shift)
class ShiftAdmin(ScopedModelAdmin):
    form = ShiftAdminForm
    list_display = ["opportunity", "starts_at", "capacity", "places_taken", "is_cancelled"]
    list_filter = ["is_cancelled"]
    list_select_related = ["opportunity"]
    readonly_fields = ["places_taken"]
    inlines = [SignupInline]
    actions = ["cancel_shifts"]

    def save_object(self, request, obj, form, change):
        # A new time: those signed up are told and reminders move; places are counted
        # under the lock; a new capacity promotes from the waiting list.
        services.shift_save(shift=obj, changed_fields=set(form.changed_data) if change else set())

    @admin.action(
        description=_("Cancel the selected shifts and tell those signed up"), permissions=["change"]
    )
    def cancel_shifts(self, request, queryset):
        told = sum(
            services.shift_cancel(shift=shift) for shift in queryset.filter(is_cancelled=False)
        )
        self.message_user(
            request, ngettext("%(n)d volunteer told.", "%(n)d volunteers told.", told) % {"n": told}
        )


class TemplateInline(ScopedTabularInline):
    model = ShiftTemplate
    extra = 0


@admin.register(Opportunity)
class OpportunityAdmin(ScopedModelAdmin):
    list_display = ["title", "hub", "organisation", "requires_police_certificate", "min_age"]
    list_select_related = ["hub", "organisation"]
    inlines = [TemplateInline]
    actions = ["create_shifts"]

    @admin.action(
        description=_("Create the next four weeks' shifts from the templates"),
        permissions=["change"],
    )
    def create_shifts(self, request, queryset):
        created = sum(
            len(services.shifts_from_template(template=template))
            for template in ShiftTemplate.objects.filter(opportunity__in=queryset)
        )
        self.message_user(
            request,
            ngettext("%(n)d shift created.", "%(n)d shifts created.", created) % {"n": created},
        )


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(CheckedActionsMixin, admin.ModelAdmin):
    """Coordinators record that a police certificate was checked (never the certificate)."""

    list_display = ["user", "police_certificate_checked_on", "police_certificate_valid_until"]
    fields = ["user", "police_certificate_checked_on", "police_certificate_valid_until"]
    readonly_fields = ["user"]
    search_fields = ["user__email"]

    def _allowed(self, request):
        return (
            request.user.is_active
            and request.user.is_staff
            and may_record_police_certificates(request.user)
        )

    def has_module_permission(self, request):
        return self._allowed(request)

    def save_model(self, request, obj, form, change):
        services.volunteer_profile_record_police_certificate(
            profile=obj,
            checked_on=obj.police_certificate_checked_on,
            valid_until=obj.police_certificate_valid_until,
        )

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        # As in every scoped admin: a volunteer outside the user's scope does not exist.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_queryset(self, request):
        return volunteer_profiles_visible_to(request.user, super().get_queryset(request))


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(ScopedModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_select_related = ["user", "organisation"]


@admin.register(ShiftSignup)
class ShiftSignupAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, ScopedModelAdmin):
    """Every sign-up for the shifts the staff member or coordinator may see, newest first
    (a shift's page in the admin lists its own and records hours and no-shows)."""

    list_display = ["volunteer", "shift", "status", "hours", "no_show"]
    list_filter = ["status", "no_show", "shift__opportunity__hub"]
    search_fields = ["volunteer__email", "shift__opportunity__title"]
    list_select_related = ["volunteer", "shift__opportunity"]
    list_only = (
        "status",
        "hours",
        "no_show",
        "volunteer__email",
        "volunteer__full_name",
        "shift__starts_at",
        "shift__opportunity__title",
    )
    ordering = ["-created_at", "-pk"]
    fields = ["shift", "volunteer", "status", "hours", "no_show", "checked_in_at", "created_at"]
