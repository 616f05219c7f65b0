from django.apps import AppConfig

from hubportal import permissions


class CoreConfig(AppConfig):
    name = "hubportal.core"
    label = "core"
    verbose_name = "Hubportal"

    def ready(self):
        # Each app's permissions.py registers its rules. No signal follows saves: the
        # services that change what the public sees invalidate the page cache themselves.
        permissions.autodiscover()
