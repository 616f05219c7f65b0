from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps  # a module: its AdminConfig is a default
from django.utils.translation import gettext_lazy as _


class KnutepunktConfig(AppConfig):
    default = True  # this module holds the admin's configuration too
    name = "knutepunkt"
    verbose_name = _("Hubs and districts")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site (named for the staff member's municipality)."""

    default = False
    default_site = "knutepunkt.admin_site.PortalAdminSite"
