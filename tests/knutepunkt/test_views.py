"""The citizen pages through their real URLs."""

from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hubportal.search.services import search_rebuild
from tests.support.admin import admin_submit

from .factories import DistrictFactory, HubFactory, NewsFactory, hub_staff, weekday_hours

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _staff_client(hub) -> Client:
    """A member of the hub's staff, signed in (apart from the cookieless reader's client)."""
    staff = Client()
    staff.force_login(hub_staff(hub))
    return staff


def district_url(district):
    return f"/{district.municipality.slug}/{district.slug}/"


def test_front_page__lists_municipalities(client):
    district = DistrictFactory()
    response = client.get("/")
    assert district.municipality.name in response.content.decode()


def test_find_district__one_match__redirects_to_the_district(client):
    district = DistrictFactory(postcodes=["1389"])
    response = client.get("/finn-bydel/", {"postnummer": "1389"})
    assert response.status_code == 302
    assert response["Location"] == district_url(district)


def test_find_district__shared_postcode__offers_both(client):
    first, second = DistrictFactory(postcodes=["3470"]), DistrictFactory(postcodes=["3470"])
    page = client.get("/finn-bydel/", {"postnummer": "3470"}).content.decode()
    assert district_url(first) in page and district_url(second) in page


def test_find_district__unknown_postcode__says_so(client):
    response = client.get("/finn-bydel/", {"postnummer": "9999"})
    assert response.status_code == 200
    assert "Vi kjenner ikke postnummer 9999" in response.content.decode()


@pytest.mark.parametrize("bad", ["12", "abcd", "<b>1389</b>", "1" * 2000])
def test_find_district__malformed_postcode__form_error_in_norwegian(client, bad):
    response = client.get("/finn-bydel/", {"postnummer": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Et postnummer har fire sifre" in page
    assert "<b>1389</b>" not in page


def test_district_page__shows_hub_open_status_and_week(client):
    hub = HubFactory()
    weekday_hours(hub, opens=time(0), closes=time(0), past_midnight=True)  # open around the clock
    page = client.get(district_url(hub.district)).content.decode()
    assert hub.name in page
    assert "Åpent nå" in page
    assert page.count("<tr") >= 8  # header + seven days


def test_district_page__unknown_slug__helpful_404_in_norwegian(client):
    district = DistrictFactory()
    response = client.get(f"/{district.municipality.slug}/finnes-ikke/")
    assert response.status_code == 404
    assert "Vi fant ikke den siden" in response.content.decode()


def test_district_page__in_english(client):
    hub = HubFactory()
    page = client.get("/en" + district_url(hub.district)).content.decode()
    assert '<html lang="en">' in page and "Opening hours at" in page


def _queries_for(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_district_page__constant_queries_for_1_and_200_items(client):
    small, large = DistrictFactory(), DistrictFactory()
    for district, count in ((small, 1), (large, 200)):
        for n in range(count):
            hub = HubFactory(district=district)
            weekday_hours(hub, days=[n % 7])
            NewsFactory(municipality=district.municipality, district=district, hub=hub)
    assert _queries_for(client, district_url(small)) == _queries_for(client, district_url(large))


def test_municipality_page__constant_queries_for_1_and_200_hubs(client):
    small, large = DistrictFactory(), DistrictFactory()
    for n in range(200):
        weekday_hours(HubFactory(district=large), days=[n % 7])
    weekday_hours(HubFactory(district=small))
    assert _queries_for(client, f"/{small.municipality.slug}/") == _queries_for(
        client, f"/{large.municipality.slug}/"
    )


def test_district_page__cached_for_anonymous_and_fresh_after_an_edit(
    client, django_capture_on_commit_callbacks
):
    hub = HubFactory(description="Gammel tekst")
    url = district_url(hub.district)
    assert "Gammel tekst" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) <= 3  # from the cache: only the slug lookup and the session
    with django_capture_on_commit_callbacks(execute=True):
        edited = admin_submit(
            _staff_client(hub), f"/admin/knutepunkt/hub/{hub.pk}/change/", description="Ny tekst"
        )
    assert edited.status_code == 302
    assert "Ny tekst" in client.get(url).content.decode()


def test_news__only_published_items_show(client):
    district = DistrictFactory()
    now = timezone.now()
    NewsFactory(municipality=district.municipality, title="Synlig")
    NewsFactory(
        municipality=district.municipality, title="Fremtidig", publish_from=now + timedelta(days=1)
    )
    NewsFactory(
        municipality=district.municipality,
        title="Utløpt",
        publish_from=now - timedelta(days=3),
        publish_until=now - timedelta(days=1),
    )
    page = client.get(district_url(district)).content.decode()
    assert "Synlig" in page and "Fremtidig" not in page and "Utløpt" not in page


def test_search__misspelt_without_norwegian_letters__finds_bostotte(client):
    hub = HubFactory(description="Vi hjelper deg med søknad om bostøtte og startlån.")
    search_rebuild()
    page = client.get("/sok/", {"q": "bostote"}).content.decode()
    assert hub.name in page


def test_search__municipality_scope_excludes_others(client):
    here = HubFactory(name="Bibliotek her")
    there = HubFactory(name="Bibliotek der")
    search_rebuild()
    page = client.get(f"/{here.municipality.slug}/sok/", {"q": "bibliotek"}).content.decode()
    assert here.name in page and there.name not in page


def test_search__unpublished_news_is_not_found(client):
    district = DistrictFactory()
    NewsFactory(
        municipality=district.municipality,
        title="Hemmelig bostøtteendring",
        publish_from=timezone.now() + timedelta(days=2),
    )
    search_rebuild()
    assert "Hemmelig" not in client.get("/sok/", {"q": "bostøtteendring"}).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "a" * 2000,
        "<script>alert(1)</script>",
        "'; DROP TABLE knutepunkt_hub; --",
        "&|!():*",
    ],
)
def test_search__hostile_or_odd_input__safe_and_escaped(client, query):
    HubFactory()
    search_rebuild()
    response = client.get("/sok/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search__htmx_request__returns_the_results_partial(client):
    HubFactory(name="Heggedal innbyggertorg")
    search_rebuild()
    response = client.get("/sok/", {"q": "heggedal"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Heggedal innbyggertorg" in page and "<html" not in page


def test_find_district__browser_location__lists_nearest_hubs(client):
    near = HubFactory(name="Nær", latitude=59.78, longitude=10.44)
    HubFactory(name="Fjern", latitude=63.47, longitude=10.92)
    page = client.get("/finn-bydel/", {"lat": "59.79", "lon": "10.45"}).content.decode()
    assert page.index(near.name) < page.index("Fjern")


def test_find_district__nonsense_location__falls_back_to_the_postcode_form(client):
    response = client.get("/finn-bydel/", {"lat": "abc", "lon": "999"})
    assert response.status_code == 400
    assert "Postnummeret ditt" in response.content.decode()


def test_early_cache__cookieless_reader_gets_the_cached_page_and_an_edit_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    hub = HubFactory(description="Før endringen")
    url = district_url(hub.district)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Før endringen" in page and len(queries) == 0  # served before sessions and the view
    with django_capture_on_commit_callbacks(execute=True):
        edited = admin_submit(
            _staff_client(hub),
            f"/admin/knutepunkt/hub/{hub.pk}/change/",
            description="Etter endringen",
        )
    assert edited.status_code == 302
    assert "Etter endringen" in client.get(url).content.decode()


def test_early_cache__a_reader_with_a_language_cookie_is_not_served_from_it(client):
    hub = HubFactory()
    url = district_url(hub.district)
    client.get(url)
    client.cookies["hubportal_language"] = "en"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/en" + url
