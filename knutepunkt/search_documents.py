"""What of knutepunkt the "one door in" search finds: hubs, districts and current news."""

from django.utils.translation import gettext_lazy as _

from hubportal.search.registry import SearchEntry, register, register_kind

from .models import District, Hub, NewsItem


@register(
    "knutepunkt.hub",
    queryset=lambda: Hub.objects.select_related("district", "municipality"),
)
def hub_entry(hub: Hub) -> SearchEntry:
    return SearchEntry(
        kind="hub",
        title=hub.name,
        url=hub.get_absolute_url(),
        summary=f"{hub.street_address}, {hub.postcode} {hub.post_town}".strip(", "),
        body=hub.description,
        keywords=f"{hub.district.name} {hub.municipality.name} knutepunkt innbyggertorg",
        municipality_id=hub.municipality_id,
        district_id=hub.district_id,
        hub_id=hub.pk,
        boost=1.2,
    )


@register(
    "knutepunkt.district",
    queryset=lambda: District.objects.select_related("municipality"),
    dependents=lambda district: district.hubs.select_related("district", "municipality"),
)
def district_entry(district: District) -> SearchEntry:
    return SearchEntry(
        kind="district",
        title=district.name,
        url=district.get_absolute_url(),
        summary=district.description[:300],
        body=district.description,
        keywords=f"{district.municipality.name} {' '.join(district.postcodes)} bydel",
        municipality_id=district.municipality_id,
        district_id=district.pk,
        boost=1.1,
    )


@register("knutepunkt.newsitem", queryset=lambda: NewsItem.objects.select_related("municipality"))
def news_entry(news: NewsItem) -> SearchEntry:
    return SearchEntry(
        kind="news",
        title=news.title,
        url=news.municipality.get_absolute_url() + f"#nyhet-{news.pk}",
        summary=news.body[:300],
        body=news.body,
        municipality_id=news.municipality_id,
        district_id=news.district_id,
        hub_id=news.hub_id,
        boost=0.8,
        visible_from=news.publish_from,
        visible_until=news.publish_until,
    )


register_kind("hub", _("Hub"))
register_kind("district", _("District"))
register_kind("news", _("News"))
