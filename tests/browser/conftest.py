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


# Every page reports what its Content-Security-Policy refused, as it happens (so that a
# violation on a page the test has already left is not lost).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${event.documentURI}` +
      (event.sample ? `: ${event.sample}` : "")
  );
});
"""


class PolicyWatch:
    """What the Content-Security-Policy refused on any page of a browser context, and the
    script errors there; the test fails at the end if there were any."""

    def __init__(self, context):
        self.violations: list[str] = []
        self.errors: list[str] = []
        context.expose_function("reportCspViolation", self._violation)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        context.on("weberror", lambda web_error: self.errors.append(str(web_error.error)))

    def _violation(self, description: str) -> None:
        self.violations.append(description)

    def _console(self, message):
        # Chromium also logs each refusal to the console (before any page script may run).
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append(f"console: {message.text}")

    def assert_clean(self):
        problems = [f"CSP violation: {v}" for v in self.violations]
        problems += [f"script error: {e}" for e in self.errors]
        assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture(autouse=True)
def policy_watches(request, monkeypatch):
    """Watch every browser context a browser test opens (the page fixtures' and the test's
    own): a CSP violation or a script error on any of its pages fails the test."""
    watches: list[PolicyWatch] = []
    if request.node.get_closest_marker("browser") is None or not chromium_path():
        yield watches
        return
    browser = request.getfixturevalue("browser")
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        watches.append(PolicyWatch(context))
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield watches
    for watch in watches:
        watch.assert_clean()


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
