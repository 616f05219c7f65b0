"""The week grid's invariants: each cell says what starting a booking there would meet.
Free means bookable (the booking check agrees for every cell), a booked time is never shown
free, closed days and holidays say so, the clocks' changes give cells their true length,
and times held by another app (the held-times hook) are shown held. One set of queries per
week, however many bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import selectors, services
from booking.enums import CellState
from booking.holds import HeldTime, register_held_times, unregister_held_times
from booking.models import Blackout
from knutepunkt.enums import SpanState
from knutepunkt.opening_hours import OSLO, localise
from tests.knutepunkt.factories import (
    HubFactory,
    PeriodFactory,
    SpanFactory,
    UserFactory,
    hub_staff,
)

from .factories import ResourceFactory

pytestmark = pytest.mark.django_db

JANUARY_MONDAY = date(2027, 1, 11)  # an ordinary week
EASTER_MONDAY_WEEK = date(2027, 3, 22)  # Maundy Thursday, Good Friday, Easter Sunday (+ DST)
OCTOBER_CHANGE_WEEK = date(2027, 10, 25)  # the clocks go back on Sunday 31 October


def hub_open(opens=time(10), closes=time(20), self_service_until=None):
    hub = HubFactory()
    period = PeriodFactory(hub=hub)
    for weekday in range(7):
        SpanFactory(period=period, weekday=weekday, opens=opens, closes=closes)
        if self_service_until:
            SpanFactory(
                period=period,
                weekday=weekday,
                opens=closes,
                closes=self_service_until,
                state=SpanState.SELF_SERVICE,
            )
    return hub


def book(room, start, end, user=None):
    return services.booking_create(
        booker=user or UserFactory(), resource=room, times=[(start, end)], purpose="Sjakk"
    )


def cell_at(grid, day: date, moment: time):
    column = next(d for d in grid.days if d.day == day)
    return column.cells[grid.times.index(moment)]


def assert_free_is_bookable(grid, room, user):
    """Free cells are exactly the bookable starts: every free cell passes the booking check
    for a booking of the shortest length, and every start the check allows has a free cell
    (a start the clocks skip is shown once, in its real row, not again in the skipped one).
    The one exception is the hour the clocks repeat in October: its row covers both passes,
    and a time booked in either pass shows the row booked, never free."""
    length = timedelta(minutes=room.min_minutes)
    bookable, free, repeated_hour = set(), set(), set()
    for day in grid.days:
        for cell in day.cells:
            if selectors.is_bookable(room, user, cell.start, cell.start + length):
                bookable.add(cell.start)
            if cell.is_free:
                free.add(cell.start)
                assert cell.start in bookable, (cell.start, cell.state)
            if cell.end.astimezone(UTC) - cell.start.astimezone(UTC) > grid.step:
                repeated_hour.add(cell.start)
    assert free <= bookable
    assert bookable - free <= repeated_hour, sorted(bookable - free)


def test_cells_around_a_booking__booked_buffer_and_the_gap_before_it():
    hub = hub_open()
    room = ResourceFactory(
        hub=hub,
        only_in_opening_hours=True,
        min_minutes=60,
        granularity_minutes=30,
        buffer_after_minutes=30,
        horizon_days=600,
    )
    wednesday = JANUARY_MONDAY + timedelta(days=2)
    book(room, localise(wednesday, time(14)), localise(wednesday, time(16)))
    citizen = UserFactory()
    grid = selectors.week_grid(room, citizen, JANUARY_MONDAY)
    assert grid.times[0] == time(10) and grid.times[-1] == time(19, 30)  # the opening hours
    states = {m: cell_at(grid, wednesday, m).state for m in grid.times}
    for moment in (time(14), time(14, 30), time(15), time(15, 30), time(16)):
        assert states[moment] == CellState.BOOKED, moment  # 16:00–16:30 is the buffer
    assert states[time(16, 30)] == CellState.FREE
    assert states[time(12, 30)] == CellState.FREE  # 12:30–13:30, its buffer to 14:00
    for moment in (time(13), time(13, 30)):  # an hour and its buffer run into the booking
        gap = cell_at(grid, wednesday, moment)
        assert gap.state == CellState.UNAVAILABLE
        assert gap.reason == "For kort tid før neste booking."
    late = cell_at(grid, wednesday, time(19, 30))
    assert late.state == CellState.UNAVAILABLE  # an hour from 19:30 outlasts the opening
    assert "ikke åpent hele tiden" in late.reason
    booked_runs = [run for run in grid.days[2].runs if run.state == CellState.BOOKED]
    assert [run.range for run in booked_runs] == ["14:00–16:30"]
    assert booked_runs[0].first.run_start and booked_runs[0].first.run_range == "14:00–16:30"
    assert_free_is_bookable(grid, room, citizen)


@pytest.mark.parametrize("who", ["citizen", "staff", "anonymous"])
def test_free_cells_are_exactly_the_bookable_starts__for_each_reader(who):
    hub = hub_open(opens=time(9), closes=time(15), self_service_until=time(18))
    room = ResourceFactory(
        hub=hub, only_in_opening_hours=True, min_minutes=90, granularity_minutes=30
    )
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    next_monday = monday + timedelta(days=7)
    Blackout.objects.create(
        resource=room,
        starts_at=localise(next_monday + timedelta(days=5), time(0)),
        ends_at=localise(next_monday + timedelta(days=6), time(0)),
        reason="Oppussing",
    )
    for offset, hour in ((1, 10), (3, 13), (4, 16)):
        start = localise(next_monday + timedelta(days=offset), time(hour))
        book(room, start, start + timedelta(hours=2))
    user = {"citizen": UserFactory, "staff": lambda: hub_staff(hub), "anonymous": AnonymousUser}[
        who
    ]()
    for week in (monday, next_monday):
        grid = selectors.week_grid(room, user, week)
        assert_free_is_bookable(grid, room, user)
    saturday = next_monday + timedelta(days=5)
    blacked = cell_at(grid, saturday, time(10))
    assert blacked.state == CellState.CLOSED and blacked.reason == "Oppussing"
    # Self-service hours are the cells' background, staffed ones too.
    tuesday = next_monday + timedelta(days=1)
    assert cell_at(grid, tuesday, time(9)).opening == SpanState.STAFFED
    assert cell_at(grid, tuesday, time(16)).opening == SpanState.SELF_SERVICE


def test_holidays_are_closed_and_named():
    hub = hub_open()
    room = ResourceFactory(hub=hub, only_in_opening_hours=True, horizon_days=600)
    grid = selectors.week_grid(room, UserFactory(), EASTER_MONDAY_WEEK)
    by_day = {day.day: day for day in grid.days}
    for holiday, name in (
        (date(2027, 3, 25), "Skjærtorsdag"),
        (date(2027, 3, 26), "Langfredag"),
        (date(2027, 3, 28), "Første påskedag"),
    ):
        day = by_day[holiday]
        assert day.hours.holiday == name
        assert {cell.state for cell in day.cells} == {CellState.CLOSED}
        assert {cell.reason for cell in day.cells} == {name}
        assert [run.state for run in day.runs] == [CellState.CLOSED]  # one line in the day list
    assert by_day[date(2027, 3, 24)].free_count > 0  # an ordinary Wednesday


def test_a_closed_week_shows_the_default_hours_and_nothing_free():
    room = ResourceFactory(hub=HubFactory(), only_in_opening_hours=True)  # no hours at all
    grid = selectors.week_grid(room, UserFactory(), JANUARY_MONDAY)
    assert grid.times[0] == time(8) and grid.times[-1] == time(21, 30)
    assert {cell.state for day in grid.days for cell in day.cells} == {CellState.CLOSED}


def test_spring_change__the_skipped_times_are_not_bookable_and_cells_have_their_real_length():
    room = ResourceFactory(hub=HubFactory(), min_minutes=30, horizon_days=600)  # any hour
    user = UserFactory()
    grid = selectors.week_grid(room, user, EASTER_MONDAY_WEEK)
    sunday = date(2027, 3, 28)
    assert len(grid.times) == 48  # the whole day: the room is bookable at any hour
    for moment in (time(2), time(2, 30)):
        skipped = cell_at(grid, sunday, moment)
        assert skipped.state == CellState.UNAVAILABLE and skipped.label == moment.strftime("%H:%M")
        assert skipped.reason == "Klokka hopper over dette tidspunktet."
    assert cell_at(grid, sunday, time(2)).run_range == "02:00–03:00"
    before = cell_at(grid, sunday, time(1, 30))
    assert before.end.astimezone(UTC) - before.start.astimezone(UTC) == timedelta(minutes=30)
    assert before.is_free
    assert cell_at(grid, sunday, time(3)).is_free
    for day in grid.days:  # no free cell is a wall time that does not exist
        for cell in day.cells:
            if cell.is_free:
                assert cell.start.astimezone(OSLO).strftime("%H:%M") == cell.label
    assert_free_is_bookable(grid, room, user)


def test_autumn_change__a_booking_in_the_repeated_hour_shows_booked():
    room = ResourceFactory(hub=HubFactory(), min_minutes=30, horizon_days=600)
    sunday = date(2027, 10, 31)
    # 02:30–03:00 on the second pass of the clock (winter time): 01:30–02:00 UTC.
    second_pass = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    book(room, second_pass, second_pass + timedelta(minutes=30))
    user = UserFactory()
    grid = selectors.week_grid(room, user, OCTOBER_CHANGE_WEEK)
    cell = cell_at(grid, sunday, time(2, 30))
    # The 02:30 row runs from 02:30 summer time to 03:00 winter time: an hour and a half.
    assert cell.end.astimezone(UTC) - cell.start.astimezone(UTC) == timedelta(minutes=90)
    assert cell.state == CellState.BOOKED
    assert cell_at(grid, sunday, time(2)).is_free  # 02:00–02:30 summer time: before it
    assert cell_at(grid, sunday, time(3)).is_free
    assert_free_is_bookable(grid, room, user)


@pytest.fixture
def held_evenings():
    """A provider as the seasonal allocation would register: Tuesday 18–20 held."""
    held = []

    def provider(*, resource_ids, start, end):
        return [h for h in held if h.resource_id in resource_ids]

    register_held_times(provider)
    yield held
    unregister_held_times(provider)


def test_held_times__shown_held_with_their_label_and_never_free(held_evenings):
    hub = hub_open(opens=time(10), closes=time(22))
    hall = ResourceFactory(hub=hub, only_in_opening_hours=True, min_minutes=60)
    half = ResourceFactory(hub=hub, parent=hall, name="Halve salen")
    tuesday = JANUARY_MONDAY + timedelta(days=1)
    held_evenings.append(
        HeldTime(
            resource_id=half.pk,
            starts_at=localise(tuesday, time(18)),
            ends_at=localise(tuesday, time(20)),
            label="Sesong 2026/27: Heggedal sjakklubb",
        )
    )
    user = UserFactory()
    grid = selectors.week_grid(hall, user, JANUARY_MONDAY)  # held on a part: the hall too
    states = [cell_at(grid, tuesday, time(h, m)).state for h in (18, 19) for m in (0, 30)]
    assert states == [CellState.HELD] * 4
    first = cell_at(grid, tuesday, time(18))
    assert first.run_start and first.reason == "Sesong 2026/27: Heggedal sjakklubb"
    assert first.run_range == "18:00–20:00" and first.shows_reason
    assert cell_at(grid, tuesday, time(17, 30)).state == CellState.UNAVAILABLE
    assert cell_at(grid, tuesday, time(20)).is_free


def test_without_a_provider_nothing_is_held():
    hub = hub_open()
    room = ResourceFactory(hub=hub, only_in_opening_hours=True)
    grid = selectors.week_grid(room, UserFactory(), JANUARY_MONDAY)
    assert all(cell.state != CellState.HELD for day in grid.days for cell in day.cells)


def test_today_is_marked_and_the_day_chosen_defaults_to_it():
    room = ResourceFactory(hub=hub_open())
    today = timezone.localdate()
    grid = selectors.week_grid(room, UserFactory(), today - timedelta(days=today.weekday()))
    assert [day.day for day in grid.days if day.is_today] == [today]
    assert grid.day(None).day == today
    assert grid.day(today + timedelta(days=30)).day == today  # not in the week: today


def test_one_set_of_queries_per_week__however_many_bookings():
    hub = hub_open(opens=time(8), closes=time(22))
    counts = []
    for bookings in (1, 20):
        room = ResourceFactory(hub=hub, only_in_opening_hours=True, horizon_days=600)
        for n in range(bookings):
            day = JANUARY_MONDAY + timedelta(days=n % 7)
            start = localise(day, time(8 + 2 * (n // 7)))
            book(room, start, start + timedelta(hours=1))
        user = UserFactory()
        with CaptureQueriesContext(connection) as queries:
            selectors.week_grid(room, user, JANUARY_MONDAY)
        counts.append(len(queries))
    # 11: the user's scope asks each membership source once (staff, association
    # coordinators, regional coordinators).
    assert counts[0] == counts[1] and 0 < counts[0] <= 11, counts
