"""The admin is named for the municipality its staff member works for, in their language:
"Asker — administrasjon", never "Django-administrasjon"."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from .factories import DistrictFactory, HubFactory, MunicipalityFactory, UserFactory, hub_staff
from .factories import municipality_admin as make_municipality_admin

pytestmark = pytest.mark.django_db

HEADERS = {
    "nb": ("Asker — administrasjon", "hubportal — administrasjon"),
    "nn": ("Asker — administrasjon", "hubportal — administrasjon"),
    "en": ("Asker — administration", "hubportal — administration"),
}
PREFIX = {"nb": "", "nn": "/nn", "en": "/en"}


@pytest.fixture
def people():
    asker = MunicipalityFactory(name="Asker", slug="asker")
    drammen = MunicipalityFactory(name="Drammen", slug="drammen")
    heggedal = HubFactory(district=DistrictFactory(municipality=asker))
    bragernes = HubFactory(district=DistrictFactory(municipality=drammen))
    in_two = hub_staff(heggedal, email="to-kommuner@example.no")
    hub_staff(bragernes, email="to-kommuner@example.no")
    return {
        "hub_staff": hub_staff(heggedal),
        "municipality_admin": make_municipality_admin(asker),
        "staff_of_two_municipalities": in_two,
        "superuser": UserFactory(email="super@example.no", is_staff=True, is_superuser=True),
    }


def _header_and_title(user, language: str) -> tuple[str, str]:
    browser = Client()
    browser.force_login(user)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = browser.get(f"{PREFIX[language]}/admin/").content.decode()
    assert "Django" not in page
    header = re.search(r'<div id="site-name"><a [^>]*>([^<]*)</a>', page)[1]
    title = re.search(r"<title>([^<]*)</title>", page)[1]
    return header, title


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize(
    ("role", "named_for_asker"),
    [
        ("hub_staff", True),
        ("municipality_admin", True),
        ("staff_of_two_municipalities", False),
        ("superuser", False),
    ],
)
def test_the_admin_is_named_for_the_staff_members_municipality(
    people, role, named_for_asker, language
):
    asker, installation = HEADERS[language]
    want = asker if named_for_asker else installation
    header, title = _header_and_title(people[role], language)
    assert header == want
    assert title.endswith(f"| {want}")


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_admin_sign_in_page_is_the_installations(language):
    page = Client().get(f"{PREFIX[language]}/admin/login/").content.decode()
    assert "Django" not in page
    assert HEADERS[language][1] in page
