from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Room booking")

    def ready(self):
        from knutepunkt.sections import PortalSection, register_section

        from . import selectors

        register_section(
            PortalSection(
                key="rooms",
                title=_("Rooms to book"),
                template="booking/_hub_section.html",
                load=lambda hubs: selectors.hub_rooms(hubs=hubs),
                order=40,
            )
        )
