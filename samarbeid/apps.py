from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamarbeidConfig(AppConfig):
    name = "samarbeid"
    verbose_name = _("Inter-municipal cooperation")

    def ready(self):
        from booking.access import GuestAccessSource, register_guest_access
        from knutepunkt.sections import PortalSection, register_section

        from . import selectors, services

        # District and hub pages of each participating municipality: the services a
        # cooperation shares with it, and where (in which municipality) to meet them.
        register_section(
            PortalSection(
                key="shared-services",
                title=_("Shared with neighbouring municipalities"),
                template="samarbeid/_hub_section.html",
                load=lambda hubs: selectors.shared_services_for_hubs(hubs=hubs),
                order=15,
            )
        )
        # Booking's write path lets associations of the participating municipalities book
        # a shared room under its guest rules, and records each such booking here.
        register_guest_access(
            GuestAccessSource(
                access_for=selectors.guest_access_for, record=services.guest_booking_record
            )
        )
