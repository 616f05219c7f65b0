"""A person's own bookings and registrations through OAuth 2, through the real addresses:
the municipality registers an application; the person signs in, consents on the portal's
page, the application swaps the code (with its PKCE verifier) for a token and reads
/api/v1/me/…; only the person's own data, never another's; a revoked, expired, unknown,
staff or too narrow token is refused."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from oauth2_provider.models import get_access_token_model

from api import services
from api.models import OAuthClient, OAuthClientType
from booking.services import booking_create
from innbyggertorg.services import registration_create
from tests.knutepunkt.factories import UserFactory, hub_staff, municipality_admin

pytestmark = pytest.mark.django_db

CALLBACK = "https://app.example.no/callback"
AUTHORIZE = "/o/authorize/"
TOKEN = "/o/token/"


@pytest.fixture
def app(api_world):
    return services.oauth_client_create(
        by=municipality_admin(api_world.municipality),
        municipality=api_world.municipality,
        name="Asker-appen",
        redirect_uris=CALLBACK,
        client_type=OAuthClientType.PUBLIC,
    ).client


def person(email: str):
    user = UserFactory(email=email)
    user.emailaddress_set.create(email=email, verified=True, primary=True)
    return user


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def authorize_params(app, challenge, scope="bookings:read registrations:read"):
    return {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": CALLBACK,
        "scope": scope,
        "state": "tilstand-1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


def consent(browser: Client, app, scope="bookings:read registrations:read", allow=True):
    """The person's side: the consent page, and the answer; returns the redirect's query
    and the PKCE verifier."""
    verifier, challenge = pkce()
    params = authorize_params(app, challenge, scope)
    page = browser.get(AUTHORIZE, params)
    assert page.status_code == 200, page.content[:500]
    form = {**params, "allow": "on"} if allow else params
    answer = browser.post(AUTHORIZE, form)
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return parse_qs(location.query), verifier


def token_for(app, user, scope="bookings:read registrations:read") -> dict:
    browser = Client()
    browser.force_login(user)
    query, verifier = consent(browser, app, scope)
    answer = Client().post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": CALLBACK,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def read(path: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(path, headers=headers)


def book_for(world, user, purpose: str, days: int = 3):
    start = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    start += timedelta(days=days)
    return booking_create(
        booker=user,
        resource=world.room,
        times=[(start, start + timedelta(hours=1))],
        purpose=purpose,
    )


def test_consent_page__names_the_application_the_municipality_and_what_it_may_see(app):
    browser = Client()
    browser.force_login(person("kari@example.no"))
    _verifier, challenge = pkce()
    with translation.override("en"):
        page = browser.get("/en" + AUTHORIZE, authorize_params(app, challenge))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Asker-appen" in text and "Asker" in text
    assert "See your bookings" in text and "See your event registrations" in text
    bokmal = browser.get(AUTHORIZE, authorize_params(app, challenge)).content.decode()
    assert 'lang="nb"' in bokmal and "Asker-appen" in bokmal


def test_consent__not_signed_in__sent_to_sign_in_first(app):
    _verifier, challenge = pkce()
    answer = Client().get(AUTHORIZE, authorize_params(app, challenge))
    assert answer.status_code == 302 and "/konto/" in answer["Location"]


def test_full_flow__the_person_sees_their_own_bookings_and_registrations_only(api_world, app):
    kari, ola = person("kari@example.no"), person("ola@example.no")
    book_for(api_world, kari, "Karis møte")
    book_for(api_world, ola, "Olas møte", days=4)
    registration_create(event=api_world.event, name="Kari", email=kari.email, user=kari)
    karis, olas = token_for(app, kari), token_for(app, ola)
    assert karis["token_type"] == "Bearer" and set(karis["scope"].split()) == {
        "bookings:read",
        "registrations:read",
    }

    mine = read("/api/v1/me/bookings", karis["access_token"])
    assert mine.status_code == 200
    assert mine["Cache-Control"] == "private, max-age=0"
    assert [b["purpose"] for b in mine.json()["items"]] == ["Karis møte"]
    assert [
        b["purpose"] for b in read("/api/v1/me/bookings", olas["access_token"]).json()["items"]
    ] == ["Olas møte"]
    registrations = read("/api/v1/me/registrations", karis["access_token"]).json()
    assert [r["event"]["title"] for r in registrations["items"]] == ["Språkkafé"]
    assert read("/api/v1/me/registrations", olas["access_token"]).json()["count"] == 0


def test_token__without_the_pkce_verifier__refused(app):
    browser = Client()
    browser.force_login(person("kari@example.no"))
    query, _verifier = consent(browser, app)
    answer = Client().post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": CALLBACK,
            "client_id": app.client_id,
        },
    )
    assert answer.status_code == 400 and "access_token" not in answer.json()


def test_authorize__without_pkce__refused(app):
    browser = Client()
    browser.force_login(person("kari@example.no"))
    params = authorize_params(app, "x")
    del params["code_challenge"], params["code_challenge_method"]
    answer = browser.get(AUTHORIZE, params)
    assert answer.status_code == 302 and "error=invalid_request" in answer["Location"]


def test_consent_refused__no_code(app):
    browser = Client()
    browser.force_login(person("kari@example.no"))
    query, _verifier = consent(browser, app, allow=False)
    assert query["error"] == ["access_denied"] and "code" not in query


def test_refused_tokens__unknown_expired_revoked_staff_and_too_narrow(api_world, app):
    kari = person("kari@example.no")
    narrow = token_for(app, kari, scope="bookings:read")
    assert read("/api/v1/me/bookings", narrow["access_token"]).status_code == 200
    too_narrow = read("/api/v1/me/registrations", narrow["access_token"])
    assert too_narrow.status_code == 403 and too_narrow.json()["errors"][0]["code"] == (
        "insufficient_scope"
    )
    assert read("/api/v1/me/bookings", None).status_code == 401
    assert read("/api/v1/me/bookings", "not-a-token").json()["errors"][0]["code"] == "token_invalid"
    staff_token = services.api_token_create(
        by=municipality_admin(api_world.municipality, email="admin2@example.no"),
        municipality=api_world.municipality,
        name="Nettstedet",
        expires_at=timezone.now() + timedelta(days=1),
    ).secret
    assert read("/api/v1/me/bookings", staff_token).status_code == 401

    full = token_for(app, kari)
    get_access_token_model().objects.filter(
        token_checksum=hashlib.sha256(full["access_token"].encode()).hexdigest()
    ).update(expires=timezone.now() - timedelta(seconds=1))
    expired = read("/api/v1/me/bookings", full["access_token"])
    assert expired.status_code == 401 and expired.json()["errors"][0]["code"] == "token_expired"

    revoked = token_for(app, kari)
    answer = Client().post(
        "/o/revoke_token/", {"token": revoked["access_token"], "client_id": app.client_id}
    )
    assert answer.status_code == 200
    assert read("/api/v1/me/bookings", revoked["access_token"]).status_code == 401


def test_refresh__a_new_access_token_the_old_refresh_token_spent(api_world, app):
    kari = person("kari@example.no")
    first = token_for(app, kari)
    answer = Client().post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": app.client_id,
        },
    )
    assert answer.status_code == 200
    fresh = answer.json()
    assert read("/api/v1/me/bookings", fresh["access_token"]).status_code == 200
    again = Client().post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": app.client_id,
        },
    )
    assert again.status_code == 400


def test_tokens_are_kept_only_as_digests(api_world, app):
    token = token_for(app, person("kari@example.no"))["access_token"]
    row = get_access_token_model().objects.values().get()
    assert token not in {str(value) for value in row.values()}


@pytest.mark.parametrize(
    ("role", "page", "may_add"),
    [
        ("visitor", 302, False),
        ("citizen", 302, False),
        ("hub_staff", 403, False),
        ("admin_b", 200, False),
        ("admin_a", 200, True),
        ("superuser", 200, True),
    ],
)
def test_admin__applications_registered_by_the_municipalitys_administrators_only(
    api_world, role, page, may_add
):
    people = {
        "visitor": None,
        "citizen": UserFactory(email="innbygger@example.no"),
        "hub_staff": hub_staff(api_world.hub),
        "admin_a": municipality_admin(api_world.municipality),
        "admin_b": municipality_admin(api_world.other_municipality),
        "superuser": UserFactory(email="super@example.no", is_staff=True, is_superuser=True),
    }
    client = Client()
    if people[role] is not None:
        client.force_login(people[role])
    add = reverse("admin:api_oauthclient_add")
    assert client.get(add).status_code == page
    client.post(
        add,
        {
            "municipality": api_world.municipality.pk,
            "name": "Asker-appen",
            "redirect_uris": CALLBACK,
            "client_type": "public",
        },
    )
    assert OAuthClient.objects.exists() is may_add


def test_admin__another_municipalitys_application_does_not_exist_for_its_admin(api_world, app):
    client = Client()
    client.force_login(municipality_admin(api_world.other_municipality))
    change = reverse("admin:api_oauthclient_change", args=[app.pk])
    assert client.get(change).status_code == 404
    assert b"Asker-appen" not in client.get(reverse("admin:api_oauthclient_changelist")).content


def test_admin__redirect_address_not_https__refused_on_the_field(api_world):
    client = Client()
    client.force_login(municipality_admin(api_world.municipality))
    answer = client.post(
        reverse("admin:api_oauthclient_add"),
        {
            "municipality": api_world.municipality.pk,
            "name": "Asker-appen",
            "redirect_uris": "ftp://app.example.no/callback",
            "client_type": "public",
        },
    )
    assert answer.status_code == 200
    assert "redirect_uris" in answer.context["adminform"].form.errors
    assert not OAuthClient.objects.exists()
