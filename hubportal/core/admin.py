"""Admin base classes that ask hubportal.permissions for everything: staff see and change
only what their scope allows, and choice lists offer only their own hubs."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, router, transaction
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubportal import permissions
from hubportal.core.capacity import Pool
from hubportal.core.errors import DomainError
from hubportal.core.forms import choice_list_field
from hubportal.core.params import ParameterError, within_calendar
from hubportal.permissions import Action

from . import services


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A sidebar filter on a related object that offers only the objects the user may see:
    a hub's staff are offered their hubs and their municipality, not the 1,500 hubs and 357
    municipalities of a national installation (which Django's filter would list, and count
    on every page of the list)."""

    def field_choices(self, field, request, model_admin):
        related = field.remote_field.model
        queryset = permissions.scoped(request.user, Action.VIEW, related._default_manager.all())
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class CappedCountPaginator(Paginator):
    """Counts a changelist's rows up to a cap instead of all of them: over a million booked
    times a full ``COUNT(*)`` (and the ``OFFSET`` of a page near the end) costs seconds,
    while a capped count costs what the cap costs. Beyond the cap the list says "more than
    10,000" and its pages end there; staff narrow it down with the filters and the search."""

    cap = 10_000

    @cached_property
    def count(self):
        counted = self.object_list[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


class LargeTableAdminMixin:
    """For the changelists of the big tables (bookings, booked times, registrations,
    sign-ups, the outbox): no second count of the unfiltered table, no facet counts, and a
    capped count (CappedCountPaginator). Measured in `make bench` (bench/staff.py)."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    list_per_page = 50  # a screen or two of rows; each row costs the admin's cell rendering
    # The columns the list shows (with paths into list_select_related): the list loads only
    # these, not every column of the row and of each related row (a hub has forty).
    list_only: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if self.list_only and match and (match.url_name or "").endswith("_changelist"):
            queryset = queryset.only(*self.list_only)
        return queryset


class ReadOnlyAdminMixin:
    """A list staff read and filter; its rows are written elsewhere (the booking pages, the
    registration and sign-up forms, the inlines of their event or shift)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Never from the list's own pages (no delete button, action or address). When
        another object is deleted and these rows go with it (a superuser deletes an
        account; its registrations are the account's to take along), Django asks every
        registered admin of the related rows: answer as if the list were not registered,
        which is what it was before it was, and what the deleting service relies on."""
        match = getattr(request, "resolver_match", None)
        own = f"{self.opts.app_label}_{self.opts.model_name}_"
        return bool(match and match.url_name and not match.url_name.startswith(own))


class ScopedAdminMixin:
    """For a ModelAdmin or an inline of a model with a registered permission policy."""

    def get_list_filter(self, request):
        """Sidebar filters on related objects offer only what the user may see."""
        scoped_models = permissions_models()
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and _related_model(self.model, entry) in scoped_models:
                entry = (entry, ScopedRelatedFieldListFilter)
            filters.append(entry)
        return filters

    # An address typed without a scheme is https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ArrayField) and db_field.base_field.choices:
            return choice_list_field(db_field, **kwargs)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and formfield is not None:
            # DateTimeField is a DateField too: the calendar's ends overflow time zones.
            formfield.validators.append(within_calendar)
        return formfield

    def get_queryset(self, request):
        return permissions.scoped(request.user, Action.VIEW, super().get_queryset(request))

    def has_module_permission(self, request):
        return (
            request.user.is_active
            and request.user.is_staff
            and permissions.is_staff_anywhere(request.user)
        )

    def _may(self, request, action, obj):
        if not (request.user.is_active and request.user.is_staff):
            return False
        if obj is None:
            return permissions.can_some(request.user, action, self.model)
        return permissions.can(request.user, action, obj)

    def has_view_permission(self, request, obj=None):
        return self._may(request, Action.VIEW, obj)

    def has_add_permission(self, request, obj=None):
        # For inlines `obj` is the parent; whether a child may be added is checked on save.
        return self._may(request, Action.ADD, None)

    def has_change_permission(self, request, obj=None):
        return self._may(request, Action.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, Action.DELETE, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related in permissions_models():
            queryset = kwargs.get("queryset") or related._default_manager.all()
            # Choices are what the user may see; saving checks they may act on the result.
            kwargs["queryset"] = permissions.scoped(request.user, Action.VIEW, queryset)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _related_model(model, path: str):
    """The model a list filter's path ends on, when it ends on a relation (else None)."""
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, NotRelationField):  # not a field path: leave it to Django
        return None
    return field.related_model if getattr(field, "is_relation", False) else None


def permissions_models() -> set:
    models = set()
    for label in permissions.registered_models():
        app_label, model_name = label.split(".")
        models.add(apps.get_model(app_label, model_name))
    return models


_FORMSET_COUNTS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def check_formset_counts(data) -> None:
    """The counts an inline's management form sends back must be what a form can hold:
    Django indexes the inline's rows with them (a negative count is a server error)."""
    for name, values in data.lists():
        if name.endswith(_FORMSET_COUNTS) and not all(
            value.isascii() and value.isdigit() and len(value) <= 6 for value in values
        ):
            raise ParameterError(
                _("“%(name)s” must be a number. Reload the page and try again.") % {"name": name}
            )


_SELECTION_NOT_IDS = gettext_lazy(
    "“%(name)s” must be the ids of objects in the list. Reload the page and try again."
)


def check_selected_ids(model, values) -> None:
    """The ids a changelist's action form sends back must be ids of the model: Django
    filters the list by them as they come (a letter or an empty id is a server error)."""
    pk = model._meta.pk
    for value in values:
        try:
            pk.run_validators(pk.to_python(value))
        except ValidationError:
            raise ParameterError(
                _SELECTION_NOT_IDS % {"name": helpers.ACTION_CHECKBOX_NAME}
            ) from None


class CheckedActionsMixin:
    """For every ModelAdmin of the project (and the third-party ones it registers again):
    an action's selection that is not a list of ids is a 400 naming it."""

    def response_action(self, request, queryset):
        check_selected_ids(self.model, request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        return super().response_action(request, queryset)


class ScopedModelAdmin(CheckedActionsMixin, ScopedAdminMixin, admin.ModelAdmin):
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            # A field with a callable default (e.g. an array's `list`) sends its initial
            # value in a hidden input, which Django gives the field's aria-describedby (not
            # allowed on a hidden input). Only an inline's extra rows need the hidden
            # initial (to tell an untouched row from a filled one); this is the main form.
            formfield.show_hidden_initial = False
        return formfield

    def get_object(self, request, object_id, from_field=None):
        # An object outside the user's scope does not exist for them: 404, not a redirect
        # that hints it might.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    # Writes go through services, which own their side effects (page cache, search index).
    # An admin whose model has a domain service overrides save_object / delete_object to
    # call it; the permission checks stay here.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A service that refuses the save (DomainError) is shown on the form, with what
        the person typed, instead of an error page: the refused attempt is rolled back and
        the form is shown again, the refusal added to it by DomainError.add_to_form."""
        if request.method == "POST":
            check_formset_counts(request.POST)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refused:
            request.hubportal_refusal = refused
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refused = getattr(request, "hubportal_refusal", None)
        if refused is None:
            return form

        class Refused(form):
            def clean(self):
                data = super().clean()
                refused.add_to_form(self)
                return data

        return Refused

    def save_model(self, request, obj, form, change):
        action = Action.CHANGE if change else Action.ADD
        if not permissions.can(request.user, action, obj):
            raise PermissionDenied
        self.save_object(request, obj, form, change)

    def save_object(self, request, obj, form, change):
        services.content_save(obj=obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)  # builds the rows, writes nothing
        for instance in instances:
            action = Action.CHANGE if instance.pk else Action.ADD
            if not permissions.can(request.user, action, instance):
                raise PermissionDenied
        if any(
            not permissions.can(request.user, Action.DELETE, o) for o in formset.deleted_objects
        ):
            raise PermissionDenied
        services.contents_save(saved=instances, deleted=formset.deleted_objects)
        formset.save_m2m()

    def delete_model(self, request, obj):
        if not permissions.can(request.user, Action.DELETE, obj):
            raise PermissionDenied
        self.delete_object(request, obj)

    def delete_object(self, request, obj):
        services.content_delete(obj=obj)

    def delete_queryset(self, request, queryset):
        objs = list(queryset)
        if any(not permissions.can(request.user, Action.DELETE, obj) for obj in objs):
            raise PermissionDenied
        with transaction.atomic():  # all or nothing, as Django's own bulk delete
            for obj in objs:
                self.delete_object(request, obj)


def labelled_cells(formset_class):
    """A tabular inline's fields sit in table cells under a column heading, without a
    <label>: each is given its label as its accessible name (aria-label), the deletion box
    too. A group of choices keeps the labels of its own options."""

    class LabelledCells(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            for name, field in form.fields.items():
                widget = field.widget
                if widget.is_hidden or isinstance(
                    widget, forms.RadioSelect | forms.CheckboxSelectMultiple
                ):
                    continue
                widget.attrs.setdefault("aria-label", str(capfirst(field.label or name)))

    LabelledCells.__name__ = LabelledCells.__qualname__ = formset_class.__name__
    return LabelledCells


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    def get_formset(self, request, obj=None, **kwargs):
        return labelled_cells(super().get_formset(request, obj, **kwargs))


class ScopedStackedInline(ScopedAdminMixin, admin.StackedInline):
    pass


class CapacityAdminForm(forms.ModelForm):
    """The form of a model with places (an event, a shift): a capacity below the places
    taken is refused on the field, instead of by the database's check constraint. The
    check locks the row until the admin's transaction ends, so the save sees the same
    count."""

    places: Pool  # the app's pool, e.g. innbyggertorg.services.PLACES

    def clean(self):
        data = super().clean()
        if self.instance.pk and "capacity" in self.changed_data:
            try:
                self.places.check_capacity(self.instance.pk, data.get("capacity"))
            except DomainError as refused:
                refused.add_to_form(self)
        return data
