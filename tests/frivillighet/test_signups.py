"""Volunteer shifts: capacity and no overlapping shifts held by PostgreSQL, rules, promotion."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from frivillighet import services
from frivillighet.enums import SignupStatus as S
from frivillighet.models import Organisation, Shift, ShiftSignup, VolunteerProfile
from hubportal.core.errors import DomainError
from tests.knutepunkt.factories import MunicipalityFactory, UserFactory

from .factories import OpportunityFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def test_org_number__mod11_check_digit_is_validated():
    municipality = MunicipalityFactory()
    with pytest.raises(DomainError, match=r"ni sifre|nine digits"):
        services.organisation_register(
            municipality=municipality, name="Lag", org_number="974760672", kind="voluntary"
        )
    organisation = services.organisation_register(
        municipality=municipality, name="Lag", org_number="974 760 673", kind="voluntary"
    )
    assert organisation.org_number == "974760673" and organisation.listing == "pending"
    with pytest.raises(ValidationError):
        Organisation(
            municipality=municipality, name="X", org_number="12345678", kind="voluntary"
        ).full_clean()


def test_signup__full_shift_waitlists_and_withdrawal_promotes_the_first_in_line():
    shift = ShiftFactory(capacity=1)
    first, second, third = (UserFactory() for _ in range(3))
    assert services.shift_signup(shift=shift, volunteer=first).status == S.CONFIRMED
    waiting = services.shift_signup(shift=shift, volunteer=second)
    services.shift_signup(shift=shift, volunteer=third)
    assert waiting.status == S.WAITLISTED
    promoted = services.shift_withdraw(signup=ShiftSignup.objects.get(volunteer=first))
    assert [p.volunteer for p in promoted] == [second]
    assert ShiftSignup.objects.get(volunteer=third).status == S.WAITLISTED
    assert Shift.objects.get(pk=shift.pk).places_taken == 1


def test_signup__twice_is_idempotent():
    shift, user = ShiftFactory(), UserFactory()
    assert (
        services.shift_signup(shift=shift, volunteer=user).pk
        == services.shift_signup(shift=shift, volunteer=user).pk
    )


def test_signup__overlapping_shift_refused_by_the_database():
    user = UserFactory()
    shift = ShiftFactory()
    overlapping = ShiftFactory(starts_at=shift.starts_at + timedelta(hours=1))
    services.shift_signup(shift=shift, volunteer=user)
    with pytest.raises(DomainError, match=r"allerede en vakt|already have a shift"):
        services.shift_signup(shift=overlapping, volunteer=user)
    assert Shift.objects.get(pk=overlapping.pk).places_taken == 0  # nothing half-saved


def test_signup__police_certificate_required_and_checked_date_valid():
    shift = ShiftFactory(opportunity=OpportunityFactory(requires_police_certificate=True))
    user = UserFactory()
    with pytest.raises(DomainError, match=r"politiattest|police certificate"):
        services.shift_signup(shift=shift, volunteer=user)
    VolunteerProfile.objects.create(
        user=user,
        police_certificate_checked_on=date.today(),
        police_certificate_valid_until=date.today() + timedelta(days=365),
    )
    assert services.shift_signup(shift=shift, volunteer=user).status == S.CONFIRMED


def test_signup__under_the_minimum_age_refused():
    shift = ShiftFactory(opportunity=OpportunityFactory(min_age=18))
    young = UserFactory()
    VolunteerProfile.objects.create(user=young, birth_date=date.today() - timedelta(days=16 * 365))
    with pytest.raises(DomainError):
        services.shift_signup(shift=shift, volunteer=young)


def test_signup__past_or_cancelled_shift_refused():
    with pytest.raises(DomainError):
        services.shift_signup(shift=ShiftFactory(is_cancelled=True), volunteer=UserFactory())
    with pytest.raises(DomainError):
        services.shift_signup(
            shift=ShiftFactory(starts_at=timezone.now() - timedelta(hours=1)),
            volunteer=UserFactory(),
        )


@pytest.mark.django_db(transaction=True)
def test_race__twenty_volunteers_for_three_places__exactly_three_confirmed():
    shift = ShiftFactory(capacity=3)
    users = [UserFactory() for _ in range(20)]
    barrier = threading.Barrier(len(users))
    errors = []

    def race(user):
        try:
            barrier.wait()
            services.shift_signup(shift=shift, volunteer=user)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ShiftSignup.objects.filter(status=S.CONFIRMED).count() == 3
    assert Shift.objects.get(pk=shift.pk).places_taken == 3


@pytest.mark.django_db(transaction=True)
def test_race__one_person_two_overlapping_shifts_at_once__only_one_holds():
    user = UserFactory()
    first = ShiftFactory(capacity=5)
    second = ShiftFactory(capacity=5, starts_at=first.starts_at + timedelta(minutes=30))
    barrier = threading.Barrier(2)
    outcomes = []

    def race(shift):
        try:
            barrier.wait()
            services.shift_signup(shift=shift, volunteer=user)
            outcomes.append("ok")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert ShiftSignup.objects.filter(volunteer=user, status=S.CONFIRMED).count() == 1
    assert sum(Shift.objects.values_list("places_taken", flat=True)) == 1


def test_attendance__hours_default_to_the_shift_length_no_show_has_none():
    shift = ShiftFactory()
    signup = services.shift_signup(shift=shift, volunteer=UserFactory())
    services.signup_record_attendance(signup=signup)
    assert float(ShiftSignup.objects.get(pk=signup.pk).hours) == 2.0
    services.signup_record_attendance(signup=signup, no_show=True)
    assert ShiftSignup.objects.get(pk=signup.pk).hours is None
