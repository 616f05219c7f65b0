from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from icalendar import Calendar

from hubportal.search.services import search_rebuild
from innbyggertorg import selectors
from innbyggertorg.enums import OfferLevel, Recurrence, ServiceCategory
from innbyggertorg.models import ServiceOffer, ServiceSchedule
from knutepunkt.selectors import local_today
from tests.knutepunkt.factories import DistrictFactory, HubFactory, hub_staff
from tests.support.admin import admin_submit

from .factories import ScheduleFactory, ServiceOfferFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_offer__level_must_fit_the_category():
    hub = HubFactory()
    library = ServiceTypeFactory(municipality=hub.municipality, category=ServiceCategory.LIBRARY)
    offer = ServiceOffer(hub=hub, service_type=library, level=OfferLevel.STAFFED)
    with pytest.raises(ValidationError, match="level"):
        offer.full_clean()
    offer.level = OfferLevel.BOOK_OFFER
    offer.full_clean()


def test_offer__service_of_another_municipality__refused():
    offer = ServiceOffer(
        hub=HubFactory(), service_type=ServiceTypeFactory(), level=OfferLevel.PRESENT
    )
    with pytest.raises(ValidationError):
        offer.full_clean()


def test_schedule__monthly_without_week__refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleFactory(recurrence=Recurrence.MONTHLY_WEEKDAY, week_of_month=None)


def test_hub_services__same_queries_for_1_and_20_hubs(django_assert_num_queries):
    def hubs(count):
        result = []
        for _ in range(count):
            offer = ServiceOfferFactory()
            ScheduleFactory(hub=offer.hub, service_type=offer.service_type)
            result.append(offer.hub)
        return result

    one, twenty = hubs(1), hubs(20)
    with django_assert_num_queries(3):
        selectors.hub_services(hubs=one)
    with django_assert_num_queries(3):
        assert len(selectors.hub_services(hubs=twenty)) == 20


def test_service_page__where_and_when_across_hubs_soonest_first(client):
    district = DistrictFactory()
    early, late = (
        HubFactory(district=district, name="Tidlig"),
        HubFactory(district=district, name="Sen"),
    )
    service = ServiceTypeFactory(municipality=district.municipality, name="Bostøtte")
    today = local_today()
    ScheduleFactory(
        hub=late, service_type=service, weekday=(today.weekday() + 3) % 7, start_date=today
    )
    ScheduleFactory(
        hub=early, service_type=service, weekday=(today.weekday() + 1) % 7, start_date=today
    )
    page = client.get(service.get_absolute_url()).content.decode()
    assert page.index("Tidlig") < page.index("Sen")


def test_district_page__shows_next_time_at_this_hub(client):
    hub = HubFactory()
    service = ServiceTypeFactory(municipality=hub.municipality, name="NAV jobbsøkerkurs")
    ScheduleFactory(hub=hub, service_type=service, start_date=local_today())
    page = client.get(f"/{hub.municipality.slug}/{hub.district.slug}/").content.decode()
    assert "Neste gang på dette knutepunktet" in page and "NAV jobbsøkerkurs" in page


def test_ics__per_service_parses_and_links_back_to_the_page(client):
    schedule = ScheduleFactory(start_date=local_today())
    service = schedule.service_type
    response = client.get(service.get_absolute_url() + "kalender.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert events and all(str(e["url"]).endswith(service.get_absolute_url()) for e in events)
    assert list(calendar.walk("VTIMEZONE"))


def test_ics__per_hub_marks_cancelled_dates(client):
    today = local_today()
    schedule = ScheduleFactory(start_date=today, weekday=(today.weekday() + 1) % 7)
    schedule.cancellations.create(date=today + timedelta(days=1), reason="Syk")
    hub = schedule.hub
    calendar = Calendar.from_ical(
        client.get(f"/{hub.municipality.slug}/knutepunkt/{hub.slug}/tjenester.ics").content
    )
    statuses = [str(e["status"]) for e in calendar.walk("VEVENT")]
    assert statuses[0] == "CANCELLED" and "CONFIRMED" in statuses


def test_search__service_found_by_its_keyword_without_norwegian_letters(client):
    service = ServiceTypeFactory(name="Bostøtte og startlån", keywords="bostøtte husleie")
    search_rebuild()
    page = client.get("/sok/", {"q": "bostote"}).content.decode()
    assert service.name in page


def test_admin__hub_staff_adds_offers_for_own_hub_only(client):
    hub, other = HubFactory(), HubFactory()
    service = ServiceTypeFactory(municipality=hub.municipality)
    client.force_login(hub_staff(hub))
    response = client.post(
        "/admin/innbyggertorg/serviceoffer/add/",
        {"hub": other.pk, "service_type": service.pk, "level": "present"},
    )
    assert response.status_code == 200 and not ServiceOffer.objects.exists()
    response = client.post(
        "/admin/innbyggertorg/serviceoffer/add/",
        {"hub": hub.pk, "service_type": service.pk, "level": "present"},
    )
    assert response.status_code == 302 and ServiceOffer.objects.get().hub == hub


def test_admin__hub_staff_cannot_see_other_hubs_schedules(client):
    mine, theirs = ScheduleFactory(), ScheduleFactory()
    client.force_login(hub_staff(mine.hub))
    assert client.get(f"/admin/innbyggertorg/serviceschedule/{mine.pk}/change/").status_code == 200
    assert (
        client.get(f"/admin/innbyggertorg/serviceschedule/{theirs.pk}/change/").status_code == 404
    )
    assert ServiceSchedule.objects.count() == 2


def test_admin__base_modules_view_lists_what_each_hub_lacks(client):
    hub = HubFactory()
    base = ServiceTypeFactory(municipality=hub.municipality, name="Bibliotek", is_base_module=True)
    ServiceTypeFactory(municipality=hub.municipality, name="Ekstra", is_base_module=False)
    client.force_login(hub_staff(hub))
    response = client.get("/admin/innbyggertorg/serviceoffer/grunnmoduler/")
    assert response.status_code == 200
    assert response.context["rows"] == [(hub, [base])]


@pytest.mark.django_db(transaction=True)
def test_search__service_found_by_the_hub_where_it_visits(client):
    hub = HubFactory(name="Heggedal innbyggertorg")
    service = ServiceTypeFactory(municipality=hub.municipality, name="Startlån")
    client.force_login(hub_staff(hub))
    added = admin_submit(  # committed: the index follows at once
        client,
        "/admin/innbyggertorg/serviceschedule/add/",
        hub=hub.pk,
        service_type=service.pk,
        recurrence=Recurrence.WEEKLY,
        weekday=1,
        start_date="2026-01-01",
        end_date="2028-12-31",
        opens="12:00",
        closes="15:00",
    )
    assert added.status_code == 302
    client.logout()
    page = client.get("/sok/", {"q": "startlån heggedal"}).content.decode()
    assert page.count("Startlån") >= 1 and service.get_absolute_url() in page
