"""innbyggertorg's services (and the admin, which calls them) own their side effects: a
change shows on the cached public pages and in search at once. Each test reads the page
first (so it is cached), writes through a real URL, and reads it again."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from innbyggertorg import services
from innbyggertorg.enums import EventCategory, RegistrationStatus
from innbyggertorg.models import Event, Registration
from knutepunkt.selectors import local_today
from tests.knutepunkt.factories import HubFactory, hub_staff
from tests.support.admin import admin_submit

from .factories import EventFactory, ScheduleFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _list_url(event) -> str:
    return f"/{event.hub.municipality.slug}/arrangementer/"


def test_guest_confirms_a_registration__the_cached_event_list_shows_a_place_fewer(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=10)
    reader = Client()
    assert "Alle de 10 plassene er ledige" in reader.get(_list_url(event)).content.decode()
    guest = Client()
    guest.post(
        event.get_absolute_url(), {"name": "Kari", "email": "kari@example.no", "group_size": "2"}
    )
    registration = Registration.objects.get()
    token = services.registration_token(registration, "confirm")
    with django_capture_on_commit_callbacks(execute=True):
        assert guest.post(f"/arrangement/bekreft/{token}/").status_code == 200
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    assert "8 av de 10 plassene er ledige" in reader.get(_list_url(event)).content.decode()


def test_cancel_through_the_signed_link__the_cached_event_list_shows_the_places_free_again(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=3)
    registration = services.registration_create(event=event, name="Ola", email="ola@example.no")
    services.registration_confirm_email(token=services.registration_token(registration, "confirm"))
    reader = Client()
    assert "2 av de 3 plassene er ledige" in reader.get(_list_url(event)).content.decode()
    token = services.registration_token(registration, "cancel")
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(f"/arrangement/avmeld/{token}/").status_code == 200
    assert "Alle de 3 plassene er ledige" in reader.get(_list_url(event)).content.decode()


def test_event_renamed_in_the_admin__cached_list_and_search_show_the_new_title(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(title="Strikkekveld")
    reader = Client()
    assert "Strikkekveld" in reader.get(_list_url(event)).content.decode()
    assert "Bokbad" not in reader.get("/sok/", {"q": "bokbad"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(
            _signed_in(hub_staff(event.hub)),
            f"/admin/innbyggertorg/event/{event.pk}/change/",
            title="Bokbad med lokal forfatter",
        )
    assert response.status_code == 302
    page = reader.get(_list_url(event)).content.decode()
    assert "Bokbad med lokal forfatter" in page and "Strikkekveld" not in page
    assert "Bokbad med lokal forfatter" in reader.get("/sok/", {"q": "bokbad"}).content.decode()


def test_date_cancelled_in_the_admin__the_cached_district_page_moves_to_the_next_visit(
    django_capture_on_commit_callbacks,
):
    today = local_today()
    tomorrow, week_after = today + timedelta(days=1), today + timedelta(days=8)
    schedule = ScheduleFactory(start_date=today, weekday=tomorrow.weekday())
    hub = schedule.hub
    url = f"/{hub.municipality.slug}/{hub.district.slug}/"
    reader = Client()
    page = reader.get(url).content.decode()
    assert f'datetime="{tomorrow.isoformat()}T' in page  # "next time at this hub"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(
            _signed_in(hub_staff(hub)),
            f"/admin/innbyggertorg/serviceschedule/{schedule.pk}/change/",
            {"cancellations-0-date": tomorrow.isoformat(), "cancellations-0-reason": "Sykdom"},
        )
    assert response.status_code == 302
    assert schedule.cancellations.get().reason == "Sykdom"
    page = reader.get(url).content.decode()
    assert f'datetime="{tomorrow.isoformat()}T' not in page
    assert f'datetime="{week_after.isoformat()}T' in page


def test_event_save__never_writes_the_places_taken_from_a_stale_object():
    event = EventFactory(capacity=10)
    stale = Event.objects.get(pk=event.pk)  # as the admin read it, before a registration
    registration = services.registration_create(event=event, name="Per", email="per@example.no")
    services.registration_confirm_email(token=services.registration_token(registration, "confirm"))
    assert Event.objects.get(pk=event.pk).places_taken == 1
    stale.title = "Nytt navn"
    services.event_save(event=stale, changed_fields={"title"})
    saved = Event.objects.get(pk=event.pk)
    assert saved.title == "Nytt navn" and saved.places_taken == 1  # the place stays taken


def test_event_save__a_new_event_is_found_once_committed(django_capture_on_commit_callbacks):
    starts = timezone.now() + timedelta(days=3)
    event = Event(
        hub=HubFactory(),
        title="Sommerkonsert i parken",
        category=EventCategory.CONCERT,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=event)
    assert "Sommerkonsert" in Client().get("/sok/", {"q": "sommerkonsert"}).content.decode()


@pytest.mark.parametrize("count", [1, 200])
def test_purge_past_registrations__one_statement_for_any_number(count):
    """No signal follows deletions any more, so Django deletes the rows in one statement
    (before: a query per registration to find its municipality for the page cache)."""
    past = timezone.now() - timedelta(days=40)
    event = EventFactory(starts_at=past, ends_at=past + timedelta(hours=1), capacity=None)
    Registration.objects.bulk_create(
        Registration(event=event, name=f"P{n}", email=f"p{n}@example.no", status="confirmed")
        for n in range(count)
    )
    with CaptureQueriesContext(connection) as queries:
        assert services.registrations_purge_past() == count
    assert len(queries) == 1


def test_capacity_raised_in_the_admin__the_cached_event_list_shows_the_new_places(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=10)
    reader = Client()
    assert "Alle de 10 plassene er ledige" in reader.get(_list_url(event)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(
            _signed_in(hub_staff(event.hub)),
            f"/admin/innbyggertorg/event/{event.pk}/change/",
            capacity=25,
        )
    assert response.status_code == 302
    assert "Alle de 25 plassene er ledige" in reader.get(_list_url(event)).content.decode()
