"""Seasonal allocation through its services: rounds, applications, the proposal,
decisions, publication, answers and holds, on real PostgreSQL."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from booking import holds
from booking import services as booking_services
from booking.enums import BookingStatus
from booking.models import Booking, Occurrence
from frivillighet.enums import AgreementStatus, OrganisationKind
from frivillighet.models import CooperationAgreement
from hubportal.core.errors import DomainError
from hubportal.notifications.models import Notification
from knutepunkt.opening_hours import localise
from sesong import services
from sesong.enums import (
    AllocationStatus,
    HoldMode,
    JournalKind,
    Outcome,
    PartialKind,
    PriorityCategory,
    Response,
    RoundState,
)
from sesong.models import Allocation, AllocationClaim, Application, ApplicationRound, Wish
from sesong.selectors import allocation_times
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import MunicipalityFactory, UserFactory, municipality_admin

from .factories import (
    EVERY_OTHER_WEEK,
    application_data,
    season,
    season_world,
    wish,
)

pytestmark = pytest.mark.django_db


def round_data(world, **changes):
    first, last = season()
    now = timezone.now()
    values = {
        "name": "Neste sesong",
        "season_starts_on": first,
        "season_ends_on": last,
        "opens_at": now,
        "closes_at": now + timedelta(days=10),
        "contact_email": "kultur@example.no",
        "resources": world.rooms,
    }
    values.update(changes)
    return services.RoundData(**values)


def messages(error) -> str:
    return " ".join(str(p) for p in error.value.problems)


# --------------------------------------------------------------------------- rounds


def test_round_create__default_priority_order__is_agreement_voluntary_municipal_other():
    world = season_world()
    assert world.round.priority_order == [
        PriorityCategory.AGREEMENT,
        PriorityCategory.VOLUNTARY,
        PriorityCategory.MUNICIPAL,
        PriorityCategory.OTHER,
    ]
    assert world.round.state == RoundState.OPEN
    assert world.round.journal.filter(kind=JournalKind.ROUND_CREATED).count() == 1


def test_round_create__overlapping_season_for_the_same_resource__refused_by_name():
    world = season_world()
    first, _last = season()
    with pytest.raises(DomainError) as refused:
        services.round_create(
            by=world.admin,
            municipality=world.municipality,
            data=round_data(world, season_starts_on=first + timedelta(days=60)),
        )
    assert "Rom 1" in messages(refused) and "allerede i runden" in messages(refused)
    assert ApplicationRound.objects.count() == 1


def test_round_create__hall_part_in_another_round__refused():
    world = season_world()
    half = ResourceFactory(hub=world.hub, parent=world.rooms[0], name="Halvdel")
    with pytest.raises(DomainError):
        services.round_create(
            by=world.admin,
            municipality=world.municipality,
            data=round_data(world, resources=[half]),
        )


def test_round_create__database_refuses_overlapping_round_resource_even_without_the_service():
    world = season_world()
    other = ApplicationRound.objects.create(
        municipality=world.municipality,
        name="Snik",
        season_starts_on=world.round.season_starts_on,
        season_ends_on=world.round.season_ends_on,
        opens_at=world.round.opens_at,
        closes_at=world.round.closes_at,
        contact_email="x@example.no",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        other.round_resources.create(resource=world.rooms[0], season=world.round.season)


def test_round_create__deadline_in_the_past__refused_nothing_saved():
    world = season_world()
    now = timezone.now()
    with pytest.raises(DomainError) as refused:
        services.round_create(
            by=world.admin,
            municipality=world.municipality,
            data=round_data(
                world,
                resources=[ResourceFactory(hub=world.hub)],
                opens_at=now - timedelta(days=5),
                closes_at=now - timedelta(hours=1),
            ),
        )
    assert refused.value.problems[0].field == "closes_at"
    assert ApplicationRound.objects.count() == 1


def test_round_create__staff_of_another_municipality__refused():
    world = season_world()
    stranger = municipality_admin(MunicipalityFactory())
    with pytest.raises(DomainError):
        services.round_create(
            by=stranger, municipality=world.municipality, data=round_data(world, resources=[])
        )


def test_transitions__out_of_order_and_twice__each_refused_with_a_message():
    world = season_world()
    with pytest.raises(DomainError) as refused:
        services.round_open(by=world.admin, round=world.round)
    assert "allerede" in messages(refused)  # already open
    with pytest.raises(DomainError):
        services.round_publish(by=world.staff, round=world.round)  # open → published
    with pytest.raises(DomainError) as early:
        services.round_start_allocating(by=world.staff, round=world.round)
    assert "fristen" in messages(early)  # the deadline has not passed
    world.to_allocating()
    world.publish()
    with pytest.raises(DomainError) as twice:
        services.round_publish(by=world.staff, round=world.round)
    assert "allerede publisert" in messages(twice)


# --------------------------------------------------------------------------- applications


def test_apply__receipt_sent_and_journal_written():
    world = season_world()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    assert application.category == PriorityCategory.VOLUNTARY
    assert application.wishes.count() == 1
    receipt = Notification.objects.get(template="sesong/email/application_received")
    assert application.reference in receipt.body_text
    assert world.round.journal.filter(kind=JournalKind.APPLICATION_SUBMITTED).count() == 1


def test_apply__category_from_kind_and_agreement():
    world = season_world()
    partner, c1 = world.applicant()
    CooperationAgreement.objects.create(
        organisation=partner,
        municipality=world.municipality,
        starts_on=date.today() - timedelta(days=10),
        ends_on=date.today() + timedelta(days=400),
        status=AgreementStatus.ACTIVE,
    )
    service, c2 = world.applicant(kind=OrganisationKind.PUBLIC)
    business, c3 = world.applicant(kind=OrganisationKind.PRIVATE)
    assert world.apply(partner, c1, [wish(resource=world.rooms[0])]).category == "agreement"
    assert world.apply(service, c2, [wish(resource=world.rooms[1])]).category == "municipal"
    assert world.apply(business, c3, [wish(1, resource=world.rooms[0])]).category == "other"


@pytest.mark.parametrize(
    ("make_wishes", "expected"),
    [
        (lambda w: [wish(resource=ResourceFactory())], "ikke i denne runden"),
        (lambda w: [wish(start=(6, 0), end=(8, 0), resource=w.rooms[0])], "ikke åpent"),
        (
            lambda w: [
                wish(resource=w.rooms[0], first_day=w.round.season_starts_on - timedelta(days=7))
            ],
            "sesongen",
        ),
        (
            lambda w: [
                wish(0, (18, 0), (20, 0), resource=w.rooms[0]),
                wish(0, (19, 0), (21, 0), resource=w.rooms[1]),
            ],
            "overlapper",
        ),
        (lambda w: [], "minst én"),
    ],
    ids=["resource-not-in-round", "outside-opening-hours", "outside-season", "overlap", "none"],
)
def test_apply__bad_wishes__each_a_clear_message_nothing_saved(make_wishes, expected):
    world = season_world()
    org, coordinator = world.applicant()
    with pytest.raises(DomainError) as refused:
        world.apply(org, coordinator, make_wishes(world))
    assert expected in messages(refused)
    assert not Application.objects.exists() and not Wish.objects.exists()


def test_apply__organisation_not_approved__refused():
    world = season_world()
    org, coordinator = world.applicant(listing="pending")
    with pytest.raises(DomainError) as refused:
        world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    assert "ikke godkjent" in messages(refused)


def test_apply__someone_who_does_not_coordinate_the_organisation__refused():
    world = season_world()
    org, _coordinator = world.applicant()
    with pytest.raises(DomainError):
        world.apply(org, UserFactory(), [wish(resource=world.rooms[0])])


def test_apply__twice_for_one_organisation__refused():
    world = season_world()
    org, coordinator = world.applicant()
    world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    with pytest.raises(DomainError):
        world.apply(org, coordinator, [wish(2, resource=world.rooms[0])])


def test_apply_and_change__after_the_deadline__refused_by_the_server_clock():
    world = season_world()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.close_applications()
    other, other_coordinator = world.applicant()
    with pytest.raises(DomainError) as late:
        world.apply(other, other_coordinator, [wish(resource=world.rooms[0])])
    assert "fristen" in messages(late).lower()
    with pytest.raises(DomainError):
        services.application_change(
            by=coordinator,
            application=application,
            data=application_data(org, [wish(3, resource=world.rooms[0])]),
        )
    with pytest.raises(DomainError):
        services.application_withdraw(by=coordinator, application=application)
    assert application.wishes.get().weekday == 0


def test_change__replaces_the_wishes_before_the_deadline():
    world = season_world()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    services.application_change(
        by=coordinator,
        application=application,
        data=application_data(
            org, [wish(2, resource=world.rooms[1]), wish(4, resource=world.rooms[1])]
        ),
    )
    assert [w.weekday for w in application.wishes.order_by("preference")] == [2, 4]


# --------------------------------------------------------------------------- allocating


def test_proposal__higher_category_wins_the_slot_lower_gets_partial_with_consent():
    world = season_world(rooms=1)
    municipal, c1 = world.applicant(kind=OrganisationKind.PUBLIC)
    voluntary, c2 = world.applicant()
    world.apply(municipal, c1, [wish(resource=world.rooms[0])])
    world.apply(voluntary, c2, [wish(resource=world.rooms[0])], consent_to_partial=False)
    world.to_allocating()
    report = services.proposal_run(by=world.staff, round=world.round)
    assert report.allocations == 1
    given = Allocation.objects.get()
    assert given.application.organisation == voluntary  # voluntary before municipal services
    assert given.partial == PartialKind.FULL


def test_proposal__run_again__replaces_automatic_keeps_manual():
    world = season_world()
    org, coordinator = world.applicant()
    other, other_coordinator = world.applicant()
    a = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.apply(other, other_coordinator, [wish(resource=world.rooms[0])], consent_to_partial=False)
    world.to_allocating()
    services.proposal_run(by=world.staff, round=world.round)
    first_run = set(Allocation.objects.values_list("application_id", flat=True))
    services.proposal_run(by=world.staff, round=world.round)
    assert set(Allocation.objects.values_list("application_id", flat=True)) == first_run
    Allocation.objects.all().delete()
    services.allocation_set(
        by=world.staff,
        application=a,
        resource=world.rooms[0],
        weekday=0,
        starts_at=time(18),
        ends_at=time(20),
        wish=a.wishes.get(),
    )
    services.proposal_run(by=world.staff, round=world.round)
    assert list(Allocation.objects.values_list("application_id", "source")) == [(a.pk, "manual")]


def test_allocation_set__taken_time__refused_naming_who_has_it():
    world = season_world()
    org, coordinator = world.applicant()
    other, other_coordinator = world.applicant()
    a = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    b = world.apply(other, other_coordinator, [wish(1, resource=world.rooms[0])])
    world.to_allocating()
    services.allocation_set(
        by=world.staff,
        application=a,
        resource=world.rooms[0],
        weekday=0,
        starts_at=time(18),
        ends_at=time(20),
    )
    with pytest.raises(DomainError) as refused:
        services.allocation_set(
            by=world.staff,
            application=b,
            resource=world.rooms[0],
            weekday=0,
            starts_at=time(19),
            ends_at=time(21),
        )
    assert org.name in messages(refused)
    # Every other week on the other week parity shares the room.
    services.allocation_set(
        by=world.staff,
        application=b,
        resource=world.rooms[0],
        weekday=2,
        starts_at=time(18),
        ends_at=time(20),
        frequency=EVERY_OTHER_WEEK,
        parity=1,
    )


def test_database_refuses_a_double_allocation_even_without_the_service():
    world = season_world()
    org, coordinator = world.applicant()
    a = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.to_allocating()
    given = services.allocation_set(
        by=world.staff,
        application=a,
        resource=world.rooms[0],
        weekday=0,
        starts_at=time(18),
        ends_at=time(20),
    )
    claim = given.claims.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationClaim.objects.create(
            allocation=given,
            space=world.rooms[0],
            parity=claim.parity,
            minutes=claim.minutes,
            days=claim.days,
        )


def test_decision_set__refused_without_reason_or_against_the_allocations():
    world = season_world()
    org, coordinator = world.applicant()
    a = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.to_allocating()
    with pytest.raises(DomainError):
        services.decision_set(by=world.staff, application=a, outcome=Outcome.FULL, reason="Ok")
    with pytest.raises(DomainError):
        services.decision_set(by=world.staff, application=a, outcome=Outcome.REFUSED, reason=" ")
    decision = services.decision_set(
        by=world.staff, application=a, outcome=Outcome.REFUSED, reason="Lokalet er for lite."
    )
    assert decision.decided_by == world.staff


# --------------------------------------------------------------------------- publish & answer


def published_world(**kwargs):
    world = season_world(**kwargs)
    org, coordinator = world.applicant()
    application = world.apply(
        org, coordinator, [wish(resource=world.rooms[0])], contact_email="leder@laget.example.no"
    )
    world.to_allocating()
    services.proposal_run(by=world.staff, round=world.round)
    report = world.publish()
    return world, org, coordinator, application, report


def test_publish__every_applicant_told_in_their_language_with_contact_deadline_and_appeal():
    world, _org, coordinator, _application, report = published_world()
    assert report.notified == 1
    to_user = Notification.objects.get(template="sesong/email/decision", recipient=coordinator)
    to_contact = Notification.objects.get(
        template="sesong/email/decision", to_address="leder@laget.example.no"
    )
    for message in (to_user, to_contact):
        assert "kultur@kommune.example.no" in message.body_text  # the municipality's contact
        assert timezone.localtime(world.round.accept_by).strftime("%d.%m.%Y") in message.body_text
        assert "klage" in message.body_text.lower()  # the appeal route
    assert Allocation.objects.get().status == AllocationStatus.OFFERED


def test_accept__allocation_becomes_a_weekly_series_in_one_transaction_skipping_holidays():
    _world, org, coordinator, application, _report = published_world()
    report = services.allocation_accept(by=coordinator, application=application)
    allocation = Allocation.objects.get()
    assert allocation.status == AllocationStatus.ACCEPTED
    booking = allocation.booking
    assert booking.booker == coordinator and booking.organisation == org
    times = allocation_times(allocation)
    assert report.booked == len(times.times) == booking.occurrences.count()
    assert all(o.status == BookingStatus.CONFIRMED for o in booking.occurrences.all())
    # Whit Monday (2. pinsedag) and Easter Monday are Mondays on which the hub is closed.
    booked_days = {timezone.localtime(o.starts_at).date() for o in booking.occurrences.all()}
    assert times.skipped and not booked_days & {day for day, _why in times.skipped}
    assert application.decision.__class__.objects.get().response == Response.ACCEPTED
    with pytest.raises(DomainError):
        services.allocation_accept(by=coordinator, application=application)


def test_accept__a_time_booked_before_publication__skipped_and_reported_never_twice():
    world = season_world()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.to_allocating()
    services.proposal_run(by=world.staff, round=world.round)
    first_monday = world.round.season_starts_on
    start = localise(first_monday + timedelta(days=7), time(18))
    booking_services.booking_create(
        booker=world.staff,
        resource=world.rooms[0],
        times=[(start, start + timedelta(hours=2))],
        purpose="Personalmøte",
    )
    report = world.publish()
    assert len(report.clashes) == 1
    accepted = services.allocation_accept(by=coordinator, application=application)
    assert len(accepted.skipped) == 1
    assert Occurrence.objects.filter(resource=world.rooms[0], starts_at=start).count() == 1


def test_decline__releases_the_times_and_the_answer_cannot_change():
    _world, _org, coordinator, application, _report = published_world()
    services.allocation_decline(by=coordinator, application=application)
    assert Allocation.objects.get().status == AllocationStatus.DECLINED
    assert not AllocationClaim.objects.filter(holds=True).exists()
    with pytest.raises(DomainError):
        services.allocation_accept(by=coordinator, application=application)


def test_release_unanswered__after_the_deadline__released_once_and_told():
    world, _org, coordinator, application, _report = published_world()
    assert services.allocations_release_unanswered() == 0
    ApplicationRound.objects.filter(pk=world.round.pk).update(
        accept_by=timezone.now() - timedelta(minutes=1)
    )
    assert services.allocations_release_unanswered() == 1
    assert services.allocations_release_unanswered() == 0
    assert Allocation.objects.get().status == AllocationStatus.RELEASED
    assert Notification.objects.filter(template="sesong/email/allocation_released").count() == 1
    with pytest.raises(DomainError):
        services.allocation_accept(by=coordinator, application=application)


def test_close__only_after_the_answer_deadline():
    world, *_rest = published_world()
    with pytest.raises(DomainError):
        services.round_close(by=world.staff, round=world.round)
    ApplicationRound.objects.filter(pk=world.round.pk).update(
        accept_by=timezone.now() - timedelta(minutes=1)
    )
    assert services.round_close(by=world.staff, round=world.round).state == RoundState.CLOSED


# --------------------------------------------------------------------------- holds


def held_time(world, weeks=2):
    start = localise(world.round.season_starts_on + timedelta(days=7 * weeks), time(18, 30))
    return start, start + timedelta(hours=1)


def test_hold_refuse__a_citizens_single_booking_in_a_wished_time__refused_before_publication():
    world = season_world(hold_mode=HoldMode.REFUSE)
    world.rooms[0].horizon_days = 800
    world.rooms[0].save()
    org, coordinator = world.applicant()
    world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    citizen = UserFactory()
    with pytest.raises(DomainError) as refused:
        booking_services.booking_create(
            booker=citizen, resource=world.rooms[0], times=[held_time(world)], purpose="Bursdag"
        )
    assert "sesong" in messages(refused).lower()
    # Another weekday is free.
    start, end = held_time(world)
    booking_services.booking_create(
        booker=citizen,
        resource=world.rooms[0],
        times=[(start + timedelta(days=1), end + timedelta(days=1))],
        purpose="Bursdag",
    )


def test_hold_mark__booking_accepted_marked_and_cancelled_at_publication_if_allocated():
    world = season_world(hold_mode=HoldMode.MARK)
    world.rooms[0].horizon_days = 800
    world.rooms[0].save()
    org, coordinator = world.applicant()
    world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    citizen = UserFactory()
    result = booking_services.booking_create(
        booker=citizen, resource=world.rooms[0], times=[held_time(world)], purpose="Bursdag"
    )
    assert result.booking.season_hold.round == world.round
    assert Notification.objects.filter(template="sesong/email/booking_marked").exists()
    world.to_allocating()
    services.proposal_run(by=world.staff, round=world.round)
    report = world.publish()
    assert report.displaced == 1
    assert Booking.objects.get(pk=result.booking.pk).status == BookingStatus.CANCELLED


def test_hold_mark__a_wished_time_not_allocated__the_marked_booking_stands():
    world = season_world(hold_mode=HoldMode.MARK)
    world.rooms[0].horizon_days = 800
    world.rooms[0].save()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    result = booking_services.booking_create(
        booker=UserFactory(), resource=world.rooms[0], times=[held_time(world)], purpose="Bursdag"
    )
    world.to_allocating()
    services.decision_set(
        by=world.staff, application=application, outcome=Outcome.REFUSED, reason="Ikke plass."
    )
    report = world.publish()
    assert report.displaced == 0
    assert Booking.objects.get(pk=result.booking.pk).status == BookingStatus.CONFIRMED
    assert result.booking.season_hold.__class__.objects.get().resolved_at is not None


def test_held_times__the_week_view_hook_lists_the_wished_times_of_the_week():
    world = season_world()
    org, coordinator = world.applicant()
    world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    monday = world.round.season_starts_on + timedelta(days=14)
    held = holds.held_times(
        resource_ids=[world.rooms[0].pk],
        start=localise(monday, time(0)),
        end=localise(monday + timedelta(days=7), time(0)),
    )
    assert [(h.starts_at, h.ends_at) for h in held] == [
        (localise(monday, time(18)), localise(monday, time(20)))
    ]
    assert world.round.name in held[0].label
    assert not holds.held_times(
        resource_ids=[world.rooms[1].pk],
        start=localise(monday, time(0)),
        end=localise(monday + timedelta(days=7), time(0)),
    )
