"""The legal pages through their real URLs, for every municipality and language."""

import inspect

import pytest
from django.utils import translation

from hubportal.notifications.services import notification_purge_old
from innbyggertorg.services import registrations_purge_past
from knutepunkt import services
from knutepunkt.legal import (
    NOTIFICATION_RETENTION_DAYS,
    REGISTRATION_RETENTION_DAYS,
    necessary_cookies,
    personal_data,
)
from knutepunkt.models import AccessibilityStatement, PrivacyStatement

pytestmark = pytest.mark.django_db

PREFIX = {"nb": "", "nn": "/nn", "en": "/en"}
# The heading of each page in each language (from the catalogues, not from the code).
HEADINGS = {
    "accessibility": {
        "nb": "Tilgjengelighetserklæring for",
        "nn": "Tilgjengelegheitserklæring for",
        "en": "Accessibility statement for",
    },
    "privacy": {
        "nb": "Personvernerklæring for",
        "nn": "Personvernerklæring for",
        "en": "Privacy statement for",
    },
    "feedback": {
        "nb": "Meld fra om et tilgjengelighetsproblem",
        "nn": "Meld frå om eit tilgjengelegheitsproblem",
        "en": "Report an accessibility problem",
    },
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_statement_pages__render_for_every_municipality_in_every_language(
    client, written, unwritten, language
):
    for municipality in (written, unwritten):
        for page, path in (
            ("accessibility", "tilgjengelighet/"),
            ("privacy", "personvern/"),
            ("feedback", "tilgjengelighet/tilbakemelding/"),
        ):
            response = client.get(f"{PREFIX[language]}/{municipality.slug}/{path}")
            assert response.status_code == 200, (municipality, page)
            html = response.content.decode()
            assert f'<html lang="{language}">' in html
            assert HEADINGS[page][language] in html, (municipality, page, language)
            assert municipality.name in html


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_installation_pages__render_and_list_each_municipality(
    client, written, unwritten, language
):
    for path, target in (("tilgjengelighet/", "tilgjengelighet"), ("personvern/", "personvern")):
        html = client.get(f"{PREFIX[language]}/{path}").content.decode()
        for municipality in (written, unwritten):
            assert f'href="{PREFIX[language]}/{municipality.slug}/{target}/"' in html
    cookies = client.get(f"{PREFIX[language]}/informasjonskapsler/")
    assert cookies.status_code == 200


def test_accessibility__unwritten__says_so_and_shows_no_uustatus_link(client, unwritten):
    html = client.get("/baerum/tilgjengelighet/").content.decode()
    assert "Kommunen har ikke skrevet sin egen erklæring ennå" in html
    assert "uustatus.no" not in html
    assert "har ikke oppgitt en adresse for tilbakemeldinger" in html  # no form offered
    assert "/baerum/tilgjengelighet/tilbakemelding/" not in html.split("<footer")[0]


def test_accessibility__written__shows_the_text_link_and_feedback(client, written):
    html = client.get("/asker/tilgjengelighet/").content.decode()
    assert "ikke skrevet sin egen" not in html
    assert "<p>Portalen er testet av Asker kommune.</p><p>Vi retter feil fortløpende.</p>" in html
    assert "Kartet mangler tekstalternativ." in html
    assert 'href="https://uustatus.no/nb/erklaringer/publisert/1234"' in html
    assert 'href="/asker/tilgjengelighet/tilbakemelding/"' in html
    assert "mailto:tilgjengelighet@asker.example.no" in html


def test_statement_text__is_sanitised_when_saved_and_when_shown(client, written):
    statement = written.accessibility_statement
    statement.text = (
        '<p onclick="steal()">Hei <a href="javascript:alert(1)">x</a> '
        '<a href="https://www.asker.kommune.no/">kommunen</a></p><script>alert(2)</script>\x00'
    )
    services.accessibility_statement_save(statement=statement)
    statement.refresh_from_db()
    assert "script" not in statement.text and "onclick" not in statement.text
    assert "javascript:" not in statement.text and "\x00" not in statement.text
    # Even a row written past the service is sanitised when shown.
    AccessibilityStatement.objects.filter(pk=statement.pk).update(
        known_deviations="<img src=x onerror=alert(3)>Avvik"
    )
    html = client.get("/asker/tilgjengelighet/").content.decode()
    assert "onerror" not in html and "<img" not in html and "alert(2)" not in html
    assert '<a href="https://www.asker.kommune.no/" rel="noopener noreferrer">kommunen</a>' in html
    assert "<p>Avvik</p>" in html


def test_privacy__names_what_is_stored_the_controller_and_the_rights(client, written):
    PrivacyStatement.objects.create(
        municipality=written,
        contact_email="personvern@asker.example.no",
        data_protection_officer="Personvernombudet i Asker",
        addition="Les mer på kommunens egne sider.",
    )
    html = client.get("/asker/personvern/").content.decode()
    with translation.override("nb"):
        for item in personal_data():
            assert str(item.title) in html
            assert str(item.retention) in html
    assert "Asker er behandlingsansvarlig" in html
    assert "mailto:personvern@asker.example.no" in html
    assert "Personvernombudet i Asker" in html
    assert "Les mer på kommunens egne sider." in html
    assert 'href="/konto/mine-data/"' in html and 'href="/konto/slett/"' in html
    assert 'href="/informasjonskapsler/"' in html
    assert "datatilsynet.no" in html


def test_privacy__retention_periods_are_those_the_code_deletes_after(client, written):
    purge_registrations = inspect.signature(registrations_purge_past).parameters["older_than"]
    purge_notifications = inspect.signature(notification_purge_old).parameters["older_than"]
    assert purge_registrations.default.days == REGISTRATION_RETENTION_DAYS
    assert purge_notifications.default.days == NOTIFICATION_RETENTION_DAYS
    html = client.get("/asker/personvern/").content.decode()
    assert f"Slettes {REGISTRATION_RETENTION_DAYS} dager etter arrangementet" in html
    assert f"Slettes {NOTIFICATION_RETENTION_DAYS} dager etter at den ble sendt" in html


def test_cookie_notice__lists_every_necessary_cookie(client, settings):
    html = client.get("/informasjonskapsler/").content.decode()
    assert "bare nødvendige informasjonskapsler" in html
    names = [cookie.name for cookie in necessary_cookies()]
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME} <= set(names)
    assert settings.LANGUAGE_COOKIE_NAME in names
    for name in names:
        assert f"<code>{name}</code>" in html
    assert "1 år" in html  # the CSRF and language cookies
    assert "14 dager" in html  # the session


def test_admin_edit__shows_on_the_cached_page_at_once(
    client, written, django_capture_on_commit_callbacks
):
    first = client.get("/asker/tilgjengelighet/").content.decode()
    assert "Portalen er testet av Asker kommune." in first
    assert client.get("/asker/tilgjengelighet/").content.decode() == first  # from the cache
    statement = written.accessibility_statement
    statement.text = "Ny tekst etter gjennomgang."
    with django_capture_on_commit_callbacks(execute=True):
        services.accessibility_statement_save(statement=statement)
    assert "Ny tekst etter gjennomgang." in client.get("/asker/tilgjengelighet/").content.decode()


def test_unknown_municipality__is_404(client):
    assert client.get("/finnes-ikke/tilgjengelighet/").status_code == 404
    assert client.get("/finnes-ikke/personvern/").status_code == 404
    assert client.get("/finnes-ikke/tilgjengelighet/tilbakemelding/").status_code == 404
