"""API tokens: made by a municipality's administrators (in the admin), stored only as a
digest, shown once; they expire, can be revoked and are rate-limited; a token reads the
bookings and usage of its own municipality and nothing of another's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from api import services
from api.models import ApiToken
from booking.services import booking_create
from hubportal.core.errors import DomainError
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import UserFactory, hub_staff, municipality_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(api_world):
    """A token of each municipality, a booked time in each."""
    w = api_world
    admin_a = municipality_admin(w.municipality)
    admin_b = municipality_admin(w.other_municipality)
    citizen = UserFactory(email="leier@example.no")
    start = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    start += timedelta(days=2)
    room_b = ResourceFactory(hub=w.other_hub, name="Sal B")
    for room, purpose in ((w.room, "Sjakkklubb"), (room_b, "Korøvelse")):
        booking_create(
            booker=citizen,
            resource=room,
            times=[(start, start + timedelta(hours=2))],
            purpose=purpose,
        )
    a = services.api_token_create(
        by=admin_a,
        municipality=w.municipality,
        name="Asker.kommune.no",
        expires_at=timezone.now() + timedelta(days=30),
    )
    b = services.api_token_create(
        by=admin_b,
        municipality=w.other_municipality,
        name="Baerum.kommune.no",
        expires_at=timezone.now() + timedelta(days=30),
    )
    return {"a": a, "b": b, "admin_a": admin_a, "admin_b": admin_b, "room_b": room_b}


def read(path: str, secret: str | None = None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client().get(path, headers=headers)


def test_create__only_a_digest_is_stored_and_the_secret_is_given_once(tokens):
    created = tokens["a"]
    stored = ApiToken.objects.get(pk=created.token.pk)
    assert created.secret.startswith("hp_") and len(created.secret) > 40
    assert stored.digest == ApiToken.digest_of(created.secret) != created.secret
    assert created.secret.startswith(stored.prefix)
    row = ApiToken.objects.filter(pk=stored.pk).values()[0]
    assert created.secret not in {str(value) for value in row.values()}


def test_create__hub_staff_and_another_municipalitys_admin_may_not(api_world, tokens):
    staff = hub_staff(api_world.hub)
    for user in (staff, tokens["admin_b"]):
        with pytest.raises(PermissionDenied):
            services.api_token_create(
                by=user,
                municipality=api_world.municipality,
                name="x",
                expires_at=timezone.now() + timedelta(days=1),
            )


def test_create__expiry_in_the_past_or_beyond_two_years_is_refused(api_world, tokens):
    for expires in (timezone.now() - timedelta(minutes=1), timezone.now() + timedelta(days=800)):
        with pytest.raises(DomainError) as refused:
            services.api_token_create(
                by=tokens["admin_a"],
                municipality=api_world.municipality,
                name="x",
                expires_at=expires,
            )
        assert "expires_at" in refused.value.message_dict


def test_staff_bookings__own_municipality_only(tokens):
    body = read("/api/v1/staff/bookings", tokens["a"].secret).json()
    assert [b["purpose"] for b in body["items"]] == ["Sjakkklubb"]
    assert "leier@example.no" not in str(body)  # who booked is not given
    other = read("/api/v1/staff/bookings", tokens["b"].secret).json()
    assert [b["purpose"] for b in other["items"]] == ["Korøvelse"]


def test_staff_bookings__another_municipalitys_hub_or_room_is_not_found(api_world, tokens):
    response = read(f"/api/v1/staff/bookings?hub={api_world.hub.pk}", tokens["b"].secret)
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "hub"
    response = read(f"/api/v1/staff/bookings?resource={api_world.room.pk}", tokens["b"].secret)
    assert response.status_code == 404 and response.json()["errors"][0]["field"] == "resource"
    own = read(f"/api/v1/staff/bookings?hub={api_world.hub.pk}", tokens["a"].secret)
    assert own.status_code == 200 and own.json()["count"] == 1


def test_staff_usage__own_municipality_only(api_world, tokens):
    body = read("/api/v1/staff/usage", tokens["a"].secret).json()
    assert body["municipality_id"] == api_world.municipality.pk
    assert [r["resource_id"] for r in body["resources"]] == [api_world.room.pk]
    other = read(f"/api/v1/staff/usage?hub={api_world.hub.pk}", tokens["b"].secret)
    assert other.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/staff/bookings", "/api/v1/staff/usage"])
def test_staff_reads__no_token_a_wrong_one_expired_or_revoked__401(tokens, path):
    none = read(path)
    assert none.status_code == 401 and none["WWW-Authenticate"].startswith("Bearer")
    assert read(path, "hp_not-a-token").json()["errors"][0]["code"] == "token_invalid"
    expired = tokens["a"].token
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = read(path, tokens["a"].secret)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_expired"
    services.api_token_revoke(by=tokens["admin_b"], token=tokens["b"].token)
    response = read(path, tokens["b"].secret)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_revoked"
    assert "Korøvelse" not in response.content.decode()


def test_revoke__only_its_municipalitys_administrators(tokens):
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(by=tokens["admin_b"], token=tokens["a"].token)
    services.api_token_revoke(by=tokens["admin_a"], token=tokens["a"].token)
    assert ApiToken.objects.get(pk=tokens["a"].token.pk).is_revoked


def test_rate_limit__beyond_the_tokens_limit_is_429(tokens):
    ApiToken.objects.filter(pk=tokens["a"].token.pk).update(requests_per_minute=3)
    statuses = [read("/api/v1/staff/usage", tokens["a"].secret).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = read("/api/v1/staff/usage", tokens["a"].secret)
    assert refused["Retry-After"] == "60"
    assert refused.json()["errors"][0]["code"] == "rate_limited"
    # Another token has its own count.
    assert read("/api/v1/staff/usage", tokens["b"].secret).status_code == 200


def test_staff_reads__private_never_shared(tokens):
    response = read("/api/v1/staff/bookings", tokens["a"].secret)
    assert "private" in response["Cache-Control"]
    assert read("/api/v1/staff/bookings").status_code == 401  # no copy served without a token


def test_last_used__noted(tokens):
    read("/api/v1/staff/usage", tokens["a"].secret)
    assert ApiToken.objects.get(pk=tokens["a"].token.pk).last_used_at is not None


def test_admin__administrator_creates_a_token_and_sees_it_once(api_world, tokens):
    client = Client()
    client.force_login(tokens["admin_a"])
    expires = (timezone.localtime() + timedelta(days=90)).replace(microsecond=0)
    response = client.post(
        "/admin/api/apitoken/add/",
        {
            "municipality": api_world.municipality.pk,
            "name": "Appen",
            "expires_at_0": expires.strftime("%d.%m.%Y"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
            "requests_per_minute": 60,
        },
    )
    assert response.status_code == 200, response.content[:500]
    secret = response.context["secret"]
    assert secret.startswith("hp_") and secret in response.content.decode()
    token = ApiToken.objects.get(name="Appen")
    assert token.created_by == tokens["admin_a"]
    assert read("/api/v1/staff/usage", secret).status_code == 200
    # The change page never shows it again.
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and secret not in page.content.decode()
    # Revoked from the list.
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert read("/api/v1/staff/usage", secret).status_code == 401


def test_admin__another_municipality_is_not_offered(api_world, tokens):
    client = Client()
    client.force_login(tokens["admin_a"])
    expires = timezone.localtime() + timedelta(days=90)
    response = client.post(
        "/admin/api/apitoken/add/",
        {
            "municipality": api_world.other_municipality.pk,
            "name": "Snik",
            "expires_at_0": expires.strftime("%d.%m.%Y"),
            "expires_at_1": "12:00:00",
            "requests_per_minute": 60,
        },
    )
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    assert not ApiToken.objects.filter(name="Snik").exists()
    staff = Client()
    staff.force_login(hub_staff(api_world.hub))
    assert staff.get("/admin/api/apitoken/").status_code == 403
