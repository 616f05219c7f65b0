from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrivillighetConfig(AppConfig):
    name = "frivillighet"
    verbose_name = _("Volunteering")
