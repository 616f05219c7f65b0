"""The cooperation's public page in Bokmål, Nynorsk and English: members, shared services
with where they are offered, shared rooms."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "offered"),
    [
        ("nb", "Felles tjenester", "Tilbys ved"),
        ("nn", "Felles tenester", "Blir tilbode ved"),
        ("en", "Shared services", "Offered at"),
    ],
)
def test_cooperation_page__names_members_services_and_rooms(
    client, region, language, heading, offered
):
    with translation.override(language):
        url = reverse("samarbeid:cooperation", kwargs={"cooperation": "vaernesregionen"})
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Værnesregionen</h1>" in page
    for key in "abc":
        assert region.municipality[key].name in page
    assert heading in page
    assert f"{offered}: <a href=" in page
    assert "Stjørdal knutepunkt</a> (Stjørdal)" in page
    assert "Regionsalen i Stjørdal" in page


def test_cooperation_page__non_member_is_not_listed(client, region):
    page = client.get("/samarbeid/vaernesregionen/").content.decode()
    assert "Asker" not in page


def test_cooperation_page__unknown_cooperation__is_404(client, region):
    assert client.get("/samarbeid/finnes-ikke/").status_code == 404


def test_cooperations__lists_each_with_its_members(client, region):
    page = client.get("/samarbeid/").content.decode()
    assert 'href="/samarbeid/vaernesregionen/"' in page
    assert "Frosta" in page


def test_cooperation_page__fixed_number_of_queries(client, region, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get("/samarbeid/vaernesregionen/").status_code == 200
