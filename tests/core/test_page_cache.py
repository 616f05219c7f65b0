"""One shared copy of a public page serves every reader; the personal regions (account
menu, CSRF header, messages) are each reader's own."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import HubFactory, UserFactory, hub_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def url():
    hub = HubFactory(description="Språkkafé hver tirsdag")
    return f"/{hub.municipality.slug}/{hub.district.slug}/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csrf_in_form(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_signed_in_readers__share_the_page_but_each_gets_their_own_menu(url):
    citizen = _signed_in(UserFactory(email="innbygger@example.no"))
    staff = _signed_in(UserFactory(email="ansatt@example.no", is_staff=True))
    first = citizen.get(url)  # builds the shared copy
    assert "Språkkafé hver tirsdag" in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = staff.get(url)  # from the shared copy
    assert len(queries) <= 4  # session, user, slug lookup: the page itself is not rebuilt
    citizen_page, staff_page = first.content.decode(), second.content.decode()
    assert "Logg ut" in citizen_page and "Logg ut" in staff_page
    assert "Administrasjon" in staff_page and "Administrasjon" not in citizen_page
    assert _csrf_in_form(citizen_page) != _csrf_in_form(staff_page)
    assert "X-CSRFToken" in staff_page  # htmx posts carry the reader's own token
    assert "private" in second["Cache-Control"] and "public" not in second["Cache-Control"]


def test_cookieless_reader__gets_no_account_menu_and_no_token_after_a_signed_in_one(url):
    _signed_in(UserFactory()).get(url)
    page = Client().get(url)
    html = page.content.decode()
    assert "Logg inn" in html and "Logg ut" not in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert "public" in page["Cache-Control"]


def test_messages__shown_to_their_reader_only_and_never_cached(url):
    reader = _signed_in(UserFactory())
    reader.post(reverse("booking:renew_feed"))  # leaves a message for this reader
    with_message = reader.get(url)
    assert 'class="message' in with_message.content.decode()
    assert 'class="message' not in Client().get(url).content.decode()
    assert 'class="message' not in reader.get(url).content.decode()  # shown once


def _week_beyond_the_horizon():
    resource = ResourceFactory(horizon_days=7)
    monday = timezone.localdate() + timedelta(days=21)
    monday -= timedelta(days=monday.weekday())
    return resource, f"/rom/{resource.pk}/?uke={monday.isoformat()}"


def test_week_view__signed_in_citizens_share_one_copy():
    _, url = _week_beyond_the_horizon()
    _signed_in(UserFactory()).get(url)  # builds the shared copy
    other = _signed_in(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        page = other.get(url)
    # Session, user and the user's scope (one query per membership source: staff,
    # association coordinators, regional coordinators): the week is not worked out again.
    assert len(queries) <= 5
    assert "?start=" not in page.content.decode()  # beyond the horizon: nothing to book


def test_week_view__hub_staff_get_their_own_free_times_not_the_citizens_copy():
    resource, url = _week_beyond_the_horizon()
    _signed_in(UserFactory()).get(url)  # the citizens' copy is in the cache
    staff = _signed_in(hub_staff(resource.hub))
    with CaptureQueriesContext(connection) as queries:
        page = staff.get(url)
    assert len(queries) > 5  # built for this reader (more than the shared copy costs)
    assert "?start=" in page.content.decode()  # staff may book beyond the horizon
    assert "?start=" not in _signed_in(UserFactory()).get(url).content.decode()
