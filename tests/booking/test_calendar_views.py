"""The room's week grid, the booking form and the free-room search through the real URLs:
the grid and the one-day list offer the same free times, HTMX gets only the week, the form
takes Norwegian dates and times and lengths from a list, and a refused form says what is
wrong at the top, linking to each field."""

from __future__ import annotations

import re
from datetime import time, timedelta
from html import unescape

import pytest
from django.utils import timezone

from booking.models import Booking
from knutepunkt.opening_hours import localise
from tests.knutepunkt.factories import UserFactory

from .factories import ResourceFactory
from .test_week_grid import hub_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client):
    user = UserFactory()
    client.force_login(user)
    return user


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def starts(html: str) -> set[str]:
    return set(re.findall(r"\?start=([^\"&]+)", unescape(html)))


def test_week_page__grid_legend_and_the_chosen_day(client):
    room = ResourceFactory(hub=hub_open(), only_in_opening_hours=True)
    monday = next_monday()
    wednesday = monday + timedelta(days=2)
    page = client.get(
        f"/rom/{room.pk}/", {"uke": monday.isoformat(), "dag": wednesday.isoformat()}
    ).content.decode()
    assert "data-week-grid" in page and "Slik leser du kalenderen" in page
    for word in ("Ledig", "Booket", "Holdt av for sesongen", "Stengt", "Kan ikke bookes"):
        assert word in page  # the legend names every state in words
    day_list = page[page.index('class="day-view"') :]
    assert re.search(r'<h3 id="day-heading">onsdag \d+\. \w+</h3>', day_list)
    grid = page[page.index("data-week-grid") : page.index('class="day-view"')]
    wednesdays = {s for s in starts(grid) if s.startswith(wednesday.isoformat())}
    assert wednesdays and starts(day_list) == wednesdays  # the same free times, one day


def test_week_page__htmx_gets_only_the_week(client):
    room = ResourceFactory(hub=hub_open())
    monday = next_monday()
    response = client.get(f"/rom/{room.pk}/", {"uke": monday.isoformat()}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="week-heading"' in page
    assert f"uke={(monday + timedelta(days=7)).isoformat()}" in page
    assert 'data-hx-target="#week"' in page


def test_week_page__today_is_marked(client):
    room = ResourceFactory(hub=hub_open())
    page = client.get(f"/rom/{room.pk}/").content.decode()
    assert page.count('aria-current="date"') == 1 and "I dag" in page


def test_week_page__a_day_outside_the_week_falls_back_and_a_bad_one_is_named(client):
    room = ResourceFactory(hub=hub_open())
    monday = next_monday()
    ok = client.get(f"/rom/{room.pk}/", {"uke": monday.isoformat(), "dag": "2030-01-01"})
    assert ok.status_code == 200
    assert ok.context["chosen"].day == monday  # not in the week, not this week: Monday
    bad = client.get(f"/rom/{room.pk}/", {"uke": monday.isoformat(), "dag": "i morgen"})
    assert bad.status_code == 400 and "«dag»" in bad.content.decode()


def test_booking_form__start_and_length_from_the_grid_in_norwegian_format(client, citizen):
    room = ResourceFactory(min_minutes=30, max_minutes=180, granularity_minutes=30)
    start = localise(next_monday() + timedelta(days=2), time(18))
    page = client.get(
        f"/rom/{room.pk}/book/", {"start": start.isoformat(timespec="minutes"), "lengde": "90"}
    ).content.decode()
    assert f'value="{start:%d.%m.%Y}"' in page and 'value="18:00"' in page
    assert '<option value="90" selected>1 time 30 minutter, til kl. 19:30</option>' in page
    lengths = re.findall(r'<option value="(\d+)"', page)
    assert lengths == ["30", "60", "90", "120", "150", "180"]  # the room's lengths only
    assert "Dag.måned.år, for eksempel 17.03.2027." in page
    assert 'aria-describedby="id_day_helptext"' in page


def test_booking_form__a_length_not_offered_is_ignored_as_a_suggestion(client, citizen):
    room = ResourceFactory()
    page = client.get(f"/rom/{room.pk}/book/", {"lengde": "7"}).content.decode()
    assert re.search(r'<option value="30" selected>', page)


def test_booking_form__norwegian_date_and_time_book(client, citizen):
    room = ResourceFactory()
    day = next_monday() + timedelta(days=1)
    response = client.post(
        f"/rom/{room.pk}/book/",
        {
            "day": day.strftime("%d.%m.%Y"),
            "start": "18.30",
            "minutes": "60",
            "purpose": "Strikkekafé",
            "attendees": "6",
            "repeat": "none",
            "until": "01.01.2099",  # left over from choosing a repeat: means nothing now
        },
    )
    assert response.status_code == 302
    occurrence = Booking.objects.get().occurrences.get()
    assert timezone.localtime(occurrence.starts_at).strftime("%d.%m.%Y %H:%M") == (
        f"{day:%d.%m.%Y} 18:30"
    )
    assert occurrence.ends_at - occurrence.starts_at == timedelta(hours=1)


def test_booking_form__refused__error_summary_at_the_top_links_each_field(client, citizen):
    room = ResourceFactory()
    response = client.post(
        f"/rom/{room.pk}/book/",
        {"day": "31.02.2027", "start": "25:00", "minutes": "60", "repeat": "weekly"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    summary = page[page.index('class="ds-error-summary"') : page.index('class="booking-form"')]
    assert 'role="alert"' in summary and "Bookingen ble ikke gjort" in summary
    for anchor in ("id_day", "id_start", "id_until", "id_purpose"):
        assert f'href="#{anchor}"' in summary, anchor
        assert f'id="{anchor}"' in page
    assert 'aria-invalid="true"' in page
    assert "<title>Feil:" in page


def test_booking_form__groups_in_fieldsets_and_series_fields_inside_the_repeat_group(
    client, citizen
):
    room = ResourceFactory()
    page = client.get(f"/rom/{room.pk}/book/").content.decode()
    legends = re.findall(r'<legend class="ds-label">([^<]+)</legend>', page)
    assert legends[:3] == ["Når", "Én gang eller gjentatt", "Om bookingen"]
    repeat = page[page.index('class="ds-fieldset repeat"') :]
    repeat = (
        repeat[: repeat.index("</fieldset>\n  \n")] if "</fieldset>\n  \n" in repeat else repeat
    )
    assert 'type="radio" name="repeat" value="none"' in page
    series = page[page.index('id="series-fields"') :]
    assert series.index('id="id_until"') < series.index("Om bookingen")
    assert series.index('id="id_count"') < series.index("Om bookingen")


def test_find_room__results_in_the_calendars_words_with_a_start_and_length_to_book(client):
    hub = hub_open(opens=time(8), closes=time(22))
    room = ResourceFactory(hub=hub, name="Verkstedet")
    day = next_monday() + timedelta(days=2)
    page = client.get(
        "/rom/", {"day": day.strftime("%d.%m.%Y"), "start": "18:00", "minutes": "90"}
    ).content.decode()
    assert "Verkstedet" in page
    result = page[page.index('class="room-results"') :]
    assert '<span class="cell cell-free"><span class="cell-word">Ledig</span> 18:00–19:30' in result
    start = localise(day, time(18)).isoformat(timespec="minutes")
    assert f"/rom/{room.pk}/book/?start={start}&lengde=90" in unescape(result).replace(
        "%3A", ":"
    ).replace("%2B", "+")
    assert f"/rom/{room.pk}/?uke={day.isoformat()}&dag={day.isoformat()}" in unescape(result)


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", ["Slik leser du kalenderen", "Ledig", "Velg dag", "Neste uke"]),
        ("/nn", ["Slik les du kalenderen", "Ledig", "Vel dag", "Neste veke"]),
        ("/en", ["How to read the calendar", "Free", "Choose a day", "Next week"]),
    ],
)
def test_week_page__in_each_language(client, prefix, words):
    room = ResourceFactory(hub=hub_open())
    page = client.get(f"{prefix}/rom/{room.pk}/", {"uke": next_monday().isoformat()})
    text = page.content.decode()
    for word in words:
        assert word in text, (prefix, word)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2027-02-30", "\x00", "x" * 500])
def test_week_page__hostile_day_in_an_htmx_request_is_a_400_naming_it(client, value):
    room = ResourceFactory(hub=hub_open())
    response = client.get(
        f"/rom/{room.pk}/", {"uke": next_monday().isoformat(), "dag": value}, HTTP_HX_REQUEST="1"
    )
    assert response.status_code == 400
    assert "«dag»" in response.content.decode()
