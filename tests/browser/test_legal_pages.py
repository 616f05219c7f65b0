"""The accessibility statement and its feedback form in a real browser with axe, on a
phone (320 px) and a desktop (1280 px); found from the footer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hubportal.core.demo import load_demo_data
from hubportal.notifications.models import Notification

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
def test_statement__found_from_the_footer__is_accessible(
    browser, live_server, demo, assert_accessible, width
):
    context, page = _page(browser, live_server, width)
    page.goto("/asker/heggedal/")
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Tilgjengelighetserklæring").click()
    expect(page.locator("h1")).to_contain_text("Tilgjengelighetserklæring for")
    assert page.url.endswith("/asker/tilgjengelighet/")
    assert_accessible(page)
    _no_sideways_scrolling(page)
    for url in ("/asker/personvern/", "/informasjonskapsler/", "/drammen/tilgjengelighet/"):
        page.goto(url)
        assert_accessible(page)
        _no_sideways_scrolling(page)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_feedback_form__errors_then_sent__is_accessible(
    browser, live_server, demo, assert_accessible, width
):
    context, page = _page(browser, live_server, width)
    page.goto("/asker/tilgjengelighet/")
    page.get_by_role("link", name="Meld fra om et problem i skjemaet").click()
    expect(page.locator("h1")).to_have_text("Meld fra om et tilgjengelighetsproblem")
    assert_accessible(page)
    _no_sideways_scrolling(page)
    page.get_by_role("button", name="Send meldingen").click()  # nothing filled in
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Meldingen ble ikke sendt")
    expect(page.get_by_label("Hvilken side eller del av portalen?")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible(page)
    _no_sideways_scrolling(page)
    summary.get_by_role("link").first.click()  # the summary leads to the field
    assert page.evaluate("document.activeElement.id") == "id_page"
    page.get_by_label("Hvilken side eller del av portalen?").fill("Åpningstidene på Heggedal")
    page.get_by_label("Hva gikk galt?").fill("Skjermleseren leser tabellen i feil rekkefølge.")
    page.get_by_role("button", name="Send meldingen").click()
    expect(page.locator("h1")).to_have_text("Takk for at du sa fra")
    assert_accessible(page)
    message = Notification.objects.get(template="knutepunkt/email/accessibility_feedback")
    assert message.to_address == "tilgjengelighet@demo.hubportal.no"
    context.close()


def test_footer_language_choice__works_without_javascript(no_js_page, demo):
    no_js_page.goto("/asker/tilgjengelighet/")
    footer = no_js_page.get_by_role("contentinfo")
    footer.get_by_role("navigation", name="Velg språk").get_by_role("link", name="Nynorsk").click()
    assert no_js_page.url.endswith("/nn/asker/tilgjengelighet/")
    assert no_js_page.locator("html").get_attribute("lang") == "nn"
    expect(no_js_page.locator("h1")).to_contain_text("Tilgjengelegheitserklæring")
