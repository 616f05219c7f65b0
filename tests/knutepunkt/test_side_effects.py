"""knutepunkt's services (and the admin, which calls them) own their side effects: a change
shows on the cached public pages and in search at once. Each test reads the page first (so
it is cached), writes through the admin or a service, and reads it again."""

from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from knutepunkt import services
from knutepunkt.enums import StaffRole
from knutepunkt.models import NewsItem, StaffMembership
from tests.support.admin import admin_submit

from .factories import (
    HubFactory,
    NewsFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
    weekday_hours,
)

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _district_url(hub) -> str:
    return f"/{hub.municipality.slug}/{hub.district.slug}/"


def _news_form(hub, title):
    now = timezone.localtime() - timedelta(minutes=5)
    return {
        "hub": hub.pk,
        "title": title,
        "body": "Tekst",
        "publish_from_0": now.date().isoformat(),
        "publish_from_1": now.strftime("%H:%M"),
    }


def test_news_added_in_the_admin__on_the_cached_district_page_and_found_at_once(
    django_capture_on_commit_callbacks,
):
    hub = HubFactory()
    reader = Client()
    assert "Kaffekveld" not in reader.get(_district_url(hub)).content.decode()
    assert "Kaffekveld" not in reader.get("/sok/", {"q": "kaffekveld"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _signed_in(hub_staff(hub)).post(
            "/admin/knutepunkt/newsitem/add/", _news_form(hub, "Kaffekveld på torget")
        )
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert (item.municipality, item.district) == (hub.municipality, hub.district)
    assert "Kaffekveld på torget" in reader.get(_district_url(hub)).content.decode()
    assert "Kaffekveld på torget" in reader.get("/sok/", {"q": "kaffekveld"}).content.decode()


def test_news_deleted_in_the_admin__gone_from_the_cached_page_and_from_search(
    django_capture_on_commit_callbacks,
):
    hub = HubFactory()
    with django_capture_on_commit_callbacks(execute=True):
        item = services.news_item_create(
            hub=hub, title="Loppemarked", body="Lørdag", publish_from=timezone.now()
        )
    reader = Client()
    assert "Loppemarked" in reader.get(_district_url(hub)).content.decode()
    assert "Loppemarked" in reader.get("/sok/", {"q": "loppemarked"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _signed_in(hub_staff(hub)).post(
            f"/admin/knutepunkt/newsitem/{item.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302 and not NewsItem.objects.exists()
    assert "Loppemarked" not in reader.get(_district_url(hub)).content.decode()
    assert "Loppemarked" not in reader.get("/sok/", {"q": "loppemarked"}).content.decode()


def test_news_bulk_deleted_in_the_admin__gone_from_search(django_capture_on_commit_callbacks):
    hub = HubFactory()
    with django_capture_on_commit_callbacks(execute=True):
        items = [
            services.news_item_create(
                hub=hub, title=f"Strikkekafé {n}", body="Tekst", publish_from=timezone.now()
            )
            for n in range(2)
        ]
    reader = Client()
    assert reader.get("/sok/", {"q": "strikkekafé"}).content.decode().count("Strikkekafé") >= 2
    with django_capture_on_commit_callbacks(execute=True):
        response = _signed_in(hub_staff(hub)).post(
            "/admin/knutepunkt/newsitem/",
            {"action": "delete_selected", "_selected_action": [i.pk for i in items], "post": "yes"},
        )
    assert response.status_code == 302 and not NewsItem.objects.exists()
    assert "Strikkekafé" not in reader.get("/sok/", {"q": "strikkekafé"}).content.decode()


def test_hub_renamed_in_the_admin__found_by_its_new_name_at_once(
    django_capture_on_commit_callbacks,
):
    hub = HubFactory(name="Gamle huset")
    reader = Client()
    assert "Kulturhuset" not in reader.get("/sok/", {"q": "kulturhuset"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(
            _signed_in(hub_staff(hub)),
            f"/admin/knutepunkt/hub/{hub.pk}/change/",
            name="Kulturhuset",
        )
    assert response.status_code == 302
    assert "Kulturhuset" in reader.get("/sok/", {"q": "kulturhuset"}).content.decode()
    assert "Kulturhuset" in reader.get(_district_url(hub)).content.decode()


def test_exception_through_the_service__the_cached_district_page_shows_the_hub_closed(
    django_capture_on_commit_callbacks,
):
    hub = HubFactory()
    weekday_hours(hub)
    reader = Client()
    assert "Maling av lokalet" not in reader.get(_district_url(hub)).content.decode()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.opening_hours_exception_create(
            hub=hub,
            start_date=today,
            end_date=today + timedelta(days=2),
            reason="Maling av lokalet",
        )
    assert "Maling av lokalet" in reader.get(_district_url(hub)).content.decode()


def test_period_through_the_service__the_cached_district_page_shows_the_new_hours(
    django_capture_on_commit_callbacks,
):
    hub = HubFactory()
    reader = Client()
    assert "07:15" not in reader.get(_district_url(hub)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.opening_hours_period_create(
            hub=hub,
            name="Vinter",
            valid_from=date(2020, 1, 1),
            spans=[{"weekday": d, "opens": time(7, 15), "closes": time(15)} for d in range(7)],
        )
    assert "07:15" in reader.get(_district_url(hub)).content.decode()


def test_staff_appointed_in_the_admin__through_the_service_gets_into_the_admin():
    hub = HubFactory()
    person = UserFactory(email="ny.ansatt@example.no", is_staff=False)
    response = _signed_in(municipality_admin(hub.municipality)).post(
        "/admin/knutepunkt/staffmembership/add/",
        {"email": "ny.ansatt@example.no", "role": StaffRole.HUB_STAFF, "hub": hub.pk},
    )
    assert response.status_code == 302
    membership = StaffMembership.objects.get(user=person)
    assert membership.hub == hub
    person.refresh_from_db()
    assert person.is_staff
    assert _signed_in(person).get(f"/admin/knutepunkt/hub/{hub.pk}/change/").status_code == 200


def test_news_item_save__the_narrowest_scope_decides_whatever_the_item_said():
    hub, elsewhere = HubFactory(), HubFactory()
    item = NewsFactory.build(municipality=elsewhere.municipality, hub=hub)
    services.news_item_save(item=item)
    item.refresh_from_db()
    assert (item.municipality, item.district) == (hub.municipality, hub.district)


def test_hub_deleted_in_the_admin__its_news_goes_from_search_with_it(
    django_capture_on_commit_callbacks,
):
    hub = HubFactory(name="Nedlagt knutepunkt")
    with django_capture_on_commit_callbacks(execute=True):
        services.news_item_create(
            hub=hub, title="Siste dugnad", body="Takk for alt", publish_from=timezone.now()
        )
    reader = Client()
    assert "Siste dugnad" in reader.get("/sok/", {"q": "dugnad"}).content.decode()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = _signed_in(superuser).post(
            f"/admin/knutepunkt/hub/{hub.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302 and not NewsItem.objects.exists()
    page = reader.get("/sok/", {"q": "dugnad"}).content.decode()
    assert "Siste dugnad" not in page  # no link to a page that is gone
    assert "Nedlagt knutepunkt" not in reader.get("/sok/", {"q": "nedlagt"}).content.decode()
