from django.utils.translation import gettext_lazy as _

from hubportal.search.registry import SearchEntry, register, register_kind

from .models import ServiceType


@register(
    "innbyggertorg.servicetype", queryset=lambda: ServiceType.objects.select_related("municipality")
)
def service_entry(service: ServiceType) -> SearchEntry:
    return SearchEntry(
        kind="service",
        title=service.name,
        url=service.get_absolute_url(),
        summary=service.description[:300],
        body=service.description,
        keywords=f"{service.keywords} {service.get_category_display()}",
        municipality_id=service.municipality_id,
        boost=1.5,  # "one door in": services first
    )


register_kind("service", _("Service"))
