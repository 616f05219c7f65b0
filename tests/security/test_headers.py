"""Security headers on every kind of response, under production settings: a public page
answered from the page cache before the view (the second cookieless request), the shared
copy personalised for a signed-in reader, a page built for a signed-in user, an HTMX
partial, the admin, a redirect, the 404 and 500 pages, an .ics and the JSON health check."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import services as booking_services
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import HubFactory, UserFactory, municipality_admin

from .conftest import production_security_settings

pytestmark = pytest.mark.django_db

SITE_URL_ORIGIN = "https://portal.example.no"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} twice in {header}"
        directives[name] = values
    return directives


def assert_secure(response, *, html: bool = True):
    """The headers every response carries, and the policy: only what the portal serves."""
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    header = response["Content-Security-Policy"]
    assert "unsafe" not in header and "*" not in header and "http:" not in header
    if html:
        assert response["Content-Type"].startswith("text/html")


def test_public_page__built_and_then_answered_from_the_cache_before_the_view(production):
    hub = HubFactory()
    url = f"/{hub.municipality.slug}/{hub.district.slug}/"
    first = Client().get(url, **production)
    assert first.status_code == 200
    assert_secure(first)
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(url, **production)
    assert len(queries) == 0, "the second cookieless request should come from the early cache"
    assert second.status_code == 200 and second.content == first.content
    assert_secure(second)


def test_htmx_partial__from_the_cache_too(production):
    hub = HubFactory()
    url = f"/{hub.municipality.slug}/arrangementer/"
    for _ in range(2):
        response = Client().get(url, HTTP_HX_REQUEST="true", **production)
        assert response.status_code == 200
        assert_secure(response)


def test_signed_in__the_shared_copy_personalised_and_a_page_built_for_the_reader(
    client, production
):
    hub = HubFactory()
    Client().get(f"/{hub.municipality.slug}/{hub.district.slug}/", **production)  # cached
    client.force_login(UserFactory())
    personalised = client.get(f"/{hub.municipality.slug}/{hub.district.slug}/", **production)
    assert personalised.status_code == 200 and "private" in personalised["Cache-Control"]
    assert_secure(personalised)
    built = client.get("/bookinger/", **production)
    assert built.status_code == 200
    assert_secure(built)


def test_admin__index_changelist_and_change_form(client, production):
    hub = HubFactory()
    client.force_login(municipality_admin(hub.municipality))
    for url in ("/admin/", "/admin/knutepunkt/hub/", f"/admin/knutepunkt/hub/{hub.pk}/change/"):
        response = client.get(url, **production)
        assert response.status_code == 200, url
        assert_secure(response)


def test_redirect_and_not_found(production):
    redirect = Client().get("/bookinger/", **production)
    assert redirect.status_code == 302
    assert_secure(redirect)
    missing = Client().get("/finnes-ikke/heller-ikke/", **production)
    assert missing.status_code == 404 and b"<h1>" in missing.content
    assert_secure(missing)


def test_server_error_page(production, settings):
    settings.ROOT_URLCONF = "tests.security.urls"
    response = Client(raise_request_exception=False).get("/__test__/feil/", **production)
    assert response.status_code == 500 and "Noe gikk galt" in response.content.decode()
    assert_secure(response)


def test_calendar_file_and_health_check(production):
    room = ResourceFactory()
    start = timezone.now().replace(microsecond=0, second=0, minute=0) + timedelta(days=2)
    booking_services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(start, start + timedelta(hours=1))],
        purpose="Møte",
    )
    ics = Client().get(f"/rom/{room.pk}/kalender.ics", **production)
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert_secure(ics, html=False)
    health = Client().get("/healthz", **production)
    assert health["Content-Type"] == "application/json"
    assert_secure(health, html=False)


def test_http__redirected_to_https_with_the_headers(production):
    response = Client().get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_static_file__answered_by_whitenoise_with_the_headers(production, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic
    response = Client().get("/static/css/site.css", **production)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert_secure(response, html=False)


def test_policy__identity_provider_may_receive_the_login_form_and_image_origins_are_added():
    values = production_security_settings(
        OIDC_PROVIDER_ID="idporten",
        OIDC_PID_HMAC_KEY="a-key-for-the-national-identity-number",
        OIDC_CLIENT_ID="hubportal",
        OIDC_SERVER_URL="https://login.idporten.no/.well-known/openid-configuration",
        DJANGO_CSP_IMAGE_ORIGINS="https://bilder.example.no",
        DJANGO_CSP_REPORT_URI="https://portal.example.no/csp-rapport/",
    )
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["form-action"] == ["'self'", "https://login.idporten.no"]
    assert directives["img-src"] == ["'self'", "https://bilder.example.no"]
    assert directives["report-uri"] == "https://portal.example.no/csp-rapport/"


def test_production_settings__are_the_ones_the_test_suite_runs_with(production_values):
    """What the other tests (and the browser tests) meet is production's policy and order."""
    for name in ("MIDDLEWARE", "CONTENT_SECURITY_POLICY", "X_FRAME_OPTIONS"):
        assert json.loads(json.dumps(getattr(settings, name))) == production_values[name], name
    assert production_values["DEBUG"] is False
    first = production_values["MIDDLEWARE"][:4]
    assert first == [
        "django.middleware.security.SecurityMiddleware",
        "csp.middleware.CSPMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]
