from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hubportal.core"
    label = "core"
    verbose_name = "Hubportal"

    def ready(self):
        from . import signals

        signals.connect()
