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
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
CONCURRENCY = [10, 50]
CONTENTION = [200, 20]  # clients racing, free slots


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


def pages() -> dict[str, str]:
    """The measured pages, chosen from the generated data (the first of each)."""
    from booking.models import Resource
    from knutepunkt.models import District, Hub

    district = District.objects.select_related("municipality").order_by("pk").first()
    hub = Hub.objects.select_related("municipality").order_by("pk").first()
    resource = Resource.objects.order_by("pk").first()
    municipality = district.municipality.slug
    from django.utils import timezone

    day = (timezone.localdate() + __import__("datetime").timedelta(days=3)).isoformat()
    return {
        "bare view": "/_bench/bare",
        "front page": "/",
        "district page": f"/{municipality}/{district.slug}/",
        "hub page": f"/{municipality}/knutepunkt/{hub.slug}/",
        "search (bostøtte)": "/sok/?q=bost%C3%B8tte",
        "week view": f"/rom/{resource.pk}/",
        "free-room search": f"/rom/?kommune={municipality}&day={day}&start=18:00&minutes=60&people=10",
        "event list": f"/{municipality}/arrangementer/?audience=all",
        "my bookings (signed in)": "/bookinger/",
    }


def session_cookie() -> str:
    """A signed-in session for the user with the most bookings."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from hubportal.accounts.models import User

    user = User.objects.annotate(n=Count("bookings")).order_by("-n").first()
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
        if "signed in" in name:
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


def serve_and_measure(
    urls: dict[str, str], cookie: str, duration: int, environment: dict
) -> tuple[dict, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("bench: wrk is missing (apt-get install wrk)")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hubportal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env={**environment, "DJANGO_SETTINGS_MODULE": "bench.settings"}, start_new_session=True,
    )  # fmt: skip
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
            headers = ["-H", f"Cookie: {cookie}"] if "signed in" in name else []
            for connections in CONCURRENCY:
                subprocess.run(  # warm up: caches, connections, imports
                    [wrk, "-t1", "-c2", "-d1s", *headers, f"http://127.0.0.1:{port}{url}"],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                output = subprocess.run(
                    [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *headers,
                     f"http://127.0.0.1:{port}{url}"],
                    capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                results.setdefault(name, {})[str(connections)] = parse_wrk(output)
        from bench.contention import event_race, race, shift_race

        results["_contention"] = {
            "booking": race(port, clients=CONTENTION[0], slots=CONTENTION[1]),
            "event": event_race(port, clients=CONTENTION[0]),
            "shift": shift_race(port, clients=CONTENTION[0]),
        }
        workers = [int(p) for p in subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()]  # fmt: skip
        return results, peak_memory_mb(workers)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def run(*, scale: str, duration: int, environment: dict, regenerate: bool = False) -> dict:
    import django

    django.setup()
    from bench.generate import generate
    from knutepunkt.models import Municipality

    generated = None
    if regenerate or not Municipality.objects.filter(slug__startswith="bench-kommune-").exists():
        generated = generate(scale)
    urls = pages()
    cookie = session_cookie()
    queries = query_counts(urls, cookie)
    serving, memory = serve_and_measure(urls, cookie, duration, environment)
    contention = serving.pop("_contention")
    bare = {c: serving["bare view"][str(c)]["rps"] for c in CONCURRENCY}
    rows = []
    for name in urls:
        for c in CONCURRENCY:
            figures = serving[name][str(c)]
            rows.append({
                "page": name, "connections": c, **figures,
                "ratio_to_bare": round(figures["rps"] / bare[c], 3) if bare[c] else None,
                "queries": queries[name],
            })  # fmt: skip
    result = {
        "scale": scale, "generated": generated, "duration_s": duration,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "rows": rows, "web_worker_peak_mb": memory, "contention": contention,
    }  # fmt: skip
    return result


def print_table(result: dict) -> None:
    print(f"\nhubportal benchmark — scale {result['scale']}, {result['machine']['cpus']} CPUs")
    print(
        f"{'page':<26}{'conn':>5}{'req/s':>10}{'× bare':>8}{'p50 ms':>9}{'p99 ms':>9}{'queries':>9}{'non-2xx':>9}"
    )
    for row in result["rows"]:
        print(f"{row['page']:<26}{row['connections']:>5}{row['rps']:>10.1f}{row['ratio_to_bare'] or 0:>8.2f}"
              f"{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['queries']:>9}{row['non_2xx']:>9}")  # fmt: skip
    print(f"peak resident memory of a web worker: {result['web_worker_peak_mb']} MB")
    races = result["contention"]
    booking = races["booking"]
    print(f"booking contention: {booking['clients']} clients for {booking['slots']} slots -> "
          f"{booking['outcomes']}, {booking['occurrences_in_database']} in the database, "
          f"{'correct' if booking['correct'] else 'WRONG'}")  # fmt: skip
    for name in ("event", "shift"):
        race = races[name]
        print(f"{name} contention: {race['clients']} clients for the last {race['places']} places -> "
              f"{race['confirmed']} confirmed, {race['waitlisted']} waitlisted, responses {race['outcomes']}, "
              f"{'correct' if race['correct'] else 'WRONG'}")  # fmt: skip
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hubportal benchmark")
    parser.add_argument("--scale", default="national", choices=["national", "small", "tiny"])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--connections", type=int, nargs="+", default=CONCURRENCY)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--contention", type=int, nargs=2, default=CONTENTION, metavar=("CLIENTS", "SLOTS")
    )
    arguments = parser.parse_args(argv)
    CONCURRENCY[:] = arguments.connections
    CONTENTION[:] = arguments.contention
    base = os.environ.get("DATABASE_URL")
    if not base:
        raise SystemExit("bench: run through `make bench` (it provides DATABASE_URL)")
    url = bench_database_url(base, arguments.scale)
    created = ensure_database(url, fresh=arguments.regenerate)
    environment = {**os.environ, "DATABASE_URL": url}
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"})
    environment["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # As in production: static files collected with hashed names, served by WhiteNoise.
    environment["DJANGO_STATIC_ROOT"] = str(ROOT / ".data" / "bench-static")
    os.environ["DJANGO_STATIC_ROOT"] = environment["DJANGO_STATIC_ROOT"]
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True
        )
    result = run(scale=arguments.scale, duration=arguments.duration, environment=environment,
                 regenerate=created or arguments.regenerate)  # fmt: skip
    arguments.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
