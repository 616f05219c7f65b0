"""Issue 19's "Done when", tried as a new person would after `make run`, on a phone (320 px)
with the keyboard only: from the front page find the district by postcode, read when staff
are at its hub, book a room in its calendar (signing in on the way), and reach the
accessibility statement from the footer. Every page on the way fits the window, passes axe,
and leaves a screenshot in test-results/screenshots/ (journey-<step>-320.png)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from booking.models import Occurrence
from hubportal.core.demo import DEMO_PASSWORD, load_demo_data
from tests.browser.test_booking_calendar import tab_until
from tests.browser.test_every_page_type import CITIZEN, _check, _context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 320


def _step(page, name, assert_accessible) -> None:
    page.wait_for_load_state()
    _check(page, f"journey-{name}", WIDTH, assert_accessible)


def _tab_to(page, js_condition: str) -> None:
    """Tab (the keyboard only) until the focused element `el` meets the condition."""
    condition = (
        f"(() => {{ const el = document.activeElement; return !!el && ({js_condition}); }})()"
    )
    tab_until(page, condition, most=250)


def test_done_when__phone_keyboard_only__district_staff_hours_booking_statement(
    browser, live_server, assert_accessible
):
    load_demo_data()
    citizen = get_user_model().objects.get(email=CITIZEN)
    context, page = _context(browser, live_server, WIDTH)

    # 1. The front page: the postcode, typed and sent with Enter.
    page.goto("/")
    _step(page, "1-front-page", assert_accessible)
    _tab_to(page, "el.id === 'id_postnummer'")
    page.keyboard.type("1389")
    page.keyboard.press("Enter")

    # 2. Two districts share that postcode: the list offers both; Heggedal, by Tab and Enter.
    page.wait_for_url(re.compile(r"/finn-bydel/"))
    _step(page, "2-find-district", assert_accessible)
    _tab_to(page, "!!el.closest('main') && el.textContent.trim() === 'Heggedal'")
    page.keyboard.press("Enter")

    # 3. The district's page, with when staff are at its hub.
    page.wait_for_url(re.compile(r"/asker/heggedal/$"))
    _step(page, "3-district", assert_accessible)
    hub = page.locator("section.hub").first
    expect(hub.locator(".open-status")).to_be_visible()
    expect(hub.locator(".span-staffed").first).to_contain_text(
        re.compile(r"\d\d:\d\d–\d\d:\d\d betjent")
    )

    # 4. The hub's meeting room, reached by Tab; on a phone its calendar is a day at a time.
    _tab_to(page, "!!el.closest('.offers') && el.textContent.trim() === 'Møterom 1'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/rom/\d+/"))
    _step(page, "4-room", assert_accessible)
    expect(page.locator(".day-view")).to_be_visible()
    # The day shown (today) if it has a free time, else the first day after it with one: its
    # tab by Tab and Enter (htmx brings the day in without a page load).
    days = [a.get_attribute("id") for a in page.locator(".day-tabs a").all()]
    shown = page.locator('.day-tabs a[aria-current="true"]').get_attribute("id")
    for day_id in days[days.index(shown) :]:
        if day_id != shown:
            _tab_to(page, f"el.id === '{day_id}'")
            page.keyboard.press("Enter")
            expect(page.locator(f"#{day_id}")).to_have_attribute("aria-current", "true")
        if page.locator(".day-list a", has_text="Ledig").count():
            break
    else:
        raise AssertionError("no free time in the room's week")
    _tab_to(page, "!!el.closest('.day-list') && /Ledig/.test(el.textContent)")
    page.keyboard.press("Enter")

    # 5. Booking needs an account: the sign-in, by keyboard, leads back to the booking form.
    page.wait_for_url(re.compile(r"/konto/login/"))
    _step(page, "5-login", assert_accessible)
    _tab_to(page, "el.id === 'id_login'")
    page.keyboard.type(CITIZEN)
    _tab_to(page, "el.id === 'id_password'")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/rom/\d+/book/"))
    _step(page, "6-book", assert_accessible)
    before = Occurrence.objects.filter(booking__booker=citizen).count()
    _tab_to(page, "el.id === 'id_purpose'")
    page.keyboard.type("Leksehjelp for nabolaget")
    _tab_to(page, "el.textContent.trim() === 'Book'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _step(page, "7-booked", assert_accessible)
    assert Occurrence.objects.filter(booking__booker=citizen).count() == before + 1
    expect(page.locator("h1")).to_contain_text("Leksehjelp for nabolaget")

    # 6. The accessibility statement, from the footer.
    _tab_to(page, "!!el.closest('footer') && el.textContent.trim() === 'Tilgjengelighetserklæring'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/asker/tilgjengelighet/$"))  # the room's municipality's
    _step(page, "8-accessibility-statement", assert_accessible)
    expect(page.locator("h1")).to_contain_text("Tilgjengelighetserklæring")
    context.close()
