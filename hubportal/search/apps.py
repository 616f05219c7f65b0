from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hubportal.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        # Each app's providers register themselves. No signal follows saves: the services
        # that change something findable index it themselves, after commit.
        autodiscover_modules("search_documents")
