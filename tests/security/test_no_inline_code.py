"""The policy allows no inline scripts or styles, so the pages contain none: no <script>
without src (data blocks such as application/json are not run and are allowed), no <style>,
no style="" attributes, no on…="" handlers, no javascript: links. Checked in every template
of the project and of the apps it renders (allauth, the admin), and in the pages as served."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import allauth
import django.contrib.admin
import pytest
from django.contrib import admin
from django.utils import timezone

from tests.booking.factories import ResourceFactory
from tests.innbyggertorg.factories import EventFactory, ServiceOfferFactory
from tests.knutepunkt.factories import HubFactory, UserFactory, hub_staff

ROOT = Path(__file__).resolve().parents[2]
DATA_TYPES = {"application/json", "application/ld+json", "text/template"}
# allauth's phone and email *change* pages, which the portal does not offer
# (no phone numbers, ACCOUNT_CHANGE_EMAIL is off), carry a hidden form with a style="".
NOT_OFFERED = {"account/phone_change.html", "account/email_change.html"}
# The admin's change list has a <style> only for a ModelAdmin without actions at top and
# bottom: the test below shows the portal has none.
ONLY_WITHOUT_ACTION_BARS = "admin/change_list.html"


class InlineCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            runs = (attributes.get("type") or "text/javascript") not in DATA_TYPES
            self._script = "src" not in attributes and runs

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}…")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def _templates():
    folders = [
        ROOT / "templates",
        Path(allauth.__file__).parent / "templates",
        Path(django.contrib.admin.__file__).parent / "templates",
    ]
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            relative = path.relative_to(folder).as_posix()
            if (
                "/email/" in f"/{relative}"
                or relative in NOT_OFFERED
                or (folder.parent.name == "admin" and relative == ONLY_WITHOUT_ACTION_BARS)
            ):
                continue  # mail is not a page; see NOT_OFFERED
            if relative.startswith(("mfa/", "usersessions/", "socialaccount/snippets/")):
                continue  # allauth apps the portal does not install
            yield pytest.param(path, id=f"{folder.parent.name}/{relative}")


@pytest.mark.parametrize("path", list(_templates()))
def test_template__has_no_inline_script_style_or_handler(path):
    assert inline_code(path.read_text()) == []


def test_admin__every_change_list_has_an_action_bar_so_no_inline_style():
    bare = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not model_admin.actions_on_top and not model_admin.actions_on_bottom
    ]
    assert bare == []


@pytest.mark.django_db
def test_served_pages__have_no_inline_code(client):
    hub = HubFactory()
    municipality = hub.municipality.slug
    event = EventFactory(hub=hub, starts_at=timezone.now() + timedelta(days=3))
    offer = ServiceOfferFactory(hub=hub)
    room = ResourceFactory(hub=hub)
    public = [
        "/",
        "/en/",
        f"/{municipality}/",
        f"/{municipality}/{hub.district.slug}/",
        f"/{municipality}/knutepunkt/{hub.slug}/",
        f"/{municipality}/arrangementer/",
        event.get_absolute_url(),
        f"/{municipality}/tjenester/",
        offer.service_type.get_absolute_url(),
        "/rom/",
        f"/rom/{room.pk}/",
        "/frivillighet/",
        "/sok/?q=bibliotek",
        "/konto/login/",
        "/konto/signup/",
        "/konto/password/reset/",
        "/finnes-ikke/heller-ikke/",
    ]
    citizen = ["/bookinger/", "/konto/profil/", "/frivillighet/mine-vakter/", "/konto/email/"]
    staff = [
        "/admin/",
        "/admin/knutepunkt/hub/",
        f"/admin/knutepunkt/hub/{hub.pk}/change/",
        "/admin/booking/booking/",
        "/admin/booking/usage/",
        "/admin/password_change/",
    ]
    found = {}
    for urls, user in ((public, None), (citizen, UserFactory()), (staff, hub_staff(hub))):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            if inline_code(response.content.decode()):
                found[url] = inline_code(response.content.decode())
    assert found == {}
