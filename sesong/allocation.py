"""The automatic proposal: a pure function from wishes to allocations (no database).

The algorithm (also in the README):

1. **Priority category first.** Applications are taken category by category in the
   round's order (by default: associations with a cooperation agreement, other voluntary
   associations, municipal services, others). A category starts only when every wish of
   the one before has been tried, so a lower category can only get a time that no
   application of a higher category could use.
2. **Fairness within a category: rounds of wishes.** Each application's wishes are ranked
   by its own preference order. In round 1 every application of the category gets its
   first wish tried, before anyone's second wish is tried in round 2, and so on.
3. **A lottery, not the clock, orders applications within a round** — the deadline is the
   rule, so applying early gives no advantage. The order is a hash of the round and the
   application (deterministic: the same input gives the same proposal), and it snakes:
   odd rounds take the lottery order, even rounds the reverse, so the application drawn
   last is first to get its second wish.
4. **A wish is given as wished** if its room (or, for "any suitable room", the first
   suitable room) is free at that weekly time — every week needs both week parities free,
   every other week one of them — on every atomic space (a hall and its halves).
5. **Otherwise, with the applicant's consent, in part**, trying in order: the same time in
   another suitable room; every other week instead of every week; the longest free part
   of the wished time (at least half of it, and at least the room's shortest booking).
   Without consent the wish gets nothing.
6. Allocations fixed by staff are taken as given: their times are occupied before the
   proposal starts, and the wishes they answer are not tried again.

Properties, tested with generated inputs (tests/sesong/test_allocation.py): no atomic
space is ever given twice at the same weekly time in overlapping days; a wish of a higher
category is never left without its time on a room because a lower category holds it;
the same input gives the same output, whatever order it came in.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .enums import PartialKind

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Room:
    """A resource a wish may be given, with the atomic spaces it occupies."""

    resource_id: int
    spaces: tuple[int, ...]
    shortest_minutes: int = 30


@dataclass(frozen=True)
class WishInput:
    wish_id: int
    application_id: int
    category_rank: int  # 0 goes first
    preference: int
    weekday: int
    start: int  # minutes after midnight
    end: int
    weekly: bool
    first_day: date
    last_day: date
    rooms: tuple[Room, ...]  # as wished: the named room, or every suitable room
    alternatives: tuple[Room, ...] = ()  # other suitable rooms, with consent only
    consent_to_partial: bool = False


@dataclass(frozen=True)
class FixedTime:
    """A time already allocated (set by staff): occupied before the proposal starts."""

    spaces: tuple[int, ...]
    parities: tuple[int, ...]
    weekday: int
    start: int
    end: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class Proposed:
    wish_id: int
    application_id: int
    resource_id: int
    weekday: int
    start: int
    end: int
    weekly: bool
    parity: int
    first_day: date
    last_day: date
    partial: str = PartialKind.FULL

    @property
    def parities(self) -> tuple[int, ...]:
        return (0, 1) if self.weekly else (self.parity,)


@dataclass
class _Occupancy:
    """What is taken: per (space, week parity), the weekly minutes and days."""

    taken: dict[tuple[int, int], list[tuple[int, int, date, date]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def is_free(self, spaces, parities, lo: int, hi: int, first: date, last: date) -> bool:
        for space in spaces:
            for parity in parities:
                for t_lo, t_hi, t_first, t_last in self.taken.get((space, parity), ()):
                    if t_lo < hi and lo < t_hi and t_first <= last and first <= t_last:
                        return False
        return True

    def take(self, spaces, parities, lo: int, hi: int, first: date, last: date) -> None:
        for space in spaces:
            for parity in parities:
                self.taken[(space, parity)].append((lo, hi, first, last))


def lottery(seed: object, application_id: int) -> str:
    return hashlib.sha256(f"{seed}:{application_id}".encode()).hexdigest()


def propose(
    wishes: Iterable[WishInput], fixed: Iterable[FixedTime] = (), *, seed: object = 0
) -> list[Proposed]:
    """Allocations for the wishes, by the algorithm in this module's docstring."""
    occupancy = _Occupancy()
    for time in fixed:
        base = time.weekday * MINUTES_PER_DAY
        occupancy.take(
            time.spaces,
            time.parities,
            base + time.start,
            base + time.end,
            time.first_day,
            time.last_day,
        )
    by_application: dict[int, list[WishInput]] = defaultdict(list)
    for wish in wishes:
        by_application[wish.application_id].append(wish)
    for ranked in by_application.values():
        ranked.sort(key=lambda w: (w.preference, w.wish_id))
    by_category: dict[int, list[int]] = defaultdict(list)
    for application_id, ranked in by_application.items():
        by_category[min(w.category_rank for w in ranked)].append(application_id)
    proposals: list[Proposed] = []
    for category in sorted(by_category):
        drawn = sorted(by_category[category], key=lambda a: (lottery(seed, a), a))
        deepest = max(len(by_application[a]) for a in drawn)
        for level in range(deepest):
            order = drawn if level % 2 == 0 else list(reversed(drawn))
            for application_id in order:
                ranked = by_application[application_id]
                if level < len(ranked):
                    given = _give(ranked[level], occupancy)
                    if given is not None:
                        proposals.append(given)
    return proposals


def _give(wish: WishInput, occupancy: _Occupancy) -> Proposed | None:
    base = wish.weekday * MINUTES_PER_DAY
    lo, hi = base + wish.start, base + wish.end
    span = (wish.first_day, wish.last_day)

    def try_rooms(rooms: Sequence[Room], parity_options, lo: int, hi: int, partial: str):
        for room in rooms:
            for parities in parity_options:
                if occupancy.is_free(room.spaces, parities, lo, hi, *span):
                    occupancy.take(room.spaces, parities, lo, hi, *span)
                    return Proposed(
                        wish_id=wish.wish_id,
                        application_id=wish.application_id,
                        resource_id=room.resource_id,
                        weekday=wish.weekday,
                        start=lo - base,
                        end=hi - base,
                        weekly=len(parities) == 2,
                        parity=parities[0],
                        first_day=wish.first_day,
                        last_day=wish.last_day,
                        partial=partial,
                    )
        return None

    as_wished = ((0, 1),) if wish.weekly else ((0,), (1,))
    given = try_rooms(wish.rooms, as_wished, lo, hi, PartialKind.FULL)
    if given is not None or not wish.consent_to_partial:
        return given
    given = try_rooms(wish.alternatives, as_wished, lo, hi, PartialKind.OTHER_ROOM)
    if given is None and wish.weekly:
        given = try_rooms(wish.rooms, ((0,), (1,)), lo, hi, PartialKind.EVERY_OTHER_WEEK)
    if given is None:
        for room in wish.rooms:
            part = _longest_free_part(wish, room, as_wished, occupancy, lo, hi)
            if part is not None:
                given = try_rooms([room], as_wished, *part, PartialKind.SHORTER)
                break
    return given


STEP_MINUTES = 15


def _longest_free_part(
    wish: WishInput, room: Room, parity_options, occupancy: _Occupancy, lo: int, hi: int
) -> tuple[int, int] | None:
    """The longest part of [lo, hi) free on the room in one of the parity options (on a
    15-minute grid), if it lasts at least half the wished time and the room's shortest
    booking; the earliest of equally long parts."""
    shortest = max((hi - lo + 1) // 2, room.shortest_minutes, STEP_MINUTES)
    best: tuple[int, int] | None = None
    for length in range(hi - lo - STEP_MINUTES, shortest - 1, -STEP_MINUTES):
        for start in range(lo, hi - length + 1, STEP_MINUTES):
            if any(
                occupancy.is_free(
                    room.spaces, parities, start, start + length, wish.first_day, wish.last_day
                )
                for parities in parity_options
            ):
                best = (start, start + length)
                break
        if best is not None:
            break
    return best
