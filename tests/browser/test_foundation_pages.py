"""The base pages in a real browser: Norwegian first, accessible, usable without JavaScript."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "et-langt-passord-2026"


def test_front_page__is_bokmal_and_accessible(page, assert_accessible):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert_accessible(page)


def test_skip_link__first_tab_stop__moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    expect(skip).to_be_visible()  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switcher__english__is_remembered_on_the_next_page(page, assert_accessible):
    page.goto("/konto/login/")
    # The header's switcher (the footer has the same choice, tested in test_legal_pages).
    page.get_by_role("banner").get_by_role("navigation", name="Språk").get_by_role(
        "link", name="English"
    ).click()
    page.wait_for_load_state()
    assert page.url.endswith("/en/konto/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/")  # a later visit to an address without a language
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)


def test_language_switcher__works_without_javascript(no_js_page):
    no_js_page.goto("/")
    no_js_page.get_by_role("banner").get_by_role("link", name="Nynorsk").click()
    assert no_js_page.locator("html").get_attribute("lang") == "nn"


def test_narrow_phone__320px__has_no_horizontal_scrolling(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    for url in ("/", "/konto/login/", "/konto/signup/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 320px"
    context.close()


def test_account_pages__login_signup_reset_are_accessible(page, assert_accessible):
    for url in ("/konto/login/", "/konto/signup/", "/konto/password/reset/"):
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)


def test_login__wrong_password__error_shown_accessibly(page, assert_accessible):
    user = get_user_model().objects.create_user("kari@example.no", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill("feil-passord")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text("E-postadressen og/eller passordet du oppgav er feil")).to_be_visible()
    assert_accessible(page)


def test_profile_and_delete_pages__signed_in__are_accessible(page, login, assert_accessible):
    user = get_user_model().objects.create_user("ola@example.no", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    login(user, PASSWORD)
    for url in ("/konto/profil/", "/konto/slett/", "/konto/email/"):
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)


def test_not_found__helpful_page_in_norwegian(page, assert_accessible):
    response = page.goto("/finnes-ikke/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "nb"
    assert_accessible(page)
