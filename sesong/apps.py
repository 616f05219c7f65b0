from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SesongConfig(AppConfig):
    name = "sesong"
    verbose_name = _("Seasonal allocation")

    def ready(self):
        # The round's holds on its resources, asked by booking's week grid and its write
        # path (booking cannot import this app: it sits below it).
        from booking import holds

        from . import selectors, services

        holds.register_held_times(selectors.season_held_times)
        holds.register_booking_hold(
            holds.BookingHold(
                holds_on=selectors.season_holds_on, mark_booked=services.held_booking_mark
            )
        )
