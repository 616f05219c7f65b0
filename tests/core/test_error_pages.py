"""The 500 and 503 pages: the portal's layout in the reader's language, rendered without the
database (a 503 is served when the database has gone away)."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from hubportal.core import views as core_views


def _server_error(language: str, *, database_gone: bool):
    request = RequestFactory().get("/")
    with translation.override(language):
        if not database_gone:
            return core_views.server_error(request)
        try:
            raise OperationalError("the database went away")
        except OperationalError:
            return core_views.server_error(request)


@pytest.mark.parametrize(
    ("language", "database_gone", "status", "heading"),
    [
        ("nb", False, 500, "Noe gikk galt"),
        ("nn", False, 500, "Noko gjekk gale"),
        ("en", False, 500, "Something went wrong"),
        ("nb", True, 503, "Tjenesten er utilgjengelig et øyeblikk"),
        ("nn", True, 503, "Tenesta er utilgjengeleg eit augeblink"),
        ("en", True, 503, "The service is unavailable for a moment"),
    ],
)
def test_error_page__in_the_readers_language__in_the_portals_layout(
    language, database_gone, status, heading
):
    # No django_db mark: a query while rendering would fail the test (pytest-django).
    response = _server_error(language, database_gone=database_gone)
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert "designsystemet/designsystemet.css" in html and 'class="site-footer"' in html
    assert 'name="description"' in html
