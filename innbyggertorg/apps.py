from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnbyggertorgConfig(AppConfig):
    name = "innbyggertorg"
    verbose_name = _("Services and events")
