"""Serve the portal under gunicorn with production settings and measure it with wrk from a
second process on loopback; report requests/second and p50/p99 latency as ratios to a bare
view measured in the same run, the SQL queries of each page, and the web workers' peak
memory. Writes a table to the terminal and bench/results.json.

    make bench                 # national scale (generates the data once, ~minutes)
    make bench SCALE=small     # 1/100
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
CONCURRENCY = [10, 50]
CONTENTION = [200, 20]  # clients racing, free slots
# Notifications per run, and the redispatch delay the kill run's recovery waits for: scaled
# down with the data so that `make bench SCALE=small` stays within 3 minutes.
NOTIFICATIONS = {"national": 10_000, "small": 1_000, "tiny": 200}
REDISPATCH_SECONDS = {"national": 60, "small": 15, "tiny": 10}


def bench_database_url(base: str, scale: str) -> str:
    parts = urlparse(base)
    return urlunparse(parts._replace(path=f"/hubportal_bench_{scale}"))


def ensure_database(url: str, fresh: bool = False) -> bool:
    """Create the benchmark database if missing (or anew); True when it was created."""
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ANONYMOUS, SIGNED_IN = "cookieless", "signed in"
BARE_USER = "bare view + user"  # the second reference for signed-in readers


def pages() -> dict[str, str]:
    """The measured pages, chosen from the generated data (the first of each, so that both
    scales measure the same kind of page: the week view is a divisible hall's)."""
    from datetime import timedelta

    from django.utils import timezone

    from booking.models import Resource
    from knutepunkt.models import District, Hub

    district = District.objects.select_related("municipality").order_by("pk").first()
    hub = Hub.objects.select_related("municipality").order_by("pk").first()
    resource = Resource.objects.filter(parent=None).order_by("pk").first()
    municipality = district.municipality.slug
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    week = f"start={monday.isoformat()}&end={(monday + timedelta(days=6)).isoformat()}"
    return {
        "bare view": "/_bench/bare",
        BARE_USER: "/_bench/bare-user",
        "front page": "/",
        "district page": f"/{municipality}/{district.slug}/",
        "hub page": f"/{municipality}/knutepunkt/{hub.slug}/",
        "search (bostøtte)": "/sok/?q=bost%C3%B8tte",
        "week view": f"/rom/{resource.pk}/",
        "free-room search": (
            f"/rom/?kommune={municipality}&day={day}&start=18:00&minutes=60&people=10"
        ),
        "event list": f"/{municipality}/arrangementer/?audience=all",
        "my bookings": "/bookinger/",
        "my shifts": "/frivillighet/mine-vakter/",
        "profile": "/konto/profil/",
        "data download": "/konto/mine-data/",
        # The public API, as another site's server or browser reads it (no cookies).
        "API: hubs": f"/api/v1/hubs?municipality={municipality}",
        "API: hubs' hours": f"/api/v1/opening-hours?municipality={municipality}&{week}",
        "API: events": f"/api/v1/events?municipality={municipality}",
        "API: free times": f"/api/v1/resources/{resource.pk}/free-times",
    }


# Pages that exist only for a signed-in reader (their own bookings, shifts and data).
PERSONAL_PAGES = ("my bookings", "my shifts", "profile", "data download", BARE_USER)


def levels(mode: str) -> list[int]:
    """Connection counts per mode: signed-in pages at the first level only (each is built
    afresh, so more connections only queue), which keeps `SCALE=small` within 3 minutes."""
    return CONCURRENCY if mode == ANONYMOUS else CONCURRENCY[:1]


def modes_of(page: str) -> list[str]:
    """Cookieless readers (a citizen's first visit: the page cache answers) and signed-in
    readers (every page built afresh); "my bookings" exists only for the signed in, and
    the API is read without cookies (another site's server, or a browser across origins)."""
    if page.startswith("API: "):
        return [ANONYMOUS]
    return [SIGNED_IN] if page in PERSONAL_PAGES else [ANONYMOUS, SIGNED_IN]


def session_cookie() -> str:
    """A signed-in session for a busy user whose "my bookings" lists the same number of
    booked times at every scale: the user with the most, up to 20 (the page shows them all),
    so that the page does the same work at both scales and its flatness means something."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count, F

    from booking.models import Occurrence
    from hubportal.accounts.models import User

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    busiest = (
        Occurrence.objects.filter(resource=F("booking__resource"))
        .values("booking__booker")
        .annotate(n=Count("id"))
        .filter(n__lte=20)
        .order_by("-n", "booking__booker")
        .values_list("booking__booker", flat=True)
        .first()
    )
    user = User.objects.get(pk=busiest)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def query_counts(urls: dict[str, str], cookie: str) -> dict[str, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, url in urls.items():
        client = Client()
        if modes_of(name) == [SIGNED_IN]:
            key, value = cookie.split("=", 1)
            client.cookies[key] = value
        cache.clear()  # count the queries of a page built afresh
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        if status != 200:
            raise RuntimeError(f"{name} ({url}) answered {status}")
        counts[name] = len(queries)
    return counts


def parse_wrk(output: str) -> dict[str, float]:
    def latency(label: str) -> float:
        match = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def peak_memory_mb(pids: list[int]) -> float:
    peaks = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return round(max(peaks), 1) if peaks else float("nan")


def warm_up(wrk: str, headers: list[str], url: str, attempts: int = 10) -> None:
    """Load the page until it answers within the warm-up run (caches, connections, imports).

    A worker's first request imports the views and opens its connections, which can take
    longer than a one-second run on a loaded machine; measuring then would count nothing.
    """
    for _ in range(attempts):
        output = subprocess.run(
            [wrk, "-t1", "-c2", "-d1s", *headers, url],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if parse_wrk(output)["rps"] > 0:
            return


def serve_and_measure(
    urls: dict[str, str],
    cookie: str,
    duration: int,
    environment: dict,
    staff: list[tuple[str, str, str, str]] = (),
) -> tuple[dict, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("bench: wrk is missing (apt-get install wrk)")
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
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("bench: gunicorn did not start") from None
                time.sleep(0.2)
        results: dict[str, dict] = {}
        for name, url in urls.items():
            for mode in modes_of(name):
                headers = ["-H", f"Cookie: {cookie}"] if mode == SIGNED_IN else []
                for connections in levels(mode):
                    warm_up(wrk, headers, f"http://127.0.0.1:{port}{url}")
                    output = subprocess.run(
                        [
                            wrk,
                            "-t2",
                            f"-c{connections}",
                            f"-d{duration}s",
                            "--latency",
                            *headers,
                            f"http://127.0.0.1:{port}{url}",
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                    measured = parse_wrk(output)
                    if not measured["rps"]:
                        print(f"bench: {name} ({mode}) answered nothing:", file=sys.stderr)
                        print(output, file=sys.stderr)
                    results.setdefault((name, mode), {})[connections] = measured
        # Staff pages (bench/staff.py): each built for its reader, at the first level only.
        for name, role, url, staff_cookie in staff:
            headers = ["-H", f"Cookie: {staff_cookie}"]
            address = f"http://127.0.0.1:{port}{url}"
            warm_up(wrk, headers, address)
            output = subprocess.run(
                [
                    wrk,
                    "-t2",
                    f"-c{CONCURRENCY[0]}",
                    f"-d{duration}s",
                    "--latency",
                    *headers,
                    address,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            measured = parse_wrk(output)
            if not measured["rps"]:
                print(f"bench: {name} ({role}) answered nothing:", file=sys.stderr)
                print(output, file=sys.stderr)
            results.setdefault((name, role), {})[CONCURRENCY[0]] = measured
        from bench.contention import event_race, race, shift_race

        results["_contention"] = {
            "booking": race(port, clients=CONTENTION[0], slots=CONTENTION[1]),
            "event": event_race(port, clients=CONTENTION[0]),
            "shift": shift_race(port, clients=CONTENTION[0]),
        }
        from bench.writes import measure_writes

        results["_writes"] = measure_writes(port)
        workers = [
            int(p)
            for p in subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
            ).stdout.split()
        ]
        return results, peak_memory_mb(workers)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def availability_check(repeats: int = 5) -> dict:
    """The check a booking makes (opening hours, rules, busy time of every atomic space),
    timed in-process for the same kind of resources at any scale: the first 10 divisible
    halls and the first 10 plain rooms, each at 18:00 on five coming days."""
    from datetime import datetime, timedelta
    from datetime import time as clock

    from django.utils import timezone

    from booking.models import Resource
    from booking.selectors import is_bookable
    from hubportal.accounts.models import User
    from knutepunkt.opening_hours import OSLO

    top = Resource.objects.filter(parent=None).select_related("hub").order_by("pk")
    halls = top.filter(pk__in=Resource.objects.filter(parent__isnull=False).values("parent_id"))
    resources = list(halls[:10]) + list(top.exclude(pk__in=halls.values("pk"))[:10])
    user = User.objects.order_by("pk").first()
    today = timezone.localdate()
    starts = [datetime.combine(today + timedelta(days=d), clock(18), OSLO) for d in range(1, 6)]
    checks = bookable = 0
    started = time.perf_counter()
    for _round in range(repeats):
        for resource in resources:
            for start in starts:
                bookable += is_bookable(resource, user, start, start + timedelta(hours=1))
                checks += 1
    elapsed = time.perf_counter() - started
    return {
        "checks": checks,
        "bookable": bookable,
        "ms_per_check": round(1000 * elapsed / checks, 2),
    }


def coordination_figures(members: int = 6, months: int = 12) -> dict:
    """Each figure of a cooperation's coordinating view (samarbeid.figures) for a region of
    the first six municipalities over twelve months, timed in-process, with its queries:
    the same region size at every scale, so the time and the queries must stay flat while
    the bookings, events and shifts around it grow a hundredfold."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from knutepunkt.models import Municipality
    from samarbeid import figures, services
    from samarbeid.models import Cooperation

    cooperation = Cooperation.objects.filter(slug="bench-regionen").first()
    if cooperation is None:
        cooperation = services.cooperation_create(
            name="Bench-regionen",
            slug="bench-regionen",
            members=list(Municipality.objects.order_by("pk")[:members]),
        )
    last = timezone.localdate().replace(day=1)
    first = last
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    period = figures.Period(first, last)
    measured = {}
    for figure in figures.FIGURES:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            table = figures.figure_table(cooperation=cooperation, figure=figure, period=period)
            elapsed = time.perf_counter() - started
        measured[figure.key] = {
            "ms": round(1000 * elapsed, 1),
            "queries": len(queries),
            "rows": len(table.rows),
        }
    return {"members": cooperation.memberships.count(), "months": months, "figures": measured}


def run(*, scale: str, duration: int, environment: dict, regenerate: bool = False) -> dict:
    """Measure one scale: generate its data if needed, count queries, serve and load."""
    import django

    django.setup()
    from bench.generate import generate
    from knutepunkt.models import Municipality

    generated = None
    if regenerate or not Municipality.objects.filter(slug__startswith="bench-kommune-").exists():
        generated = generate(scale)
    from bench.staff import staff_query_counts, staff_targets

    urls = pages()
    cookie = session_cookie()
    staff = staff_targets()
    if scale == "tiny":  # the harness test: each staff page once, not each filter of each list
        staff = [t for t in staff if ":" not in t[0] or t[0].startswith("usage")]
    queries = query_counts(urls, cookie)
    queries.update(
        {f"{role}: {name}": count for (name, role), count in staff_query_counts(staff).items()}
    )
    availability = availability_check()
    coordination = coordination_figures()
    serving, memory = serve_and_measure(urls, cookie, duration, environment, staff)
    contention = serving.pop("_contention")
    writes = serving.pop("_writes")
    rows = [
        {
            "page": name,
            "mode": mode,
            "connections": connections,
            **figures,
            "queries": queries[name if mode in (ANONYMOUS, SIGNED_IN) else f"{mode}: {name}"],
        }
        for (name, mode), by_level in serving.items()
        for connections, figures in by_level.items()
    ]
    add_ratios(rows)
    return {
        "scale": scale,
        "generated": generated,
        "duration_s": duration,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "rows": rows,
        "queries": queries,
        "availability": availability,
        "coordination": coordination,
        "web_worker_peak_mb": memory,
        "contention": contention,
        "writes": writes,
    }


def add_ratios(rows: list[dict]) -> None:
    """Each row's req/s as a ratio to the bare view's for the same kind of reader and the
    same connections, measured in the same run: a cookieless page against the cookieless
    bare view (which pays the early page cache's lookup, a miss), a signed-in page against
    the bare view with the same session cookie (no lookup; the session is not read). A
    signed-in row also gets its ratio to the bare view that reads the session and loads the
    user (``ratio_to_bare_user``): what the page costs beyond Django's own authentication."""
    bare = {(r["mode"], r["connections"]): r["rps"] for r in rows if r["page"] == "bare view"}
    with_user = {r["connections"]: r["rps"] for r in rows if r["page"] == BARE_USER}
    for row in rows:
        # Staff readers are signed in: the same references as a signed-in citizen's.
        mode = row["mode"] if row["mode"] in (ANONYMOUS, SIGNED_IN) else SIGNED_IN
        reference = bare.get((mode, row["connections"]))
        row["ratio_to_bare"] = round(row["rps"] / reference, 3) if reference else None
        reference = with_user.get(row["connections"]) if mode == SIGNED_IN else None
        row["ratio_to_bare_user"] = round(row["rps"] / reference, 3) if reference else None


def flatness(small: dict, large: dict) -> dict:
    """National against small: each page's ratio to the bare view at national scale divided
    by the same at small scale (1.0 = as fast relative to the framework's limit), the
    availability check's speed likewise, and whether every page issues the same queries."""

    def key(row):
        return row["page"], row["mode"], row["connections"]

    before = {key(row): row for row in small["rows"]}
    pages = []
    for row in large["rows"]:
        earlier = before.get(key(row))
        if row["page"] in ("bare view", BARE_USER) or not earlier or not earlier["ratio_to_bare"]:
            continue
        pages.append(
            {
                "page": row["page"],
                "mode": row["mode"],
                "connections": row["connections"],
                "small": earlier["ratio_to_bare"],
                "national": row["ratio_to_bare"],
                "flatness": round(row["ratio_to_bare"] / earlier["ratio_to_bare"], 2),
            }
        )
    check = round(small["availability"]["ms_per_check"] / large["availability"]["ms_per_check"], 2)
    return {
        "pages": pages,
        "availability_check": {
            "small_ms": small["availability"]["ms_per_check"],
            "national_ms": large["availability"]["ms_per_check"],
            "flatness": check,
        },
        "queries": {
            name: [small["queries"].get(name), count] for name, count in large["queries"].items()
        },
        "queries_equal": small["queries"] == large["queries"],
    }


def print_table(result: dict) -> None:
    print(
        f"\nhubportal benchmark — scale {result['scale']}, {result['machine']['cpus']} CPUs, "
        f"{result['duration_s']} s per measurement"
    )
    if result.get("generated"):
        generated = result["generated"]
        print(f"generated in {generated['seconds']} s: {generated['counts']}")
    print(
        f"{'page':<34}{'reader':<19}{'conn':>5}{'req/s':>9}{'× bare':>8}{'× b+user':>9}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'queries':>8}{'non-2xx':>8}"
    )
    for row in result["rows"]:
        with_user = f"{row['ratio_to_bare_user']:.2f}" if row.get("ratio_to_bare_user") else ""
        print(
            f"{row['page']:<34}{row['mode']:<19}{row['connections']:>5}{row['rps']:>9.1f}"
            f"{row['ratio_to_bare'] or 0:>8.2f}{with_user:>9}{row['p50_ms']:>8.1f}"
            f"{row['p99_ms']:>8.1f}{row['queries']:>8}{row['non_2xx']:>8}"
        )
    print(
        f"availability check: {result['availability']['ms_per_check']} ms "
        f"({result['availability']['checks']} checks)"
    )
    coordination = result.get("coordination")
    if coordination:
        print(
            f"coordinating view ({coordination['members']} municipalities, "
            f"{coordination['months']} months): "
            + ", ".join(
                f"{key} {each['ms']} ms / {each['queries']} queries"
                for key, each in coordination["figures"].items()
            )
        )
    print(f"peak resident memory of a web worker: {result['web_worker_peak_mb']} MB")
    races = result["contention"]
    booking = races["booking"]
    print(
        f"booking contention: {booking['clients']} clients for {booking['slots']} slots -> "
        f"{booking['outcomes']}, {booking['occurrences_in_database']} in the database, "
        f"{'correct' if booking['correct'] else 'WRONG'}"
    )
    for name in ("event", "shift"):
        race = races[name]
        print(
            f"{name} contention: {race['clients']} clients for the last {race['places']} places -> "
            f"{race['confirmed']} confirmed, {race['waitlisted']} waitlisted, "
            f"responses {race['outcomes']}, "
            f"{'correct' if race['correct'] else 'WRONG'}"
        )
    if result.get("writes"):
        from bench.writes import print_writes

        print_writes(result["writes"])
    if result.get("notifications"):
        from bench.notifications import print_notifications

        print_notifications(result["notifications"])
    flat = result.get("flatness")
    if flat:
        print(
            f"\nscale flatness, {result['scale']} ÷ {result['compared_with']['scale']} "
            "(× bare at the larger scale ÷ × bare at the smaller; 1.0 = flat):"
        )
        for row in flat["pages"]:
            print(
                f"  {row['page']:<34}{row['mode']:<19}{row['connections']:>4} conn"
                f"{row['small']:>8.2f} →{row['national']:>6.2f}  {row['flatness']:>5.2f}"
            )
        check = flat["availability_check"]
        print(
            f"  availability check: {check['small_ms']} ms → {check['national_ms']} ms, "
            f"flatness {check['flatness']}"
        )
        print(f"  query budgets equal at both scales: {flat['queries_equal']}")
    print()


def prepare(scale: str, regenerate: bool) -> tuple[dict, bool]:
    """The benchmark database of a scale, migrated, with static files collected as in
    production; returns the environment for the servers and whether it is new."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        raise SystemExit("bench: run through `make bench` (it provides DATABASE_URL)")
    url = bench_database_url(base, scale)
    created = ensure_database(url, fresh=regenerate)
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_STATIC_ROOT": str(ROOT / ".data" / "bench-static"),
    }
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True
        )
    return environment, created


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hubportal benchmark")
    parser.add_argument("--scale", default="national", choices=["national", "small", "tiny"])
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--connections", type=int, nargs="+", default=CONCURRENCY)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--contention", type=int, nargs=2, default=CONTENTION, metavar=("CLIENTS", "SLOTS")
    )
    parser.add_argument(
        "--notifications",
        type=int,
        default=None,
        metavar="COUNT",
        help="notifications through the outbox (0: skip; default by scale: "
        "10,000 national, 1,000 small, 200 tiny)",
    )
    parser.add_argument(
        "--compare-with",
        choices=["small", "tiny", "none"],
        default=None,
        help="the scale to compare with for flatness (national: small)",
    )
    parser.add_argument(
        "--redispatch-seconds",
        type=int,
        default=None,
        help="the notification run's redispatch delay (production: 300; "
        "default 60 s national, 15 s small, 10 s tiny)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="report again from the last measurements in .data/ (no measuring)",
    )
    parser.add_argument("--one-scale", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    CONCURRENCY[:] = arguments.connections
    CONTENTION[:] = arguments.contention
    if arguments.notifications is None:
        arguments.notifications = NOTIFICATIONS[arguments.scale]
    if arguments.redispatch_seconds is None:
        arguments.redispatch_seconds = REDISPATCH_SECONDS[arguments.scale]
    if arguments.one_scale:
        return measure_one_scale(arguments)
    compare = arguments.compare_with or ("small" if arguments.scale == "national" else "none")
    results = {}
    for scale in ([compare] if compare != "none" else []) + [arguments.scale]:
        output = ROOT / ".data" / f"bench-{scale}.json"
        if arguments.report_only:
            results[scale] = json.loads(output.read_text())
            add_ratios(results[scale]["rows"])
            continue
        print(f"bench: measuring scale {scale}", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.run",
                "--one-scale",
                "--scale",
                scale,
                "--duration",
                str(arguments.duration),
                "--output",
                str(output),
                "--connections",
                *map(str, CONCURRENCY),
                "--contention",
                *map(str, CONTENTION),
                "--notifications",
                str(arguments.notifications if scale == arguments.scale else 0),
                "--redispatch-seconds",
                str(arguments.redispatch_seconds),
                *(["--regenerate"] if arguments.regenerate else []),
            ],
            cwd=ROOT,
            check=True,
        )
        results[scale] = json.loads(output.read_text())
    result = results[arguments.scale]
    if compare != "none":
        result["compared_with"] = results[compare]
        result["flatness"] = flatness(results[compare], result)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_table(result)
    if "season" in result:
        from bench.season import print_season

        print_season(result["season"])
    if "exports" in result:
        from bench.exports import print_exports

        print_exports(result["exports"])
    if "scale_out" in result:
        from bench.scale_out import print_scale_out

        print_scale_out(result["scale_out"])
    return 0


def measure_one_scale(arguments) -> int:
    environment, created = prepare(arguments.scale, arguments.regenerate)
    os.environ.update(environment)
    result = run(
        scale=arguments.scale,
        duration=arguments.duration,
        environment=environment,
        regenerate=created or arguments.regenerate,
    )
    if arguments.notifications:
        from bench.notifications import measure_notifications

        result["notifications"] = measure_notifications(
            environment=environment,
            count=arguments.notifications,
            redispatch_seconds=arguments.redispatch_seconds,
        )
    from bench.exports import measure_exports
    from bench.scale_out import measure_scale_out
    from bench.season import measure_season

    result["season"] = measure_season(arguments.scale)
    result["exports"] = measure_exports(environment)
    # Two of everything at the larger scale of a run (the test suite runs it on its own,
    # tests/bench/test_scale_out.py, so the tiny harness leaves it out).
    if arguments.notifications and arguments.scale != "tiny":
        result["scale_out"] = measure_scale_out(
            environment,
            notifications=arguments.notifications,
            clients=CONTENTION[0],
            slots=CONTENTION[1],
            redispatch_seconds=arguments.redispatch_seconds,
        )
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
