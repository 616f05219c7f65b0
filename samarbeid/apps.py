from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamarbeidConfig(AppConfig):
    name = "samarbeid"
    verbose_name = _("Inter-municipal cooperation")
