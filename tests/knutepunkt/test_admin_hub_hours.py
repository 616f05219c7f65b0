"""Hub staff change this week's hours on the hub's own page in the admin, through the real
admin URL: the regular weekly hours (the period valid today) and the exceptions from today
on, saved by the opening-hours services and shown on the public hub page at once. Another
hub's staff cannot; wrong hours are refused with a message and nothing saved."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.test import Client

from knutepunkt.enums import ExceptionKind, SpanState
from knutepunkt.models import OpeningHoursException, OpeningHoursPeriod, OpeningHoursSpan
from knutepunkt.selectors import local_today
from tests.walk.checks import form_as_submitted

from .factories import (
    DistrictFactory,
    ExceptionFactory,
    HubFactory,
    MunicipalityFactory,
    hub_staff,
    municipality_admin,
    weekday_hours,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hubs():
    asker = MunicipalityFactory(name="Asker", slug="asker")
    heggedal = HubFactory(district=DistrictFactory(municipality=asker), slug="heggedal")
    holmen = HubFactory(district=DistrictFactory(municipality=asker), slug="holmen")
    weekday_hours(heggedal, opens=time(10), closes=time(16))
    return {"asker": asker, "heggedal": heggedal, "holmen": holmen}


def _browser(user) -> Client:
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    return browser


def _change_url(hub) -> str:
    return f"/admin/knutepunkt/hub/{hub.pk}/change/"


def _form(browser, hub) -> dict[str, list[str]]:
    page = browser.get(_change_url(hub))
    assert page.status_code == 200
    data = form_as_submitted(page.content.decode(), "hub_form")
    assert data, "no hub form on the page"
    data["_save"] = ["Lagre"]
    return data


def _row_of(data, prefix: str, weekday: int) -> int:
    for index in range(int(data[f"{prefix}-TOTAL_FORMS"][0])):
        if data.get(f"{prefix}-{index}-weekday") == [str(weekday)]:
            return index
    raise AssertionError(f"no row for weekday {weekday}")


def _new_exception(data, **values) -> None:
    """Fill the empty row of the exceptions the page offers."""
    prefix = "hour_exceptions"
    index = int(data[f"{prefix}-INITIAL_FORMS"][0])
    assert int(data[f"{prefix}-TOTAL_FORMS"][0]) > index, "no empty row for a new exception"
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = [value]


def _public_week(client, hub) -> dict[str, str]:
    """The public hub page's table of the coming seven days: its rows' texts by date."""
    page = client.get(f"/{hub.municipality.slug}/knutepunkt/{hub.slug}/").content.decode()
    table = page[page.index('class="ds-table hours-table"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        day = re.search(r"(\d+)\.(\d+)\.", text)
        rows[f"{int(day[1])}.{int(day[2])}."] = text
    return rows


def _key(day) -> str:
    return f"{day.day}.{day.month}."


def test_hub_staff_change_this_weeks_hours_on_the_hub_page_and_the_public_sees_them(
    hubs, client, django_capture_on_commit_callbacks
):
    heggedal, today = hubs["heggedal"], local_today()
    tomorrow = today + timedelta(days=1)
    before = _public_week(client, heggedal)  # cached now: the save must make it stale
    assert "10:00–16:00" in before[_key(today)]

    staff = _browser(hub_staff(heggedal))
    data = _form(staff, heggedal)
    row = _row_of(data, "weekly_hours", today.weekday())
    data[f"weekly_hours-{row}-opens"] = ["08:00"]
    data[f"weekly_hours-{row}-closes"] = ["20:00"]
    _new_exception(
        data,
        start_date=tomorrow.strftime("%d.%m.%Y"),
        end_date=tomorrow.strftime("%d.%m.%Y"),
        kind=ExceptionKind.SPECIAL_HOURS,
        reason="Kursdag",
        opens="12:00",
        closes="14:00",
        state=SpanState.SELF_SERVICE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(_change_url(heggedal), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    after = _public_week(client, heggedal)
    assert "08:00–20:00" in after[_key(today)]
    assert "Kursdag" in after[_key(tomorrow)]
    assert "12:00–14:00" in after[_key(tomorrow)]
    assert "10:00–16:00" not in after[_key(tomorrow)]
    # One period, its spans replaced by the service; the exception with its one span.
    period = OpeningHoursPeriod.objects.get(hub=heggedal)
    assert period.spans.count() == 7
    exception = OpeningHoursException.objects.get(hub=heggedal)
    assert [(s.opens, s.closes, s.state) for s in exception.spans.all()] == [
        (time(12), time(14), SpanState.SELF_SERVICE)
    ]


def test_the_hub_page_offers_the_exceptions_from_today_on_with_their_hours(hubs):
    heggedal, today = hubs["heggedal"], local_today()
    ExceptionFactory(
        hub=heggedal,
        start_date=today - timedelta(days=30),
        end_date=today - timedelta(days=29),
        reason="Gammel stenging",
    )
    ExceptionFactory(hub=heggedal, start_date=today, end_date=today, reason="Stengt i dag")
    page = _browser(hub_staff(heggedal)).get(_change_url(heggedal)).content.decode()
    assert "Stengt i dag" in page
    assert "Gammel stenging" not in page


def test_a_hub_without_a_period_gets_one_from_today_when_hours_are_given(
    hubs, django_capture_on_commit_callbacks
):
    holmen = hubs["holmen"]
    staff = _browser(hub_staff(holmen))
    data = _form(staff, holmen)
    data["weekly_hours-0-weekday"] = [str(local_today().weekday())]
    data["weekly_hours-0-opens"] = ["09:00"]
    data["weekly_hours-0-closes"] = ["15:00"]
    data["weekly_hours-0-state"] = [SpanState.STAFFED]
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(_change_url(holmen), data).status_code == 302
    period = OpeningHoursPeriod.objects.get(hub=holmen)
    assert period.valid_from == local_today()
    assert [(s.opens, s.closes) for s in period.spans.all()] == [(time(9), time(15))]


def test_another_hubs_staff_can_neither_open_nor_change_the_hub_page(hubs):
    heggedal = hubs["heggedal"]
    own = _form(_browser(hub_staff(heggedal)), heggedal)
    row = _row_of(own, "weekly_hours", 0)
    own[f"weekly_hours-{row}-opens"] = ["06:00"]
    other = _browser(hub_staff(hubs["holmen"]))
    assert other.get(_change_url(heggedal)).status_code == 404
    assert other.post(_change_url(heggedal), own).status_code == 404
    assert not OpeningHoursSpan.objects.filter(opens=time(6)).exists()


def test_the_municipality_administrator_changes_the_hours_of_a_hub_of_the_municipality(
    hubs, django_capture_on_commit_callbacks
):
    heggedal = hubs["heggedal"]
    browser = _browser(municipality_admin(hubs["asker"]))
    data = _form(browser, heggedal)
    row = _row_of(data, "weekly_hours", 2)
    data[f"weekly_hours-{row}-closes"] = ["18:00"]
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(_change_url(heggedal), data).status_code == 302
    assert OpeningHoursSpan.objects.get(period__hub=heggedal, weekday=2).closes == time(18)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes": "07:00"}, "Stengetiden må være etter åpningstiden"),
        ({"opens": "25:99"}, "Oppgi et gyldig tidspunkt"),
        ({"note": "\x00"}, "Null-tegn er ikke tillatt"),
    ],
)
def test_wrong_weekly_hours_are_refused_on_the_row_and_nothing_is_saved(hubs, change, message):
    heggedal = hubs["heggedal"]
    staff = _browser(hub_staff(heggedal))
    data = _form(staff, heggedal)
    row = _row_of(data, "weekly_hours", 0)
    for name, value in change.items():
        data[f"weekly_hours-{row}-{name}"] = [value]
    response = staff.post(_change_url(heggedal), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OpeningHoursSpan.objects.get(period__hub=heggedal, weekday=0).opens == time(10)


def test_overlapping_weekly_hours_are_named_and_nothing_is_saved(hubs):
    heggedal = hubs["heggedal"]
    staff = _browser(hub_staff(heggedal))
    data = _form(staff, heggedal)
    index = int(data["weekly_hours-INITIAL_FORMS"][0])  # the empty row
    data[f"weekly_hours-{index}-weekday"] = ["0"]
    data[f"weekly_hours-{index}-opens"] = ["15:00"]
    data[f"weekly_hours-{index}-closes"] = ["18:00"]
    response = staff.post(_change_url(heggedal), data)
    assert response.status_code == 200
    assert "overlapper" in response.content.decode()
    assert OpeningHoursSpan.objects.filter(period__hub=heggedal).count() == 7


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"kind": ExceptionKind.CLOSED, "opens": "10:00", "closes": "12:00"},
            "Et stengt unntak har ingen åpningstider",
        ),
        ({"kind": ExceptionKind.SPECIAL_HOURS}, "trenger en åpnings- og en stengetid"),
        (
            {"kind": ExceptionKind.SPECIAL_HOURS, "opens": "14:00", "closes": "12:00"},
            "Stengetiden må være etter åpningstiden",
        ),
    ],
)
def test_wrong_exceptions_are_refused_on_the_row_and_nothing_is_saved(hubs, values, message):
    heggedal, today = hubs["heggedal"], local_today()
    staff = _browser(hub_staff(heggedal))
    data = _form(staff, heggedal)
    day = today.strftime("%d.%m.%Y")
    _new_exception(data, start_date=day, end_date=day, reason="Kurs", **values)
    response = staff.post(_change_url(heggedal), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OpeningHoursException.objects.filter(hub=heggedal).exists()


def test_an_exception_overlapping_another_on_the_page_is_refused_on_its_row(hubs):
    heggedal, today = hubs["heggedal"], local_today()
    ExceptionFactory(hub=heggedal, start_date=today, end_date=today + timedelta(days=3))
    staff = _browser(hub_staff(heggedal))
    data = _form(staff, heggedal)
    day = (today + timedelta(days=1)).strftime("%d.%m.%Y")
    _new_exception(data, start_date=day, end_date=day, reason="Kurs", kind=ExceptionKind.CLOSED)
    response = staff.post(_change_url(heggedal), data)
    assert response.status_code == 200
    assert "overlapper et annet avvik" in response.content.decode()
    assert OpeningHoursException.objects.filter(hub=heggedal).count() == 1
