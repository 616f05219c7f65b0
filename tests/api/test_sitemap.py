"""What search engines read: robots.txt, and sitemap.xml with every public page in every
language, each with complete hreflang alternates (and x-default), and nothing private."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from booking.enums import ResourceKind
from tests.booking.factories import ResourceFactory
from tests.frivillighet.factories import OrganisationFactory, ShiftFactory
from tests.innbyggertorg.factories import EventFactory
from tests.knutepunkt.factories import DistrictFactory, HubFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def world():
    district = DistrictFactory()
    hub = HubFactory(municipality=district.municipality, district=district)
    return {
        "hub": hub,
        "district": district,
        "event": EventFactory(hub=hub),
        "past_event": EventFactory(
            hub=hub,
            starts_at=timezone.now() - timedelta(days=3),
            ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
        ),
        "room": ResourceFactory(hub=hub),
        "add_on": ResourceFactory(hub=hub, kind=ResourceKind.TECHNICIAN),
        "listed": OrganisationFactory(municipality=hub.municipality),
        "pending": OrganisationFactory(
            municipality=hub.municipality, listing="pending", org_number="971524960"
        ),
        "shift": ShiftFactory(opportunity__hub=hub),
    }


def _sitemap(client) -> dict[str, dict[str, str]]:
    """loc (path) → {hreflang: path} from the sitemap."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    found = {}
    for url in root.findall("s:url", NS):
        loc = urlsplit(url.find("s:loc", NS).text).path
        found[loc] = {
            link.get("hreflang"): urlsplit(link.get("href")).path
            for link in url.findall("x:link", NS)
        }
    return found


def test_sitemap__public_pages_in_every_language_with_complete_hreflang(world):
    entries = _sitemap(Client())
    hub_page = world["hub"].get_absolute_url()
    assert hub_page in entries and f"/nn{hub_page}" in entries and f"/en{hub_page}" in entries
    for loc, alternates in entries.items():
        assert set(alternates) == {"nb", "nn", "en", "x-default"}, loc
        assert alternates["x-default"] == alternates["nb"]
        for lang, target in alternates.items():
            assert target in entries, f"{loc}: {lang} alternate {target} is not listed"
            assert entries[target] == alternates, f"{loc} and {target} disagree"
        assert loc in alternates.values()


def test_sitemap__lists_what_visitors_may_see_and_nothing_else(world):
    paths = set(_sitemap(Client()))
    for name in ("hub", "district", "event", "room", "listed"):
        assert world[name].get_absolute_url() in paths, name
    assert world["shift"].opportunity.get_absolute_url() in paths
    assert world["hub"].municipality.get_absolute_url() in paths
    for name in ("past_event", "add_on", "pending"):
        assert world[name].get_absolute_url() not in paths, name
    assert not any(p.startswith(("/admin", "/konto", "/bookinger")) for p in paths)


def test_sitemap__every_page_it_names_answers_200_to_a_visitor(world):
    client = Client()
    for path in _sitemap(client):
        assert client.get(path).status_code == 200, path


def test_robots__allows_the_portal_keeps_private_pages_out_and_names_the_sitemap():
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for private in ("/admin/", "/nn/admin/", "/en/konto/", "/bookinger/", "/api/v1/staff/"):
        assert f"Disallow: {private}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
