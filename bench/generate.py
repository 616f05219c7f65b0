"""A national-scale data set, generated fast and reproducibly (seeded).

    python -m hubportal.devstack exec -- .venv/bin/python -m bench.generate --scale small

Scale 1.0 is all of Norway: 357 municipalities, 1,500 districts and hubs (hours with a
closed day and dated Christmas hours each), 10,000 bookable resources (500 divisible halls
of two parts each), 1,000,000 booked times over two years (every fifth room's bookings are
weekly series of ten), 20,000 organisations, 100,000 volunteers with 500,000 shift sign-ups,
50,000 events with 500,000 registrations. `small` is 1/100, `tiny` 1/1000.

The small tables go in with bulk_create; the big ones (users, bookings, their times and
space claims, sign-ups, registrations) with PostgreSQL's COPY, with their ids assigned
here. Every row still passes the database's own checks: the exclusion constraints (no
double booking of a space, no volunteer in two overlapping shifts), the capacity checks and
the foreign keys, so the data set is one the portal could have made itself.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from datetime import time as clock

SCALES = {"national": 1.0, "small": 0.01, "tiny": 0.001}
NATIONAL = {
    "municipalities": 357,
    "hubs": 1500,
    "resources": 10_000,
    "bookings": 1_000_000,
    "organisations": 20_000,
    "volunteers": 100_000,
    "signups": 500_000,
    "events": 50_000,
    "registrations": 500_000,
}
BATCH = 5000
WEEKS = 104  # two years of booked times, half behind and half ahead
SERIES_LENGTH = 10  # weeks in a recurring series
SIGNUPS_PER_SHIFT = 20
REGISTRATIONS_PER_EVENT = 10
SHIFT_DAYS = 61  # shifts spread over this many days (a prime: a volunteer's never clash)


def counts(scale: float) -> dict[str, int]:
    return {name: max(2, int(value * scale)) for name, value in NATIONAL.items()}


# --------------------------------------------------------------------------- COPY


def copy_rows(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into the model's table. `columns` are attnames (``resource_id``); every
    other column takes its field's default (auto_now(_add) fields: now), so the rows look
    like ones the ORM wrote. Returns the number of rows."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    given = set(columns)
    rest = [f for f in model._meta.concrete_fields if f.attname not in given]
    defaults = []
    for field in rest:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:  # its default, "" for text, None otherwise (the database refuses a missing one)
            value = field.get_default()
        defaults.append(field.get_db_prep_save(value, connection))
    names = [model._meta.get_field(c).column if c != "id" else "id" for c in columns]
    names += [field.column for field in rest]
    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
    written = 0
    tail = tuple(defaults)
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row + tail)
            written += 1
    return written


def next_id(model) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0]


def reset_sequences(models: Iterable) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


# --------------------------------------------------------------------------- generation


class Timer:
    """Seconds per step, for the report."""

    def __init__(self):
        self.started = self.last = time.monotonic()
        self.steps: dict[str, float] = {}

    def step(self, name: str) -> None:
        now = time.monotonic()
        self.steps[name] = round(now - self.last, 1)
        self.last = now
        print(f"  generated {name} in {self.steps[name]} s", flush=True)

    @property
    def total(self) -> float:
        return round(time.monotonic() - self.started, 1)


def generate(scale_name: str, seed: int = 2026) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    random.seed(seed)
    n = counts(SCALES[scale_name])
    timer = Timer()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        places = _places(n, now.date())
        timer.step("municipalities, districts, hubs, hours")
        resources = _resources(n, places["hubs"])
        timer.step("resources")
        users = _users(n)
        timer.step("users and volunteer profiles")
        booked = _bookings(n, resources, users, now)
        timer.step("bookings, booked times, space claims")
        _volunteering(n, places, users, now)
        timer.step("organisations, shifts, sign-ups")
        _events(n, places["hubs"], now)
        timer.step("events, registrations")
        from booking.models import Booking, Occurrence, SpaceClaim
        from frivillighet.models import ShiftSignup, VolunteerProfile
        from hubportal.accounts.models import User
        from innbyggertorg.models import Registration

        reset_sequences(
            [User, VolunteerProfile, Booking, Occurrence, SpaceClaim, ShiftSignup, Registration]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timer.step("analyze")
    from hubportal.search.services import search_rebuild

    documents = search_rebuild()
    timer.step("search index")
    return {
        "scale": scale_name,
        "counts": {
            **n,
            "booked_times": booked["occurrences"],
            "bookings": booked["bookings"],
            "space_claims": booked["claims"],
        },
        "documents": documents,
        "seconds": timer.total,
        "steps": timer.steps,
    }


def _places(n: dict, today: date) -> dict:
    from innbyggertorg.models import ServiceType
    from knutepunkt.enums import ExceptionKind
    from knutepunkt.models import (
        District,
        ExceptionSpan,
        Hub,
        Municipality,
        OpeningHoursException,
        OpeningHoursPeriod,
        OpeningHoursSpan,
    )

    municipalities = Municipality.objects.bulk_create(
        Municipality(name=f"Kommune {i}", slug=f"bench-kommune-{i}", number=f"{1000 + i:04d}")
        for i in range(n["municipalities"])
    )
    districts = District.objects.bulk_create(
        District(
            municipality=municipalities[i % len(municipalities)],
            name=f"Bydel {i}",
            slug=f"bydel-{i}",
            postcodes=[f"{(1000 + i) % 10000:04d}"],
        )
        for i in range(n["hubs"])
    )
    hubs = Hub.objects.bulk_create(
        Hub(
            district=d,
            municipality_id=d.municipality_id,
            name=f"Knutepunkt {i}",
            slug=f"knutepunkt-{i}",
            street_address="Torget 1",
            postcode="1389",
            post_town="Sted",
            description="Innbyggerservice, bibliotek og bostøtte.",
            latitude=58 + random.random() * 12,
            longitude=5 + random.random() * 25,
        )
        for i, d in enumerate(districts)
    )
    periods = OpeningHoursPeriod.objects.bulk_create(
        OpeningHoursPeriod(hub=h, name="Ordinær", valid_from=today - timedelta(days=800))
        for h in hubs
    )
    OpeningHoursSpan.objects.bulk_create(
        (
            OpeningHoursSpan(period=p, weekday=d, opens=clock(7), closes=clock(22))
            for p in periods
            for d in range(7)
        ),
        batch_size=BATCH,
    )
    # Each hub: one closed day within the coming weeks, and dated Christmas hours.
    christmas = date(today.year, 12, 23)
    exceptions = OpeningHoursException.objects.bulk_create(
        [
            OpeningHoursException(
                hub=h,
                start_date=today + timedelta(days=20 + i % 30),
                end_date=today + timedelta(days=20 + i % 30),
                kind=ExceptionKind.CLOSED,
                reason="Personalmøte",
            )
            for i, h in enumerate(hubs)
        ]
        + [
            OpeningHoursException(
                hub=h,
                start_date=christmas,
                end_date=christmas + timedelta(days=1),
                kind=ExceptionKind.SPECIAL_HOURS,
                reason="Jul",
            )
            for h in hubs
            if christmas > today + timedelta(days=50)
        ],
        batch_size=BATCH,
    )
    ExceptionSpan.objects.bulk_create(
        (
            span
            for e in exceptions
            if e.kind == ExceptionKind.SPECIAL_HOURS
            for span in (
                ExceptionSpan(exception=e, opens=clock(10), closes=clock(14)),
                ExceptionSpan(exception=e, day=e.end_date, opens=clock(9), closes=clock(12)),
            )
        ),
        batch_size=BATCH,
    )
    ServiceType.objects.bulk_create(
        ServiceType(
            municipality=m,
            name="Bostøtte og startlån",
            slug="bostotte",
            category="other",
            keywords="bostøtte startlån",
        )
        for m in municipalities
    )
    return {"municipalities": municipalities, "hubs": hubs}


def _resources(n: dict, hubs: list) -> list[dict]:
    """Plain rooms, and divisible halls of two parts each (a twentieth of the rooms are
    halls). Returned as plain rows: id, spaces it claims, the weekday its bookings fall on."""
    from booking.models import Resource

    def room(index: int, kind: str = "meeting_room", **fields) -> Resource:
        hub = hubs[index % len(hubs)]
        return Resource(
            hub=hub,
            municipality_id=hub.municipality_id,
            kind=kind,
            capacity=10 + index % 60,
            facilities=["projector"] if index % 2 else [],
            max_active_per_booker=100_000,
            **fields,
        )

    halls_count = max(1, n["resources"] // 20)
    halls = Resource.objects.bulk_create(
        room(i, name=f"Sal {i}", kind="hall") for i in range(halls_count)
    )
    parts = Resource.objects.bulk_create(
        Resource(
            hub_id=hall.hub_id,
            municipality_id=hall.municipality_id,
            parent=hall,
            name=f"{hall.name} del {side}",
            kind="hall",
            capacity=hall.capacity // 2 + 1,
            max_active_per_booker=100_000,
        )
        for hall in halls
        for side in ("A", "B")
    )
    rooms_count = max(1, n["resources"] - len(halls) - len(parts))
    rooms = Resource.objects.bulk_create(
        (room(i, name=f"Rom {i}") for i in range(rooms_count)), batch_size=BATCH
    )
    parts_of: dict[int, list[int]] = {}
    for part in parts:
        parts_of.setdefault(part.parent_id, []).append(part.pk)
    rows = [{"id": h.pk, "spaces": parts_of[h.pk], "weekday": 5} for h in halls]
    rows += [{"id": p.pk, "spaces": [p.pk], "weekday": i % 5} for i, p in enumerate(parts)]
    rows += [{"id": r.pk, "spaces": [r.pk], "weekday": i % 7} for i, r in enumerate(rooms)]
    return rows  # halls first: the benchmark's week view is a divisible hall


def _users(n: dict) -> list[int]:
    from frivillighet.models import VolunteerProfile
    from hubportal.accounts.models import User

    count = max(n["volunteers"], 10)
    first = next_id(User)
    ids = list(range(first, first + count))
    copy_rows(
        User,
        ["id", "email", "password", "is_active"],
        ((pk, f"bench{i}@example.no", "!", True) for i, pk in enumerate(ids)),
    )
    first_profile = next_id(VolunteerProfile)
    copy_rows(
        VolunteerProfile,
        ["id", "user_id", "consent_to_contact"],
        ((first_profile + i, pk, i % 3 == 0) for i, pk in enumerate(ids)),
    )
    return ids


PURPOSES = ["Møte", "Korøvelse", "Leksehjelp", "Språkkafé", "Styremøte", "Bursdag", "Kurs"]


def _booking_status(position: int, week: int, ahead: bool) -> str:
    """As staff meet them: most confirmed, one in twelve cancelled, and of the coming ones
    one in twenty-five still waiting for approval (the approval queue)."""
    turn = (position * 7 + week * 3) % 100
    if turn < 8:
        return "cancelled"
    if ahead and turn < 12:
        return "requested"
    return "confirmed"


def _bookings(n: dict, resources: list[dict], users: list[int], now: datetime) -> dict:
    """One booked time a week per resource over two years, on the resource's weekday, at
    an hour that varies by week: single bookings, or (every fifth resource) weekly series
    of ten at a fixed hour. A hall's bookings fall on Saturdays and claim both its parts,
    whose own bookings fall on weekdays: no space is ever claimed twice."""
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from booking.models import Booking, Occurrence, SpaceClaim

    weeks = max(1, min(WEEKS, round(n["bookings"] / len(resources))))
    monday = (now - timedelta(days=7 * (weeks // 2))).replace(hour=0)
    monday -= timedelta(days=monday.weekday())
    bookings, occurrences, claims = [], [], []
    booking_id, occurrence_id, claim_id = next_id(Booking), next_id(Occurrence), next_id(SpaceClaim)
    status = "confirmed"
    for position, resource in enumerate(resources):
        series = position % 5 == 0
        for week in range(weeks):
            hour = 8 + (position if series else position + 3 * week) % 12
            starts = monday + timedelta(days=7 * week + resource["weekday"], hours=hour)
            ends = starts + timedelta(hours=1)
            if not series or week % SERIES_LENGTH == 0:
                booker = users[(position * 31 + week) % len(users)]
                status = _booking_status(position, week, starts > now)
                bookings.append(
                    (
                        booking_id,
                        resource["id"],
                        booker,
                        PURPOSES[(position + week) % len(PURPOSES)],
                        status,
                        week % 10 == 0,
                        "weekly" if series else "none",
                        # Booked one to eight weeks ahead, so staff lists sort as in life.
                        starts - timedelta(days=7 + (position * 7 + week) % 50),
                    )
                )
                booking_id += 1
            occurrences.append(
                (occurrence_id, booking_id - 1, resource["id"], starts, ends, status)
            )
            if status != "cancelled":  # a cancelled time has given its spaces back
                during = DateTimeTZRange(starts, ends, "[)")
                for space in resource["spaces"]:
                    claims.append((claim_id, occurrence_id, space, during))
                    claim_id += 1
            occurrence_id += 1
    copy_rows(
        Booking,
        [
            "id",
            "resource_id",
            "booker_id",
            "purpose",
            "status",
            "is_public",
            "repeat",
            "created_at",
        ],
        bookings,
    )
    copy_rows(
        Occurrence,
        ["id", "booking_id", "resource_id", "starts_at", "ends_at", "status"],
        occurrences,
    )
    copy_rows(SpaceClaim, ["id", "occurrence_id", "space_id", "during"], claims)
    return {"bookings": len(bookings), "occurrences": len(occurrences), "claims": len(claims)}


def _volunteering(n: dict, places: dict, users: list[int], now: datetime) -> None:
    """Organisations, an opportunity per hub, shifts of 25 places with 20 confirmed
    volunteers each. A volunteer's shifts lie on different days (SHIFT_DAYS is prime)."""
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from frivillighet.models import Opportunity, Organisation, Shift, ShiftSignup

    municipalities, hubs = places["municipalities"], places["hubs"]
    organisations = Organisation.objects.bulk_create(
        (
            Organisation(
                municipality=municipalities[i % len(municipalities)],
                name=f"Lag {i}",
                org_number=f"{100000000 + i}",
                kind="voluntary",
                listing="approved",
            )
            for i in range(n["organisations"])
        ),
        batch_size=BATCH,
    )
    opportunities = Opportunity.objects.bulk_create(
        Opportunity(hub=h, organisation=organisations[i % len(organisations)], title=f"Vakt {i}")
        for i, h in enumerate(hubs)
    )
    shifts = Shift.objects.bulk_create(
        (
            Shift(
                opportunity=opportunities[i % len(opportunities)],
                starts_at=now + timedelta(days=1 + i % SHIFT_DAYS, hours=i % 7),
                ends_at=now + timedelta(days=1 + i % SHIFT_DAYS, hours=i % 7 + 2),
                capacity=SIGNUPS_PER_SHIFT + 5,
                places_taken=SIGNUPS_PER_SHIFT,
            )
            for i in range(max(1, n["signups"] // SIGNUPS_PER_SHIFT))
        ),
        batch_size=BATCH,
    )

    first = next_id(ShiftSignup)  # not inside the generator: it runs during the COPY

    def signups() -> Iterator[tuple]:
        pk = first
        for s, shift in enumerate(shifts):
            during = DateTimeTZRange(shift.starts_at, shift.ends_at, "[)")
            for j in range(SIGNUPS_PER_SHIFT):
                volunteer = users[(s * SIGNUPS_PER_SHIFT + j) % len(users)]
                yield (pk, shift.pk, volunteer, "confirmed", during)
                pk += 1

    copy_rows(ShiftSignup, ["id", "shift_id", "volunteer_id", "status", "during"], signups())


def _events(n: dict, hubs: list, now: datetime) -> None:
    """Events over the coming three months, half with 30 places; ten registrations each."""
    from innbyggertorg.models import Event, Registration

    per_event = REGISTRATIONS_PER_EVENT
    events = Event.objects.bulk_create(
        (
            Event(
                hub=hubs[i % len(hubs)],
                municipality_id=hubs[i % len(hubs)].municipality_id,
                title=f"Språkkafé {i}",
                starts_at=now + timedelta(days=i % 90, hours=18),
                ends_at=now + timedelta(days=i % 90, hours=20),
                category="language_cafe",
                registration="portal",
                capacity=30 if i % 2 else None,
                places_taken=per_event,
            )
            for i in range(n["events"])
        ),
        batch_size=BATCH,
    )
    first = next_id(Registration)
    copy_rows(
        Registration,
        ["id", "event_id", "name", "email", "status"],
        (
            (first + i, events[i // per_event].pk, "Deltaker", f"r{i}@example.no", "confirmed")
            for i in range(len(events) * per_event)
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubportal.settings.production")
    print(generate(arguments.scale))


if __name__ == "__main__":
    main()
