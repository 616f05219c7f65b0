"""Bad input: a clear JSON error naming the parameter, with the right status, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def error(path: str, **headers):
    response = Client().get(path, headers=headers)
    assert response["Content-Type"].startswith("application/json"), (path, response.content[:200])
    return response.status_code, response.json()


def fields(body) -> list:
    return [e["field"] for e in body["errors"]]


def test_unknown_filter__400_naming_it(api_world):
    status, body = error("/api/v1/hubs?kommune=asker")
    assert status == 400
    assert fields(body) == ["kommune"]
    assert body["errors"][0]["code"] == "unknown_parameter"
    assert "kommune" in body["detail"] and "municipality" in body["detail"]


def test_malformed_date__422_naming_it(api_world):
    status, body = error(f"/api/v1/hubs/{api_world.hub.pk}/opening-hours?start=17.03.2027")
    assert status == 422
    assert fields(body) == ["start"]
    assert body["errors"][0]["code"] == "not_date"


def test_date_range_too_long__422_naming_end(api_world):
    path = f"/api/v1/hubs/{api_world.hub.pk}/opening-hours?start=2027-01-01&end=2027-12-31"
    status, body = error(path)
    assert status == 422
    assert fields(body) == ["end"] and body["errors"][0]["code"] == "range_too_long"
    status, body = error(path.replace("2027-12-31", "2026-12-31"))
    assert status == 422 and body["errors"][0]["code"] == "order"


def test_page_size_beyond_the_maximum__422_naming_limit(api_world):
    status, body = error("/api/v1/events?limit=1000")
    assert status == 422
    assert fields(body) == ["limit"] and body["errors"][0]["code"] == "too_large"
    assert "100" in body["errors"][0]["message"]


def test_id_beyond_bigint_or_not_a_number__never_a_500(api_world):
    assert error("/api/v1/hubs/99999999999999999999")[0] == 422
    assert error("/api/v1/hubs/0")[0] == 422
    status, body = error("/api/v1/hubs/-1")
    assert status == 422 and fields(body) == ["hub_id"]
    status, body = error("/api/v1/hubs/abc")
    assert status == 422 and body["errors"][0]["code"] == "not_integer"
    assert error("/api/v1/hubs/123456789")[0] == 404
    assert error("/api/v1/nothing-here")[0] == 404
    assert error("/api/v2/hubs")[0] == 404


def test_wrong_choice_and_wrong_boolean__422(api_world):
    status, body = error("/api/v1/events?category=rave")
    assert status == 422 and fields(body) == ["category"]
    status, body = error("/api/v1/hubs?hearing_loop=kanskje")
    assert status == 422 and fields(body) == ["hearing_loop"]
    status, body = error("/api/v1/hubs?lang=de")
    assert status == 422 and fields(body) == ["lang"]


def test_nul_and_far_dates__refused_clearly(api_world):
    status, body = error("/api/v1/hubs?municipality=a%00b")
    assert status == 400 and fields(body) == ["municipality"]
    status, body = error(f"/api/v1/hubs/{api_world.hub.pk}/opening-hours?start=9999-12-31")
    assert status == 422 and fields(body) == ["start"]


@pytest.mark.parametrize(
    ("headers", "query", "words"),
    [
        ({}, "", "Ukjent parameter"),
        ({"Accept-Language": "en"}, "", "Unknown parameter"),
        ({"Accept-Language": "nn"}, "", "Ukjend parameter"),
        ({"Accept-Language": "en"}, "&lang=nb", "Ukjent parameter"),
    ],
)
def test_error_language__lang_else_accept_language(api_world, headers, query, words):
    _status, body = error(f"/api/v1/hubs?x=1{query}", **headers)
    assert words in body["detail"]


@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31"])
def test_the_calendars_ends__answered(api_world, day):
    w = api_world
    for path in (
        f"/api/v1/hubs/{w.hub.pk}/opening-hours?start={day}",
        f"/api/v1/opening-hours?start={day}&end={day}",
        f"/api/v1/services/{w.service.pk}/hours?start={day}",
        f"/api/v1/resources/{w.room.pk}/free-times?week={day}",
        f"/api/v1/events?start={day}&end={day}",
    ):
        response = Client().get(path)
        assert response.status_code == 200, (path, response.content[:300])
