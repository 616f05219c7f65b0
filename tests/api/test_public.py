"""The public API: what each read answers, paging, filters, CORS and conditional GETs."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.test import Client

from hubportal.core.services import content_save

pytestmark = pytest.mark.django_db


def get(client: Client, path: str, **headers):
    return client.get(path, headers=headers)


def local(url: str) -> str:
    """The path and query of an absolute address the API gave."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_hubs__list__gives_address_coordinates_accessibility_and_calendar_links(api_world):
    response = get(Client(), "/api/v1/hubs?municipality=asker")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["count"] == 1
    hub = body["items"][0]
    assert hub["name"] == "Heggedal knutepunkt"
    assert hub["address"]["postcode"] == "1389"
    assert hub["coordinates"] == {"latitude": 59.78, "longitude": 10.44}
    assert hub["accessibility"]["step_free_entrance"] is True
    assert hub["accessibility"]["accessible_toilet"] is False
    assert hub["links"]["events_calendar"].endswith(
        f"/asker/knutepunkt/{api_world.hub.slug}/arrangementer.ics"
    )
    assert hub["links"]["opening_hours"].endswith(f"/api/v1/hubs/{api_world.hub.pk}/opening-hours")
    # The calendar feed the API links to answers.
    feed = Client().get(local(hub["links"]["events_calendar"]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")


def test_hubs__paging__count_next_and_previous(api_world):
    first = get(Client(), "/api/v1/hubs?limit=1").json()
    assert first["count"] == 2 and len(first["items"]) == 1
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/hubs?limit=1&offset=1")
    second = get(Client(), local(first["next"])).json()
    assert second["next"] is None and second["previous"].endswith("offset=0")
    assert second["items"][0]["id"] != first["items"][0]["id"]


def test_opening_hours__christmas_week__exception_dated_hours_and_holiday_resolved(api_world):
    hub = api_world.hub
    response = get(Client(), f"/api/v1/hubs/{hub.pk}/opening-hours?start=2027-12-22&end=2027-12-28")
    assert response.status_code == 200
    days = {day["date"]: day for day in response.json()["days"]}
    assert len(days) == 7
    # An ordinary day of the exception: its undated special hours.
    assert [(p["start_time"], p["end_time"]) for p in days["2027-12-22"]["periods"]] == [
        ("10:00", "14:00")
    ]
    assert (
        days["2027-12-22"]["is_exception"]
        and days["2027-12-22"]["exception_reason"] == "Julestengt"
    )
    # The date with hours of its own.
    assert [(p["start_time"], p["end_time"]) for p in days["2027-12-23"]["periods"]] == [
        ("10:00", "12:00")
    ]
    # Christmas Eve (a closed eve) and Christmas Day inside a week-long exception: closed.
    assert days["2027-12-24"]["periods"] == [] and days["2027-12-24"]["holiday"] == "Julaften"
    assert days["2027-12-25"]["is_open"] is False and days["2027-12-25"]["holiday"]
    # After the exception: regular hours, staffed then self-service.
    periods = days["2027-12-28"]["periods"]
    assert [(p["state"], p["staffed"], p["self_service"]) for p in periods] == [
        ("staffed", True, False),
        ("self_service", False, True),
    ]
    assert periods[0]["start"] == "2027-12-28T10:00:00+01:00"


def test_opening_hours__language__holiday_named_in_english(api_world):
    url = f"/api/v1/hubs/{api_world.hub.pk}/opening-hours?start=2027-12-25&end=2027-12-25&lang=en"
    response = get(Client(), url)
    assert response.json()["days"][0]["holiday"] == "Christmas Day"
    assert response["Content-Language"] == "en"
    again = get(Client(), url)  # the shared copy says so too
    assert again["Content-Language"] == "en"


def test_opening_hours__summer_time__offsets_follow_the_clock(api_world):
    url = f"/api/v1/hubs/{api_world.hub.pk}/opening-hours?start=2027-10-30&end=2027-11-01"
    days = get(Client(), url).json()["days"]
    assert days[0]["periods"][0]["start"].endswith("+02:00")
    assert days[2]["periods"][0]["start"].endswith("+01:00")


def test_opening_hours__many_hubs_at_once(api_world):
    body = get(
        Client(), "/api/v1/opening-hours?municipality=asker&start=2027-01-04&end=2027-01-05"
    ).json()
    assert body["count"] == 1
    assert body["items"][0]["hub_id"] == api_world.hub.pk
    assert len(body["items"][0]["days"]) == 2


def test_services__rotating_hours__visits_on_tuesdays(api_world):
    service = api_world.service
    listed = get(Client(), "/api/v1/services?municipality=asker").json()
    assert [s["name"] for s in listed["items"]] == ["NAV-veileder"]
    assert listed["items"][0]["offered_at"][0]["hub_id"] == api_world.hub.pk
    hours = get(Client(), f"/api/v1/services/{service.pk}/hours?start=2027-01-04&end=2027-01-17")
    visits = hours.json()["visits"]
    assert [v["date"] for v in visits] == ["2027-01-05", "2027-01-12"]
    assert visits[0]["start"] == "2027-01-05T12:00:00+01:00"


def test_events__registration_status_and_free_places(api_world):
    body = get(Client(), "/api/v1/events").json()
    by_title = {e["title"]: e for e in body["items"]}
    assert by_title["Språkkafé"]["registration"]["status"] == "open"
    assert by_title["Språkkafé"]["registration"]["free_places"] == 10
    assert by_title["Forfatterbesøk"]["registration"]["status"] == "full_waiting_list"
    assert by_title["Forfatterbesøk"]["registration"]["free_places"] == 0
    free = get(Client(), "/api/v1/events?free=true").json()
    assert [e["title"] for e in free["items"]] == ["Språkkafé"]
    assert by_title["Språkkafé"]["links"]["calendar"].endswith(
        f"/asker/arrangementer/{api_world.event.pk}/kalender.ics"
    )


def test_news__only_what_is_published_now(api_world):
    body = get(Client(), "/api/v1/news?municipality=asker").json()
    assert [n["title"] for n in body["items"]] == ["Ny åpningstid"]


def test_resources__free_times_are_the_week_grids_free_cells(api_world):
    room = api_world.room
    listed = get(Client(), "/api/v1/resources?municipality=asker").json()
    assert [r["id"] for r in listed["items"]] == [room.pk]
    response = get(Client(), f"/api/v1/resources/{room.pk}/free-times?week=2027-03-03")
    assert response.status_code == 200
    body = response.json()
    assert body["week"] == "2027-03-01"
    assert len(body["days"]) == 7
    assert all(day["free"] for day in body["days"])  # open all day, nothing booked
    stretch = body["days"][0]["free"][0]
    assert stretch["first_start"] <= stretch["last_start"]


def test_opportunities__with_coming_shifts_and_free_places(api_world):
    body = get(Client(), "/api/v1/volunteering/opportunities").json()
    assert [o["title"] for o in body["items"]] == ["Leksehjelp"]
    assert body["items"][0]["shifts"][0]["free_places"] == 2


def test_every_detail_read_answers(api_world):
    w = api_world
    for path in (
        f"/api/v1/municipalities/{w.municipality.pk}",
        f"/api/v1/districts/{w.district.pk}",
        f"/api/v1/hubs/{w.hub.pk}",
        f"/api/v1/services/{w.service.pk}",
        f"/api/v1/events/{w.event.pk}",
        f"/api/v1/resources/{w.room.pk}",
        f"/api/v1/volunteering/opportunities/{w.opportunity.pk}",
        "/api/v1/municipalities",
        "/api/v1/districts?postcode=1389",
    ):
        response = get(Client(), path)
        assert response.status_code == 200, path


def test_cors__any_origin_may_read_the_api_but_not_the_portal(api_world):
    response = Client().get("/api/v1/hubs", headers={"Origin": "https://www.asker.kommune.no"})
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = Client().options(
        "/api/v1/hubs",
        headers={"Origin": "https://x.example", "Access-Control-Request-Method": "GET"},
    )
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    page = Client().get("/", headers={"Origin": "https://www.asker.kommune.no"})
    assert "Access-Control-Allow-Origin" not in page


def test_conditional_get__etag_and_last_modified_give_304(api_world):
    first = get(Client(), "/api/v1/hubs")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    again = Client().get("/api/v1/hubs", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    since = Client().get("/api/v1/hubs", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = Client().get("/api/v1/hubs", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_shared_copy__an_edit_is_seen_at_once(api_world, django_capture_on_commit_callbacks):
    before = get(Client(), f"/api/v1/hubs/{api_world.hub.pk}")
    hub = api_world.hub
    hub.name = "Heggedal innbyggertorg"
    with django_capture_on_commit_callbacks(execute=True):
        content_save(obj=hub)
    after = Client().get(f"/api/v1/hubs/{hub.pk}", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after.json()["name"] == "Heggedal innbyggertorg"


def test_openapi__3_1_with_every_operation(api_world):
    response = get(Client(), "/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    for path in (
        "/api/v1/hubs",
        "/api/v1/hubs/{hub_id}/opening-hours",
        "/api/v1/events",
        "/api/v1/resources/{resource_id}/free-times",
        "/api/v1/volunteering/opportunities",
    ):
        assert path in spec["paths"], path


def test_docs__swagger_ui_from_our_own_static_files(api_world):
    response = get(Client(), "/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the CSP allows no inline script


def test_dates__default_week_starts_today(api_world):
    body = get(Client(), f"/api/v1/hubs/{api_world.hub.pk}/opening-hours").json()
    assert len(body["days"]) == 7
    assert date.fromisoformat(body["start"]) <= date.fromisoformat(body["days"][0]["date"])
