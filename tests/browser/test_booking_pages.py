"""Room booking in a real browser with axe: search, week view, booking form, my bookings,
and two browsers racing for one slot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import Occurrence
from tests.booking.factories import ResourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "et-langt-passord-2026"


def person(email):
    user = get_user_model().objects.create_user(email, PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    page = context.new_page()
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    return context, page


def test_find_room_week_view_book_and_my_bookings(browser, live_server, assert_accessible):
    room = ResourceFactory(name="Prosjektrommet", facilities=["projector"], capacity=30)
    context, page = sign_in(browser, live_server, person("koordinator@example.no"))
    day = (timezone.localdate() + timedelta(days=4)).isoformat()
    page.goto("/rom/")
    assert_accessible(page)
    page.locator("#id_day").fill(day)
    page.locator("#id_start").fill("18:00")
    page.locator("#id_people").fill("20")
    page.get_by_label("Projektor").check()
    page.get_by_role("button", name="Finn ledige rom").click()
    page.get_by_role("link", name="Prosjektrommet", exact=True).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Prosjektrommet", exact=True).click()
    expect(page.get_by_role("heading", name="Slik leser du kalenderen")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/rom/{room.pk}/book/")
    assert_accessible(page)
    page.locator("#id_day").fill(day)
    page.locator("#id_start").fill("18:00")
    page.locator("#id_minutes").select_option("120")
    page.locator("#id_purpose").fill("Sjakklubb")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("Booket 1 gang(er).")).to_be_visible()
    page.goto("/bookinger/")
    expect(page.get_by_role("link", name="Sjakklubb")).to_be_visible()
    assert_accessible(page)
    context.close()


def test_two_browsers_race_for_the_same_slot__one_is_refused(browser, live_server):
    room = ResourceFactory(name="Salen")
    day = (timezone.localdate() + timedelta(days=4)).isoformat()
    pages = []
    for email in ("a@example.no", "b@example.no"):
        context, page = sign_in(browser, live_server, person(email))
        page.goto(f"/rom/{room.pk}/book/")
        page.locator("#id_day").fill(day)
        page.locator("#id_start").fill("18:00")
        page.locator("#id_minutes").select_option("60")
        page.locator("#id_purpose").fill("Møte")
        pages.append((context, page))
    for _, page in pages:
        page.get_by_role("button", name="Book").click()
    texts = [page.locator("main").inner_text() for _, page in pages]
    assert sum("Booket 1 gang(er)." in t for t in texts) == 1
    assert sum("Salen er allerede booket" in t for t in texts) == 1
    assert Occurrence.objects.count() == 1
    for context, _ in pages:
        context.close()
