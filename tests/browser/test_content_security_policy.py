"""The Content-Security-Policy in a real browser: it is enforced (an inline script is refused
and the refusal is caught), and the main pages, their HTMX updates, the front page's
location script and the admin work under it without a single violation (every browser
test fails on a violation: see policy_watches in conftest.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from hubportal.core.demo import DEMO_PASSWORD, load_demo_data
from hubportal.search.services import search_rebuild
from knutepunkt.models import Hub

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECT_INLINE_SCRIPT = """() => new Promise((resolve) => {
  document.addEventListener("securitypolicyviolation", (e) => resolve(e.effectiveDirective),
                            {once: true});
  const script = document.createElement("script");
  script.textContent = "window.inlineScriptRan = true";
  document.body.append(script);
})"""


@pytest.fixture
def demo():
    load_demo_data()
    search_rebuild()


def test_inline_script__refused_by_the_browser_and_caught_by_the_watch(page, policy_watches):
    page.goto("/")
    assert page.evaluate(INJECT_INLINE_SCRIPT) == "script-src-elem"
    assert page.evaluate("window.inlineScriptRan") is None
    page.evaluate("1")  # one more round trip: the page's report has reached the watch
    (watch,) = policy_watches
    assert any("script-src-elem refused inline" in v for v in watch.violations), watch.violations
    watch.violations.clear()  # this test made the violation on purpose


def test_front_page__location_script_from_static_runs_under_the_policy(browser, live_server, demo):
    context = browser.new_context(
        base_url=live_server.url,
        locale="nb-NO",
        permissions=["geolocation"],
        geolocation={"latitude": 59.78, "longitude": 10.44},  # Heggedal
    )
    page = context.new_page()
    page.goto("/")
    button = page.get_by_role("button", name="Bruk posisjonen min for å finne nærmeste knutepunkt")
    expect(button).to_be_visible()  # the script un-hid the form
    button.click()
    page.wait_for_url("**/finn-bydel/**")
    expect(page.locator("h1")).to_be_visible()
    context.close()


def test_public_pages_and_their_htmx_updates__no_violation(page, demo):
    hub = Hub.objects.select_related("district", "municipality").get(slug="heggedal")
    municipality = hub.municipality.slug
    for url in (
        "/",
        f"/{municipality}/",
        f"/{municipality}/{hub.district.slug}/",
        f"/{municipality}/knutepunkt/{hub.slug}/",
        f"/{municipality}/tjenester/",
        "/frivillighet/",
        "/konto/login/",
        "/en/",
        "/finnes-ikke/heller-ikke/",
    ):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
    page.goto(f"/{municipality}/arrangementer/")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.locator("form.filters select").first.select_option(index=1)
    page.goto("/sok/")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.locator("#search-q").fill("bostøtte")
    expect(page.locator("#search-results")).to_contain_text("ostøtte")


def test_staff__admin_pages_under_the_policy(page, demo, login):
    login(get_user_model().objects.get(email="ansatt.heggedal@demo.hubportal.no"), DEMO_PASSWORD)
    hub = Hub.objects.get(slug="heggedal")
    for url in (
        "/admin/",
        "/admin/knutepunkt/hub/",
        f"/admin/knutepunkt/hub/{hub.pk}/change/",
        "/admin/booking/booking/",
        reverse("admin:booking_usage"),
        "/admin/innbyggertorg/event/add/",
        "/bookinger/",
        "/konto/profil/",
    ):
        page.goto(url)
        expect(page.locator("body")).to_be_visible()
        assert page.title(), url
