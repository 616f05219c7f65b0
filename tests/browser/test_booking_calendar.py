"""The booking calendar in a real Chromium with axe, at a phone's 320 px and a desktop's
1280 px: a room booked with the keyboard only, in the week grid (ARIA grid: one tab stop,
arrow keys) and without JavaScript (the grid's links on a desktop, the day list on a
phone); the week changes without a page load; series fields appear only when a repeat is
chosen; a refused form puts focus on its error summary."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import Occurrence
from knutepunkt.opening_hours import localise
from tests.booking.factories import ResourceFactory
from tests.booking.test_week_grid import book, hub_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "et-langt-passord-2026"
PHONE = {"width": 320, "height": 720}
DESKTOP = {"width": 1280, "height": 900}


def person(email="tastatur@example.no"):
    user = get_user_model().objects.create_user(email, PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def signed_in(browser, live_server, user, *, viewport, javascript=True):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",  # the portal writes dates the Norwegian way whatever the browser says
        viewport=viewport,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    return context, page


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def room():
    """Open 10–20 every day, bookable in the opening hours; next Tuesday 10–12 booked."""
    room = ResourceFactory(
        hub=hub_open(), name="Prosjektrommet", only_in_opening_hours=True, min_minutes=60
    )
    tuesday = next_monday() + timedelta(days=1)
    book(room, localise(tuesday, time(10)), localise(tuesday, time(12)))
    return room


def tab_until(page, predicate_js: str, most: int = 80) -> None:
    """Press Tab until the focused element matches (a keyboard user's way there)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"never reached by Tab: {predicate_js}")


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent").strip()


def fill_the_form_by_keyboard(page, purpose: str) -> None:
    tab_until(page, "document.activeElement.id === 'id_purpose'")
    page.keyboard.type(purpose)
    tab_until(page, "document.activeElement.textContent.trim() === 'Book'")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def assert_not_wider_than(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_keyboard_only__week_grid_with_javascript_at_1280(
    browser, live_server, room, assert_accessible
):
    context, page = signed_in(browser, live_server, person(), viewport=DESKTOP)
    monday = next_monday()
    page.goto(f"/rom/{room.pk}/?uke={monday.isoformat()}")
    grid = page.locator("table[data-week-grid]")
    expect(grid).to_have_attribute("role", "grid")
    expect(page.locator("#grid-keys")).to_be_visible()
    assert_accessible(page)
    # One tab stop for the whole grid: its first free time (Monday 10:00).
    tab_until(page, "document.activeElement.closest('table[role=grid]') !== null")
    assert "mandag" in focused_text(page) and "10:00" in focused_text(page)
    assert page.locator("table[role=grid] [tabindex='0']").count() == 1
    # Right to Tuesday (booked 10–12: the cell itself takes focus), down to 12:00.
    page.keyboard.press("ArrowRight")
    assert focused_text(page).startswith("Booket")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    assert "tirsdag" in focused_text(page) and "12:00" in focused_text(page)
    assert_accessible(page)  # after the keyboard has moved through it
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/rom/{room.pk}/book/**")
    tuesday = monday + timedelta(days=1)
    expect(page.locator("#id_day")).to_have_value(tuesday.strftime("%d.%m.%Y"))
    expect(page.locator("#id_start")).to_have_value("12:00")
    assert_accessible(page)
    fill_the_form_by_keyboard(page, "Sjakklubb")
    expect(page.get_by_text("Booket 1 gang(er).")).to_be_visible()
    occurrence = Occurrence.objects.get(booking__purpose="Sjakklubb")
    assert timezone.localtime(occurrence.starts_at) == localise(tuesday, time(12))
    context.close()


def test_keyboard_only__grid_links_without_javascript_at_1280(browser, live_server, room):
    context, page = signed_in(browser, live_server, person(), viewport=DESKTOP, javascript=False)
    page.goto(f"/rom/{room.pk}/?uke={next_monday().isoformat()}")
    assert page.locator("table[data-week-grid]").get_attribute("role") is None  # a table
    tab_until(page, "document.activeElement.closest('table') !== null")
    assert "mandag" in focused_text(page) and "10:00" in focused_text(page)
    page.keyboard.press("Tab")  # the next link in reading order: Wednesday 10:00
    assert "onsdag" in focused_text(page) and "10:00" in focused_text(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/rom/{room.pk}/book/**")
    fill_the_form_by_keyboard(page, "Korøving")
    expect(page.get_by_text("Booket 1 gang(er).")).to_be_visible()
    assert Occurrence.objects.filter(booking__purpose="Korøving").count() == 1
    context.close()


def test_keyboard_only__day_list_without_javascript_at_320(browser, live_server, room):
    context, page = signed_in(browser, live_server, person(), viewport=PHONE, javascript=False)
    monday = next_monday()
    page.goto(f"/rom/{room.pk}/?uke={monday.isoformat()}")
    expect(page.locator("table[data-week-grid]")).to_be_hidden()  # one day at a time
    tuesday = monday + timedelta(days=1)
    tab_until(page, f"document.activeElement.id === 'day-{tuesday.isoformat()}'")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#day-heading")).to_contain_text("tirsdag")
    day_list = page.locator(".day-list")
    expect(day_list).to_contain_text("10:00–12:00 Booket")
    tab_until(page, "document.activeElement.closest('.day-list') !== null")
    assert focused_text(page).startswith("12:00 Ledig")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/rom/{room.pk}/book/**")
    assert_not_wider_than(page, 320)
    fill_the_form_by_keyboard(page, "Leksehjelp")
    expect(page.get_by_text("Booket 1 gang(er).")).to_be_visible()
    occurrence = Occurrence.objects.get(booking__purpose="Leksehjelp")
    assert timezone.localtime(occurrence.starts_at) == localise(tuesday, time(12))
    context.close()


def test_phone_at_320__day_list_accessible_and_no_sideways_scrolling(
    browser, live_server, room, assert_accessible
):
    context, page = signed_in(browser, live_server, person(), viewport=PHONE)
    page.goto(f"/rom/{room.pk}/?uke={next_monday().isoformat()}")
    expect(page.locator(".day-view")).to_be_visible()
    assert_accessible(page)
    assert_not_wider_than(page, 320)
    page.goto(f"/rom/{room.pk}/book/")
    assert_accessible(page)
    assert_not_wider_than(page, 320)
    page.goto("/rom/")
    assert_accessible(page)
    assert_not_wider_than(page, 320)
    context.close()


def test_week_navigation__htmx_without_a_page_load_focus_kept(browser, live_server, room):
    context, page = signed_in(browser, live_server, person(), viewport=DESKTOP)
    monday = next_monday()
    page.goto(f"/rom/{room.pk}/?uke={monday.isoformat()}")
    page.evaluate("window.samePage = true")
    page.locator("#week-next").focus()
    page.keyboard.press("Enter")
    following = monday + timedelta(days=7)
    page.wait_for_url(f"**uke={following.isoformat()}")
    expect(page.locator("#week-heading")).to_contain_text(f"Uke {following.isocalendar().week}")
    assert page.evaluate("window.samePage") is True  # no page load
    assert page.evaluate("document.activeElement.id") == "week-next"
    expect(page.locator("table[data-week-grid]")).to_have_attribute("role", "grid")
    context.close()


def test_booking_form__series_fields_only_with_a_repeat_and_errors_get_focus(
    browser, live_server, room, assert_accessible
):
    context, page = signed_in(browser, live_server, person(), viewport=DESKTOP)
    page.goto(f"/rom/{room.pk}/book/")
    expect(page.locator("#id_until")).to_be_hidden()
    page.get_by_label("Hver uke", exact=True).check()
    expect(page.locator("#id_until")).to_be_visible()
    expect(page.locator("#id_count")).to_be_visible()
    page.get_by_role("button", name="Book").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Bookingen ble ikke gjort")
    assert_accessible(page)
    summary.get_by_role("link", name="Formål").first.click()
    expect(page.locator("#id_purpose")).to_be_focused()
    context.close()


def test_find_room__results_at_1280_are_accessible_and_link_the_calendar(
    browser, live_server, room, assert_accessible
):
    context, page = signed_in(browser, live_server, person(), viewport=DESKTOP)
    wednesday = next_monday() + timedelta(days=2)
    page.goto("/rom/")
    page.locator("#id_day").fill(wednesday.strftime("%d.%m.%Y"))
    page.locator("#id_start").fill("14:00")
    page.get_by_label("Lengde").select_option("90")
    page.get_by_role("button", name="Finn ledige rom").click()
    result = page.locator(".room-result", has_text="Prosjektrommet")
    expect(result).to_contain_text("Ledig 14:00–15:30")
    assert_accessible(page)
    result.get_by_role("link", name="Book Prosjektrommet").click()
    expect(page.locator("#id_day")).to_have_value(wednesday.strftime("%d.%m.%Y"))
    expect(page.locator("#id_minutes")).to_have_value("90")
    context.close()
