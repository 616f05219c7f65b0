"""The feedback form of the accessibility statement: a report reaches the municipality's
address through the outbox; hostile or incomplete input sends and saves nothing."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from hubportal.notifications.models import Notification
from knutepunkt.legal_views import FEEDBACK_LIMIT

pytestmark = pytest.mark.django_db

URL = "/asker/tilgjengelighet/tilbakemelding/"
GOOD = {
    "page": "https://portal.example.no/asker/heggedal/",
    "problem": "Skjermleseren leser ikke åpningstidene.",
    "email": "innbygger@example.no",
}


def test_report__reaches_the_outbox_addressed_to_the_municipality(
    client, written, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, GOOD)
    assert response.status_code == 302
    assert response["Location"] == URL + "?sendt=1"
    message = Notification.objects.get()
    assert message.to_address == "tilgjengelighet@asker.example.no"
    assert message.recipient is None
    assert message.language == "nb"
    assert "Asker" in message.subject and "tilgjengelighet" in message.subject.lower()
    assert GOOD["page"] in message.body_text
    assert GOOD["problem"] in message.body_text
    assert "innbygger@example.no" in message.body_text
    assert "/asker/tilgjengelighet/" in message.body_text
    thanks = client.get(response["Location"]).content.decode()
    assert "Takk for at du sa fra" in thanks


def test_report__without_an_email__is_sent_and_says_no_answer_is_expected(client, written):
    response = client.post(URL, {**GOOD, "email": ""})
    assert response.status_code == 302
    assert "ikke oppgitt e-postadresse" in Notification.objects.get().body_text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**GOOD, "problem": "Feil\x00her"}, "problem", "usynlig kontrolltegn (NUL)"),
        ({**GOOD, "page": "\x00"}, "page", "usynlig kontrolltegn (NUL)"),
        ({**GOOD, "problem": "x" * 100_000}, "problem", "Skriv høyst 5000 tegn (dette har 100000)"),
        ({**GOOD, "page": "   "}, "page", "Feltet er påkrevet"),
        ({"email": "a@example.no"}, "problem", "Feltet er påkrevet"),
        ({**GOOD, "email": "ikke-en-adresse"}, "email", "Oppgi en gyldig e-postadresse"),
        ({**GOOD, "email": "a\x00@example.no"}, "email", "usynlig kontrolltegn (NUL)"),
    ],
)
def test_hostile_or_missing_input__says_what_is_wrong_on_the_field_and_saves_nothing(
    client, written, data, field, message
):
    response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html  # on the field
    assert f'href="#id_{field}"' in html  # and in the summary, linking to it
    assert "\x00" not in html
    assert Notification.objects.count() == 0


def test_without_csrf_token__is_refused(written):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, GOOD).status_code == 403
    assert Notification.objects.count() == 0


def test_many_reports__are_rate_limited_with_a_clear_message(client, written):
    for _ in range(FEEDBACK_LIMIT):
        assert client.post(URL, GOOD).status_code == 302
    response = client.post(URL, GOOD)
    assert response.status_code == 429
    assert "mange meldinger på kort tid" in response.content.decode()
    assert Notification.objects.count() == FEEDBACK_LIMIT
    # Another address is not limited by this one.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(URL, GOOD).status_code == 302


def test_municipality_without_a_feedback_address__offers_no_form_and_sends_nothing(
    client, unwritten
):
    page = client.get("/baerum/tilgjengelighet/tilbakemelding/").content.decode()
    assert "<form" not in page.split("<footer")[0] or 'method="post"' not in page
    response = client.post("/baerum/tilgjengelighet/tilbakemelding/", GOOD)
    assert response.status_code == 400
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nb", "Hva som gikk galt"),
        ("nn", "Kva som gjekk gale"),
        ("en", "What went wrong"),
    ],
)
def test_message_template__is_translated(language, words):
    context = {
        "municipality": "Asker",
        "page": "p",
        "problem": "q",
        "reply_to": "",
        "reporter_language": language,
        "statement_url": "/asker/tilgjengelighet/",
        "site_url": "https://portal.example.no",
    }
    with translation.override(language):
        body = render_to_string("knutepunkt/email/accessibility_feedback_message.txt", context)
        subject = render_to_string("knutepunkt/email/accessibility_feedback_subject.txt", context)
    assert words in body
    assert "Asker" in subject


def test_rate_limit__behind_a_trusted_proxy__counts_each_citizen_apart(client, written, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # as django-allauth's login limits see them
    for _ in range(FEEDBACK_LIMIT):
        assert client.post(URL, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert client.post(URL, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert client.post(URL, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
