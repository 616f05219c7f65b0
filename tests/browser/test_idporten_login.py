"""The national login in a real browser, against the loopback OpenID Connect provider after
ID-porten (tests/resilience/identity_provider.py): sign in at both levels, a level below the
minimum refused, logging out reaching the provider so that the next person must sign in
again, the provider's front-channel logout ending the portal session, and a provider that is
down. The portal's pages are checked with axe-core; every page is watched for CSP
violations (the front-channel page is framed by the provider's page)."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from tests.resilience.identity_provider import CLIENT_ID, IdentityProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBSTANTIAL, HIGH = "idporten-loa-substantial", "idporten-loa-high"


@pytest.fixture
def provider(settings, live_server):
    started = IdentityProvider().start()
    started.frontchannel_logout_uri = f"{live_server.url}/konto/oidc/idporten/logout/frontchannel/"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "idporten",
                    "name": "ID-porten",
                    "client_id": CLIENT_ID,
                    "secret": "test-secret",
                    "settings": {"server_url": started.url},
                }
            ],
        }
    }
    settings.OIDC_ACR_MINIMUM = SUBSTANTIAL
    settings.OIDC_STAFF_ACR_MINIMUM = ""
    # The login form and the logout lead to the provider (as base.py allows when configured).
    policy = copy.deepcopy(django_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], started.url]
    settings.CONTENT_SECURITY_POLICY = policy
    yield started
    started.stop()


def start_login(page):
    page.goto("/konto/login/")
    page.get_by_role("link", name="ID-porten").click()
    page.wait_for_load_state()
    # allauth asks before it leaves for the provider (a login starts with a POST).
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_load_state()


def sign_in_at_provider(page, *, level: str, pid: str = "05918799957", name="Kari Nordmann"):
    expect(page.get_by_role("heading", name="Logg inn (test)")).to_be_visible()
    page.get_by_label("Fødselsnummer").fill(pid)
    page.get_by_label("Navn").fill(name)
    page.get_by_label("Sikkerhetsnivå").select_option(level)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("level", [SUBSTANTIAL, HIGH])
def test_login__at_either_level__signed_in_with_the_name_on_the_profile(
    page, provider, level, assert_accessible
):
    start_login(page)
    sign_in_at_provider(page, level=level)
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    assert provider.authorize_requests[-1]["acr_values"] == SUBSTANTIAL
    page.goto("/konto/profil/")
    expect(page.get_by_label("Navn")).to_have_value("Kari Nordmann")
    assert_accessible(page)


def test_login__below_the_minimum__refused_with_a_clear_page(
    page, provider, settings, assert_accessible
):
    settings.OIDC_ACR_MINIMUM = HIGH
    start_login(page)
    sign_in_at_provider(page, level=SUBSTANTIAL)
    expect(page.get_by_role("heading", name="Innloggingen din var ikke sikker nok")).to_be_visible()
    expect(page.get_by_role("button", name="Logg ut")).to_have_count(0)
    assert_accessible(page)
    # The way forward signs in at the level needed, and that works.
    page.get_by_role("button", name="Logg inn med ID-porten på nivået høyt").click()
    page.wait_for_load_state()
    sign_in_at_provider(page, level=HIGH)
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


def test_logout__reaches_the_provider__and_the_next_person_must_sign_in_again(
    page, provider, assert_accessible
):
    start_login(page)
    sign_in_at_provider(page, level=SUBSTANTIAL)
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Du er logget ut av portalen og den nasjonale innloggingen")
    ).to_be_visible()
    assert provider.end_session_requests and provider.end_session_requests[-1]["id_token_hint"]
    assert_accessible(page)

    # The next person at the same browser clicks "ID-porten": the provider asks again.
    logins = len(provider.credential_logins)
    start_login(page)
    sign_in_at_provider(page, level=SUBSTANTIAL, pid="26817097792", name="Per Hansen")
    assert len(provider.credential_logins) == logins + 1
    page.goto("/konto/profil/")
    expect(page.get_by_label("Navn")).to_have_value("Per Hansen")


def test_login__while_the_provider_session_lasts__no_credentials_asked(page, provider):
    """The provider's single sign-on is real: without the logout above, it does not ask."""
    start_login(page)
    sign_in_at_provider(page, level=SUBSTANTIAL)
    page.context.clear_cookies(name="sessionid")
    logins = len(provider.credential_logins)
    start_login(page)
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    assert len(provider.credential_logins) == logins


def test_frontchannel_logout__logging_out_elsewhere_ends_the_portal_session(
    page, provider, live_server
):
    start_login(page)
    sign_in_at_provider(page, level=SUBSTANTIAL)
    # The person logs out at another service; the provider's logout page frames the portal's
    # front-channel logout address with the provider session's iss and sid.
    page.goto(f"{provider.url}/logout-elsewhere")
    frame = page.frame_locator("iframe[title=portal]")
    expect(frame.get_by_role("heading", name="Du er logget ut")).to_be_visible()
    page.goto(f"{live_server.url}/konto/profil/")
    assert "/konto/login/" in page.url  # signed out: the profile asks for a sign-in


def test_provider_down__a_clear_page_in_the_readers_language(page, provider, assert_accessible):
    provider.stop()
    start_login(page)
    expect(
        page.get_by_role("heading", name="Innlogging med ID-porten er ikke tilgjengelig akkurat nå")
    ).to_be_visible()
    assert_accessible(page)
