from django.utils.translation import gettext_lazy as _

from hubportal.search.registry import SearchEntry, register, register_kind

from .enums import ListingStatus
from .models import Opportunity, Organisation


@register("frivillighet.organisation", queryset=lambda: Organisation.objects.all())
def organisation_entry(organisation: Organisation) -> SearchEntry | None:
    if organisation.listing != ListingStatus.APPROVED:
        return None  # only listed organisations are found
    return SearchEntry(
        kind="organisation",
        title=organisation.name,
        url=organisation.get_absolute_url(),
        summary=organisation.description[:300],
        body=organisation.description,
        keywords=" ".join(organisation.categories) + " frivillig lag forening",
        municipality_id=organisation.municipality_id,
    )


@register("frivillighet.opportunity", queryset=lambda: Opportunity.objects.select_related("hub"))
def opportunity_entry(opportunity: Opportunity) -> SearchEntry:
    return SearchEntry(
        kind="volunteering",
        title=opportunity.title,
        url=opportunity.get_absolute_url(),
        summary=opportunity.description[:300],
        body=opportunity.description,
        keywords=f"frivillig {opportunity.hub.name}",
        municipality_id=opportunity.hub.municipality_id,
        hub_id=opportunity.hub_id,
    )


register_kind("organisation", _("Organisation"))
register_kind("volunteering", _("Volunteering"))
