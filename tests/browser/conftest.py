"""End-to-end tests in a real headless Chromium (Debian's package, driven by Playwright for
Python; no browser is downloaded) against a live server, with axe-core checks for WCAG 2.1
A/AA. Without Chromium these tests are skipped and the run says so; with CI=true a missing
Chromium fails the run."""

from __future__ import annotations

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
MISSING_CHROMIUM = (
    "browser tests SKIPPED: no Chromium found (install Debian's package: "
    "apt-get install chromium, or set HUBPORTAL_CHROMIUM=/path/to/chromium)"
)


def chromium_path() -> str | None:
    configured = os.environ.get("HUBPORTAL_CHROMIUM")
    if configured:
        return configured if os.path.exists(configured) else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"CI=true and {MISSING_CHROMIUM}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page: zero WCAG 2.1 A/AA violations allowed."""

    axe = Axe()

    def check(page):
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        violations = results.response["violations"]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe found WCAG violations on {page.url}:\n{details}"

    return check


@pytest.fixture
def login(page):
    def sign_in(user, password):
        page.goto("/konto/login/")
        page.get_by_label("E-post").fill(user.email)
        page.get_by_label("Passord").fill(password)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_load_state()

    return sign_in
