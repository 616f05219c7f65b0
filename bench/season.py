"""The seasonal allocation's national-scale round: the automatic proposal (the pure
function of sesong.allocation) for 2,000 applications × 3 wishes over 300 rooms — its run
time, its peak memory, and the fairness figures (share of applications given their first
wish, per priority category).

    python -m bench.season --scale national
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from collections import defaultdict
from datetime import date

SIZES = {"national": (2000, 300), "small": (200, 30), "tiny": (40, 6)}
CATEGORY_SHARES = (0.3, 0.4, 0.2, 0.1)  # agreement, voluntary, municipal, other


def generated_round(applications: int, rooms: int, *, seed: int = 2027):
    """Applications with three wishes each, evenings on weekdays, most for a named room
    of a hub (some rooms halls with two halves), a few for any suitable room."""
    from sesong.allocation import Room, WishInput

    chooser = random.Random(seed)
    hubs = max(rooms // 6, 1)
    catalogue = []
    pk = 0
    for hub in range(hubs):
        for n in range(rooms // hubs):
            pk += 1
            if n == 0:  # a hall with two halves: the hall occupies both
                catalogue.append((hub, Room(pk, (pk * 10 + 1, pk * 10 + 2))))
            else:
                catalogue.append((hub, Room(pk, (pk * 10,))))
    by_hub = defaultdict(list)
    for hub, room in catalogue:
        by_hub[hub].append(room)
    wishes = []
    wish_id = 0
    for application in range(1, applications + 1):
        category = chooser.choices(range(4), weights=CATEGORY_SHARES)[0]
        hub = chooser.randrange(hubs)
        taken = []
        for preference in (1, 2, 3):
            for _attempt in range(10):
                weekday = chooser.randrange(5)
                start = chooser.choice(range(16 * 60, 21 * 60, 30))
                end = start + chooser.choice((60, 90, 120))
                if not any(d == weekday and s < end and start < e for d, s, e in taken):
                    break
            else:
                continue
            taken.append((weekday, start, end))
            room = chooser.choice(by_hub[hub])
            wish_id += 1
            wishes.append(
                WishInput(
                    wish_id=wish_id,
                    application_id=application,
                    category_rank=category,
                    preference=preference,
                    weekday=weekday,
                    start=start,
                    end=end,
                    weekly=chooser.random() < 0.8,
                    first_day=date(2027, 8, 16),
                    last_day=date(2028, 6, 18),
                    rooms=(room,),
                    alternatives=tuple(r for r in by_hub[hub] if r != room)[:3],
                    consent_to_partial=chooser.random() < 0.7,
                )
            )
    return wishes


def measure_season(scale: str) -> dict:
    from sesong.allocation import propose

    applications, rooms = SIZES[scale]
    wishes = generated_round(applications, rooms)
    tracemalloc.start()
    started = time.perf_counter()
    proposal = propose(wishes, seed=1)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    again = propose(wishes, seed=1)
    first_wish = {w.application_id: w.wish_id for w in wishes if w.preference == 1}
    category = {w.application_id: w.category_rank for w in wishes}
    per_category = defaultdict(lambda: [0, 0, 0])  # applications, first wish in full, any
    given_any = {p.application_id for p in proposal}
    given_first = {
        p.application_id
        for p in proposal
        if p.wish_id == first_wish.get(p.application_id) and not p.partial
    }
    for application, rank in category.items():
        row = per_category[rank]
        row[0] += 1
        row[1] += application in given_first
        row[2] += application in given_any
    names = ("agreement", "voluntary", "municipal", "other")
    return {
        "applications": applications,
        "wishes": len(wishes),
        "rooms": rooms,
        "allocations": len(proposal),
        "partial": sum(1 for p in proposal if p.partial),
        "proposal_seconds": round(seconds, 3),
        "proposal_peak_mb": round(peak / 1e6, 1),
        "deterministic": again == proposal,
        "fairness": {
            names[rank]: {
                "applications": row[0],
                "first_wish_share": round(row[1] / row[0], 3) if row[0] else None,
                "anything_share": round(row[2] / row[0], 3) if row[0] else None,
            }
            for rank, row in sorted(per_category.items())
        },
    }


def print_season(result: dict) -> None:
    per_application = result["wishes"] / result["applications"]
    print(
        f"season: {result['applications']} applications × {per_application:.1f} "
        f"wishes over {result['rooms']} rooms: proposal {result['proposal_seconds']} s, "
        f"peak {result['proposal_peak_mb']} MB, {result['allocations']} allocations "
        f"({result['partial']} partial), deterministic: {result['deterministic']}"
    )
    for name, row in result["fairness"].items():
        print(
            f"  {name:<10} {row['applications']:>5} applications: first wish "
            f"{row['first_wish_share']:.0%}, something {row['anything_share']:.0%}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="seasonal allocation benchmark")
    parser.add_argument("--scale", default="national", choices=sorted(SIZES))
    arguments = parser.parse_args(argv)
    import django

    django.setup()
    result = measure_season(arguments.scale)
    print_season(result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
