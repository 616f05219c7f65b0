"""Writes through the services: validated in full, nothing half-saved, clear messages."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from knutepunkt import services
from knutepunkt.enums import ExceptionKind, SpanState, StaffRole
from knutepunkt.models import (
    NewsItem,
    OpeningHoursException,
    OpeningHoursPeriod,
    OpeningHoursSpan,
    StaffMembership,
)

from .factories import HubFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def messages(error: ValidationError) -> list[str]:
    return [message for field_messages in error.message_dict.values() for message in field_messages]


WEEK = [{"weekday": day, "opens": time(10), "closes": time(16)} for day in range(5)] + [
    {"weekday": 3, "opens": time(16), "closes": time(20), "state": SpanState.SELF_SERVICE}
]


def test_period_create__saves_the_period_and_its_spans():
    hub = HubFactory()
    period = services.opening_hours_period_create(
        hub=hub, name="Ordinær", valid_from=date(2027, 1, 1), spans=WEEK
    )
    assert period.spans.count() == 6
    assert period.spans.get(weekday=3, opens=time(16)).state == SpanState.SELF_SERVICE


def test_period_create__overlapping_spans__refused_and_nothing_saved():
    spans = [
        {"weekday": 0, "opens": time(10), "closes": time(16)},
        {"weekday": 0, "opens": time(15), "closes": time(18)},
    ]
    with pytest.raises(ValidationError) as caught:
        services.opening_hours_period_create(
            hub=HubFactory(), name="Vinter", valid_from=date(2027, 1, 1), spans=spans
        )
    assert caught.value.message_dict["spans"] == ["Monday 15:00–18:00 overlaps Monday 10:00–16:00."]
    assert not OpeningHoursPeriod.objects.exists() and not OpeningHoursSpan.objects.exists()


def test_period_create__closing_before_opening__refused_and_nothing_saved():
    spans = [{"weekday": 0, "opens": time(16), "closes": time(10)}]
    with pytest.raises(ValidationError, match="closing time must be after the opening time"):
        services.opening_hours_period_create(
            hub=HubFactory(), name="Vinter", valid_from=date(2027, 1, 1), spans=spans
        )
    assert not OpeningHoursPeriod.objects.exists()


def test_period_create__overlapping_another_period__refused_with_a_clear_message():
    hub = HubFactory()
    PeriodFactory(hub=hub, valid_from=date(2027, 1, 1), valid_until=None)
    with pytest.raises(ValidationError) as caught:
        services.opening_hours_period_create(
            hub=hub, name="Sommer", valid_from=date(2027, 6, 21), valid_until=date(2027, 8, 8)
        )
    assert messages(caught.value) == [
        "This period overlaps another opening hours period of the hub."
    ]
    assert OpeningHoursPeriod.objects.count() == 1


def test_period_create__race_past_validation__exclusion_constraint_message(monkeypatch):
    """Two members of staff saving at once both pass validation; PostgreSQL refuses the
    second, and the service explains why instead of failing with an IntegrityError."""
    hub = HubFactory()
    PeriodFactory(hub=hub, valid_from=date(2027, 1, 1), valid_until=None)
    monkeypatch.setattr(OpeningHoursPeriod, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as caught:
        services.opening_hours_period_create(
            hub=hub, name="Sommer", valid_from=date(2027, 6, 21), spans=WEEK
        )
    assert caught.value.messages == [
        "This period overlaps another opening hours period of the hub."
    ]
    assert OpeningHoursPeriod.objects.count() == 1 and not OpeningHoursSpan.objects.exists()


def test_period_create__ending_before_it_starts__refused():
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.opening_hours_period_create(
            hub=HubFactory(),
            name="Feil",
            valid_from=date(2027, 6, 1),
            valid_until=date(2027, 5, 1),
        )


def test_period_update__replaces_the_spans():
    period = services.opening_hours_period_create(
        hub=HubFactory(), name="Ordinær", valid_from=date(2027, 1, 1), spans=WEEK
    )
    services.opening_hours_period_update(
        period=period,
        name="Ordinær",
        valid_from=date(2027, 1, 1),
        valid_until=None,
        spans=[{"weekday": 5, "opens": time(10), "closes": time(14)}],
    )
    assert list(period.spans.values_list("weekday", flat=True)) == [5]


def test_exception_create__ending_before_it_starts__clear_message_nothing_saved():
    with pytest.raises(ValidationError) as caught:
        services.opening_hours_exception_create(
            hub=HubFactory(),
            start_date=date(2027, 1, 8),
            end_date=date(2027, 1, 4),
            reason="Oppussing",
        )
    assert "The exception cannot end before it starts." in messages(caught.value)
    assert not OpeningHoursException.objects.exists()


def test_exception_create__special_hours_dated_and_for_every_date():
    exception = services.opening_hours_exception_create(
        hub=HubFactory(),
        start_date=date(2027, 12, 23),
        end_date=date(2027, 12, 30),
        reason="Jul",
        kind=ExceptionKind.SPECIAL_HOURS,
        spans=[
            {"opens": time(10), "closes": time(14)},
            {"day": date(2027, 12, 24), "opens": time(9), "closes": time(12)},
        ],
    )
    assert sorted(exception.spans.values_list("day", flat=True), key=str) == [
        date(2027, 12, 24),
        None,
    ]


def test_exception_create__dated_hours_outside_the_range__refused():
    with pytest.raises(ValidationError, match="outside the exception"):
        services.opening_hours_exception_create(
            hub=HubFactory(),
            start_date=date(2027, 12, 23),
            end_date=date(2027, 12, 24),
            reason="Jul",
            kind=ExceptionKind.SPECIAL_HOURS,
            spans=[{"day": date(2027, 12, 27), "opens": time(9), "closes": time(12)}],
        )
    assert not OpeningHoursException.objects.exists()


def test_exception_create__closed_with_hours__refused():
    with pytest.raises(ValidationError, match="closed exception has no hours"):
        services.opening_hours_exception_create(
            hub=HubFactory(),
            start_date=date(2027, 1, 4),
            end_date=date(2027, 1, 4),
            reason="Kurs",
            spans=[{"opens": time(9), "closes": time(12)}],
        )


def test_exception_create__overlapping_another_exception__refused():
    hub = HubFactory()
    services.opening_hours_exception_create(
        hub=hub, start_date=date(2027, 1, 4), end_date=date(2027, 1, 8), reason="Oppussing"
    )
    with pytest.raises(ValidationError, match="overlaps another exception"):
        services.opening_hours_exception_create(
            hub=hub, start_date=date(2027, 1, 8), end_date=date(2027, 1, 9), reason="Kurs"
        )


def test_news_item_create__for_a_hub__belongs_to_its_district_and_municipality():
    hub = HubFactory()
    item = services.news_item_create(
        title="Språkkafé", body="Onsdager", publish_from=timezone.now(), hub=hub
    )
    assert (item.municipality, item.district, item.hub) == (hub.municipality, hub.district, hub)


def test_news_item_create__window_ending_before_it_starts__refused():
    now = timezone.now()
    with pytest.raises(ValidationError, match="stop being published after it starts"):
        services.news_item_create(
            title="Feil",
            body="Tekst",
            publish_from=now,
            publish_until=now - timedelta(days=1),
            hub=HubFactory(),
        )
    assert not NewsItem.objects.exists()


def test_news_item_create__without_a_scope__refused():
    with pytest.raises(ValidationError, match="Choose where the news belongs"):
        services.news_item_create(title="Feil", body="Tekst", publish_from=timezone.now())


def test_staff_membership_grant__idempotent_and_opens_the_admin():
    hub, user = HubFactory(), UserFactory(is_staff=False)
    first = services.staff_membership_grant(user=user, role=StaffRole.HUB_STAFF, hub=hub)
    again = services.staff_membership_grant(user=user, role=StaffRole.HUB_STAFF, hub=hub)
    assert first == again and StaffMembership.objects.count() == 1
    user.refresh_from_db()
    assert user.is_staff


def test_staff_membership_grant__hub_staff_without_a_hub__refused_with_the_rule():
    with pytest.raises(ValidationError, match="hub staff need a hub"):
        services.staff_membership_grant(
            user=UserFactory(), role=StaffRole.HUB_STAFF, municipality=HubFactory().municipality
        )
