"""Forms and error pages as a reader meets them, in a real Chromium: a form answered with
errors starts at its error summary (focused, a link to each field), the password rules are
read with the password field, and a server error is the portal's own page in the reader's
language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_page_type import _check, _context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_form_with_errors__summary_first__has_focus_and_links_to_each_field(
    page, assert_accessible
):
    page.goto("/konto/signup/")
    page.locator("#id_email").fill("ikke-en-adresse")
    page.locator("#id_password1").fill("kort")
    page.get_by_role("button", name="Registrer deg").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_be_visible()
    links = summary.get_by_role("link")
    assert links.count() >= 1
    first_target = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("document.activeElement.id") == first_target.removeprefix("#")
    assert_accessible(page)


def test_password_rules__are_read_with_the_password_field(page):
    page.goto("/konto/signup/")
    password = page.locator("#id_password1")
    described_by = password.get_attribute("aria-describedby") or ""
    texts = [page.locator(f"#{name}").inner_text() for name in described_by.split()]
    assert any("tegn" in text for text in texts), (described_by, texts)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("nb", "Noe gikk galt"), ("nn", "Noko gjekk gale"), ("en", "Something went wrong")],
)
def test_server_error__styled_page_in_the_readers_language(
    browser, live_server, settings, assert_accessible, language, heading
):
    settings.ROOT_URLCONF = "tests.security.urls"  # the portal plus one view that fails
    context, page = _context(browser, live_server, 320)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    prefix = "" if language == "nb" else f"/{language}"
    response = page.goto(f"{prefix}/__test__/feil/")
    assert response.status == 500
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator("h1")).to_have_text(heading)
    # The portal's look: Designsystemet's stylesheet applied, the header and the footer.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Inter" in font, font
    expect(page.locator("footer.site-footer")).to_be_visible()
    _check(page, f"server-error-{language}", 320, assert_accessible, status=500)
    context.close()
