"""Notifications through the outbox with a real Celery worker on the real Redis broker.

    .venv/bin/python -m hubportal.devstack exec -- \
        .venv/bin/python -m bench.notifications --count 2000

Everything goes the product's way: ``notification_enqueue`` writes the rows, ``BATCH`` per
transaction; their on-commit hook hands each row to Celery on Redis; one ``celery worker``
(prefork, concurrency 2: the machine's cores) delivers them with ``notification_deliver``
through Django's SMTP backend to a real SMTP server on loopback in this process (aiosmtpd),
which records the Message-ID of every message it accepts. The outbox gives each notification
a Message-ID of its own, so the mail server's record tells a lost notification (its
Message-ID never arrived) from a duplicate (it arrived more than once).

Run A (throughput): ``count`` notifications; deliveries per second. Celery beat's dispatcher
is not played here: with the production redispatch delay (5 minutes) it would have nothing
to hand over during a run of this length.

Run B (kill): ``count`` fresh notifications; when about half have reached the mail server, the
worker's whole process group gets SIGKILL (a crash, not a shutdown) and a new worker starts.
Whatever the dead worker held comes back by the product's own recovery path. The tasks it had
taken from Redis stay there unacknowledged until the visibility timeout (an hour), so it is the
dispatcher (``dispatch_due_notifications``, which celery beat sends every 30 s in production)
that hands a row over again once it has been pending longer than the redispatch delay
(``HUBPORTAL_NOTIFICATION_REDISPATCH_SECONDS``, 300 s in production). The benchmark plays beat
(it sends that task every ``dispatch_every`` seconds) and gives its workers a shorter delay
(``redispatch_seconds``); both are in the result. The delay trades recovery time against
needless re-handing: the dispatcher cannot tell a row still waiting in the queue from one the
broker lost, so with a delay shorter than the queue's wait it hands waiting rows over again
(``redispatched`` counts them; the delivery lock makes those extra tasks skip, not send).

Where a duplicate can come from: ``notification_deliver`` marks the row sent and then sends,
in one transaction holding the row lock, and closes the SMTP connection (QUIT) only after the
commit. A worker killed after the mail server accepted a message but before the commit leaves
the row pending (PostgreSQL rolls the transaction back) for a message that was delivered; the
dispatcher hands it over again and it goes a second time, with the same Message-ID, so that a
receiving system can drop it. Run A measures that window from outside (``send_window_ms``:
from the mail server's acceptance to the worker's QUIT, an upper bound); run B reports what
really happened. Nothing is filtered.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The portal's own "test message" (manage.py send_test_notification).
TEMPLATE = "notifications/test_message"
WORKER_CONCURRENCY = 2  # prefork processes; the benchmark machine has 2 cores
BATCH = 100  # notifications per transaction, as a feature notifying a group would write them
# Longer than the queue's wait in a 10,000 run (about a minute), so that waiting rows are
# seldom handed over again; production waits 300 s.
REDISPATCH_SECONDS = 60
DISPATCH_EVERY_SECONDS = 5.0  # how often the benchmark sends the dispatcher task (beat: 30)
LOGS = ROOT / ".data" / "bench-notifications"  # the workers' logs of the latest run


def _say(message: str) -> None:
    print(f"[bench.notifications] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the mail sink


class MailSink:
    """An SMTP server on loopback that accepts every message and records its Message-ID
    with the moment it accepted it (the moment a real mail server takes responsibility)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.accepted: list[tuple[float, str]] = []
        self.quit_at: dict[str, float] = {}
        self._open_sessions: dict[int, list[str]] = {}
        self._controller = None
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        headers = BytesHeaderParser().parsebytes(envelope.content)
        message_id = str(headers.get("Message-ID", "")).strip()
        with self._lock:
            self.accepted.append((time.time(), message_id))
            self._open_sessions.setdefault(id(session), []).append(message_id)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        """The worker says QUIT only after its commit: acceptance to QUIT bounds the moment
        in which a crash would send a message twice."""
        with self._lock:
            for message_id in self._open_sessions.pop(id(session), []):
                self.quit_at.setdefault(message_id, time.time())
        return "221 Bye"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        from bench.run import free_port

        self.port = free_port()
        self._controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="mail-sink.bench.invalid",
            ready_timeout=30,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def reset(self) -> None:
        with self._lock:
            self.accepted = []
            self.quit_at = {}
            self._open_sessions = {}

    def count(self) -> int:
        with self._lock:
            return len(self.accepted)

    def snapshot(self) -> list[tuple[float, str]]:
        with self._lock:
            return list(self.accepted)


# --------------------------------------------------------------------------- the worker


@dataclass
class Worker:
    """One `celery worker` process in a process group of its own (parent + prefork children)."""

    process: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, environment: dict, queue: str, hostname: str, log: Path) -> Worker:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hubportal",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={WORKER_CONCURRENCY}",
            "-Q",
            queue,
            f"--hostname={hostname}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with log.open("a") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(process, log)

    def wait_ready(self, timeout: float = 120) -> float:
        """Wait for the worker's "ready." line; return the wall-clock moment it was seen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited:\n{self.log.read_text()[-3000:]}")
            if " ready." in self.log.read_text(errors="replace"):
                return time.time()
            time.sleep(0.05)
        raise RuntimeError(f"the Celery worker did not start:\n{self.log.read_text()[-3000:]}")

    def children(self) -> list[int]:
        output = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in output.split()]

    def peak_memory_mb(self) -> dict[str, float]:
        """VmHWM (the kernel's high-water mark of resident memory) of the parent and of the
        largest prefork child, read while the worker still runs."""
        from bench.run import peak_memory_mb

        return {
            "parent": peak_memory_mb([self.process.pid]),
            "child_max": peak_memory_mb(self.children()),
        }

    def kill(self) -> float:
        """SIGKILL the whole process group, as a crash or the OOM killer would. Returns the
        moment of the kill; returns once every process of the group is gone."""
        killed = time.time()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.005)
        return killed

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), as `docker compose stop` does."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()


class Beat(threading.Thread):
    """Sends the dispatcher task every few seconds, as celery beat does every 30 s. The task
    goes through the same queue as the deliveries, as in production."""

    def __init__(self, every: float) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        from hubportal.notifications.tasks import dispatch_due_notifications

        while not self.stopped.wait(self.every):
            try:
                dispatch_due_notifications.apply_async(retry=False)
            except Exception as exc:  # a broker hiccup: beat would try again next time too
                _say(f"beat could not send the dispatcher task: {exc}")


# --------------------------------------------------------------------------- one run


@dataclass
class Batch:
    """The notifications of one run."""

    domain: str
    ids: list[int] = field(default_factory=list)
    message_ids: dict[str, int] = field(default_factory=dict)  # Message-ID -> notification id
    first_commit: float = 0.0  # wall clock, just after the first transaction committed
    enqueue_s: float = 0.0

    def rows(self):
        from hubportal.notifications.models import Notification

        return Notification.objects.filter(
            pk__gte=min(self.ids), pk__lte=max(self.ids), to_address__endswith=f"@{self.domain}"
        )


def enqueue(count: int, domain: str) -> Batch:
    """Write ``count`` email notifications through ``notification_enqueue``, ``BATCH`` per
    transaction; each commit hands its rows to the broker (the product's on-commit hook)."""
    from django.db import transaction

    from hubportal.notifications.services import notification_enqueue

    batch = Batch(domain=domain)

    def first_commit() -> None:
        batch.first_commit = batch.first_commit or time.time()

    started = time.monotonic()
    for start in range(0, count, BATCH):
        with transaction.atomic():
            transaction.on_commit(first_commit)  # runs before the rows' own hand-over
            for number in range(start, min(start + BATCH, count)):
                notification = notification_enqueue(
                    template=TEMPLATE,
                    context={"name": f"Mottaker {number}"},
                    to_address=f"mottaker-{number}@{domain}",
                    language="nb",
                )
                batch.ids.append(notification.pk)
                batch.message_ids[notification.message_id] = notification.pk
    batch.enqueue_s = round(time.monotonic() - started, 2)
    return batch


def wait_until_sent(batch: Batch, timeout: float) -> bool:
    """Poll the outbox until every row of the batch is sent (or the time is up)."""
    from hubportal.notifications.enums import Status

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not batch.rows().exclude(status=Status.SENT).exists():
            return True
        time.sleep(0.25)
    return False


def last_sent_at(batch: Batch) -> float:
    """The worker's own clock for the last row it marked sent."""
    from django.db.models import Max

    last = batch.rows().aggregate(last=Max("sent_at"))["last"]
    return last.timestamp() if last else float("nan")


def verify(batch: Batch, accepted: list[tuple[float, str]]) -> dict:
    """lost: notifications whose Message-ID never reached the mail server; duplicated: extra
    copies of a Message-ID the server accepted more than once; not_sent: rows not marked sent;
    other_messages: accepted messages that are not this run's (other due rows of the database
    that the dispatcher delivered along the way)."""
    from hubportal.notifications.enums import Status

    copies = Counter(message_id for _when, message_id in accepted)
    lost = sum(1 for message_id in batch.message_ids if copies[message_id] == 0)
    duplicated = sum(copies[m] - 1 for m in batch.message_ids if copies[m] > 1)
    return {
        "lost": lost,
        "duplicated": duplicated,
        "not_sent": batch.rows().exclude(status=Status.SENT).count(),
        "other_messages": sum(n for m, n in copies.items() if m not in batch.message_ids),
    }


def dispatcher_rehanded(*logs: Path) -> int:
    """Rows the dispatcher handed to the broker again, summed from the workers' logs (Celery
    logs each task's return value; the dispatcher returns how many rows it handed over)."""
    pattern = re.compile(r"dispatch_due_notifications\[[^\]]+\] succeeded in \S+s: (\d+)")
    return sum(
        int(match) for log in logs for match in pattern.findall(log.read_text(errors="replace"))
    )


@dataclass
class Setup:
    """What both runs share: the workers' environment and queue, the mail sink, and what was
    started or written (for the clean-up)."""

    environment: dict
    queue: str
    tag: str
    sink: MailSink
    redispatch_seconds: int
    dispatch_every: float
    workers: list[Worker] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)

    def start_worker(self, name: str) -> Worker:
        hostname = f"bench-{self.tag}-{name}@%h"
        worker = Worker.start(self.environment, self.queue, hostname, LOGS / f"{name}.log")
        self.workers.append(worker)
        return worker


def run_throughput(setup: Setup, count: int) -> tuple[dict, dict]:
    """Run A. enqueue_s: the time the writes took (the worker delivers meanwhile); deliver_s:
    from the first commit to the moment the worker stamped the last row sent; per_second:
    rows sent / deliver_s. Also returns the worker's peak memory, read just before it stops."""
    setup.sink.reset()
    worker = setup.start_worker("throughput")
    worker.wait_ready()
    _say(f"run A: enqueueing {count} notifications")
    batch = enqueue(count, f"a-{setup.tag}.bench.invalid")
    setup.batches.append(batch)
    complete = wait_until_sent(batch, timeout=120 + count * 0.05)
    memory = worker.peak_memory_mb()
    worker.stop()
    accepted = setup.sink.snapshot()
    deliver_s = last_sent_at(batch) - batch.first_commit
    checks = verify(batch, accepted)
    result = {
        "enqueue_s": batch.enqueue_s,
        "deliver_s": round(deliver_s, 2),
        "per_second": round((count - checks["not_sent"]) / deliver_s, 1),
        "complete": complete,
        **checks,
        "send_window_ms": send_window_ms(setup.sink.quit_at, accepted),
    }
    _say(f"run A: {result}")
    return result, memory


def run_kill(setup: Setup, count: int) -> dict:
    """Run B. sent_before_kill: this run's messages the mail server had accepted when the
    worker was killed; committed_before_kill: rows whose "sent" had been committed by then
    (a difference was accepted but not committed: such a message goes twice); restart_s: kill
    until the new worker is ready; recovery_s: kill until the last row was stamped sent;
    per_second: rows sent over first commit to last sent; redispatched: rows the dispatcher
    handed over again (the dead worker's, and waiting ones, see the module docstring)."""
    setup.sink.reset()
    first = setup.start_worker("kill-first")
    first.wait_ready()
    moments: dict[str, float] = {}
    stopped = threading.Event()

    def kill_at_half() -> None:
        # Checked on a clock of its own (every 50 ms), so the kill lands at a moment unrelated
        # to any message's send cycle, as a real crash would.
        while setup.sink.count() < count // 2:
            if stopped.wait(0.05):
                return
        moments["kill"] = first.kill()
        _say(f"run B: worker killed after {setup.sink.count()} messages; starting a new one")
        moments["ready"] = setup.start_worker("kill-second").wait_ready()

    killer = threading.Thread(target=kill_at_half, daemon=True)
    beat = Beat(setup.dispatch_every)
    killer.start()
    beat.start()
    try:
        _say(f"run B: enqueueing {count} notifications")
        batch = enqueue(count, f"b-{setup.tag}.bench.invalid")
        setup.batches.append(batch)
        killer.join(timeout=120 + count * 0.05)
        if "ready" not in moments:
            raise RuntimeError("run B: the worker was not killed and restarted in time")
        complete = wait_until_sent(batch, timeout=120 + count * 0.05)
    finally:
        stopped.set()
        beat.stopped.set()
        beat.join()
        killer.join()
    for worker in setup.workers:
        worker.stop()
    accepted = setup.sink.snapshot()
    killed, last = moments["kill"], last_sent_at(batch)
    checks = verify(batch, accepted)
    result = {
        "sent_before_kill": len({m for t, m in accepted if t < killed and m in batch.message_ids}),
        "committed_before_kill": batch.rows().filter(sent_at__lt=_aware(killed)).count(),
        "restart_s": round(moments["ready"] - killed, 2),
        "recovery_s": round(last - killed, 2),
        "per_second": round((count - checks["not_sent"]) / (last - batch.first_commit), 1),
        "complete": complete,
        **checks,
        "duplicates": duplicate_details(batch, accepted, killed),
        "redispatched": dispatcher_rehanded(first.log, setup.workers[-1].log),
        "redispatch_after_s": setup.redispatch_seconds,
        "dispatcher_every_s": setup.dispatch_every,
    }
    _say(f"run B: {result}")
    return result


def send_window_ms(quit_at: dict[str, float], accepted: list[tuple[float, str]]) -> dict:
    """How long a message stays accepted but not committed as sent, at most: from the mail
    server accepting it to the worker's QUIT, which comes right after the commit (the row is
    marked sent before the message goes out). The median and the 99th percentile. A kill
    inside this window sends the message twice."""
    first_accepted: dict[str, float] = {}
    for when, message_id in accepted:
        first_accepted.setdefault(message_id, when)
    windows = sorted(
        (quit_at[message_id] - when) * 1000
        for message_id, when in first_accepted.items()
        if message_id in quit_at
    )
    if not windows:
        return {"p50": float("nan"), "p99": float("nan")}
    return {
        "p50": round(windows[len(windows) // 2], 2),
        "p99": round(windows[min(len(windows) - 1, len(windows) * 99 // 100)], 2),
    }


def duplicate_details(batch: Batch, accepted: list[tuple[float, str]], killed: float) -> list:
    """For each duplicated notification: how many copies, and how long before the kill the
    mail server accepted the first one (evidence of the send-then-commit window)."""
    arrivals: dict[str, list[float]] = {}
    for when, message_id in accepted:
        if message_id in batch.message_ids:
            arrivals.setdefault(message_id, []).append(when)
    return [
        {
            "notification": batch.message_ids[message_id],
            "copies": len(times),
            "first_copy_ms_before_kill": round((killed - min(times)) * 1000, 1),
        }
        for message_id, times in arrivals.items()
        if len(times) > 1
    ]


def _aware(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)


# --------------------------------------------------------------------------- clean-up


def remove_queue_keys(redis_url: str, tag: str) -> int:
    """Remove every Redis key of this benchmark's queue and workers (their names carry the
    tag), their entries in kombu's binding sets, and the messages the killed worker left
    unacknowledged (kombu would otherwise restore them to the dead queue in an hour)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    removed = 0
    for key in client.scan_iter(match=f"*{tag}*"):
        removed += client.delete(key)
    for key in client.scan_iter(match="_kombu.binding.*"):
        members = [m for m in client.sscan_iter(key) if tag.encode() in m]
        if members:
            removed += client.srem(key, *members)
    for delivery_tag, payload in client.hscan_iter("unacked"):
        if tag.encode() in payload:
            client.zrem("unacked_index", delivery_tag)
            removed += client.hdel("unacked", delivery_tag)
    return removed


def delete_notifications(batches: list[Batch]) -> int:
    return sum(batch.rows().delete()[0] for batch in batches if batch.ids)


# --------------------------------------------------------------------------- the measurement


def measure_notifications(
    *,
    environment: dict,
    count: int = 10_000,
    redispatch_seconds: int = REDISPATCH_SECONDS,
    dispatch_every: float = DISPATCH_EVERY_SECONDS,
) -> dict:
    """Run A (throughput) and run B (worker killed midway) with ``count`` notifications each,
    on a Celery queue of their own. Expects django.setup() done with the same DATABASE_URL
    and bench.settings. The benchmark's notifications are deleted afterwards and its Redis
    keys removed, so the database and the broker are left as found; the workers' logs of the
    latest run stay in .data/bench-notifications/."""
    import shutil

    from hubportal.celery import app

    tag = uuid.uuid4().hex[:12]
    queue = f"hubportal-bench-{tag}"
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    sink = MailSink()
    sink.start()
    worker_environment = {
        **environment,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "HUBPORTAL_CELERY_QUEUE": queue,
        "HUBPORTAL_NOTIFICATION_REDISPATCH_SECONDS": str(redispatch_seconds),
    }
    setup = Setup(worker_environment, queue, tag, sink, redispatch_seconds, dispatch_every)
    original_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue  # this process hands its tasks to the same queue
    try:
        throughput, memory = run_throughput(setup, count)
        kill = run_kill(setup, count)
    finally:
        for worker in setup.workers:
            if worker.process.poll() is None:
                worker.kill()
        app.conf.task_default_queue = original_queue
        sink.stop()
        deleted = delete_notifications(setup.batches)
        remove_queue_keys(environment["REDIS_URL"], tag)
    return {
        "count": count,
        "worker_concurrency": WORKER_CONCURRENCY,
        "machine_cpus": os.cpu_count(),
        "throughput": throughput,
        "kill": kill,
        "celery_worker_peak_mb": memory,
        "notifications_deleted": deleted,
    }


def print_notifications(result: dict) -> None:
    a, b, memory = result["throughput"], result["kill"], result["celery_worker_peak_mb"]
    print(
        f"notifications: {result['count']} through the outbox, 1 Celery worker "
        f"(concurrency {result['worker_concurrency']}), real Redis and SMTP: "
        f"{a['per_second']}/s (enqueue {a['enqueue_s']} s, delivered in {a['deliver_s']} s), "
        f"lost {a['lost']}, duplicated {a['duplicated']}"
    )
    print(
        f"worker killed after {b['sent_before_kill']} sent ({b['committed_before_kill']} "
        f"committed): all sent {b['recovery_s']} s after the kill (new worker ready in "
        f"{b['restart_s']} s, redispatch after {b['redispatch_after_s']} s), lost {b['lost']}, "
        f"duplicated {b['duplicated']}, {b['per_second']}/s overall"
    )
    print(
        f"peak memory of the Celery worker: parent {memory['parent']} MB, "
        f"largest child {memory['child_max']} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hubportal benchmark: notifications")
    parser.add_argument("--count", type=int, default=10_000, help="notifications per run")
    parser.add_argument(
        "--redispatch-seconds",
        type=int,
        default=REDISPATCH_SECONDS,
        help="the workers' HUBPORTAL_NOTIFICATION_REDISPATCH_SECONDS in run B (production: 300)",
    )
    parser.add_argument(
        "--dispatch-every",
        type=float,
        default=DISPATCH_EVERY_SECONDS,
        help="seconds between the dispatcher tasks sent in run B (celery beat: 30)",
    )
    arguments = parser.parse_args(argv)
    base = os.environ.get("DATABASE_URL")
    if not base or not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "bench.notifications: run through `python -m hubportal.devstack exec --` "
            "(it provides DATABASE_URL and REDIS_URL)"
        )
    from bench.run import bench_database_url, ensure_database

    url = bench_database_url(base, "tiny")
    ensure_database(url)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"})
    environment = dict(os.environ)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    import django

    django.setup()
    result = measure_notifications(
        environment=environment,
        count=arguments.count,
        redispatch_seconds=arguments.redispatch_seconds,
        dispatch_every=arguments.dispatch_every,
    )
    print(json.dumps(result, indent=2))
    with contextlib.redirect_stdout(sys.stderr):  # stdout stays one JSON document
        print_notifications(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
