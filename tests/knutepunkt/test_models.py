"""Invariants held by PostgreSQL, with messages a person understands."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from knutepunkt.enums import StaffRole
from knutepunkt.models import (
    ExceptionSpan,
    OpeningHoursException,
    OpeningHoursPeriod,
    OpeningHoursSpan,
    StaffMembership,
)

from .factories import (
    DistrictFactory,
    ExceptionFactory,
    HubFactory,
    MunicipalityFactory,
    PeriodFactory,
    UserFactory,
)

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


# --------------------------------------------------------------------------- added with services


def _english_messages(instance) -> list[str]:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            instance.full_clean()
        return caught.value.messages  # lazy messages: read them in English


def test_exception__ending_before_it_starts__explained_by_validation_not_a_database_error():
    exception = OpeningHoursException(
        hub=HubFactory(), start_date=date(2027, 1, 8), end_date=date(2027, 1, 4), reason="Feil"
    )
    assert "The exception cannot end before it starts." in _english_messages(exception)


def test_period__ending_before_it_starts__explained_by_validation():
    period = OpeningHoursPeriod(
        hub=HubFactory(), name="Feil", valid_from=date(2027, 6, 1), valid_until=date(2027, 5, 1)
    )
    assert "The period cannot end before it starts." in _english_messages(period)


def test_exception_span__date_outside_its_exception__refused():
    span = ExceptionSpan(
        exception=ExceptionFactory(start_date=date(2027, 12, 23), end_date=date(2027, 12, 24)),
        day=date(2027, 12, 27),
        opens=time(10),
        closes=time(12),
    )
    assert "The date must lie within the exception (23.12.2027–24.12.2027)." in (
        _english_messages(span)
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"number": "123"},
        {"number": "32a3"},
        {"brand_colour": "green"},
        {"languages": ["sv"]},
        {"languages": []},
        {"closed_eves": ["midsummer_eve"]},
    ],
)
def test_municipality__malformed_values__refused_by_the_database(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityFactory(**fields)


def test_municipality__closes_on_christmas_eve_new_years_eve_and_easter_eve_by_default():
    assert MunicipalityFactory().closed_eves == ["christmas_eve", "new_years_eve", "easter_eve"]


def test_district__malformed_postcode__refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        DistrictFactory(postcodes=["1389", "139"])


def test_membership__twice_for_the_same_hub__explained_by_validation():
    hub, user = HubFactory(), UserFactory()
    StaffMembership.objects.create(user=user, role=StaffRole.HUB_STAFF, hub=hub)
    duplicate = StaffMembership(user=user, role=StaffRole.HUB_STAFF, hub=hub)
    assert "This person is already staff of this hub." in _english_messages(duplicate)


def test_membership__administrator_with_a_hub__refused():
    membership = StaffMembership(
        user=UserFactory(), role=StaffRole.MUNICIPALITY_ADMIN, hub=HubFactory()
    )
    assert any(
        "A municipality administrator or finance staff need" in m
        for m in _english_messages(membership)
    )
