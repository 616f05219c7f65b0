"""The cooperation's page in a real browser with axe, on a phone (320 px) and a desktop
(1280 px), in Bokmål, Nynorsk and English: found from the list of cooperations, its
members, shared services (with the hub where each is offered) and shared rooms."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from hubportal.core.demo import DEMO_PASSWORD, load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [320, 1280]


@pytest.fixture
def demo():
    load_demo_data()


def _page(browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _no_sideways_scrolling(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", WIDTHS)
def test_cooperation_page__from_the_list__is_accessible_in_every_language(
    browser, live_server, demo, assert_accessible, width
):
    context, page = _page(browser, live_server, width)
    page.goto("/samarbeid/")
    assert_accessible(page)
    page.get_by_role("link", name="Værnesregionen").click()
    expect(page.locator("h1")).to_have_text("Værnesregionen")
    members = page.get_by_role("region", name="Medlemskommuner")
    for name in ("Stjørdal", "Malvik", "Selbu", "Frosta", "Meråker", "Tydal"):
        expect(members.get_by_role("link", name=name, exact=True)).to_be_visible()
    services = page.get_by_role("region", name="Felles tjenester")
    expect(services).to_contain_text("Tilbys ved: Stjørdal knutepunkt (Stjørdal)")
    expect(page.get_by_role("region", name="Felles rom")).to_contain_text("Regionsalen")
    assert_accessible(page)
    _no_sideways_scrolling(page)
    for prefix, heading in (("/nn", "Felles tenester"), ("/en", "Shared services")):
        page.goto(f"{prefix}/samarbeid/vaernesregionen/")
        expect(page.get_by_role("region", name=heading)).to_be_visible()
        assert_accessible(page)
        _no_sideways_scrolling(page)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinating_view__from_the_cooperation_page__is_accessible_and_exports(
    browser, live_server, demo, assert_accessible, width
):
    context, page = _page(browser, live_server, width)
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill("koordinator.vaernes@demo.hubportal.no")
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    page.goto("/samarbeid/vaernesregionen/")
    page.get_by_role("link", name="Åpne koordineringsvisningen").click()
    expect(page.locator("h1")).to_have_text("Koordineringsvisning: Værnesregionen")
    for title in ("Åpningstider som tilbys", "Romutnyttelse", "Bookingforespørsler"):
        section = page.get_by_role("region", name=title, exact=True)
        expect(section.get_by_role("img", name=title)).to_be_visible()
        expect(section.get_by_role("table", name=title)).to_be_attached()
    assert_accessible(page)
    _no_sideways_scrolling(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned «Frivillige og frivillige timer» som CSV").click()
    first = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert first == "Kommune;Måned;Frivillige;Frivillige timer"
    context.close()
