"""The statements are edited by the municipality's own administrators in the scoped admin."""

import pytest

from knutepunkt.models import AccessibilityStatement, PrivacyStatement
from tests.knutepunkt.factories import HubFactory, hub_staff, municipality_admin

pytestmark = pytest.mark.django_db

URL = "/admin/knutepunkt/accessibilitystatement/"


def change_url(obj):
    return f"/admin/knutepunkt/{obj._meta.model_name}/{obj.pk}/change/"


def statement_form(**fields):
    return {
        "uustatus_url": "https://uustatus.no/nb/erklaringer/publisert/99",
        "last_reviewed": "2026-11-30",
        "text": "Vår egen erklæring.",
        "known_deviations": "",
        "feedback_email": "uu@example.no",
        "feedback_phone": "",
        **fields,
    }


def test_municipality_admin__writes_the_statement_and_the_page_shows_it_at_once(
    client, written, unwritten, django_capture_on_commit_callbacks
):
    assert "ikke skrevet sin egen" in client.get("/baerum/tilgjengelighet/").content.decode()
    client.force_login(municipality_admin(unwritten))
    form = client.get(URL + "add/").context["adminform"].form
    assert list(form.fields["municipality"].queryset) == [unwritten]  # only their own
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL + "add/",
            statement_form(
                municipality=unwritten.pk, text="<p>Vår egen erklæring.<script>x</script></p>"
            ),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    statement = AccessibilityStatement.objects.get(municipality=unwritten)
    assert statement.text == "<p>Vår egen erklæring.</p>"  # sanitised by the service
    client.logout()
    html = client.get("/baerum/tilgjengelighet/").content.decode()
    assert "Vår egen erklæring." in html and "ikke skrevet sin egen" not in html
    assert "https://uustatus.no/nb/erklaringer/publisert/99" in html


def test_municipality_admin__cannot_add_for_another_municipality(client, written, unwritten):
    client.force_login(municipality_admin(unwritten))
    response = client.post(URL + "add/", statement_form(municipality=written.pk))
    assert response.status_code == 200  # the form refuses the choice
    assert "municipality" in response.context["adminform"].form.errors
    assert not AccessibilityStatement.objects.filter(municipality=unwritten).exists()


def test_another_municipalitys_admin__gets_404_and_changes_nothing(client, written, unwritten):
    statement = written.accessibility_statement
    client.force_login(municipality_admin(unwritten))
    assert client.get(change_url(statement)).status_code == 404
    response = client.post(change_url(statement), statement_form(text="Kapret"))
    assert response.status_code == 404
    assert client.post(f"{URL}{statement.pk}/delete/", {"post": "yes"}).status_code == 404
    statement.refresh_from_db()
    assert statement.text.startswith("Portalen er testet")
    assert written.slug not in client.get(URL).content.decode()


def test_hub_staff__cannot_see_or_edit_the_statements(client, written):
    staff = hub_staff(HubFactory(district__municipality=written))
    client.force_login(staff)
    statement = written.accessibility_statement
    assert client.get(URL).status_code == 403
    assert client.get(URL + "add/").status_code == 403
    assert client.get(change_url(statement)).status_code in (403, 404)
    response = client.post(change_url(statement), statement_form(text="Endret av ansatt"))
    assert response.status_code in (403, 404)
    statement.refresh_from_db()
    assert statement.text.startswith("Portalen er testet")
    assert client.get("/admin/knutepunkt/privacystatement/").status_code == 403


def test_municipality_admin__edits_the_privacy_addition(client, written):
    client.force_login(municipality_admin(written))
    response = client.post(
        "/admin/knutepunkt/privacystatement/add/",
        {
            "municipality": written.pk,
            "contact_email": "postmottak@asker.example.no",
            "data_protection_officer": "Personvernombudet",
            "addition": (
                "Se også <a href='https://www.asker.kommune.no/personvern'>kommunens sider</a>."
            ),
        },
    )
    assert response.status_code == 302
    statement = PrivacyStatement.objects.get(municipality=written)
    client.logout()
    html = client.get("/asker/personvern/").content.decode()
    assert 'href="https://www.asker.kommune.no/personvern"' in html
    assert "postmottak@asker.example.no" in html
    assert statement.get_absolute_url() == "/asker/personvern/"


def test_admin_labels__are_norwegian(client, written):
    client.force_login(municipality_admin(written))
    html = client.get(change_url(written.accessibility_statement)).content.decode()
    for label in (
        "Erklæringen på uustatus.no",
        "Kjente avvik",
        "Sist gjennomgått",
        "E-post for tilbakemeldinger",
    ):
        assert label in html
