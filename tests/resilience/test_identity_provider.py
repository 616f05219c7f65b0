"""The national login (OpenID Connect) when the identity provider fails, at the start of the
login (discovery) and at the callback (discovery, token, userinfo): a clear page in the
reader's language with a way back, never a 500, and never a long wait.

The provider is a real HTTP server on loopback (tests/resilience/identity_provider.py) or a
port where nothing listens; the portal is driven through its real URLs."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache

from tests.resilience.identity_provider import CLIENT_ID, FAILURES, IdentityProvider
from tests.resilience.servers import free_port

pytestmark = [pytest.mark.servers, pytest.mark.django_db]

DISCOVERY = "/.well-known/openid-configuration"
TIMEOUT = 1  # seconds, for the tests; the default is OIDC_TIMEOUT_SECONDS (5)

UNAVAILABLE = {
    "nb": "Innlogging med ID-porten er ikke tilgjengelig akkurat nå",
    "nn": "Innlogging med ID-porten er ikkje tilgjengeleg akkurat no",
    "en": "Signing in with ID-porten is not available right now",
}
WAY_BACK = {"nb": "/konto/login/", "nn": "/nn/konto/login/", "en": "/en/konto/login/"}


@pytest.fixture
def identity_provider():
    provider = IdentityProvider().start()
    yield provider
    provider.stop()


def configure(settings, server_url: str) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "idporten",
                    "name": "ID-porten",
                    "client_id": CLIENT_ID,
                    "secret": "test-secret",
                    "settings": {"server_url": server_url},
                }
            ],
        }
    }
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = TIMEOUT


@pytest.fixture
def oidc(settings, identity_provider):
    configure(settings, identity_provider.url)
    return identity_provider


def login_path(language: str = "nb") -> str:
    prefix = "" if language == "nb" else f"/{language}"
    return f"{prefix}/konto/oidc/idporten/login/"


def assert_clear_page(response, language: str = "nb", *, status: int = 503) -> None:
    html = response.content.decode()
    assert response.status_code == status, html[:500]
    assert f'<html lang="{language}"' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1 and "<main" in html
    assert UNAVAILABLE[language] in html
    assert f'href="{WAY_BACK[language]}"' in html  # a way back to the other ways to sign in


def start_login(client, language: str = "nb") -> str:
    """Start the login; return the state the provider is to send back."""
    response = client.post(login_path(language))
    assert response.status_code == 302, response.content.decode()[:500]
    return parse_qs(urlparse(response["Location"]).query)["state"][0]


def callback(client, state: str, language: str = "nb"):
    return client.get(f"{login_path(language)}callback/", {"code": "abc123", "state": state})


def test_working_provider__signs_in(client, oidc):
    """The provider is a faithful stand-in: with it working, the whole login succeeds."""
    response = callback(client, start_login(client))
    assert response.status_code == 302 and response["Location"] == "/"
    account = SocialAccount.objects.get(uid="19089328672")
    assert account.user.email == "ola.idporten@example.no"
    assert client.get("/konto/profil/").status_code == 200


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_login_start__nothing_listens__clear_page_in_the_readers_language(
    client, settings, language
):
    configure(settings, f"http://127.0.0.1:{free_port()}")
    assert_clear_page(client.post(login_path(language)), language)


@pytest.mark.parametrize("failure", FAILURES)
def test_login_start__discovery_fails__clear_page(client, oidc, failure):
    oidc.behaviour[DISCOVERY] = failure
    started = time.monotonic()
    response = client.post(login_path())
    assert_clear_page(response)
    assert time.monotonic() - started < TIMEOUT + 2  # a hanging provider is given up on


def test_callback__provider_gone__clear_page(client, oidc):
    state = start_login(client)
    oidc.stop()  # the provider goes down while the reader is on its login page
    assert_clear_page(callback(client, state))


# Every endpoint failing every way, except JSON without what is needed from the token and
# userinfo endpoints: a provider that answers, but wrongly (the two tests below). Discovery
# fails at the callback only when the document is not in the cache (the cache was away).
UNAVAILABLE_AT_CALLBACK = [
    (endpoint, failure)
    for endpoint in (DISCOVERY, "/token", "/userinfo")
    for failure in FAILURES
    if not (failure == "empty-json" and endpoint != DISCOVERY)
]


def test_callback__discovery_down__the_cached_document_serves_the_login(client, oidc):
    state = start_login(client)
    fetched = oidc.requests.count(DISCOVERY)
    oidc.behaviour[DISCOVERY] = "500"
    response = callback(client, state)
    assert response.status_code == 302 and response["Location"] == "/"
    assert oidc.requests.count(DISCOVERY) == fetched == 1  # asked once, for the whole login


def test_discovery__cache_away__fetched_from_the_provider_each_time(client, oidc, monkeypatch):
    """A cache that raises (Redis away under a backend that is not fail-safe) costs the
    login one request to the provider per step, never the login itself."""

    def away(*args, **kwargs):
        raise ConnectionError("cache away")

    monkeypatch.setattr(cache, "get", away)
    monkeypatch.setattr(cache, "set", away)
    response = callback(client, start_login(client))
    assert response.status_code == 302 and response["Location"] == "/"
    assert oidc.requests.count(DISCOVERY) >= 2


@pytest.mark.parametrize(("endpoint", "failure"), UNAVAILABLE_AT_CALLBACK)
def test_callback__provider_fails__clear_page(client, oidc, endpoint, failure):
    state = start_login(client, "en")
    if endpoint == DISCOVERY:
        cache.clear()  # the document the login's start kept is gone
    oidc.behaviour[endpoint] = failure
    started = time.monotonic()
    assert_clear_page(callback(client, state, "en"), "en")
    assert time.monotonic() - started < TIMEOUT + 2
    assert not SocialAccount.objects.exists()


def test_callback__token_answer_without_a_token__sign_in_not_completed(client, oidc):
    state = start_login(client, "nn")
    oidc.behaviour["/token"] = "empty-json"
    response = callback(client, state, "nn")
    html = response.content.decode()
    assert response.status_code == 401
    assert "Innlogginga vart ikkje fullført" in html and 'href="/nn/konto/login/"' in html
    assert not SocialAccount.objects.exists()


def test_callback__userinfo_without_an_email__asks_for_it(client, oidc):
    """Not a failure: the provider confirmed who it is but gave no address; the reader is
    asked for one (allauth's sign-up form), as with any provider that keeps it back."""
    state = start_login(client)
    oidc.behaviour["/userinfo"] = "empty-json"
    response = callback(client, state)
    assert response.status_code == 302 and response["Location"] == "/konto/3rdparty/signup/"
    assert 'name="email"' in client.get(response["Location"]).content.decode()


def test_callback__forged_state__clear_refusal_with_a_way_back(client, oidc):
    start_login(client)
    response = callback(client, "not-the-state-we-sent")
    html = response.content.decode()
    assert response.status_code == 401
    assert "Innloggingen ble ikke fullført" in html
    assert 'href="/konto/login/"' in html
    assert not SocialAccount.objects.exists()
