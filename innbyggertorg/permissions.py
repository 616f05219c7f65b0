"""Who may do what with the service catalogue, rotating service hours and events: the
municipality keeps the catalogue (hub staff read it); hub staff say which services their
hubs offer and when rotating services are there."""

from __future__ import annotations

from hubportal.permissions import READ, Policy, register

register(
    "innbyggertorg.servicetype",
    Policy(
        municipality=("municipality",),
        hub_staff=frozenset(),
        staff_in_municipality=READ,
    ),
)
register("innbyggertorg.serviceoffer", Policy(municipality=("hub__municipality",), hub=("hub",)))
register(
    "innbyggertorg.serviceschedule",
    Policy(
        municipality=("hub__municipality",),
        hub=("hub",),
    ),
)
register(
    "innbyggertorg.schedulecancellation",
    Policy(
        municipality=("schedule__hub__municipality",),
        hub=("schedule__hub",),
    ),
)
register("innbyggertorg.event", Policy(municipality=("municipality",), hub=("hub",)))
# Registrations hold personal data: staff of the event's hub (and the municipality) only.
register(
    "innbyggertorg.registration",
    Policy(
        municipality=("event__municipality",),
        hub=("event__hub",),
    ),
)
