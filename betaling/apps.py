from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BetalingConfig(AppConfig):
    name = "betaling"
    verbose_name = _("Prices and payment")

    def ready(self):
        # Booking asks for prices through booking.charges (it cannot import this app: it
        # sits below it).
        from booking import charges

        from . import selectors, services, views

        charges.register_pricing(
            charges.Pricing(
                quote=selectors.booking_quote,
                record=services.charges_record,
                of_booking=selectors.booking_price,
                of_occurrences=selectors.occurrence_prices,
                of_resource=selectors.resource_price_lists,
                hold=services.payment_hold,
                payment_url=views.booking_payment_url,
                cancelled=services.payment_after_cancel,
                history=selectors.payment_history,
            )
        )
