"""Staff keep their hubs up to date here. Every queryset, choice list and save goes through
hubportal.permissions: staff never see or change another hub's data."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hubportal import permissions
from hubportal.core.admin import ScopedModelAdmin, ScopedTabularInline
from hubportal.permissions import Action

from . import services
from .models import (
    AccessibilityStatement,
    District,
    ExceptionSpan,
    Hub,
    Municipality,
    NewsItem,
    OpeningHoursException,
    OpeningHoursPeriod,
    OpeningHoursSpan,
    PrivacyStatement,
    StaffMembership,
)
from .validators import validate_spans


class SpanFormSet(forms.BaseInlineFormSet):
    """Spans of one period (or exception) must not clash: checked across the rows by the
    same validator the services use, each message attached to the row it concerns."""

    def clean(self):
        super().clean()
        rows = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.errors
        ]
        try:
            validate_spans(form.cleaned_data for form in rows)
        except ValidationError as error:
            for problem in error.error_list:
                rows[problem.params["index"]].add_error(None, problem)


class OpeningHoursSpanInline(ScopedTabularInline):
    model = OpeningHoursSpan
    formset = SpanFormSet
    extra = 1
    fields = ["weekday", "opens", "closes", "past_midnight", "state", "note"]


class ExceptionSpanInline(ScopedTabularInline):
    model = ExceptionSpan
    formset = SpanFormSet
    extra = 1
    fields = ["day", "opens", "closes", "past_midnight", "state", "note"]


class OpeningHoursPeriodInline(ScopedTabularInline):
    """Periods on the hub's page; their weekly hours are edited on the period's own page."""

    model = OpeningHoursPeriod
    extra = 0
    fields = ["name", "valid_from", "valid_until"]
    show_change_link = True


class OpeningHoursExceptionInline(ScopedTabularInline):
    model = OpeningHoursException
    extra = 0
    fields = ["start_date", "end_date", "kind", "reason"]
    show_change_link = True


@admin.register(Municipality)
class MunicipalityAdmin(ScopedModelAdmin):
    list_display = ["name", "number", "slug"]
    search_fields = ["name", "number"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(District)
class DistrictAdmin(ScopedModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name", "postcodes"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["municipality"]


@admin.register(Hub)
class HubAdmin(ScopedModelAdmin):
    list_display = ["name", "district", "municipality", "is_pilot"]
    list_filter = ["municipality", "is_pilot"]
    search_fields = ["name", "street_address", "postcode"]
    list_select_related = ["district", "municipality"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursPeriodInline, OpeningHoursExceptionInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "district", "is_pilot", "description"]}),
        (
            _("Address"),
            {"fields": ["street_address", "postcode", "post_town", "latitude", "longitude"]},
        ),
        (
            _("Contact"),
            {
                "fields": [
                    "phone",
                    "email",
                    "coordinator_name",
                    "coordinator_phone",
                    "coordinator_email",
                ]
            },
        ),
        (
            _("Accessibility"),
            {
                "fields": [
                    "step_free_entrance",
                    "hearing_loop",
                    "accessible_toilet",
                    "parking",
                    "public_transport",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Hub staff describe their hub; where it sits is the municipality's decision.
        if obj is not None and not permissions.can(request.user, Action.CHANGE, obj.district):
            return ["district", "slug", "is_pilot"]
        return []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if "slug" in self.get_readonly_fields(request, obj) else self.prepopulated_fields


@admin.register(OpeningHoursPeriod)
class OpeningHoursPeriodAdmin(ScopedModelAdmin):
    list_display = ["hub", "name", "valid_from", "valid_until"]
    list_filter = ["hub__municipality"]
    list_select_related = ["hub"]
    inlines = [OpeningHoursSpanInline]


@admin.register(OpeningHoursException)
class OpeningHoursExceptionAdmin(ScopedModelAdmin):
    list_display = ["hub", "reason", "start_date", "end_date", "kind"]
    list_filter = ["kind", "hub__municipality"]
    list_select_related = ["hub"]
    inlines = [ExceptionSpanInline]


@admin.register(NewsItem)
class NewsItemAdmin(ScopedModelAdmin):
    list_display = ["title", "municipality", "district", "hub", "publish_from", "publish_until"]
    list_filter = ["municipality"]
    search_fields = ["title", "body"]
    list_select_related = ["municipality", "district", "hub"]

    def get_fields(self, request, obj=None):
        fields = [
            "municipality",
            "district",
            "hub",
            "title",
            "body",
            "publish_from",
            "publish_until",
        ]
        if not permissions.can_some(request.user, Action.ADD, District):
            # Hub staff write news for their own hubs; where it belongs follows from the hub.
            fields = [f for f in fields if f not in ("municipality", "district")]
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "municipality" not in form.base_fields:
            form.base_fields["hub"].required = True
        return form

    def save_object(self, request, obj, form, change):
        services.news_item_save(item=obj)  # a hub's news belongs to its district and municipality

    def delete_object(self, request, obj):
        services.news_item_delete(item=obj)


class StaffMembershipForm(forms.ModelForm):
    """Staff are appointed by email address: the person must have an account."""

    email = forms.EmailField(label=_("Email address of the person"))

    class Meta:
        model = StaffMembership
        fields = ["email", "role", "municipality", "hub"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("Nobody has an account with this email address. Ask them to sign up first.")
            )
        self.instance.user = user
        return email


@admin.register(StaffMembership)
class StaffMembershipAdmin(ScopedModelAdmin):
    form = StaffMembershipForm
    list_display = ["user", "role", "municipality", "hub"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "municipality", "hub"]

    def save_object(self, request, obj, form, change):
        services.staff_membership_save(membership=obj)  # the person gets access to the admin

    def delete_object(self, request, obj):
        services.staff_membership_revoke(membership=obj)


class LegalStatementAdmin(ScopedModelAdmin):
    """One statement per municipality, kept by its administrators; saved and deleted through
    the services, which sanitise the text and make the public page show the edit at once."""

    list_display = ["municipality", "updated_at"]
    list_select_related = ["municipality"]
    save_service = None
    delete_service = None

    def get_readonly_fields(self, request, obj=None):
        return ["municipality"] if obj is not None else []

    def save_object(self, request, obj, form, change):
        self.save_service(statement=obj)

    def delete_object(self, request, obj):
        self.delete_service(statement=obj)


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(LegalStatementAdmin):
    list_display = ["municipality", "last_reviewed", "feedback_email", "updated_at"]
    save_service = staticmethod(services.accessibility_statement_save)
    delete_service = staticmethod(services.accessibility_statement_delete)
    fieldsets = [
        (None, {"fields": ["municipality", "uustatus_url", "last_reviewed"]}),
        (_("The statement"), {"fields": ["text", "known_deviations"]}),
        (_("Feedback"), {"fields": ["feedback_email", "feedback_phone"]}),
    ]


@admin.register(PrivacyStatement)
class PrivacyStatementAdmin(LegalStatementAdmin):
    save_service = staticmethod(services.privacy_statement_save)
    delete_service = staticmethod(services.privacy_statement_delete)
    fields = ["municipality", "contact_email", "data_protection_officer", "addition"]
