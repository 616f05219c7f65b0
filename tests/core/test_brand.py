"""A municipality's brand colour reaches the page as a stylesheet of its own (the CSP allows
no inline style), with a text colour that reads on it."""

from __future__ import annotations

import pytest

from hubportal.core.colours import BLACK, WHITE, contrast_ratio, text_colour_on
from knutepunkt.models import Municipality


@pytest.mark.parametrize(
    ("background", "text"),
    [("#0b5394", WHITE), ("#1e6b52", WHITE), ("#ffd700", BLACK), ("#ffffff", BLACK)],
)
def test_text_colour_on__picks_the_one_that_reads(background, text):
    assert text_colour_on(background) == text
    assert contrast_ratio(background, text) >= 4.5


def test_text_colour_on__any_colour__reaches_wcag_aa():
    for red in range(0, 256, 15):
        for green in range(0, 256, 15):
            for blue in range(0, 256, 15):
                colour = f"#{red:02x}{green:02x}{blue:02x}"
                assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5, colour


def test_brand_stylesheet__is_the_colour_as_custom_properties(client):
    response = client.get("/merkefarge/0b5394.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert "--hub-brand: #0b5394;" in css
    assert "--hub-brand-text: #ffffff;" in css
    assert "immutable" in response["Cache-Control"]
    assert "Set-Cookie" not in response


@pytest.mark.parametrize(
    "address",
    [
        "/merkefarge/0B5394.css",
        "/merkefarge/0b53944.css",
        "/merkefarge/red.css",
        "/merkefarge/0b539.css",
        "/merkefarge/0b5394.css/x",
        "/merkefarge/%3Cscript%3E.css",
    ],
)
def test_brand_stylesheet__anything_but_six_hex_digits__is_not_found(client, address):
    assert client.get(address).status_code == 404


@pytest.mark.django_db
def test_municipality_pages__link_their_colour_and_coat_of_arms(client):
    municipality = Municipality.objects.create(
        number="9999", name="Prøve", slug="provekommune", brand_colour="#1E6B52"
    )
    municipality.coat_of_arms.name = "kommunevapen/prove.png"
    municipality.save(update_fields=["coat_of_arms"])
    page = client.get("/provekommune/").content.decode()
    assert 'href="/merkefarge/1e6b52.css"' in page
    assert 'src="/media/kommunevapen/prove.png"' in page
    assert "Prøve kommune" in page
