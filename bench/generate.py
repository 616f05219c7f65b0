"""A national-scale data set, generated fast (bulk inserts) and reproducibly (seeded).

    python -m hubportal.devstack exec -- .venv/bin/python -m bench.generate --scale small

Scale 1.0 is all of Norway (357 municipalities, ~1,500 districts and hubs, ~10,000
resources, 1,000,000 booked times over two years, ...); `small` is 1/100, `tiny` 1/1000.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import datetime, timedelta

SCALES = {"national": 1.0, "small": 0.01, "tiny": 0.001}
NATIONAL = {
    "municipalities": 357, "hubs": 1500, "resources": 10_000, "bookings": 1_000_000,
    "organisations": 20_000, "volunteers": 100_000, "signups": 500_000, "events": 50_000,
    "registrations": 500_000,
}  # fmt: skip
BATCH = 5000


def counts(scale: float) -> dict[str, int]:
    return {name: max(2, int(value * scale)) for name, value in NATIONAL.items()}


def generate(scale_name: str, seed: int = 2026) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
    from django.utils import timezone

    from booking.models import Booking, Occurrence, Resource, SpaceClaim
    from frivillighet.models import Opportunity, Organisation, Shift, ShiftSignup
    from hubportal.accounts.models import User
    from innbyggertorg.models import Event, Registration, ServiceType
    from knutepunkt.models import District, Hub, Municipality, OpeningHoursPeriod, OpeningHoursSpan

    random.seed(seed)
    n = counts(SCALES[scale_name])
    started = time.monotonic()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
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
            OpeningHoursPeriod(hub=h, name="Ordinær", valid_from=now.date() - timedelta(days=800))
            for h in hubs
        )
        OpeningHoursSpan.objects.bulk_create(
            (
                OpeningHoursSpan(
                    period=p,
                    weekday=d,
                    opens=datetime.min.time().replace(hour=7),
                    closes=datetime.min.time().replace(hour=22),
                )
                for p in periods
                for d in range(7)
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
        resources = Resource.objects.bulk_create(
            (
                Resource(
                    hub=hubs[i % len(hubs)],
                    municipality_id=hubs[i % len(hubs)].municipality_id,
                    name=f"Rom {i}",
                    kind="meeting_room",
                    capacity=10 + i % 60,
                    facilities=["projector"] if i % 2 else [],
                    only_in_opening_hours=False,
                    min_notice_hours=0,
                    max_active_per_booker=100_000,
                )
                for i in range(n["resources"])
            ),
            batch_size=BATCH,
        )
        users = User.objects.bulk_create(
            (
                User(email=f"bench{i}@example.no", password="!")
                for i in range(max(n["volunteers"], 10))
            ),
            batch_size=BATCH,
        )
        # Bookings: two years around today, one hour each, never overlapping per room.
        per_resource = max(1, n["bookings"] // len(resources))
        start0 = now - timedelta(days=365)
        step = timedelta(hours=(2 * 365 * 24) // per_resource or 1)
        for chunk_start in range(0, len(resources), max(1, BATCH // per_resource)):
            chunk = resources[chunk_start : chunk_start + max(1, BATCH // per_resource)]
            bookings = Booking.objects.bulk_create(
                Booking(
                    resource=r,
                    booker=users[(j + k) % len(users)],
                    purpose="Møte",
                    status="confirmed",
                    is_public=(k % 10 == 0),
                )
                for j, r in enumerate(chunk)
                for k in range(per_resource)
            )
            occurrences = Occurrence.objects.bulk_create(
                Occurrence(
                    booking=b,
                    resource=b.resource,
                    starts_at=start0 + step * (idx % per_resource),
                    ends_at=start0 + step * (idx % per_resource) + timedelta(hours=1),
                    status="confirmed",
                )
                for idx, b in enumerate(bookings)
            )
            SpaceClaim.objects.bulk_create(
                SpaceClaim(
                    occurrence=o,
                    space_id=o.resource_id,
                    during=DateTimeTZRange(o.starts_at, o.ends_at, "[)"),
                )
                for o in occurrences
            )
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
            Opportunity(
                hub=h, organisation=organisations[i % len(organisations)], title=f"Vakt {i}"
            )
            for i, h in enumerate(hubs)
        )
        shifts = Shift.objects.bulk_create(
            (
                Shift(
                    opportunity=opportunities[i % len(opportunities)],
                    starts_at=now + timedelta(days=i % 60, hours=i % 7),
                    ends_at=now + timedelta(days=i % 60, hours=i % 7 + 2),
                    capacity=1_000_000,
                )
                for i in range(max(1, n["signups"] // 20))
            ),
            batch_size=BATCH,
        )
        ShiftSignup.objects.bulk_create(
            (
                ShiftSignup(
                    shift=shifts[i % len(shifts)],
                    volunteer=users[i % len(users)],
                    status="waitlisted",
                    during=DateTimeTZRange(
                        shifts[i % len(shifts)].starts_at, shifts[i % len(shifts)].ends_at, "[)"
                    ),
                )
                for i in range(n["signups"])
            ),
            batch_size=BATCH,
            ignore_conflicts=True,
        )
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
                    capacity=None,
                )
                for i in range(n["events"])
            ),
            batch_size=BATCH,
        )
        Registration.objects.bulk_create(
            (
                Registration(
                    event=events[i % len(events)],
                    name="Deltaker",
                    email=f"r{i}@example.no",
                    status="confirmed",
                )
                for i in range(n["registrations"])
            ),
            batch_size=BATCH,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from hubportal.search.services import search_rebuild

    documents = search_rebuild()
    return {
        "scale": scale_name,
        "counts": n,
        "documents": documents,
        "seconds": round(time.monotonic() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubportal.settings.production")
    print(generate(arguments.scale))


if __name__ == "__main__":
    main()
