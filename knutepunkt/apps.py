from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnutepunktConfig(AppConfig):
    name = "knutepunkt"
    verbose_name = _("Hubs and districts")
