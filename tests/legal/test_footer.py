"""Every page's footer links the legal pages and the language choice, and names the
municipality the page belongs to (the installation's contact on other pages)."""

import re

import pytest

pytestmark = pytest.mark.django_db

LANGUAGE_PREFIX = re.compile(r"^/(nn|en)/")


def footer_of(html: str) -> str:
    assert html.count("<footer") == 1
    return html[html.index("<footer") :]


def test_footer__on_every_page_type__links_the_statements_cookies_and_languages(
    client, portal_pages, citizen
):
    for url, municipality, signed_in in portal_pages:
        if signed_in:
            client.force_login(citizen)
        else:
            client.logout()
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        footer = footer_of(response.content.decode())
        match = LANGUAGE_PREFIX.match(url)
        prefix = f"/{match.group(1)}" if match else ""
        if municipality:
            assert f'href="{prefix}/{municipality}/tilgjengelighet/"' in footer, url
            assert f'href="{prefix}/{municipality}/personvern/"' in footer, url
            assert "Asker" in footer, url
        else:
            assert f'href="{prefix}/tilgjengelighet/"' in footer, url
            assert f'href="{prefix}/personvern/"' in footer, url
        assert f'href="{prefix}/informasjonskapsler/"' in footer, url
        for code in ("nb", "nn", "en"):
            assert f'href="/sprak/{code}/?next=' in footer, (url, code)


def test_footer__municipality_contact__is_shown_on_its_pages(client, written):
    footer = footer_of(client.get("/asker/").content.decode())
    assert 'href="tel:66909090"' in footer
    assert 'href="https://www.asker.kommune.no"' in footer
    assert 'href="/asker/tilgjengelighet/#feedback"' in footer


def test_footer__outside_a_municipality__shows_the_installations_contact(client, settings):
    settings.SITE_CONTACT_EMAIL = "kontakt@portal.example.no"
    footer = footer_of(client.get("/informasjonskapsler/").content.decode())
    assert 'href="mailto:kontakt@portal.example.no"' in footer
    assert 'href="/"' in footer  # "choose your municipality"
