"""A hub page's parallel views are tabs: its hours and each section it has (services,
events, rooms); its address and contact stay in sight below them. Without JavaScript a tab
is a link (?visning=) that shows its panel; a tab the hub has not is a 400 naming the
parameter."""

from __future__ import annotations

import re

import pytest

from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import HubFactory

pytestmark = pytest.mark.django_db


def _panels(page: str) -> dict[str, bool]:
    """{panel id: shown} of the page's tab panels."""
    return {
        key: "hidden" not in attributes
        for key, attributes in re.findall(r'<section id="([^"]+)" class="tab-panel"([^>]*)>', page)
    }


def test_hub_page__a_tab_per_view__the_first_shown(client):
    hub = HubFactory()
    ResourceFactory(hub=hub, name="Møterommet")
    page = client.get(hub.get_absolute_url()).content.decode()
    assert _panels(page) == {"apningstider": True, "rooms": False}
    assert 'id="facts-heading"' in page  # not a tab: always shown
    assert re.findall(r'<a id="tab-([^"]+)" data-tab=', page) == list(_panels(page))
    assert 'aria-current="page">Åpningstider</a>' in page


def test_hub_page__a_tab_chosen_by_link__shows_its_panel(client):
    hub = HubFactory()
    ResourceFactory(hub=hub, name="Møterommet")
    response = client.get(hub.get_absolute_url(), {"visning": "rooms"})
    assert _panels(response.content.decode()) == {"apningstider": False, "rooms": True}


def test_hub_page__a_tab_it_has_not__names_the_parameter(client):
    hub = HubFactory()  # no rooms: no rooms tab
    response = client.get(hub.get_absolute_url(), {"visning": "rooms"})
    assert response.status_code == 400 and "«visning»" in response.content.decode()
