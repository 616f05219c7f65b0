"""What of a cooperation one finds: the cooperation's page (installation-wide, so every
municipality's search finds it), and each shared service in the search of every municipality
taking part other than its host (whose own catalogue already has it)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hubportal.search.registry import SearchEntry, register, register_kind

from .enums import ArrangementKind
from .models import Cooperation, Participation


@register("samarbeid.cooperation", queryset=lambda: Cooperation.objects.all())
def cooperation_entry(cooperation: Cooperation) -> SearchEntry:
    members = " ".join(cooperation.members.values_list("name", flat=True))
    return SearchEntry(
        kind="cooperation",
        title=cooperation.name,
        url=cooperation.get_absolute_url(),
        summary=cooperation.description[:300],
        body=cooperation.description,
        keywords=f"interkommunalt samarbeid region {members}",
    )


register_kind("cooperation", _("Inter-municipal cooperation"))


@register(
    "samarbeid.participation",
    queryset=lambda: Participation.objects.filter(
        arrangement__kind=ArrangementKind.SERVICE
    ).select_related(
        "arrangement__cooperation", "arrangement__service_type__municipality", "municipality"
    ),
)
def shared_service_entry(participation: Participation) -> SearchEntry | None:
    arrangement = participation.arrangement
    service = arrangement.service_type
    if (
        arrangement.kind != ArrangementKind.SERVICE
        or participation.municipality_id == service.municipality_id
    ):
        return None
    hubs = sorted(set(service.offers.values_list("hub__name", flat=True)))
    where = ", ".join(hubs) or service.municipality.name
    return SearchEntry(
        kind="shared_service",
        title=service.name,
        url=service.get_absolute_url(),
        summary=gettext("%(cooperation)s: offered at %(where)s (%(host)s municipality)")
        % {
            "cooperation": arrangement.cooperation.name,
            "where": where,
            "host": service.municipality.name,
        },
        body=f"{arrangement.description} {service.description}",
        keywords=" ".join(
            [service.keywords, arrangement.name, arrangement.cooperation.name, *hubs]
        ),
        municipality_id=participation.municipality_id,
        boost=1.5,  # services first, as the municipality's own
    )


register_kind("shared_service", _("Shared service"))
