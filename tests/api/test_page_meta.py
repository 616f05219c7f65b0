"""Every public page type (the page-type walk's list, tests/browser/test_every_page_type.py)
has a meta description, Open Graph tags and a valid canonical address with hreflang
alternates in every language; each alternate answers, names the same alternates and is its
own canonical. Error pages have no canonical (they answer at an address not their own)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from hubportal.core.demo import load_demo_data
from hubportal.search.services import search_rebuild
from tests.booking.factories import ResourceFactory
from tests.browser.test_every_page_type import _public_pages
from tests.support.head import assert_page_meta, read_head

pytestmark = pytest.mark.django_db


def _language(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return first if first in ("nn", "en") else "nb"


def _canonical_path(url: str) -> str:
    """The address a page calls its own: without its search, filters or tab (a page number
    of a list kept)."""
    parts = urlsplit(url)
    side = [p for p in parts.query.split("&") if p.startswith("side=") and p != "side=1"]
    return parts.path + (f"?{side[0]}" if side else "")


def test_every_public_page_type__describes_itself_to_search_engines_and_link_previews():
    load_demo_data()
    search_rebuild()
    pages = _public_pages(ResourceFactory(name="Prosjektrommet")) | {
        "events-page-2": "/asker/arrangementer/?side=2",
        "nynorsk-hub": "/nn/asker/knutepunkt/heggedal/",
    }
    client = Client()
    site = settings.SITE_URL
    checked = set()
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        path = None if response.status_code == 404 else _canonical_path(url)
        alternates = assert_page_meta(
            read_head(response.content.decode()),
            name=name,
            path=path,
            site_url=site,
            language=_language(url),
        )
        for code, address in alternates.items():
            if address in checked or code == "x-default":
                continue
            checked.add(address)
            other = client.get(address.removeprefix(site))
            assert other.status_code == response.status_code, (name, code, address)
            reciprocal = assert_page_meta(
                read_head(other.content.decode()),
                name=f"{name} ({code})",
                path=address.removeprefix(site),
                site_url=site,
                language=code,
            )
            assert reciprocal == alternates, f"{name}: the {code} page names other alternates"
    assert len(checked) >= 3 * (len(pages) - 3)
