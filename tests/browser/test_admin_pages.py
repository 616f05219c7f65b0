"""The admin as staff meet it, in a real Chromium on a phone (320 px) and a desktop (1280 px):
the front page (hub staff: their requests and week; a municipality administrator: the
counts) and the hub's change form with its hours. No page is wider than the window, axe
finds no WCAG 2.1 A/AA violation, and every link, field and button of the parts staff work
in is reached with the Tab key. Screenshots go to test-results/screenshots/ (admin-*)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from booking.services import booking_create
from hubportal.core.demo import DEMO_PASSWORD, load_demo_data
from knutepunkt.models import Hub
from tests.booking.factories import ResourceFactory
from tests.browser.conftest import WCAG_TAGS
from tests.browser.test_every_page_type import WIDER_THAN_THE_WINDOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = [320, 1280]
HUB_STAFF = "ansatt.heggedal@demo.hubportal.no"
MUNICIPALITY_ADMIN = "admin.asker@demo.hubportal.no"


@pytest.fixture
def demo():
    load_demo_data()
    heggedal = Hub.objects.get(slug="heggedal")
    room = ResourceFactory(hub=heggedal, name="Verkstedet", approval="approval")
    start = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    booking_create(
        booker=get_user_model().objects.get(email="innbygger@demo.hubportal.no"),
        resource=room,
        times=[(start + timedelta(days=2), start + timedelta(days=2, hours=1))],
        purpose="Reparasjonskafé",
    )
    return {"heggedal": heggedal}


def _signed_in(browser, live_server, email: str, width: int):
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    return context, page


# The focusable elements inside a part of the page, each marked so that Tab can be followed.
MARK_FOCUSABLE = """(selector) => {
  const wanted = "a[href], button, input:not([type=hidden]), select, textarea";
  const visible = (el) => el.getClientRects().length > 0 && !el.disabled;
  const found = [...document.querySelectorAll(selector)]
    .flatMap((part) => [...part.querySelectorAll(wanted)])
    .filter(visible);
  found.forEach((el, index) => el.setAttribute("data-reach", String(index)));
  return found.length;
}"""


def _reached_with_tab(page, selector: str) -> None:
    """Tab from the top of the page until every focusable element of the part has had the
    focus (once through the page and a little more); name the ones never reached."""
    count = page.evaluate(MARK_FOCUSABLE, selector)
    assert count > 0, f"nothing focusable in {selector}"
    total = page.evaluate(
        "document.querySelectorAll('a[href], button, input:not([type=hidden]), select,"
        " textarea').length"
    )
    reached: set[str] = set()
    page.locator("body").focus()
    for _press in range(total + 20):
        page.keyboard.press("Tab")
        mark = page.evaluate("document.activeElement?.getAttribute('data-reach')")
        if mark is not None:
            reached.add(mark)
        if len(reached) == count:
            return
    missing = page.evaluate(
        """(reached) => [...document.querySelectorAll("[data-reach]")]
          .filter((el) => !reached.includes(el.getAttribute("data-reach")))
          .slice(0, 8).map((el) => el.outerHTML.slice(0, 120))""",
        sorted(reached),
    )
    raise AssertionError(f"not reached with Tab in {selector}: {missing}")


def _axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations. Without its CSS preload: axe would fetch the
    admin's stylesheets and put them back as inline <style> elements (the CSP refuses them,
    and it resolves forms.css's @import of widgets.css against the page's address). Only
    css-orientation-lock needs the preload; the admin sets no orientation."""
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
            "preload": False,
        },
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:8] if node["target"])
        for v in results.response["violations"]
    ]


def _fits_and_is_accessible(page, name: str, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px: " + "; ".join(
        page.evaluate(WIDER_THAN_THE_WINDOW)
    )
    assert page.locator("h1").count() == 1, name
    violations = _axe_violations(page)
    assert violations == [], f"axe found WCAG violations on {page.url}:\n" + "\n".join(violations)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret would take an inline <style>, which the CSP refuses.
    page.screenshot(
        path=str(SCREENSHOTS / f"admin-{name}-{width}.png"), full_page=True, caret="initial"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_page_for_hub_staff(browser, live_server, demo, width):
    context, page = _signed_in(browser, live_server, HUB_STAFF, width)
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_have_text("Asker — administrasjon")
    hub = page.get_by_role("region", name="Heggedal innbyggertorg")
    expect(hub.get_by_role("link", name="Reparasjonskafé")).to_be_visible()
    expect(hub.get_by_role("table")).to_contain_text("Bookinger")
    _fits_and_is_accessible(page, "front-page-hub-staff", width)
    _reached_with_tab(page, ".hubportal-front-page")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_page_for_a_municipality_administrator(browser, live_server, demo, width):
    context, page = _signed_in(browser, live_server, MUNICIPALITY_ADMIN, width)
    page.goto("/admin/")
    asker = page.get_by_role("region", name="Asker")
    expect(asker.get_by_role("table")).to_contain_text("Heggedal innbyggertorg")
    _fits_and_is_accessible(page, "front-page-municipality", width)
    _reached_with_tab(page, ".hubportal-front-page")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_hub_change_form_with_its_hours(browser, live_server, demo, width):
    context, page = _signed_in(browser, live_server, HUB_STAFF, width)
    page.goto(f"/admin/knutepunkt/hub/{demo['heggedal'].pk}/change/")
    expect(page.get_by_role("heading", name="Ordinære ukentlige åpningstider")).to_be_visible()
    _fits_and_is_accessible(page, "hub-change-form", width)
    _reached_with_tab(page, "#weekly_hours-group, #hour_exceptions-group, .submit-row")
    context.close()


def test_hub_staff_change_an_opening_time_with_the_keyboard_only(browser, live_server, demo):
    context, page = _signed_in(browser, live_server, HUB_STAFF, 1280)
    page.goto(f"/admin/knutepunkt/hub/{demo['heggedal'].pk}/change/")
    field = page.locator("#id_weekly_hours-0-closes")  # Monday's first span, 07:00–10:00
    page.locator("body").focus()
    for _press in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.id") == "id_weekly_hours-0-closes":
            break
    else:
        raise AssertionError("the first closing time is not reached with Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("09:30")
    expect(field).to_have_value("09:30")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form with its first button, Lagre
    errors = page.locator(".errorlist, .errornote")
    assert errors.count() == 0, errors.all_inner_texts()
    expect(page.locator(".messagelist")).to_contain_text("ble endret")
    page.goto(f"/admin/knutepunkt/hub/{demo['heggedal'].pk}/change/")
    expect(field).to_have_value("09:30:00")
    context.close()
