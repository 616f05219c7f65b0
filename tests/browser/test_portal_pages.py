"""The district portal as a citizen and as hub staff meet it, in a real browser with axe."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from hubportal.core.demo import DEMO_PASSWORD, load_demo_data
from hubportal.search.services import search_rebuild
from knutepunkt.models import Hub

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    load_demo_data()
    search_rebuild()


def test_citizen__picks_asker_types_a_heggedal_postcode_and_lands_on_the_district(
    page, demo, assert_accessible
):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Asker").click()
    assert page.locator("h1").inner_text() == "Knutepunkt i Asker"
    assert_accessible(page)
    page.goto("/")
    page.get_by_label("Postnummeret ditt").fill("3470")  # only Slemmestad
    page.get_by_role("button", name="Finn bydelen min").click()
    assert page.locator("h1").inner_text() == "Slemmestad"
    expect(page.get_by_text(re.compile("Åpent nå|Stengt nå")).first).to_be_visible()
    assert page.locator("table.hours-table tbody tr").count() == 7
    assert_accessible(page)


def test_citizen__shared_postcode__chooses_between_two_districts(page, demo, assert_accessible):
    page.goto("/finn-bydel/?postnummer=1389")
    expect(page.get_by_role("link", name="Heggedal")).to_be_visible()
    expect(page.get_by_role("link", name="Slemmestad")).to_be_visible()
    assert_accessible(page)


def test_citizen__malformed_postcode__error_is_announced(page, demo, assert_accessible):
    page.goto("/")
    page.get_by_label("Postnummeret ditt").fill("13a")
    page.get_by_role("button", name="Finn bydelen min").click()
    expect(page.get_by_text("Et postnummer har fire sifre").first).to_be_visible()
    assert_accessible(page)


def test_hub_page__is_accessible(page, demo, assert_accessible):
    page.goto("/asker/knutepunkt/heggedal/")
    assert page.locator("h1").inner_text().startswith("Heggedal innbyggertorg")
    expect(page.get_by_role("link", name=re.compile("Kart over"))).to_be_visible()
    assert_accessible(page)


def test_search__bostote_finds_hits_and_updates_with_htmx(page, demo, assert_accessible):
    page.goto("/asker/heggedal/")
    page.get_by_label("Søk i hele Asker").fill("bostote")
    page.get_by_label("Søk i hele Asker").press("Enter")
    assert page.get_by_role("status").first.inner_text().endswith("«bostote»")
    assert page.locator("ol.results li a").count() >= 1
    assert_accessible(page)
    page.get_by_label("Søk i hele Asker").fill("heggedal")
    # expect(), not wait_for_function("…"): a string predicate is eval'd, which the CSP refuses
    expect(page.locator("[role=status]").first).to_contain_text("heggedal")
    assert "/sok/?q=heggedal" in page.url  # the address follows the search


def test_district_page__english(page, demo, assert_accessible):
    page.goto("/en/asker/heggedal/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_text(re.compile("Open now|Closed now")).first).to_be_visible()
    assert_accessible(page)


def test_hub_staff__logs_in_and_cannot_open_another_hub_in_the_admin(page, demo, login):
    staff = get_user_model().objects.get(email="ansatt.heggedal@demo.hubportal.no")
    login(staff, DEMO_PASSWORD)
    holmen = Hub.objects.get(slug="holmen")
    response = page.goto(f"/admin/knutepunkt/hub/{holmen.pk}/change/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Vi fant ikke den siden")).to_be_visible()
    page.goto("/admin/knutepunkt/hub/")
    expect(page.get_by_role("link", name="Heggedal innbyggertorg")).to_be_visible()
    assert page.get_by_role("link", name="Holmen innbyggertorg").count() == 0
