"""Exports that stream: the attendee list of every event a search finds (about 100,000
rows at national scale), downloaded from the admin as a superuser does it, from a gunicorn
web server with one worker. Reported: rows, seconds, seconds per 10,000 rows, and the
worker's peak resident memory (VmHWM) before and after the download — constant memory
means the second is about the first, whatever the rows.

Every CSV export of the portal goes through the same streaming response
(hubportal.core.exports.csv_download, fed by generators over ``.iterator()``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCH = "Språkkafé 1"  # generated events are "Språkkafé <n>": 11,111 of 50,000 nationally


def _worker_peak_mb(master: int) -> float:
    from bench.run import peak_memory_mb

    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
    ).stdout.split()
    return peak_memory_mb([int(pid) for pid in children])


def measure_exports(environment: dict) -> dict:
    from django.utils.crypto import get_random_string

    from bench.run import free_port
    from bench.staff import session_cookie_of
    from hubportal.accounts.models import User
    from innbyggertorg.models import Event, Registration

    admin = User.objects.filter(email="bench-superuser@example.no").first()
    if admin is None:
        admin = User.objects.create_superuser(email="bench-superuser@example.no", password="!")
    events = Event.objects.filter(title__icontains=SEARCH)
    expected = Registration.objects.filter(event__in=events).exclude(status="cancelled").count()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hubportal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        start_new_session=True,
    )
    try:
        token = get_random_string(32)
        cookie = f"{session_cookie_of(admin)}; csrftoken={token}"
        address = f"http://127.0.0.1:{port}/admin/innbyggertorg/event/?" + urllib.parse.urlencode(
            {"q": SEARCH}
        )
        deadline = time.monotonic() + 60
        while True:  # the changelist itself warms the worker (imports, connections)
            try:
                urllib.request.urlopen(
                    urllib.request.Request(address, headers={"Cookie": cookie}), timeout=60
                ).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        before = _worker_peak_mb(server.pid)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "action": "export_attendees",
                "select_across": "1",
                "index": "0",
                "_selected_action": str(events.values_list("pk", flat=True).first()),
            }
        ).encode()
        request = urllib.request.Request(address, data=body, headers={"Cookie": cookie})
        started = time.perf_counter()
        lines = first_byte = 0
        with urllib.request.urlopen(request, timeout=600) as response:
            for _line in response:
                if not first_byte:
                    first_byte = time.perf_counter() - started
                lines += 1
        seconds = time.perf_counter() - started
        after = _worker_peak_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    rows = expected
    return {
        "export": "attendee lists (admin action over a search)",
        "events": events.count(),
        "rows": rows,
        "lines": lines,
        "seconds": round(seconds, 2),
        "first_byte_s": round(first_byte, 3),
        "s_per_10000_rows": round(seconds / max(rows, 1) * 10_000, 3),
        "worker_peak_mb_before": before,
        "worker_peak_mb_after": after,
    }


def print_exports(result: dict) -> None:
    print(
        f"export ({result['export']}): {result['rows']} rows of {result['events']} events in "
        f"{result['seconds']} s ({result['s_per_10000_rows']} s per 10,000 rows, first byte "
        f"after {result['first_byte_s']} s); web worker's peak memory "
        f"{result['worker_peak_mb_before']} MB before, {result['worker_peak_mb_after']} MB after"
    )


if __name__ == "__main__":  # python -m bench.exports (inside devstack exec, bench database)
    import django

    from bench.run import prepare

    environment, _created = prepare(sys.argv[1] if len(sys.argv) > 1 else "small", False)
    os.environ.update(environment)
    django.setup()
    print_exports(measure_exports(environment))
