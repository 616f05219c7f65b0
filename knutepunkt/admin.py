"""Staff keep their hubs up to date here. Every queryset, choice list and save goes through
hubportal.permissions: staff never see or change another hub's data."""

from django import forms
from django.contrib import admin
from django.contrib.admin.checks import InlineModelAdminChecks
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hubportal import permissions
from hubportal.core import services as core_services
from hubportal.core.admin import ScopedModelAdmin, ScopedTabularInline, labelled_cells
from hubportal.permissions import Action

from . import selectors, services
from .enums import ExceptionKind, SpanState
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
from .services import SpanInput
from .validators import ORDER_MESSAGE, PAST_MIDNIGHT_MESSAGE, validate_spans

SPAN_FIELDS = ("opens", "closes", "past_midnight", "state", "note")


class SpanRowsMixin:
    """Spans of one period (or exception) must not clash: checked across the rows by the
    same validator the services use, each message attached to the row it concerns."""

    def kept_rows(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.errors
        ]

    def clean(self):
        super().clean()
        rows = self.kept_rows()
        try:
            validate_spans(form.cleaned_data for form in rows)
        except ValidationError as error:
            for problem in error.error_list:
                rows[problem.params["index"]].add_error(None, problem)


class SpanFormSet(SpanRowsMixin, forms.BaseInlineFormSet):
    pass


def _span_input(values, *names: str) -> SpanInput:
    return {name: values[name] for name in (*names, *SPAN_FIELDS) if name in values}


# --------------------------------------------------------------------------- the hub's hours
# On the hub's own page staff change its regular weekly hours (the period valid today) and
# its exceptions from today on, each saved through the opening-hours services.


class WeeklyHoursFormSet(SpanRowsMixin, forms.BaseModelFormSet):
    """The spans of the hub's period valid today; a hub with none gets a new period from
    today when rows are filled in. Saved through opening_hours_period_update (or _create),
    which replaces the period's spans with the rows."""

    def __init__(self, data=None, files=None, instance=None, save_as_new=False, **kwargs):
        self.instance = instance
        self.today = selectors.local_today()
        saved = instance is not None and instance.pk is not None
        self.period = (
            selectors.hours_period_valid_on(hub=instance, day=self.today) if saved else None
        )
        queryset = kwargs.pop("queryset", None)
        queryset = OpeningHoursSpan.objects.all() if queryset is None else queryset
        kwargs["queryset"] = (
            queryset.filter(period=self.period) if self.period else queryset.none()
        ).order_by("weekday", "opens")
        super().__init__(data, files, **kwargs)

    @classmethod
    def get_default_prefix(cls):
        return "weekly_hours"

    def spans(self) -> list[SpanInput]:
        return [_span_input(form.cleaned_data, "weekday") for form in self.kept_rows()]


class WeeklyHoursChecks(InlineModelAdminChecks):
    def _check_relation(self, obj, parent_model):
        return []  # the spans reach the hub through their period, chosen by the formset


class WeeklyHoursInline(ScopedTabularInline):
    """The regular weekly hours on the hub's page. Not an inline formset: the spans belong
    to the period valid today, which the formset finds (other periods have their own page)."""

    model = OpeningHoursSpan
    checks_class = WeeklyHoursChecks
    formset = WeeklyHoursFormSet
    extra = 1
    fields = ["weekday", *SPAN_FIELDS]
    verbose_name = _("regular weekly hours")
    verbose_name_plural = _("regular weekly hours (the period valid today)")

    def get_formset(self, request, obj=None, **kwargs):
        fields = kwargs.pop("fields", None) or self.fields
        formset = forms.modelformset_factory(
            self.model,
            form=self.form,
            formset=self.formset,
            fields=fields,
            formfield_callback=lambda field, **options: self.formfield_for_dbfield(
                field, request, **options
            ),
            extra=self.get_extra(request, obj),
            can_delete=self.can_delete and self.has_delete_permission(request, obj),
            **kwargs,
        )
        return labelled_cells(formset)


class ExceptionRowForm(forms.ModelForm):
    """An exception with its special hours on one line: closed, or open from–to. An
    exception with hours dated for its days, or several spans, keeps them (they are
    changed on its own page)."""

    opens = forms.TimeField(label=capfirst(_("opens")), required=False)
    closes = forms.TimeField(label=capfirst(_("closes")), required=False)
    past_midnight = forms.BooleanField(label=capfirst(_("closes after midnight")), required=False)
    state = forms.ChoiceField(
        label=capfirst(_("state")),
        choices=SpanState.choices,
        initial=SpanState.STAFFED,
        required=False,
    )

    class Meta:
        model = OpeningHoursException
        fields = ["start_date", "end_date", "kind", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = list(self.instance.spans.all()) if self.instance.pk else []
        self.kept_spans = []
        if len(own) == 1 and own[0].day is None:
            for name in SPAN_FIELDS[:-1]:
                self.initial.setdefault(name, getattr(own[0], name))
        elif own:
            self.kept_spans = [_span_input({"day": span.day, **vars(span)}, "day") for span in own]
            for name in SPAN_FIELDS[:-1]:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Hours for single days: see the exception's page.")

    def clean(self):
        data = super().clean()
        if self.kept_spans:
            return data
        opens, closes = data.get("opens"), data.get("closes")
        has_hours = data.get("kind") and ExceptionKind(data["kind"]).has_hours
        if not has_hours:
            if opens or closes:
                self.add_error(
                    "opens",
                    _("A closed exception has no hours; choose special hours to give some."),
                )
            return data
        for name, value in (("opens", opens), ("closes", closes)):
            if value is None and name not in self.errors:
                self.add_error(name, _("Special hours need an opening and a closing time."))
        if opens and closes:
            try:
                validate_spans([{"opens": opens, "closes": closes, **data}])
            except ValidationError as error:
                message = PAST_MIDNIGHT_MESSAGE if data.get("past_midnight") else ORDER_MESSAGE
                self.add_error("closes", ValidationError(message, code=error.error_list[0].code))
        return data

    def spans(self) -> list[SpanInput]:
        if self.kept_spans:
            return self.kept_spans
        data = self.cleaned_data
        if not ExceptionKind(data["kind"]).has_hours:
            return []
        return [_span_input({**data, "state": data.get("state") or SpanState.STAFFED})]


class ExceptionsFormSet(forms.BaseInlineFormSet):
    """Two exceptions of a hub may not overlap: said on the row, before the database would."""

    def clean(self):
        super().clean()
        seen: list[tuple] = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or form.errors:
                continue
            start, end = data.get("start_date"), data.get("end_date")
            if start is None or end is None or end < start:
                continue
            if any(start <= other_end and other_start <= end for other_start, other_end in seen):
                form.add_error(None, _("This exception overlaps another exception of the hub."))
            seen.append((start, end))


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
    """Exceptions from today on (this week's changes), with their special hours."""

    model = OpeningHoursException
    form = ExceptionRowForm
    formset = ExceptionsFormSet
    extra = 1
    fields = ["start_date", "end_date", "kind", "reason", *SPAN_FIELDS[:-1]]
    show_change_link = True
    verbose_name_plural = pgettext_lazy("on the hub page", "exceptions from today on")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(end_date__gte=selectors.local_today())


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
    inlines = [OpeningHoursPeriodInline, WeeklyHoursInline, OpeningHoursExceptionInline]
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

    # The hours on the hub's page are written by the opening-hours services, like everywhere.

    def save_formset(self, request, form, formset, change):
        hub = form.instance
        if isinstance(formset, WeeklyHoursFormSet):
            self._save_weekly_hours(request, hub, formset)
        elif isinstance(formset, ExceptionsFormSet):
            self._save_exceptions(request, hub, formset)
        elif formset.model is OpeningHoursPeriod:
            self._save_periods(request, hub, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _require(self, request, action, obj) -> None:
        if not permissions.can(request.user, action, obj):
            raise PermissionDenied

    def _save_weekly_hours(self, request, hub, formset) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return
        spans, period = formset.spans(), formset.period
        if period is None:
            if spans:
                self._require(request, Action.ADD, OpeningHoursPeriod(hub=hub))
                period = services.opening_hours_period_create(
                    hub=hub, name=gettext("Regular hours"), valid_from=formset.today, spans=spans
                )
                formset.new_objects = [period]
            return
        period.refresh_from_db()  # the periods on the same page may have just changed it
        self._require(request, Action.CHANGE, period)
        services.opening_hours_period_update(
            period=period,
            name=period.name,
            valid_from=period.valid_from,
            valid_until=period.valid_until,
            spans=spans,
        )
        formset.changed_objects = [(period, [str(OpeningHoursSpan._meta.verbose_name_plural)])]

    def _save_periods(self, request, hub, formset) -> None:
        formset.save(commit=False)  # builds the rows and the lists of what changed
        for period, _fields in formset.changed_objects:
            self._require(request, Action.CHANGE, period)
            services.opening_hours_period_update(
                period=period,
                name=period.name,
                valid_from=period.valid_from,
                valid_until=period.valid_until,
                spans=[_span_input(vars(span), "weekday") for span in period.spans.all()],
            )
        for period in formset.new_objects:
            self._require(request, Action.ADD, period)
            services.opening_hours_period_create(
                hub=hub,
                name=period.name,
                valid_from=period.valid_from,
                valid_until=period.valid_until,
            )
        self._delete(request, formset.deleted_objects)

    def _save_exceptions(self, request, hub, formset) -> None:
        formset.save(commit=False)
        changed = {exception.pk for exception, _fields in formset.changed_objects}
        for row in formset.forms:
            exception = row.instance
            if row in formset.deleted_forms or not row.has_changed():
                continue
            fields = {name: row.cleaned_data[name] for name in ExceptionRowForm.Meta.fields}
            if exception.pk in changed:
                self._require(request, Action.CHANGE, exception)
                services.opening_hours_exception_update(
                    exception=exception, spans=row.spans(), **fields
                )
            elif row in formset.extra_forms:
                self._require(request, Action.ADD, exception)
                services.opening_hours_exception_create(hub=hub, spans=row.spans(), **fields)
        self._delete(request, formset.deleted_objects)

    def _delete(self, request, objs) -> None:
        for obj in objs:
            self._require(request, Action.DELETE, obj)
            core_services.content_delete(obj=obj)


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
