"""Bad input from staff through the admin's own forms: a clear message, nothing saved."""

import pytest

from knutepunkt.models import OpeningHoursException, OpeningHoursPeriod

from .factories import HubFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin__exception_ending_before_it_starts__form_error_not_a_server_error(client):
    hub = HubFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/en/admin/knutepunkt/openinghoursexception/add/",
        {
            "hub": hub.pk,
            "start_date": "2027-01-08",
            "end_date": "2027-01-04",
            "kind": "closed",
            "reason": "Oppussing",
            "spans-TOTAL_FORMS": "0",
            "spans-INITIAL_FORMS": "0",
        },
        follow=False,
    )
    assert response.status_code == 200
    assert "The exception cannot end before it starts." in response.content.decode()
    assert not OpeningHoursException.objects.exists()


def _span_rows(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{name}": value for name, value in row.items()})
    return data


def test_admin__overlapping_weekly_hours__named_on_the_row_nothing_saved(client):
    hub = HubFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = [
        {"weekday": "0", "opens": "10:00", "closes": "16:00", "state": "staffed"},
        {"weekday": "0", "opens": "15:00", "closes": "18:00", "state": "staffed"},
    ]
    response = client.post(
        "/en/admin/knutepunkt/openinghoursperiod/add/",
        {"hub": hub.pk, "name": "Vinter", "valid_from": "2027-01-01", **_span_rows("spans", rows)},
    )
    assert response.status_code == 200
    assert "Monday 15:00–18:00 overlaps Monday 10:00–16:00." in response.content.decode()
    assert not OpeningHoursPeriod.objects.exists()


def test_admin__special_hours_dated_for_one_day__saved_and_shown_for_that_day(client):
    hub = HubFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = [
        {"day": "", "opens": "10:00", "closes": "14:00", "state": "staffed"},
        {"day": "2027-01-06", "opens": "12:00", "closes": "13:00", "state": "staffed"},
    ]
    response = client.post(
        "/en/admin/knutepunkt/openinghoursexception/add/",
        {
            "hub": hub.pk,
            "start_date": "2027-01-04",
            "end_date": "2027-01-08",
            "kind": "special_hours",
            "reason": "Kurs",
            **_span_rows("spans", rows),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    exception = OpeningHoursException.objects.get()
    assert sorted((str(span.day), f"{span.opens:%H}") for span in exception.spans.all()) == [
        ("2027-01-06", "12"),
        ("None", "10"),
    ]
