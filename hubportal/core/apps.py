from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hubportal.core"
    label = "core"
    verbose_name = "Hubportal"
