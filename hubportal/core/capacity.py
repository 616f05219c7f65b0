"""The one capacity engine: places, a waiting list promoted in order, and caps per person.

A `Pool` is a row with places (an event, a shift: its `capacity` and a `places_taken`
column the lists read) and the rows that hold or wait for them (registrations,
sign-ups: a status, optionally a weight such as a group's size, and an order). Every
action locks the counter row first (``SELECT ... FOR UPDATE``), then counts the holders
from the database and writes the count back: the counter is never trusted, never
adjusted by a difference, so no path can make it drift. The apps' check constraints
(`places_taken <= capacity`) are the last guard. Locking the counter before any holder
row is the one lock order, so two actions on one pool never deadlock.

The rules, the same for every user:
- a newcomer takes a place only when it fits and nobody is waiting (no queue jumping);
- a freed place goes to the waiting list strictly in order: promotion stops at the first
  one that does not fit (it keeps its turn); one the database refuses to confirm (an
  exclusion constraint, e.g. a volunteer's overlapping shift) is passed over and keeps
  waiting;
- a cap per person (`cap_left`) is counted under an advisory lock on (what, who), inside
  the caller's transaction, so two concurrent requests cannot both pass it.

The engine writes only rows and counts; notifications are the caller's (it is told who
was promoted). It imports no app: each app describes its pool in its own services.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError


@dataclass(frozen=True)
class Pool:
    """Where a kind of place lives: the counter model and the holders' model and fields."""

    counter: type[models.Model]  # e.g. Event
    holders: type[models.Model]  # e.g. Registration
    link: str  # the holders' foreign key to the counter, e.g. "event"
    holding: str  # the status of a holder with a place, e.g. "confirmed"
    waiting: str  # the status of a holder on the waiting list, e.g. "waitlisted"
    status_field: str = "status"
    weight_field: str | None = None  # e.g. "group_size"; None: each holder takes one place
    order: tuple[str, ...] = ("created_at", "pk")  # the waiting list's order
    # Where a holder's time of joining the waiting list is written, when it can join later
    # than it was created (a guest who confirms their email days after registering);
    # `order` should then start with it.
    queued_field: str | None = None
    capacity_field: str = "capacity"  # None in a row: no limit
    taken_field: str = "places_taken"

    # ----------------------------------------------------------------- reading

    def lock(self, counter_id: int) -> models.Model:
        """The counter row, locked until the transaction ends (the first lock taken)."""
        return self.counter.objects.select_for_update(of=("self",)).get(pk=counter_id)

    def taken(self, counter_id: int) -> int:
        """Places held, counted from the holders (never from the counter)."""
        holding = self._of(counter_id).filter(**{self.status_field: self.holding})
        if self.weight_field is None:
            return holding.count()
        return holding.aggregate(n=Sum(self.weight_field))["n"] or 0

    def recount(self, counter_id: int) -> int:
        """Lock the counter and count its places: what a save of the counter row must write
        (never the count read before the lock, which another action may have changed)."""
        return self.taken(self.lock(counter_id).pk)

    def free(self, counter: models.Model) -> int | None:
        """Free places under the lock (None: no limit)."""
        capacity = getattr(counter, self.capacity_field)
        if capacity is None:
            return None
        return max(0, capacity - self.taken(counter.pk))

    def has_queue(self, counter_id: int, *, besides: Any = None) -> bool:
        waiting = self._of(counter_id).filter(**{self.status_field: self.waiting})
        if besides is not None:
            waiting = waiting.exclude(pk=besides)
        return waiting.exists()

    # ----------------------------------------------------------------- writing

    def take(self, holder: models.Model) -> bool:
        """Give the holder a place if one fits and nobody is waiting; otherwise put it on
        the waiting list. Saves the holder (creates it when new) under the counter's lock;
        returns whether it holds a place. The database's refusal (IntegrityError, e.g. an
        overlap) propagates with nothing saved."""
        counter = self.lock(self._counter_id(holder))
        taken = self.taken(counter.pk)
        fits = self._fits(counter, taken, self._weight(holder))
        gets_place = fits and not self.has_queue(counter.pk, besides=holder.pk)
        setattr(holder, self.status_field, self.holding if gets_place else self.waiting)
        changed = [self.status_field]
        if not gets_place and self.queued_field:
            setattr(holder, self.queued_field, timezone.now())
            changed.append(self.queued_field)
        with transaction.atomic():  # a savepoint: a refused holder leaves nothing behind
            if holder.pk is None:
                holder.save()
            else:
                holder.save(update_fields=changed)
            self._write(counter, taken + (self._weight(holder) if gets_place else 0))
        return gets_place

    def release(self, holder: models.Model, *, to: str) -> Release:
        """Move the holder out of the pool (cancelled, withdrawn); a freed place goes to
        the waiting list. Releasing twice changes nothing."""
        counter = self.lock(self._counter_id(holder))
        holder = self.holders.objects.select_for_update().get(pk=holder.pk)
        was = getattr(holder, self.status_field)
        if was == to:
            return Release(holder, was, changed=False)
        setattr(holder, self.status_field, to)
        holder.save(update_fields=[self.status_field])
        promoted = self.fill(counter.pk) if was == self.holding else []
        return Release(holder, was, changed=True, promoted=promoted)

    def fill(self, counter_id: int) -> list[models.Model]:
        """Count the places again and promote from the waiting list, in order, as far as
        places allow. Call it after anything that may free places or add some (a
        cancellation, a moved shift, a larger capacity). Returns the promoted holders."""
        counter = self.lock(counter_id)
        taken = self.taken(counter.pk)
        promoted = []
        waiting = (
            self._of(counter.pk)
            .filter(**{self.status_field: self.waiting})
            .select_for_update(of=("self",))
            .order_by(*self.order)
        )
        for candidate in waiting:
            weight = self._weight(candidate)
            if not self._fits(counter, taken, weight):
                break  # strictly in order: the first that does not fit keeps its turn
            setattr(candidate, self.status_field, self.holding)
            try:
                with transaction.atomic():
                    candidate.save(update_fields=[self.status_field])
            except IntegrityError:  # the database will not let this one hold: next in line
                setattr(candidate, self.status_field, self.waiting)
                continue
            taken += weight
            promoted.append(candidate)
        self._write(counter, taken)
        return promoted

    def check_capacity(self, counter_id: int, capacity: int | None) -> None:
        """Refuse a capacity below the places held (DomainError on the capacity field).
        The counter stays locked until the transaction ends, so a change made after this
        check in the same transaction (an admin form, then its save) sees the same count."""
        taken = self.taken(self.lock(counter_id).pk)
        if capacity is not None and capacity < taken:
            raise DomainError(
                _("%(n)d places are taken, so there must be at least %(n)d.") % {"n": taken},
                field=self.capacity_field,
            )

    def resize(self, counter: models.Model, capacity: int | None) -> list[models.Model]:
        """Set a new capacity and promote into any places it adds; returns the promoted.
        Refused (nothing saved) when more places than that are held."""
        self.check_capacity(counter.pk, capacity)
        self.counter.objects.filter(pk=counter.pk).update(**{self.capacity_field: capacity})
        setattr(counter, self.capacity_field, capacity)
        promoted = self.fill(counter.pk)
        setattr(counter, self.taken_field, self.taken(counter.pk))
        return promoted

    # ----------------------------------------------------------------- helpers

    def _of(self, counter_id: int):
        return self.holders.objects.filter(**{f"{self.link}_id": counter_id})

    def _counter_id(self, holder: models.Model) -> int:
        return getattr(holder, f"{self.link}_id")

    def _weight(self, holder: models.Model) -> int:
        return 1 if self.weight_field is None else getattr(holder, self.weight_field)

    def _fits(self, counter: models.Model, taken: int, weight: int) -> bool:
        capacity = getattr(counter, self.capacity_field)
        return capacity is None or taken + weight <= capacity

    def _write(self, counter: models.Model, taken: int) -> None:
        if getattr(counter, self.taken_field) != taken:
            self.counter.objects.filter(pk=counter.pk).update(**{self.taken_field: taken})
            setattr(counter, self.taken_field, taken)


@dataclass
class Release:
    """What releasing a holder did."""

    holder: models.Model
    was: str  # its status before
    changed: bool  # False: it was released already
    promoted: list[models.Model] = field(default_factory=list)


# --------------------------------------------------------------------------- caps


def cap_left(*, key: tuple[str | int, ...], limit: int, held: models.QuerySet) -> int:
    """How many more the person may hold under a cap of `limit` (negative when they hold
    more, e.g. after the cap was lowered), counted under a transaction-scoped advisory
    lock on `key` (e.g. ("booking.cap", resource, person)): a second request for the same
    key waits here until the first commits, then counts what it booked. Must run inside
    the transaction that then writes."""
    if not connection.in_atomic_block:
        raise RuntimeError("cap_left must run inside the transaction that writes")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(key)])
    return limit - held.count()


def _lock_id(key: tuple[str | int, ...]) -> int:
    """A stable signed 64-bit id for the key (a collision only makes two keys wait)."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
