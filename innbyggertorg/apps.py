from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnbyggertorgConfig(AppConfig):
    name = "innbyggertorg"
    verbose_name = _("Services and events")

    def ready(self):
        from knutepunkt.sections import PortalSection, register_section

        from . import selectors, structured_data

        register_section(
            PortalSection(
                key="services",
                title=_("Services"),
                template="innbyggertorg/_hub_section.html",
                load=lambda hubs: selectors.hub_services(hubs=hubs),
                order=10,
                describe=structured_data.hub_services_described,
            )
        )
        register_section(
            PortalSection(
                key="events",
                title=_("Events"),
                template="innbyggertorg/_hub_events.html",
                load=lambda hubs: selectors.hub_events(hubs=hubs),
                order=20,
            )
        )
