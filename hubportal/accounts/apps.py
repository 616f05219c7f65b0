from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hubportal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Each app declares what it holds about a person in its personal_data.py.
        autodiscover_modules("personal_data")
