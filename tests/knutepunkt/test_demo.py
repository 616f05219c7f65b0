from datetime import date, datetime

import pytest

from hubportal.core.demo import load_demo_data
from knutepunkt import selectors
from knutepunkt.enums import StaffRole
from knutepunkt.models import (
    District,
    ExceptionSpan,
    Hub,
    Municipality,
    NewsItem,
    OpeningHoursException,
    OpeningHoursPeriod,
    OpeningHoursSpan,
    StaffMembership,
)
from knutepunkt.opening_hours import OSLO

pytestmark = pytest.mark.django_db

MODELS = (
    Municipality,
    District,
    Hub,
    OpeningHoursPeriod,
    OpeningHoursSpan,
    OpeningHoursException,
    ExceptionSpan,
    NewsItem,
    StaffMembership,
)


def counts():
    return [model.objects.count() for model in MODELS]


def test_demo_data__asker_drammen_and_vaernesregionen__loaded_twice_changes_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = load_demo_data()
    first = counts()
    load_demo_data()
    assert counts() == first
    assert Hub.objects.filter(municipality__slug="asker").count() == 7
    assert District.objects.filter(municipality__slug="drammen").count() == 10
    assert Hub.objects.filter(municipality__slug="drammen", is_pilot=True).count() == 1
    vaernes = {"5035", "5031", "5032", "5036", "5034", "5033"}
    assert vaernes <= set(Municipality.objects.values_list("number", flat=True))
    for municipality in Municipality.objects.filter(number__in=vaernes):
        assert municipality.hubs.exists() and municipality.news.exists()
    assert any("ansatt.heggedal@demo.hubportal.no" in line for line in report.user_lines)
    assert District.objects.filter(postcodes__contains=["1389"]).count() == 2  # a shared postcode


def test_demo_data__staff_can_log_into_the_admin_with_their_memberships():
    load_demo_data()
    memberships = {
        (m.user.email, m.role, m.municipality and m.municipality.slug, m.hub and m.hub.slug)
        for m in StaffMembership.objects.select_related("user", "municipality", "hub")
    }
    assert memberships == {
        ("admin.asker@demo.hubportal.no", StaffRole.MUNICIPALITY_ADMIN, "asker", None),
        ("ansatt.heggedal@demo.hubportal.no", StaffRole.HUB_STAFF, None, "heggedal"),
        ("ansatt.holmen@demo.hubportal.no", StaffRole.HUB_STAFF, None, "holmen"),
        # samarbeid's demo: the staff who approve guests' requests for Regionsalen.
        ("ansatt.stjordal@demo.hubportal.no", StaffRole.HUB_STAFF, None, "sentrum"),
        ("okonomi.asker@demo.hubportal.no", StaffRole.FINANCE, "asker", None),
    }
    assert all(m.user.is_staff for m in StaffMembership.objects.select_related("user"))


def test_demo_data__loaded_again_in_a_new_year__hours_move_along(monkeypatch):
    load_demo_data()
    first = counts()
    this_year = date.today().year
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: date(this_year + 1, 3, 1)
    )
    load_demo_data()  # would overlap last year's open-ended period if merely added
    # The same places and periods; the dated Christmas hours follow the calendar.
    assert counts()[:6] == first[:6]
    heggedal = Hub.objects.get(municipality__slug="asker", slug="heggedal")
    assert heggedal.hour_periods.filter(valid_from=date(this_year + 1, 6, 22)).exists()


def test_demo_data__christmas__main_office_opens_on_christmas_eve_others_stay_closed():
    load_demo_data()
    year = date.today().year
    at = datetime(year, 12, 24, 10, 0, tzinfo=OSLO)
    sentrum = Hub.objects.get(municipality__slug="asker", slug="asker-sentrum")
    heggedal = Hub.objects.get(municipality__slug="asker", slug="heggedal")
    statuses = selectors.hubs_opening_status(hubs=[sentrum, heggedal], at=at)
    assert statuses[sentrum.pk].is_open  # special hours on a closed eve
    assert not statuses[heggedal.pk].is_open
    week = selectors.hub_week_hours(hub=heggedal, start=date(year, 12, 23), language="nb")
    assert week[0].is_exception  # short hours on the 23rd
    assert week[1].holiday == "Julaften" and week[1].is_closed
    assert week[2].is_holiday and week[2].is_closed  # Christmas Day
