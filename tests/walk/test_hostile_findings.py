"""One test per defect the hostile-input tests found (each was a 500), and the messages
that say so when the portal shortens a list or a series on a reader's behalf."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from booking import views as booking_views
from booking.models import Booking, Occurrence
from frivillighet import views as frivillighet_views
from hubportal.core.admin import CheckedActionsMixin
from hubportal.search.selectors import search_documents
from hubportal.search.services import search_rebuild
from innbyggertorg import views as innbyggertorg_views
from innbyggertorg.models import Event
from knutepunkt import views as knutepunkt_views

from .checks import form_as_submitted, outline_problems
from .endpoints import admin_models

CALENDAR_ENDS = ["0001-01-01", "9999-12-31", "10000-01-01"]


def _page(response) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- dates
@pytest.mark.parametrize("day", [*CALENDAR_ENDS, "2027-02-30", "i morgen"])
def test_week_view_at_the_ends_of_the_calendar_names_the_parameter(day, world, as_role):
    for role in ("anonymous", "hub_staff"):
        room = world.at("booking.resource", "a1")
        response = as_role(role).get(f"/rom/{room.pk}/", {"uke": day})
        assert response.status_code == 400, (role, day)
        assert "«uke»" in _page(response)
        assert outline_problems(response, "nb") == []


@pytest.mark.parametrize("day", CALENDAR_ENDS)
def test_free_room_search_at_the_ends_of_the_calendar_is_a_form_error(day, world, as_role):
    response = as_role("anonymous").get("/rom/", {"day": day, "start": "23:30", "minutes": "1440"})
    assert response.status_code == 200
    assert "day" in response.context["form"].errors or day == "10000-01-01"
    assert response.context["rooms"] is None


@pytest.mark.parametrize(("field", "value"), [("day", "9999-12-31"), ("until", "9999-12-31")])
def test_booking_form_at_the_end_of_the_calendar_saves_nothing(field, value, world, as_role):
    room = world.at("booking.resource", "a1")
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "day": start.date().isoformat(),
        "start": "18:00",
        "minutes": "60",
        "purpose": "Sjakk",
        "attendees": "2",
        "repeat": "weekly",
        "count": "2",
        field: value,
    }
    before = Occurrence.objects.count()
    response = as_role("citizen").post(f"/rom/{room.pk}/book/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Velg en dato mellom" in _page(response)
    assert Occurrence.objects.count() == before


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2027-13", "mars"])
def test_usage_statistics_at_the_ends_of_the_calendar_name_the_parameter(month, world, as_role):
    response = as_role("hub_staff").get("/admin/booking/booking/bruk/", {"maaned": month})
    assert response.status_code == 400
    assert "«maaned»" in _page(response)


def test_a_suggested_start_at_the_end_of_the_calendar_is_ignored(world, as_role):
    room = world.at("booking.resource", "a1")
    response = as_role("citizen").get(
        f"/rom/{room.pk}/book/", {"start": "0001-01-01T00:00:00-12:00"}
    )
    assert response.status_code == 200


def test_an_event_in_year_one_is_a_form_error_in_the_admin(world, as_role):
    browser = as_role("hub_staff")
    before = Event.objects.count()
    response = browser.post(
        "/admin/innbyggertorg/event/add/",
        {
            "hub": world.hub["a1"].pk,
            "title": "Langt tilbake",
            "starts_at_0": "01.01.0001",
            "starts_at_1": "00:00",
            "ends_at_0": "01.01.0001",
            "ends_at_1": "02:00",
            "category": "other",
            "audience": "all",
            "registration": "none",
            "status": "scheduled",
            "max_group_size": "1",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "starts_at" in response.context["adminform"].form.errors
    assert Event.objects.count() == before


# --------------------------------------------------------------------------- ids and text
@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/admin/booking/resource/", {"kind__exact": "a\x00b"}, "kind__exact"),
        ("/admin/booking/booking/", {"q": "\x00"}, "q"),
        ("/frivillighet/", {"district": "abc"}, "district"),
        ("/frivillighet/", {"category": "sjakk\x00"}, "category"),
        ("/rom/", {"kommune": "walk-a\x00"}, "kommune"),
    ],
)
def test_malformed_query_parameters_are_a_400_naming_them(path, params, name, world, as_role):
    response = as_role("municipality_admin").get(path, params)
    assert response.status_code == 400
    assert f"«{name}»" in _page(response)


def test_cancelling_a_time_that_is_not_a_number_cancels_nothing(world, as_role):
    booking = world.at("booking.booking", "a1")
    held = list(booking.occurrences.values_list("status", flat=True))
    response = as_role("citizen").post(
        f"/bookinger/{booking.pk}/avbestill/", {"occurrence": "0001-01-01"}
    )
    assert response.status_code == 400
    assert list(booking.occurrences.values_list("status", flat=True)) == held


@pytest.mark.parametrize("count", ["-42", "9999-12-31", "1e309", "\u202e"])
def test_an_inline_count_that_is_not_a_count_is_a_400_and_saves_nothing(count, world, as_role):
    """Was a 500: Django indexes an inline's rows with the management form's counts."""
    browser = as_role("hub_staff")
    hub = world.hub["a1"]
    url = f"/admin/knutepunkt/hub/{hub.pk}/change/"
    data = form_as_submitted(_page(browser.get(url)), "hub_form")
    data["hour_periods-INITIAL_FORMS"] = [count]
    data["name"] = ["Nytt navn"]
    data["_save"] = ["Lagre"]
    response = browser.post(url, data)
    assert response.status_code == 400
    assert "«hour_periods-INITIAL_FORMS»" in _page(response)
    hub.refresh_from_db()
    assert hub.name != "Nytt navn"


# --------------------------------------------------------------------------- nothing cut silently
# (long lists come a page at a time; a list still shortened says so)
def test_my_bookings__a_page_at_a_time__each_tab_its_own_pages(world, as_role, monkeypatch):
    browser = as_role("citizen")
    upcoming = browser.get("/bookinger/").context["upcoming"].paginator.count
    assert upcoming >= 2
    monkeypatch.setattr(booking_views, "MY_BOOKINGS_PER_PAGE", upcoming - 1)
    first = browser.get("/bookinger/")
    assert len(first.context["upcoming"].object_list) == upcoming - 1
    assert 'class="ds-pagination"' in _page(first) and "?side=2" in _page(first)
    second = browser.get("/bookinger/", {"side": "2"})
    assert len(second.context["upcoming"].object_list) == 1
    assert 'aria-current="page">' in _page(second)
    # The past tab, chosen by a link (no JavaScript): its panel shown, the other hidden.
    past = _page(browser.get("/bookinger/", {"visning": "tidligere"}))
    assert '<section id="tidligere" class="tab-panel">' in past
    assert '<section id="kommende" class="tab-panel" hidden>' in past


@pytest.mark.parametrize(
    ("params", "named"),
    [({"side": "to"}, "«side»"), ({"side": "0"}, "«side»"), ({"visning": "alle"}, "«visning»")],
)
def test_my_bookings__a_page_or_tab_that_is_not_one__names_the_parameter(
    world, as_role, params, named
):
    response = as_role("citizen").get("/bookinger/", params)
    assert response.status_code == 400 and named in _page(response)


def test_the_event_list__a_page_at_a_time__keeps_the_filters(world, as_role, monkeypatch):
    browser = as_role("anonymous")
    monkeypatch.setattr(innbyggertorg_views, "EVENTS_PER_PAGE", 1)
    response = browser.get("/walk-a/arrangementer/?free=on&per-side-test=1")
    page = response.context["page"]
    assert len(response.context["events"]) == 1 and page.paginator.num_pages >= 2
    assert "?free=on&amp;per-side-test=1&amp;side=2" in _page(response)
    second = browser.get("/walk-a/arrangementer/?free=on&per-side-test=1&side=2")
    assert second.context["events"][0] != response.context["events"][0]
    past_the_end = browser.get("/walk-a/arrangementer/?free=on&per-side-test=1&side=999")
    assert past_the_end.context["page"].number == page.paginator.num_pages  # the last page


def test_the_directory__organisations_a_page_at_a_time(world, as_role, monkeypatch):
    browser = as_role("anonymous")
    monkeypatch.setattr(frivillighet_views, "ORGANISATIONS_PER_PAGE", 1)
    response = browser.get("/frivillighet/")
    organisations = response.context["organisations"]
    assert len(organisations.object_list) == 1 and organisations.paginator.count >= 2
    assert "?side=2" in _page(response)
    second = browser.get("/frivillighet/", {"side": "2"}).context["organisations"]
    assert second.object_list[0] != organisations.object_list[0]


def test_the_directory_says_when_it_shows_only_the_first_opportunities(world, as_role, monkeypatch):
    browser = as_role("anonymous")
    assert "Bare de første" not in _page(browser.get("/frivillighet/"))
    monkeypatch.setattr(frivillighet_views, "OPPORTUNITY_LIMIT", 1)
    response = browser.get("/frivillighet/", {"kind": "voluntary"})
    assert response.context["opportunities_more"]
    assert "Bare de første 1 vises" in _page(response)


def test_the_dashboard_says_when_it_shows_only_the_latest_signups(world, as_role, monkeypatch):
    browser = as_role("superuser")
    assert "siste påmeldingene" not in _page(browser.get("/frivillighet/koordinator/"))
    monkeypatch.setattr(frivillighet_views, "RECENT_SIGNUPS_LIMIT", 1)
    assert "Bare de 1 siste påmeldingene vises" in _page(browser.get("/frivillighet/koordinator/"))


def test_search_says_when_it_shows_only_the_best_matches(world, as_role, monkeypatch):
    search_rebuild()  # the world was made inside a transaction that never commits

    def at_most_one(**kwargs):
        return search_documents(**{**kwargs, "limit": 1})

    browser = as_role("anonymous")
    monkeypatch.setattr(knutepunkt_views, "search_documents", at_most_one)
    response = browser.get("/sok/", {"q": "sjakk"})
    assert len(response.context["hits"]) == 1
    assert "Bare de 1 beste treffene vises" in _page(response)


def test_a_series_longer_than_allowed_is_refused_with_its_length(world, as_role):
    room = world.at("booking.resource", "a1")
    first = timezone.localdate() + timedelta(days=2)
    before = Occurrence.objects.count()
    response = as_role("hub_staff").post(
        f"/rom/{room.pk}/book/",
        {
            "day": first.isoformat(),
            "start": "18:00",
            "minutes": "60",
            "purpose": "Sjakk hver uke i tre år",
            "attendees": "2",
            "repeat": "weekly",
            "until": (first + timedelta(weeks=156)).isoformat(),
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["until"]
    assert "høyst 104 tider" in errors[0] and "157" in errors[0]
    assert Occurrence.objects.count() == before


# --------------------------------------------------------------------------- lists of choices, JSON
@pytest.mark.parametrize(
    ("role", "label", "field"),
    [
        ("municipality_admin", "knutepunkt.municipality", "closed_eves"),
        ("municipality_admin", "knutepunkt.municipality", "languages"),
        ("hub_staff", "booking.resource", "facilities"),
    ],
)
@pytest.mark.parametrize("value", ["%", "%(x)s", "christmas_eve,%", "nb, nn"])
def test_a_list_of_choices_is_checkboxes_and_a_wrong_choice_is_a_form_error(
    role, label, field, value, world, as_role
):
    """Was a 500 for "%": Django's comma-separated array field formats its message twice
    (a TypeError). A list of fixed choices is a group of checkboxes now."""
    browser = as_role(role)
    obj = world.at(label, "a1")
    model = label.split(".")[1]
    url = f"/admin/{label.replace('.', '/')}/{obj.pk}/change/"
    page = browser.get(url)
    assert f'type="checkbox" name="{field}"' in _page(page)
    data = form_as_submitted(_page(page), f"{model}_form")
    data[field] = [value]
    data["_save"] = ["Lagre"]
    response = browser.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert "er ikke ett av valgene" in errors[0] and value in errors[0]
    before = list(getattr(obj, field))
    obj.refresh_from_db()
    assert list(getattr(obj, field)) == before


def test_a_municipality_offers_at_least_one_language(world, as_role):
    browser = as_role("municipality_admin")
    municipality = world.municipality["a"]
    url = f"/admin/knutepunkt/municipality/{municipality.pk}/change/"
    data = form_as_submitted(_page(browser.get(url)), "municipality_form")
    data.pop("languages")
    data["closed_eves"] = ["easter_eve"]
    data["_save"] = ["Lagre"]
    response = browser.post(url, data)
    assert response.context["adminform"].form.errors["languages"] == ["Velg minst ett."]
    municipality.refresh_from_db()
    assert municipality.closed_eves != ["easter_eve"]


def test_closed_eves_are_saved_from_the_checkboxes(world, as_role):
    browser = as_role("municipality_admin")
    municipality = world.municipality["a"]
    url = f"/admin/knutepunkt/municipality/{municipality.pk}/change/"
    data = form_as_submitted(_page(browser.get(url)), "municipality_form")
    assert data["closed_eves"] == ["christmas_eve", "new_years_eve", "easter_eve"]
    data["closed_eves"] = ["christmas_eve", "whitsun_eve"]
    data["_save"] = ["Lagre"]
    assert browser.post(url, data).status_code == 302
    municipality.refresh_from_db()
    assert municipality.closed_eves == ["christmas_eve", "whitsun_eve"]


@pytest.mark.parametrize(
    ("settings_json", "message"),
    [
        ("1e309", "Tall må være endelige"),
        ('{"timeout": -1e400}', "Tall må være endelige"),
        ('{"x": NaN}', "Tall må være endelige"),
        ("[Infinity]", "Tall må være endelige"),
        ('{"name": "a\\u0000b"}', "NUL-tegn"),
        ('{"a\\u0000": 1}', "NUL-tegn"),
        ("9" * 5000, "for langt tall"),
        ("[" * 100_000, "for langt tall"),
    ],
)
def test_identity_provider_settings_that_postgresql_cannot_store_are_a_form_error(
    settings_json, message, world, as_role
):
    """Was a 500: json reads 1e309 as Infinity, which PostgreSQL's jsonb refuses."""
    browser = as_role("superuser")
    app = world.at("socialaccount.socialapp", "a1")
    url = f"/admin/socialaccount/socialapp/{app.pk}/change/"
    data = form_as_submitted(_page(browser.get(url)), "socialapp_form")
    data["settings"] = [settings_json]
    data["name"] = ["Nytt navn"]
    data["_save"] = ["Lagre"]
    response = browser.post(url, data)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["settings"][0]
    app.refresh_from_db()
    assert app.name != "Nytt navn"


# --------------------------------------------------------------------------- admin actions
@pytest.mark.parametrize("selected", [["abc"], ["a\x00b"], ["1.5"], [""], ["9" * 40]])
@pytest.mark.parametrize("action", ["delete_selected", "approve"])
def test_an_action_on_ids_that_are_not_ids_is_a_400_naming_them(selected, action, world, as_role):
    """Was a 500: Django filters the list by the selection as it comes."""
    booking = world.at("booking.booking", "a1")
    response = as_role("hub_staff").post(
        "/admin/booking/booking/",
        {"action": action, "_selected_action": [str(booking.pk), *selected], "index": "0"},
    )
    assert response.status_code == 400
    assert "«_selected_action»" in _page(response)
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_every_admin_checks_the_selection_of_its_actions():
    unchecked = [
        label
        for label, model_admin in admin_models().items()
        if not isinstance(model_admin, CheckedActionsMixin)
    ]
    assert unchecked == [], "give these admins hubportal.core.admin.CheckedActionsMixin"


def test_an_action_on_objects_outside_the_scope_touches_none_of_them(world, as_role):
    outside = [world.at("booking.booking", "a2"), world.at("booking.booking", "b1")]
    response = as_role("hub_staff").post(
        "/admin/booking/booking/",
        {
            "action": "delete_selected",
            "_selected_action": [str(booking.pk) for booking in outside],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert Booking.objects.filter(pk__in=[booking.pk for booking in outside]).count() == 2
