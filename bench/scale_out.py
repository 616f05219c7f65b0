"""Two of everything: two web servers, two Celery workers and two beat processes against one
PostgreSQL and one Redis, as production scales out (README, *Production*).

    .venv/bin/python -m hubportal.devstack exec -- .venv/bin/python -m bench.scale_out --scale tiny

What it proves, through the real endpoints and processes:

- **sessions are shared**: signed in through the login form on server A, the person is
  signed in on server B; signed out on B, they are signed out on A;
- **caches are shared**: an API token's requests per minute are counted across both
  servers (the fixed window lives in Redis), so the request after the limit is refused by
  whichever server gets it;
- **the races split across both servers** still give exactly the right number of winners
  (booking: one per slot; an event's and a shift's last places: exactly that many
  confirmed, everyone else on the waiting list, nobody an error page);
- **two workers, one killed**: notifications through the outbox delivered by two Celery
  workers on one queue, one of them SIGKILLed when half have arrived and not restarted:
  none lost; a copy sent twice can only come from the send-then-commit window that
  bench/notifications.py explains (``duplicates`` lists each with its timing);
- **two beats, one schedules**: both started; only the one holding the lock in Redis
  (celery-redbeat) sends tasks; killed, the other takes the lock within its timeout and
  carries on.

The data set is the benchmark's own, in a database of its own (``hubportal_scaleout_<scale>``),
so that it never races `bench.run` for one. Everything it writes or starts is removed or
stopped afterwards; its processes' logs stay in .data/scale-out/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / ".data" / "scale-out"
PASSWORD = "to-servere-og-to-arbeidere"  # the scenario's own signed-in person
TOKEN_LIMIT = 10  # the API token's requests per minute


def _say(message: str) -> None:
    print(f"[scale-out] {message}", flush=True)


# --------------------------------------------------------------------------- processes


class Server:
    """One gunicorn web server (2 workers, production settings) on a port of its own."""

    def __init__(self, environment: dict, name: str) -> None:
        from bench.run import free_port

        self.port = free_port()
        self.log = LOGS / f"web-{name}.log"
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "hubportal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 90) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    log = self.log.read_text()[-2000:]
                    raise RuntimeError(f"gunicorn did not start:\n{log}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class BeatProcess:
    """One `celery beat` process with the product's scheduler (celery-redbeat)."""

    def __init__(self, environment: dict, name: str) -> None:
        self.log = LOGS / f"beat-{name}.log"
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "hubportal", "beat", "--loglevel=INFO"],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def holds_lock(self) -> bool:
        return "beat: Acquired lock" in self.text()

    def sent(self) -> int:
        return self.text().count("Sending due task")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


# --------------------------------------------------------------------------- HTTP


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept across servers, as one browser behind a load balancer keeps them."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, port: int, path: str, data: dict | None = None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=body,
            headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})},
        )
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, dict(response.headers), response.read().decode(errors="replace")

    def csrf_token(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def sessions_shared(ports: list[int]) -> dict:
    """Sign in through the login form on A; be signed in on B; sign out on B; be signed out
    on A."""
    from allauth.account.models import EmailAddress
    from django.utils.crypto import get_random_string

    from hubportal.accounts.models import User

    email = f"to-servere-{get_random_string(8).lower()}@example.no"
    user = User.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    a, b = ports
    browser = Browser()
    _status, _headers, page = browser.request(a, "/konto/login/")
    status, headers, _page = browser.request(
        a,
        "/konto/login/",
        {"csrfmiddlewaretoken": browser.csrf_token(page), "login": email, "password": PASSWORD},
    )
    signed_in_on_a = status == 302
    status, _headers, page = browser.request(b, "/bookinger/")
    signed_in_on_b = status == 200 and "<h1>Mine bookinger</h1>" in page
    _status, _headers, page = browser.request(b, "/konto/logout/")
    status, _headers, _page = browser.request(
        b, "/konto/logout/", {"csrfmiddlewaretoken": browser.csrf_token(page)}
    )
    signed_out_on_b = status == 302
    status, headers, _page = browser.request(a, "/bookinger/")
    signed_out_on_a = status == 302 and "/konto/login/" in headers.get("Location", "")
    return {
        "signed_in_on_a": signed_in_on_a,
        "signed_in_on_b": signed_in_on_b,
        "signed_out_on_b": signed_out_on_b,
        "signed_out_on_a": signed_out_on_a,
        "correct": signed_in_on_a and signed_in_on_b and signed_out_on_b and signed_out_on_a,
    }


def caches_shared(ports: list[int]) -> dict:
    """An API token allowed TOKEN_LIMIT requests a minute, used on both servers in turn:
    the limit holds across them (one count in Redis), so the next request is a 429."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from api.services import api_token_create
    from hubportal.accounts.models import User
    from knutepunkt.models import Municipality

    admin = User.objects.create_superuser(
        email=f"to-servere-admin-{get_random_string(8).lower()}@example.no", password="!"
    )
    created = api_token_create(
        by=admin,
        municipality=Municipality.objects.order_by("pk").first(),
        name=f"To servere {get_random_string(6)}",
        expires_at=timezone.now() + timedelta(days=1),
        requests_per_minute=TOKEN_LIMIT,
    )
    headers = {"Authorization": f"Bearer {created.secret}"}
    browser = Browser()
    # Start at the beginning of a minute's window, so all requests fall in one.
    while time.time() % 60 > 45:
        time.sleep(1)
    statuses = [
        browser.request(ports[i % 2], "/api/v1/staff/bookings", headers=headers)[0]
        for i in range(TOKEN_LIMIT + 2)
    ]
    return {
        "limit": TOKEN_LIMIT,
        "statuses": statuses,
        "correct": statuses[:TOKEN_LIMIT] == [200] * TOKEN_LIMIT
        and statuses[TOKEN_LIMIT:] == [429, 429],
    }


# --------------------------------------------------------------------------- workers and beats


def two_workers_one_killed(environment: dict, count: int, redispatch_seconds: int) -> dict:
    """``count`` notifications through the outbox, two Celery workers on one queue; one is
    SIGKILLed when half have reached the mail server and is not restarted."""
    from bench.notifications import (
        Beat,
        MailSink,
        Worker,
        delete_notifications,
        dispatcher_rehanded,
        duplicate_details,
        enqueue,
        remove_queue_keys,
        verify,
        wait_until_sent,
    )
    from hubportal.celery import app

    tag = uuid.uuid4().hex[:12]
    queue = f"hubportal-scaleout-{tag}"
    sink = MailSink()
    sink.start()
    worker_environment = {
        **environment,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "HUBPORTAL_CELERY_QUEUE": queue,
        "HUBPORTAL_NOTIFICATION_REDISPATCH_SECONDS": str(redispatch_seconds),
    }
    workers = [
        Worker.start(worker_environment, queue, f"scaleout-{tag}-{n}@%h", LOGS / f"worker-{n}.log")
        for n in ("a", "b")
    ]
    original_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    beat = Beat(2.0)  # the dispatcher, as beat sends it (every 30 s in production)
    batch = None
    killed_at = {}
    try:
        for worker in workers:
            worker.wait_ready()
        stopped = threading.Event()

        def kill_at_half() -> None:
            while sink.count() < count // 2:
                if stopped.wait(0.05):
                    return
            killed_at["t"] = workers[0].kill()
            killed_at["sent"] = sink.count()
            _say(f"worker a killed after {killed_at['sent']} messages; worker b carries on")

        killer = threading.Thread(target=kill_at_half, daemon=True)
        killer.start()
        beat.start()
        _say(f"enqueueing {count} notifications for two workers")
        batch = enqueue(count, f"scaleout-{tag}.bench.invalid")
        killer.join(timeout=120 + count * 0.05)
        complete = wait_until_sent(batch, timeout=120 + count * 0.05 + redispatch_seconds)
        stopped.set()
        accepted = sink.snapshot()
        checks = verify(batch, accepted)
        per_worker = {}
        for name, worker in zip(("a", "b"), workers, strict=True):
            per_worker[name] = len(
                re.findall(
                    r"deliver_notification\[[^\]]+\] succeeded in \S+ '?sent'?",
                    worker.log.read_text(errors="replace"),
                )
            )
        return {
            "count": count,
            "complete": complete,
            "killed_after": killed_at.get("sent"),
            "delivered_by": per_worker,
            **checks,
            "duplicates": duplicate_details(batch, accepted, killed_at.get("t", time.time())),
            "redispatched": dispatcher_rehanded(*(w.log for w in workers)),
            "correct": complete
            and "t" in killed_at
            and checks["lost"] == 0
            and checks["not_sent"] == 0
            and per_worker["b"] > 0,
        }
    finally:
        beat.stopped.set()
        for worker in workers:
            if worker.process.poll() is None:
                worker.kill()
        app.conf.task_default_queue = original_queue
        sink.stop()
        if batch is not None:
            delete_notifications([batch])
        remove_queue_keys(environment["REDIS_URL"], tag)


def two_beats(environment: dict, observe_seconds: float = 8) -> dict:
    """Two beat processes with a one-second loop (the lock lasts five): the one holding the
    lock sends the dispatcher every two seconds, the other sends nothing; when the first is
    killed the second takes the lock and starts sending."""
    import redis

    from bench.notifications import remove_queue_keys

    tag = uuid.uuid4().hex[:12]
    beat_environment = {
        **environment,
        "HUBPORTAL_CELERY_QUEUE": f"hubportal-scaleout-{tag}",
        "HUBPORTAL_BEAT_KEY_PREFIX": f"hubportal:scaleout-{tag}:",
        "HUBPORTAL_BEAT_LOOP_SECONDS": "1",
        "HUBPORTAL_DISPATCH_EVERY_SECONDS": "2",
    }
    beats = [BeatProcess(beat_environment, name) for name in ("a", "b")]
    try:
        deadline = time.monotonic() + 60
        while not any(beat.holds_lock() for beat in beats):
            if time.monotonic() > deadline:
                raise RuntimeError("no beat took the lock:\n" + beats[0].text()[-2000:])
            time.sleep(0.1)
        leader, follower = beats if beats[0].holds_lock() else beats[::-1]
        time.sleep(observe_seconds)
        leader_sent, follower_sent = leader.sent(), follower.sent()
        follower_locked = follower.holds_lock()
        leader.kill()
        killed = time.monotonic()
        while not follower.holds_lock() and time.monotonic() < killed + 60:
            time.sleep(0.1)
        takeover_s = round(time.monotonic() - killed, 1)
        while follower.sent() == 0 and time.monotonic() < killed + 60:
            time.sleep(0.1)
        after = follower.sent()
        return {
            "observed_s": observe_seconds,
            "leader_sent": leader_sent,
            "follower_sent_while_leader_ran": follower_sent,
            "follower_had_lock_while_leader_ran": follower_locked,
            "takeover_s": takeover_s,
            "follower_sent_after_takeover": after,
            "correct": leader_sent > 0 and follower_sent == 0 and not follower_locked and after > 0,
        }
    finally:
        for beat in beats:
            if beat.process.poll() is None:
                beat.kill()
        client = redis.Redis.from_url(environment["REDIS_URL"])
        for key in client.scan_iter(match=f"hubportal:scaleout-{tag}:*"):
            client.delete(key)
        remove_queue_keys(environment["REDIS_URL"], tag)


# --------------------------------------------------------------------------- the scenario


def measure_scale_out(
    environment: dict, *, notifications: int, clients: int, slots: int, redispatch_seconds: int
) -> dict:
    from bench.contention import event_race, race, shift_race

    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    servers = [Server(environment, name) for name in ("a", "b")]
    try:
        for server in servers:
            server.wait_ready()
        ports = [server.port for server in servers]
        _say(f"two web servers on ports {ports}")
        result = {
            "sessions": sessions_shared(ports),
            "caches": caches_shared(ports),
            "races": {
                "booking": race(ports, clients=clients, slots=slots),
                "event": event_race(ports, clients=clients),
                "shift": shift_race(ports, clients=clients),
            },
        }
    finally:
        for server in servers:
            server.stop()
    result["workers"] = two_workers_one_killed(environment, notifications, redispatch_seconds)
    result["beats"] = two_beats(environment)
    result["correct"] = all(
        part["correct"]
        for part in (
            result["sessions"],
            result["caches"],
            *result["races"].values(),
            result["workers"],
            result["beats"],
        )
    )
    return result


def print_scale_out(result: dict) -> None:
    sessions, caches, races = result["sessions"], result["caches"], result["races"]
    workers, beats = result["workers"], result["beats"]
    print(
        "\ntwo of everything (2 gunicorn servers, 2 Celery workers, 2 beats; "
        "one PostgreSQL, one Redis):"
    )
    print(f"  sessions shared: {sessions}")
    print(f"  caches shared (API token, {caches['limit']}/min over both): {caches['statuses']}")
    booking = races["booking"]
    print(
        f"  booking race over both servers: {booking['clients']} clients, {booking['slots']} "
        f"slots -> {booking['outcomes']}, correct: {booking['correct']}"
    )
    for name in ("event", "shift"):
        race = races[name]
        print(
            f"  {name} race over both servers: {race['confirmed']} confirmed, "
            f"{race['waitlisted']} waitlisted, correct: {race['correct']}"
        )
    print(
        f"  {workers['count']} notifications, two workers, one killed after "
        f"{workers['killed_after']}: delivered by {workers['delivered_by']}, lost "
        f"{workers['lost']}, duplicated {workers['duplicated']} {workers['duplicates']}"
    )
    print(
        f"  two beats: leader sent {beats['leader_sent']} in {beats['observed_s']} s, the other "
        f"{beats['follower_sent_while_leader_ran']}; leader killed, the other took over in "
        f"{beats['takeover_s']} s and sent {beats['follower_sent_after_takeover']}"
    )
    print(f"  all correct: {result['correct']}\n")


def prepare(scale: str) -> dict:
    """The scenario's own database of a scale (generated once), migrated, static files
    collected; returns the environment for its processes."""
    from urllib.parse import urlparse, urlunparse

    from bench.run import ensure_database

    base = os.environ.get("DATABASE_URL")
    if not base:
        raise SystemExit("scale-out: run through the devstack (it provides DATABASE_URL)")
    url = urlunparse(urlparse(base)._replace(path=f"/hubportal_scaleout_{scale}"))
    ensure_database(url)
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
    return environment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="two of everything")
    parser.add_argument("--scale", default="tiny", choices=["national", "small", "tiny"])
    parser.add_argument("--notifications", type=int, default=None)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--slots", type=int, default=20)
    parser.add_argument("--redispatch-seconds", type=int, default=10)
    parser.add_argument("--output", type=Path, default=ROOT / ".data" / "scale-out.json")
    arguments = parser.parse_args(argv)
    count = (
        arguments.notifications
        or {"national": 10_000, "small": 2_000, "tiny": 1_000}[arguments.scale]
    )
    environment = prepare(arguments.scale)
    os.environ.update(environment)
    import django

    django.setup()
    from bench.generate import generate
    from knutepunkt.models import Municipality

    if not Municipality.objects.filter(slug__startswith="bench-kommune-").exists():
        generate(arguments.scale)
    result = measure_scale_out(
        environment,
        notifications=count,
        clients=arguments.clients,
        slots=arguments.slots,
        redispatch_seconds=arguments.redispatch_seconds,
    )
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_scale_out(result)
    return 0 if result["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
