"""Designsystemet's tabs and pagination as a reader meets them: My bookings' tabs are links
without JavaScript and the ARIA tabs pattern with it (arrow keys move and show), and a long
list comes a page at a time, at 320 px, without sideways scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from booking import views as booking_views
from booking.services import booking_create
from hubportal.core.demo import DEMO_PASSWORD, load_demo_data
from tests.booking.factories import ResourceFactory
from tests.browser.test_every_page_type import CITIZEN, _check, _context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bookings():
    load_demo_data()
    citizen = get_user_model().objects.get(email=CITIZEN)
    room = ResourceFactory(name="Møterommet")
    start = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    for day in range(3, 6):
        at = start + timedelta(days=day)
        booking_create(
            booker=citizen, resource=room, times=[(at, at + timedelta(hours=1))], purpose="Kor"
        )


def _sign_in(page):
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(CITIZEN)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def test_my_bookings__tabs_with_the_keyboard__and_pages(
    browser, live_server, bookings, assert_accessible, monkeypatch
):
    monkeypatch.setattr(booking_views, "MY_BOOKINGS_PER_PAGE", 2)
    context, page = _context(browser, live_server, 320)
    _sign_in(page)
    page.goto("/bookinger/")
    tabs = page.get_by_role("tablist")
    upcoming = tabs.get_by_role("tab", name="Kommende")
    past = tabs.get_by_role("tab", name="Tidligere")
    expect(upcoming).to_have_attribute("aria-selected", "true")
    expect(past).to_have_attribute("tabindex", "-1")
    upcoming.focus()
    page.keyboard.press("ArrowRight")
    expect(past).to_be_focused()
    expect(past).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_have_attribute("id", "tidligere")
    assert page.url.endswith("?visning=tidligere")
    page.keyboard.press("Home")
    expect(upcoming).to_be_focused()
    # Three upcoming times, two a page: Designsystemet's pagination, the current page marked.
    pages = page.get_by_role("navigation", name="Sider med kommende bookinger")
    expect(pages.locator('[aria-current="page"]')).to_have_text("Side 1")
    pages.get_by_role("link", name="Neste side").click()
    expect(pages.locator('[aria-current="page"]')).to_have_text("Side 2")
    expect(page.get_by_role("tabpanel").get_by_role("row")).to_have_count(2)  # a head, one time
    _check(page, "my-bookings-page-2", 320, assert_accessible)
    context.close()


def test_my_bookings__tabs_without_javascript_are_links(browser, live_server, bookings):
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", java_script_enabled=False
    )
    page = context.new_page()
    _sign_in(page)
    page.goto("/bookinger/")
    expect(page.get_by_role("tablist")).to_have_count(0)
    page.get_by_role("link", name="Tidligere").click()
    expect(page.locator("#tidligere")).to_be_visible()
    expect(page.locator("#kommende")).to_be_hidden()
    context.close()
