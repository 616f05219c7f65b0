"""Breadcrumbs name the way to the page and mark only the page itself as the current one
(aria-current="page" on the last crumb, never on a place the page merely belongs to)."""

from __future__ import annotations

import re

import pytest

from tests.innbyggertorg.factories import EventFactory, ServiceTypeFactory
from tests.knutepunkt.factories import HubFactory

pytestmark = pytest.mark.django_db


def crumbs(page: str) -> list[tuple[str, bool]]:
    """(text, is current) of each crumb, in order."""
    nav = re.search(
        r'<nav aria-label="Du er her" class="ds-breadcrumbs[^"]*">(.*?)</nav>', page, re.S
    )
    assert nav, "no breadcrumbs"
    return [
        (re.sub(r"\s+", " ", text).strip(), 'aria-current="page"' in attributes)
        for attributes, text in re.findall(r"<a([^>]*)>(.*?)</a>", nav.group(1), re.S)
    ]


@pytest.fixture
def hub():
    return HubFactory(name="Heggedal knutepunkt")


def _pages(hub):
    municipality, district = hub.municipality, hub.district
    event = EventFactory(hub=hub, title="Språkkafé for alle")
    service = ServiceTypeFactory(municipality=municipality, name="Servicetorget")
    return {
        municipality.get_absolute_url(): [municipality.name],
        district.get_absolute_url(): [municipality.name, district.name],
        hub.get_absolute_url(): [municipality.name, district.name, hub.name],
        f"/{municipality.slug}/arrangementer/": [municipality.name, "Arrangementer"],
        event.get_absolute_url(): [municipality.name, "Arrangementer", "Språkkafé for alle"],
        f"/{municipality.slug}/tjenester/": [municipality.name, "Tjenester"],
        service.get_absolute_url(): [municipality.name, "Tjenester", "Servicetorget"],
        f"/{municipality.slug}/sok/?q=kafe": [municipality.name, "Søk"],
        f"/{municipality.slug}/tilgjengelighet/": [municipality.name, "Tilgjengelighetserklæring"],
    }


def test_breadcrumbs__only_the_page_itself_is_current(client, hub):
    for url, trail in _pages(hub).items():
        response = client.get(url)
        assert response.status_code == 200, url
        found = crumbs(response.content.decode())
        assert [text for text, _current in found] == ["Forside", *trail], url
        assert [current for _text, current in found] == [False] * len(trail) + [True], url
