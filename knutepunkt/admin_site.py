"""The admin site as staff meet it: named for the municipality they work for, in their
language ("Asker — administrasjon"), never "Django administration". It is the default site
(``knutepunkt.apps.PortalAdminConfig``), so every app's ``@admin.register`` lands here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from hubportal import permissions

from .models import Municipality

INSTALLATION_NAME = "hubportal"

# Django's own admin strings that its Bokmål and Nynorsk catalogues lack (Django 5.2): named
# here so that `makemessages` puts them into the portal's catalogues, which are searched
# before Django's (LOCALE_PATHS), and staff read no English.
DJANGO_ADMIN_MESSAGES = (
    gettext_noop("Add link"),
    gettext_noop("Added:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Change or view list link"),
    gettext_noop("Changed:"),
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Deleted:"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Disabled"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Error:"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Hide counts"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("Model name"),
    gettext_noop("Password-based authentication"),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Reset password"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Set password"),
    gettext_noop("Set password: %s"),
    gettext_noop("Show counts"),
    gettext_noop("Sidebar"),
    gettext_noop("Skip to main content"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle theme (current theme: light)"),
    # Plural in Django's templates, singular entries in its catalogues: never matched.
    ngettext_lazy("Please correct the error below.", "Please correct the errors below."),
    ngettext_lazy("entry", "entries"),
)


def admin_site_name(user) -> str:
    """The municipality of a staff member of one municipality; the installation's name for
    superusers, staff of several municipalities and whoever is not signed in yet."""
    if permissions.is_installation_admin(user):
        return INSTALLATION_NAME
    ids = permissions.staff_municipality_ids(user)
    if len(ids) != 1:
        return INSTALLATION_NAME
    name = Municipality.objects.filter(pk__in=ids).values_list("name", flat=True).first()
    return name or INSTALLATION_NAME


def site_header(name: str) -> str:
    return gettext("%(name)s — administration") % {"name": name}


class PortalAdminSite(admin.AdminSite):
    site_header = site_title = lazy(site_header, str)(INSTALLATION_NAME)
    index_title = _("Overview")

    def each_context(self, request):
        context = super().each_context(request)
        context["site_header"] = context["site_title"] = site_header(admin_site_name(request.user))
        return context
