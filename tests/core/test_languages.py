"""Bokmål first; Nynorsk and English available; the choice is remembered."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "lang", "home"),
    [("/", "nb", "Forside"), ("/nn/", "nn", "Framside"), ("/en/", "en", "Home")],
)
def test_pages__each_language__render_translated(client, url, lang, home):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()
    assert f">{home}</a>" in response.content.decode()


def test_choose_language__english__sets_cookie_and_goes_to_the_english_page(client):
    response = client.get("/sprak/en/", {"next": "/konto/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/konto/login/"
    assert response.cookies["hubportal_language"].value == "en"


def test_choose_language__bokmal_from_english_page__goes_to_the_unprefixed_page(client):
    response = client.get("/sprak/nb/", {"next": "/en/konto/login/"})
    assert response["Location"] == "/konto/login/"
    assert response.cookies["hubportal_language"].value == "nb"


def test_choose_language__foreign_next__stays_on_this_site(client):
    response = client.get("/sprak/nn/", {"next": "https://evil.example.com/"})
    assert response["Location"] == "/nn/"


def test_choose_language__unknown_code__404(client):
    assert client.get("/sprak/xx/").status_code == 404


def test_anonymous_pages__carry_no_csrf_token(client):
    assert "csrfmiddlewaretoken" not in client.get("/").content.decode()


def test_returning_reader__english_cookie__is_sent_to_the_english_page(client):
    client.cookies["hubportal_language"] = "en"
    response = client.get("/konto/login/?next=/")
    assert response.status_code == 302
    assert response["Location"] == "/en/konto/login/?next=/"
    assert "Cookie" in response["Vary"]


def test_returning_reader__bokmal_cookie__stays_without_prefix(client):
    client.cookies["hubportal_language"] = "nb"
    assert client.get("/").status_code == 200


def test_healthz__language_cookie__never_redirects(client):
    client.cookies["hubportal_language"] = "nn"
    assert client.get("/healthz").status_code in (200, 503)
