"""A shared service on the district and hub pages of each participating municipality, with
the hub where it is offered named with its municipality; found by each participating
municipality's search, and by no other's."""

from __future__ import annotations

import pytest

from hubportal.search.selectors import search_documents
from hubportal.search.services import search_rebuild
from samarbeid import services

pytestmark = pytest.mark.django_db


def test_participants_hub_and_district_pages__show_the_shared_service(client, region):
    for url in ("/kommune-b/knutepunkt/sentrum/", "/kommune-b/sentrum/"):
        page = client.get(url).content.decode()
        assert "Delt med nabokommuner" in page, url
        assert "Tilbys ved" in page and "Stjørdal knutepunkt</a>, Stjørdal kommune" in page


def test_non_participants_pages__do_not_show_it(client, region):
    for url in ("/kommune-c/knutepunkt/sentrum/", "/kommune-d/knutepunkt/sentrum/"):
        assert "Delt med nabokommuner" not in client.get(url).content.decode(), url


def test_the_hub_that_offers_it__lists_it_among_its_own_services_only(client, region):
    page = client.get("/kommune-a/knutepunkt/sentrum/").content.decode()
    assert "Barnevern" in page and "Delt med nabokommuner" not in page


def test_search__each_participating_municipality_finds_it(
    region, django_capture_on_commit_callbacks
):
    search_rebuild()

    def titles(key):
        found = search_documents(query="barnevern", municipality_id=region.municipality[key].pk)
        return [d.title for d in found.documents]

    assert "Barnevern" in titles("b")  # Frosta takes part
    assert "Barnevern" in titles("a")  # the host's own catalogue
    assert "Barnevern" not in titles("c")  # Malvik does not take part
    assert "Barnevern" not in titles("d")


def test_search__follows_who_takes_part(region, django_capture_on_commit_callbacks):
    search_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        services.shared_arrangement_update(
            arrangement=region.shared_service,
            name="Barnevern",
            service_type=region.service_type,
            participants=[region.municipality["a"], region.municipality["c"]],
        )
    frosta = search_documents(query="barnevern", municipality_id=region.municipality["b"].pk)
    malvik = search_documents(query="barnevern", municipality_id=region.municipality["c"].pk)
    assert "Barnevern" not in [d.title for d in frosta.documents]
    assert "Barnevern" in [d.title for d in malvik.documents]
