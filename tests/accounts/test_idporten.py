"""ID-porten as Digdir documents it, through the generic OpenID Connect login: the security
level asked for and checked (a stricter one for the admin), PKCE, the national identity
number kept only as a keyed hash, the names copied to the profile, RP-initiated logout
through the provider's end_session_endpoint and front-channel logout by `iss` and `sid`.

The provider is a real HTTP server on loopback (tests/resilience/identity_provider.py) with a
login page and its own single sign-on cookie; the "browser" here is the Django test client
for the portal and a `requests` session for the provider (tests/browser has the same in
Chromium)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from hubportal.accounts import tasks
from hubportal.accounts.models import IdentityProviderSession, NationalIdentity
from tests.resilience.identity_provider import CLIENT_ID, IdentityProvider

pytestmark = pytest.mark.django_db

SUBSTANTIAL, HIGH = "idporten-loa-substantial", "idporten-loa-high"
PID = "05918799957"  # synthetic national identity numbers (test data)
OTHER_PID = "26817097792"
LOGIN = "/konto/oidc/idporten/login/"
FRONTCHANNEL = "/konto/oidc/idporten/logout/frontchannel/"
HMAC_KEY = "test-pid-key"


@pytest.fixture
def provider(settings):
    started = IdentityProvider().start()
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
    settings.OIDC_PID_HMAC_KEY = HMAC_KEY
    yield started
    started.stop()


@pytest.fixture
def browser_at_provider():
    """The provider's side of the browser: its single sign-on cookie lives here."""
    with requests.Session() as session:
        yield session


def sign_in(
    client,
    browser_at_provider,
    *,
    level=None,
    pid=PID,
    name="Kari Nordmann",
    asked_level=None,
    language="",
):
    """The whole login: the portal sends the browser to the provider, the person signs in
    there (unless the provider's session is still good), the provider sends it back."""
    query = f"?level={asked_level}" if asked_level else ""
    response = client.post(f"{language}{LOGIN}{query}")
    assert response.status_code == 302, response.content.decode()[:500]
    authorize = browser_at_provider.get(response["Location"], allow_redirects=False)
    if authorize.status_code == 200:  # the provider's login page: credentials asked for
        fields = {
            key: value[0] for key, value in parse_qs(urlsplit(response["Location"]).query).items()
        }
        fields |= {"pid": pid, "name": name}
        if level:
            fields["level"] = level
        authorize = browser_at_provider.post(
            authorize.url.split("?")[0], data=fields, allow_redirects=False
        )
    assert authorize.status_code == 302, authorize.text[:500]
    back = urlsplit(authorize.headers["Location"])
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


def test_login__substantial__signs_in_with_the_level_asked_for_and_pkce(
    client, provider, browser_at_provider
):
    response = sign_in(client, browser_at_provider)
    assert response.status_code == 302 and response["Location"] == "/"
    asked = provider.authorize_requests[-1]
    assert asked["acr_values"] == SUBSTANTIAL
    assert asked["code_challenge_method"] == "S256" and asked["code_challenge"]
    assert provider.refused_tokens == []  # the code_verifier matched the challenge
    user = SocialAccount.objects.get(uid=provider.sub_of(PID)).user
    assert (user.full_name, user.given_name, user.family_name) == (
        "Kari Nordmann",
        "Kari",
        "Nordmann",
    )
    record = IdentityProviderSession.objects.get(user=user)
    assert record.acr == SUBSTANTIAL and record.issuer == provider.url and record.sid


def test_login__high__recorded_at_high(client, provider, browser_at_provider):
    assert sign_in(client, browser_at_provider, level=HIGH).status_code == 302
    assert IdentityProviderSession.objects.get().acr == HIGH


@pytest.mark.parametrize(
    ("language", "refusal"),
    [("", "Innloggingen din var ikke sikker nok"), ("/en", "Your sign-in was not secure enough")],
)
def test_login__below_the_minimum__refused_with_a_clear_page_and_nothing_saved(
    client, provider, browser_at_provider, settings, caplog, language, refusal
):
    settings.OIDC_ACR_MINIMUM = HIGH
    with caplog.at_level(logging.WARNING, logger="hubportal.accounts.adapters"):
        response = sign_in(client, browser_at_provider, level=SUBSTANTIAL, language=language)
    html = response.content.decode()
    assert response.status_code == 403
    assert refusal in html
    assert provider.authorize_requests[-1]["acr_values"] == HIGH
    assert not SocialAccount.objects.exists() and not get_user_model().objects.exists()
    assert not NationalIdentity.objects.exists()
    assert "below the required" in caplog.text
    assert client.get("/konto/profil/").status_code == 302  # not signed in


def test_login__an_unknown_level_asked_for__does_not_lower_the_minimum(
    client, provider, browser_at_provider, settings
):
    settings.OIDC_ACR_MINIMUM = HIGH
    response = sign_in(client, browser_at_provider, level=HIGH, asked_level="idporten-loa-low")
    assert response.status_code == 302
    assert provider.authorize_requests[-1]["acr_values"] == HIGH


def test_pid__kept_only_as_a_keyed_hash__shown_in_the_download__deleted_with_the_account(
    client, provider, browser_at_provider
):
    sign_in(client, browser_at_provider)
    account = SocialAccount.objects.get()
    identity = NationalIdentity.objects.get(user=account.user)
    assert (
        identity.pid_digest == hmac.new(HMAC_KEY.encode(), PID.encode(), hashlib.sha256).hexdigest()
    )
    assert PID not in str(account.extra_data)
    download = client.get("/konto/mine-data/").content.decode()
    assert PID not in download and identity.pid_digest in download
    # Signed in only through the provider, so no password: the email address confirms.
    response = client.post("/konto/slett/", {"password": account.user.email})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=account.user.pk).exists()
    assert not NationalIdentity.objects.exists()
    assert not IdentityProviderSession.objects.exists()


def test_pid__a_new_sub_for_a_known_number__the_same_account(
    client, provider, browser_at_provider, monkeypatch
):
    """The municipality moves to a new client at the provider: every person gets a new `sub`,
    but the number is the same, and so is the account."""
    sign_in(client, browser_at_provider)
    first = SocialAccount.objects.get().user
    client.logout()
    browser_at_provider.cookies.clear()
    monkeypatch.setattr(
        IdentityProvider, "sub_of", staticmethod(lambda pid: "new-client-" + pid[-3:])
    )
    assert sign_in(client, browser_at_provider).status_code == 302
    assert get_user_model().objects.count() == 1
    assert set(SocialAccount.objects.values_list("user", flat=True)) == {first.pk}


def test_logout__reaches_the_provider__and_the_next_person_must_sign_in_again(
    client, provider, browser_at_provider
):
    sign_in(client, browser_at_provider)
    id_token_sent = client.session["hubportal_oidc"]["id_token"]
    response = client.post("/konto/logout/")
    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert (
        f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{provider.url}/logout"
    )
    params = {k: v[0] for k, v in parse_qs(end_session.query).items()}
    assert params["id_token_hint"] == id_token_sent
    assert params["post_logout_redirect_uri"] == "http://testserver/konto/logget-ut/"
    assert params["state"]
    assert not IdentityProviderSession.objects.exists()

    back = browser_at_provider.get(response["Location"], allow_redirects=False)
    assert back.status_code == 302
    returned = urlsplit(back.headers["Location"])
    page = client.get(returned.path, {k: v[0] for k, v in parse_qs(returned.query).items()})
    assert "logget ut av portalen og den nasjonale innloggingen" in page.content.decode()
    assert client.get("/konto/profil/").status_code == 302

    logins_before = len(provider.credential_logins)
    sign_in(client, browser_at_provider, pid=OTHER_PID, name="Per Hansen")
    assert len(provider.credential_logins) == logins_before + 1  # credentials asked again
    assert client.get("/konto/profil/").status_code == 200
    assert SocialAccount.objects.get(uid=provider.sub_of(OTHER_PID)).user.full_name == "Per Hansen"


def test_logged_out__a_state_this_browser_did_not_send__says_only_the_portal(client, caplog):
    with caplog.at_level(logging.WARNING, logger="hubportal.accounts.views"):
        html = client.get("/konto/logget-ut/", {"state": "forged"}).content.decode()
    assert "Du er logget ut av portalen." in html and "nasjonale" not in html
    assert "did not send" in caplog.text


def test_frontchannel_logout__ends_the_session_with_that_sid(client, provider, browser_at_provider):
    sign_in(client, browser_at_provider)
    record = IdentityProviderSession.objects.get()
    other = client.__class__()  # the same person on a second device, another provider session
    response = other.get(FRONTCHANNEL, {"iss": provider.url, "sid": record.sid})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache, no-store"
    assert f"frame-ancestors {provider.url}" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert client.get("/konto/profil/").status_code == 302  # signed out
    assert not IdentityProviderSession.objects.exists()


@pytest.mark.parametrize("wrong", ["iss", "sid", "missing"])
def test_frontchannel_logout__wrong_iss_or_sid__refused_logged_and_nothing_ended(
    client, provider, browser_at_provider, caplog, wrong
):
    sign_in(client, browser_at_provider)
    record = IdentityProviderSession.objects.get()
    params = {"iss": provider.url, "sid": record.sid}
    if wrong == "missing":
        params.pop("sid")
    else:
        params[wrong] = "https://evil.example" if wrong == "iss" else "not-the-sid"
    with caplog.at_level(logging.WARNING, logger="hubportal.accounts.views"):
        response = client.__class__().get(FRONTCHANNEL, params)
    assert response.status_code == 400
    assert "front-channel logout from idporten refused" in caplog.text
    assert client.get("/konto/profil/").status_code == 200  # still signed in
    assert IdentityProviderSession.objects.filter(pk=record.pk).exists()


def test_staff__below_the_staff_minimum__asked_to_sign_in_again_at_it__then_let_in(
    client, provider, browser_at_provider, settings
):
    settings.OIDC_STAFF_ACR_MINIMUM = HIGH
    sign_in(client, browser_at_provider, level=SUBSTANTIAL)
    user = SocialAccount.objects.get().user
    user.is_staff = user.is_superuser = True
    user.save()
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Administrasjonen krever en sikrere innlogging" in html
    assert f'action="{LOGIN}?level={HIGH}"' in html
    assert client.get("/konto/profil/").status_code == 200  # the rest of the portal is open

    # The step-up: the provider's session is only substantial, so it asks again, at high.
    logins = len(provider.credential_logins)
    response = sign_in(client, browser_at_provider, level=HIGH, asked_level=HIGH)
    assert response.status_code == 302
    assert provider.authorize_requests[-1]["acr_values"] == HIGH
    assert len(provider.credential_logins) == logins + 1
    assert client.get("/admin/").status_code == 200


def test_staff__password_login_with_a_staff_minimum__refused_the_admin(client, settings, provider):
    settings.OIDC_STAFF_ACR_MINIMUM = HIGH
    staff = get_user_model().objects.create_user(
        "ansatt@example.no", "pw", is_staff=True, is_superuser=True
    )
    client.force_login(staff)
    assert client.get("/admin/").status_code == 403
    assert client.get("/en/admin/login/").status_code in (
        200,
        302,
    )  # the admin's own sign-in stays open


def test_admin_logout__is_the_portals__and_reaches_the_provider(
    client, provider, browser_at_provider
):
    sign_in(client, browser_at_provider)
    user = SocialAccount.objects.get().user
    user.is_staff = user.is_superuser = True
    user.save()
    admin = client.get("/admin/").content.decode()
    assert 'id="logout-form" method="post" action="/konto/logout/"' in admin
    response = client.post("/konto/logout/")
    assert response["Location"].startswith(f"{provider.url}/logout?")


def test_purge__the_record_of_an_expired_session_goes__a_live_one_stays(
    client, provider, browser_at_provider
):
    sign_in(client, browser_at_provider)
    live = IdentityProviderSession.objects.get()
    expired = IdentityProviderSession.objects.create(
        user=live.user, session_key="gone" * 8, provider_id="idporten", issuer="x", sid="y"
    )
    assert tasks.purge_ended_identity_sessions() == 1
    assert list(IdentityProviderSession.objects.all()) == [live]
    assert not IdentityProviderSession.objects.filter(pk=expired.pk).exists()
