"""What a write costs: bookings, event registrations and shift sign-ups per second through
the real endpoints (signed-in clients, session and CSRF cookies, the forms a browser posts),
CLIENTS at a time, each client writing REQUESTS times in a row, none of them competing for
the same slot or place (the races are bench/contention.py's). Reported per kind: writes per
second, p50/p99 latency, and the outbox rows each write created (the confirmations and
reminders it queued).

What serialises a write, and why:

- a **booking** takes a transaction-scoped advisory lock on (room, booker) to count the
  booker's active bookings against the room's cap, and its space claims go through the
  exclusion constraint's GiST index (no space claimed twice): bookings of different rooms,
  or by different people, run in parallel; two for the same space wait for each other;
- a **registration** locks the event's row to count its places (capacity), so
  registrations for one event queue up, those for different events do not;
- a **sign-up** locks the shift's row likewise, and the volunteer's shifts are kept apart
  by an exclusion constraint on (volunteer, time).
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

CLIENTS = 10
REQUESTS = 10  # per client and kind


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post(port: int, path: str, form: dict, cookie: str) -> tuple[str, float]:
    from django.utils.crypto import get_random_string

    token = get_random_string(32)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **form}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        headers={"Cookie": f"{cookie}; csrftoken={token}"},
    )
    started = time.perf_counter()
    try:
        outcome = f"status {urllib.request.build_opener(_NoRedirect).open(request).status}"
    except urllib.error.HTTPError as error:
        outcome = "written" if error.code == 302 else f"status {error.code}"
    except Exception as error:
        outcome = f"error {type(error).__name__}"
    return outcome, (time.perf_counter() - started) * 1000


def _run(port: int, jobs: list[list[tuple[str, dict]]], cookies: list[str]) -> dict:
    """Each client posts its own list of (path, form) one after another; all clients at once."""
    latencies: list[float] = []
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(jobs))

    def client(index: int) -> None:
        barrier.wait()
        for path, form in jobs[index]:
            outcome, ms = _post(port, path, form, cookies[index])
            with lock:
                outcomes.append(outcome)
                latencies.append(ms)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(jobs))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "writes": len(outcomes),
        "outcomes": {name: outcomes.count(name) for name in sorted(set(outcomes))},
        "per_second": round(len(outcomes) / seconds, 1),
        "p50_ms": round(latencies[len(latencies) // 2], 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)], 1),
    }


def _outbox_count() -> int:
    from hubportal.notifications.models import Notification

    return Notification.objects.count()


def measure_writes(port: int, clients: int = CLIENTS, requests: int = REQUESTS) -> dict:
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from bench.contention import _signed_in_clients
    from booking.models import Resource
    from frivillighet.models import Opportunity, Shift
    from innbyggertorg.models import Event
    from knutepunkt.models import Hub

    hub = Hub.objects.order_by("pk").first()
    tag = get_random_string(6)
    results = {}

    # Bookings: each client its own room, a different hour each time.
    signed_in = _signed_in_clients(clients, verified=True)
    rooms = [
        Resource.objects.create(
            hub=hub,
            name=f"Skriverom {tag} {n}",
            kind="meeting_room",
            capacity=100,
            only_in_opening_hours=False,
            min_notice_hours=0,
            max_active_per_booker=1000,
        )
        for n in range(clients)
    ]
    tomorrow = timezone.localdate() + timedelta(days=1)
    jobs = [
        [
            (
                f"/rom/{room.pk}/book/",
                {
                    "day": (tomorrow + timedelta(days=r // 12)).isoformat(),
                    "start": f"{8 + r % 12:02d}:00",
                    "minutes": "60",
                    "purpose": "Skrivetest",
                    "attendees": "1",
                    "repeat": "none",
                },
            )
            for r in range(requests)
        ]
        for room in rooms
    ]
    before = _outbox_count()
    results["booking"] = _run(port, jobs, [cookie for _, cookie in signed_in])
    results["booking"]["outbox_rows_per_write"] = round(
        (_outbox_count() - before) / max(results["booking"]["writes"], 1), 2
    )

    # Registrations: each client a different event each time.
    start = timezone.now() + timedelta(days=5)
    events = Event.objects.bulk_create(
        Event(
            hub=hub,
            municipality_id=hub.municipality_id,
            title=f"Skrivetest {tag} {n}",
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=45),
            category="other",
            registration="portal",
            capacity=50,
        )
        for n in range(clients * requests)
    )
    jobs = [
        [
            (
                events[c * requests + r].get_absolute_url(),
                {"name": "Skriver", "email": user.email, "group_size": "1"},
            )
            for r in range(requests)
        ]
        for c, (user, _cookie) in enumerate(signed_in)
    ]
    before = _outbox_count()
    results["registration"] = _run(port, jobs, [cookie for _, cookie in signed_in])
    results["registration"]["outbox_rows_per_write"] = round(
        (_outbox_count() - before) / max(results["registration"]["writes"], 1), 2
    )

    # Sign-ups: each client a different shift each time, never two at once for one person.
    opportunity = Opportunity.objects.create(hub=hub, title=f"Skrivevakt {tag}")
    shifts = Shift.objects.bulk_create(
        Shift(
            opportunity=opportunity,
            starts_at=start + timedelta(hours=3 * n),
            ends_at=start + timedelta(hours=3 * n + 2),
            capacity=clients + 5,
        )
        for n in range(requests)
    )
    jobs = [
        [(f"/frivillighet/vakt/{shift.pk}/meld-pa/", {}) for shift in shifts]
        for _ in range(clients)
    ]
    before = _outbox_count()
    results["signup"] = _run(port, jobs, [cookie for _, cookie in signed_in])
    results["signup"]["outbox_rows_per_write"] = round(
        (_outbox_count() - before) / max(results["signup"]["writes"], 1), 2
    )
    results["clients"] = clients
    results["requests_per_client"] = requests
    return results


def print_writes(result: dict) -> None:
    print(
        f"writes through the real endpoints, {result['clients']} signed-in clients at once, "
        f"{result['requests_per_client']} each:"
    )
    for kind in ("booking", "registration", "signup"):
        row = result[kind]
        print(
            f"  {kind:<13}{row['per_second']:>7}/s  p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms"
            f"  outbox rows per write {row['outbox_rows_per_write']}  {row['outcomes']}"
        )
