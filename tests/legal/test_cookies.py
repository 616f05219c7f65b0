"""The cookie notice stays true: every cookie the portal sets in a walk of its pages (read,
sign in, choose a language, send forms, see messages) is one the notice lists."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from hubportal.core.demo import DEMO_PASSWORD
from knutepunkt.legal import necessary_cookies

pytestmark = pytest.mark.django_db


def test_every_cookie_the_portal_sets__is_on_the_cookie_notice(portal_pages):
    listed = {cookie.name for cookie in necessary_cookies()}
    seen: dict[str, str] = {}
    client = Client()

    def visit(method, url, data=None, **extra):
        response = getattr(client, method)(url, data or {}, **extra)
        for name in response.cookies:
            seen.setdefault(name, url)
        return response

    for url, _municipality, signed_in in portal_pages:  # as a reader without an account
        if not signed_in:
            visit("get", url)
    visit("get", "/sprak/en/?next=/")
    visit("get", "/sprak/nb/?next=/")
    # Forms: a wrong password, then the right one; an accessibility report.
    visit("post", "/konto/login/", {"login": "innbygger@demo.hubportal.no", "password": "feil"})
    visit(
        "post", "/konto/login/", {"login": "innbygger@demo.hubportal.no", "password": DEMO_PASSWORD}
    )
    for url, _municipality, _signed_in in portal_pages:  # and signed in
        visit("get", url)
    visit("post", "/asker/tilgjengelighet/tilbakemelding/", {"page": "/", "problem": "Feil"})
    visit("post", "/konto/profil/", {"full_name": "Ny Navn", "language": "nn"})
    visit("post", "/konto/logout/")
    # Sign up (a new person, whose confirmation is pending).
    visit(
        "post",
        "/konto/signup/",
        {
            "email": "ny@example.no",
            "password1": "et-langt-passord-2026",
            "password2": "et-langt-passord-2026",
        },
    )

    unlisted = {name: url for name, url in seen.items() if name not in listed}
    assert not unlisted, f"cookies not on the cookie notice (name: first page): {unlisted}"
    # The walk is not empty: it met the session, CSRF and language cookies.
    assert {"sessionid", "csrftoken", "hubportal_language"} <= set(seen), seen
    assert get_user_model().objects.filter(email="ny@example.no").exists()
    assert EmailAddress.objects.filter(email="ny@example.no").exists()
