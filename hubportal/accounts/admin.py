from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.socialaccount.admin import SocialAccountAdmin as AllauthSocialAccountAdmin
from allauth.socialaccount.admin import SocialAppAdmin as AllauthSocialAppAdmin
from allauth.socialaccount.admin import SocialAppForm as AllauthSocialAppForm
from allauth.socialaccount.admin import SocialTokenAdmin as AllauthSocialTokenAdmin
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hubportal import permissions
from hubportal.core.admin import CheckedActionsMixin
from hubportal.core.forms import StorableJSONField

from . import services
from .models import User

# The admins of Django's and allauth's models, registered again with the project's checks
# (an action's selection that is not a list of ids is a 400, not a 500).
for model in (Group, EmailAddress, SocialAccount, SocialApp, SocialToken):
    admin.site.unregister(model)


class TranslatedLabelsMixin:
    """allauth leaves some fields without a verbose name (a relation, a JSON field), which
    the admin would label in English: their labels here, in the reader's language."""

    field_labels: dict = {}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class on every call
        for name, label in self.field_labels.items():
            if name in form.base_fields:
                form.base_fields[name].label = capfirst(label)
        return form


def column(name: str, description) -> object:
    """A changelist column showing a field under a translated heading."""

    @admin.display(description=description, ordering=name)
    def show(obj):
        return getattr(obj, name)

    show.__name__ = name
    return show


@admin.register(Group)
class GroupAdmin(CheckedActionsMixin, DjangoGroupAdmin):
    pass


@admin.register(EmailAddress)
class EmailAddressAdmin(CheckedActionsMixin, AllauthEmailAddressAdmin):
    pass


@admin.register(SocialToken)
class SocialTokenAdmin(TranslatedLabelsMixin, CheckedActionsMixin, AllauthSocialTokenAdmin):
    field_labels = {"app": _("app"), "account": _("account")}
    list_display = [
        column("app", _("app")),
        column("account", _("account")),
        "truncated_token",
        "expires_at",
    ]

    @admin.display(description=_("token"))
    def truncated_token(self, token) -> str:
        return super().truncated_token(token)


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    """The password's summary without the `disabled` attribute Django gives it: the widget is
    a <div>, which may not have one (invalid HTML); the field stays disabled."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        return context


class UserChangeForm(DjangoUserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordHashWidget()


@admin.register(User)
class UserAdmin(CheckedActionsMixin, DjangoUserAdmin):
    """People's accounts: superusers only (staff appoint colleagues by email address)."""

    form = UserChangeForm

    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def has_module_permission(self, request):
        return permissions.is_installation_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_installation_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_installation_admin(request.user)

    def has_add_permission(self, request):
        return permissions.is_installation_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_installation_admin(request.user)

    def delete_model(self, request, obj):
        """Deleting someone in the admin is the same deletion as their own: every app
        erases through its services (places freed, waiting lists promoted)."""
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.user_delete(user=user)


@admin.register(SocialAccount)
class SocialAccountAdmin(TranslatedLabelsMixin, CheckedActionsMixin, AllauthSocialAccountAdmin):
    """Linked logins (e.g. ID-porten). The claims the identity provider sent are a record,
    not something to edit by hand; and a login that sent none must not block saving."""

    readonly_fields = ["extra_data"]
    field_labels = {"user": _("person")}
    list_display = [column("user", _("person")), "uid", "provider"]


class SocialAppForm(AllauthSocialAppForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].label = capfirst(_("provider"))


@admin.register(SocialApp)
class SocialAppAdmin(TranslatedLabelsMixin, CheckedActionsMixin, AllauthSocialAppAdmin):
    """Identity providers' client settings. Their `settings` are JSON that PostgreSQL must
    store: NaN, Infinity (1e309) and NUL characters are refused on the field."""

    form = SocialAppForm
    formfield_overrides = {models.JSONField: {"form_class": StorableJSONField}}
    field_labels = {"settings": _("settings")}
