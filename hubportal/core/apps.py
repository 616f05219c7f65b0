from django.apps import AppConfig

from hubportal import permissions


class CoreConfig(AppConfig):
    name = "hubportal.core"
    label = "core"
    verbose_name = "Hubportal"

    def ready(self):
        from . import signals  # connects to models: imported once the apps are ready

        permissions.autodiscover()  # each app's permissions.py registers its rules
        signals.connect()
