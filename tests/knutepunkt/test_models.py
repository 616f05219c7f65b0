"""Invariants held by PostgreSQL, with messages a person understands."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from knutepunkt.enums import StaffRole
from knutepunkt.models import OpeningHoursPeriod, OpeningHoursSpan, StaffMembership

from .factories import ExceptionFactory, HubFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_periods__overlapping_for_one_hub__refused_by_the_database():
    hub = HubFactory()
    PeriodFactory(hub=hub, valid_from=date(2027, 1, 1), valid_until=date(2027, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodFactory(hub=hub, valid_from=date(2027, 6, 1), valid_until=None)


def test_periods__overlap_is_explained_by_validation():
    hub = HubFactory()
    PeriodFactory(hub=hub, valid_from=date(2027, 1, 1), valid_until=None)
    period = OpeningHoursPeriod(hub=hub, name="Sommer", valid_from=date(2027, 7, 1))
    with pytest.raises(ValidationError, match="overlapper en annen periode for åpningstider"):
        period.full_clean()


def test_periods__of_different_hubs_may_overlap():
    PeriodFactory(valid_from=date(2027, 1, 1))
    PeriodFactory(valid_from=date(2027, 1, 1))
    assert OpeningHoursPeriod.objects.count() == 2


def test_exception__ending_before_it_starts__refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExceptionFactory(start_date=date(2027, 1, 8), end_date=date(2027, 1, 4))


def test_span__closing_before_opening_without_midnight__refused_with_message():
    span = OpeningHoursSpan(period=PeriodFactory(), weekday=0, opens=time(16), closes=time(10))
    with pytest.raises(ValidationError, match="Stengetiden må være etter åpningstiden"):
        span.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        span.save()


def test_span__past_midnight_is_accepted():
    span = OpeningHoursSpan(
        period=PeriodFactory(), weekday=4, opens=time(22), closes=time(2), past_midnight=True
    )
    span.full_clean()
    span.save()


def test_membership__hub_staff_without_hub__refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMembership.objects.create(user=UserFactory(), role=StaffRole.HUB_STAFF)


def test_hub__takes_its_municipality_from_the_district():
    hub = HubFactory()
    assert hub.municipality_id == hub.district.municipality_id
