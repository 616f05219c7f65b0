"""ID-porten sends the national identity number (`pid`): it is never kept among the stored
claims, on the first login or any later one, nor anywhere in clear (only its keyed hash, see
tests/accounts/test_idporten.py). Through a real OpenID Connect provider on loopback and the
portal's real login URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount

from tests.resilience.identity_provider import CLIENT_ID, IdentityProvider

pytestmark = pytest.mark.django_db
PID = "05918799957"  # a synthetic national identity number (test data)


class IdPortenLike(IdentityProvider):
    def _documents(self):
        documents = super()._documents()
        documents["/userinfo"] = {**documents["/userinfo"], "pid": PID, "acr": "idporten-loa-high"}
        return documents


@pytest.fixture
def idporten(settings):
    provider = IdPortenLike().start()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "idporten",
                    "name": "ID-porten",
                    "client_id": CLIENT_ID,
                    "secret": "test-secret",
                    "settings": {"server_url": provider.url},
                }
            ],
        }
    }
    yield provider
    provider.stop()


def sign_in(client) -> None:
    response = client.post("/konto/oidc/idporten/login/")
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    response = client.get(
        "/konto/oidc/idporten/login/callback/", {"code": "abc123", "state": state}
    )
    assert response.status_code == 302 and response["Location"] == "/", response.content[:500]


def test_idporten__the_national_identity_number_is_never_stored_in_clear(client, idporten):
    sign_in(client)
    account = SocialAccount.objects.get(uid="19089328672")
    assert account.extra_data["userinfo"]["acr"] == "idporten-loa-high"  # other claims kept
    assert PID not in str(account.extra_data)
    client.logout()
    sign_in(client)  # a returning person: allauth stores the claims again
    account.refresh_from_db()
    assert PID not in str(account.extra_data)
    assert SocialAccount.objects.count() == 1
    assert PID not in client.get("/konto/mine-data/").content.decode()
