"""The benchmark harness runs end to end at a tiny scale, so that it never rots: data
generation, gunicorn with production settings, wrk, query budgets, memory, results.json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.run import add_ratios, flatness

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def wrk():
    if shutil.which("wrk") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and wrk is missing (apt-get install wrk)")
        pytest.skip("benchmark harness test SKIPPED: wrk is not installed (apt-get install wrk)")


def test_bench__tiny_scale__measures_every_page_without_errors(wrk, tmp_path):
    output = tmp_path / "results.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--scale",
            "tiny",
            "--duration",
            "1",
            "--connections",
            "10",
            "--regenerate",
            "--output",
            str(output),
            "--notifications",
            "200",
            "--redispatch-seconds",
            "10",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(output.read_text())
    pages = {row["page"] for row in result["rows"]}
    assert {
        "bare view",
        "bare view + user",
        "district page",
        "search (bostøtte)",
        "week view",
        "free-room search",
        "event list",
        "my bookings",
        "API: hubs",
        "API: hubs' hours",
        "API: events",
        "API: free times",
    } <= pages
    modes = {(row["page"], row["mode"]) for row in result["rows"]}
    assert ("district page", "cookieless") in modes and ("district page", "signed in") in modes
    assert result["availability"]["checks"] > 0
    for row in result["rows"]:
        assert row["rps"] > 0, row
        assert row["non_2xx"] == 0, row
        assert row["ratio_to_bare"] is not None
        assert (row["ratio_to_bare_user"] is not None) == (row["mode"] != "cookieless"), row
    assert result["web_worker_peak_mb"] > 0
    races = result["contention"]  # 200 clients through the real endpoints
    assert races["booking"]["correct"], races["booking"]  # 20 slots: 20 booked, 180 clash messages
    assert set(races["booking"]["outcomes"]) == {"booked", "clash message"}  # no error pages
    assert races["event"]["correct"], races["event"]  # last 10 places: 10 confirmed, 190 waiting
    assert races["shift"]["correct"], races["shift"]
    notifications = result["notifications"]  # a real worker, Redis and SMTP server
    assert notifications["throughput"]["lost"] == 0 and notifications["throughput"]["not_sent"] == 0
    assert notifications["kill"]["complete"] and notifications["kill"]["lost"] == 0
    assert notifications["celery_worker_peak_mb"]["child_max"] > 0
    # Where staff spend their day, as each of their readers (bench/staff.py).
    staff = {(row["page"], row["mode"]) for row in result["rows"]}
    assert {
        ("bookings", "hub staff"),
        ("booked times", "municipality admin"),
        ("registrations", "hub staff"),
        ("sign-ups", "municipality admin"),
        ("booking with many times", "hub staff"),
        ("usage: year", "municipality admin"),
        ("coordinator dashboard", "coordinator"),
    } <= staff
    assert all(
        row["ratio_to_bare_user"] is not None
        for row in result["rows"]
        if row["mode"] in ("hub staff", "municipality admin", "coordinator")
    )
    writes = result["writes"]  # signed-in clients through the real forms, no two competing
    for kind in ("booking", "registration", "signup"):
        assert writes[kind]["outcomes"] == {"written": writes[kind]["writes"]}, writes[kind]
        assert writes[kind]["per_second"] > 0 and writes[kind]["outbox_rows_per_write"] > 0
    exports = result["exports"]  # streamed from a one-worker gunicorn
    assert exports["rows"] > 0 and exports["lines"] >= exports["rows"], exports
    assert exports["worker_peak_mb_after"] > 0
    assert "district page" in completed.stdout  # the table on the terminal


def test_flatness__ratios_of_ratios_and_equal_query_budgets():
    def scale(rps_page, ms, queries):
        rows = [
            {"page": "bare view", "mode": "cookieless", "connections": 10, "ratio_to_bare": 1.0},
            {
                "page": "week view",
                "mode": "signed in",
                "connections": 10,
                "ratio_to_bare": rps_page,
            },
        ]
        return {"rows": rows, "availability": {"ms_per_check": ms}, "queries": queries}

    result = flatness(scale(0.5, 2.0, {"week view": 7}), scale(0.4, 2.5, {"week view": 7}))
    assert result["pages"] == [
        {
            "page": "week view",
            "mode": "signed in",
            "connections": 10,
            "small": 0.5,
            "national": 0.4,
            "flatness": 0.8,
        }
    ]
    assert result["availability_check"]["flatness"] == 0.8
    assert result["queries_equal"] is True
    assert flatness(scale(0.5, 2, {"a": 1}), scale(0.5, 2, {"a": 2}))["queries_equal"] is False


def test_ratios__each_kind_of_reader_against_its_own_bare_view():
    rows = [
        {"page": "bare view", "mode": "cookieless", "connections": 10, "rps": 1000.0},
        {"page": "bare view", "mode": "signed in", "connections": 10, "rps": 2000.0},
        {"page": "bare view + user", "mode": "signed in", "connections": 10, "rps": 800.0},
        {"page": "district page", "mode": "cookieless", "connections": 10, "rps": 900.0},
        {"page": "district page", "mode": "signed in", "connections": 10, "rps": 400.0},
    ]
    add_ratios(rows)
    ratios = {(r["page"], r["mode"]): (r["ratio_to_bare"], r["ratio_to_bare_user"]) for r in rows}
    assert ratios[("district page", "cookieless")] == (0.9, None)
    assert ratios[("district page", "signed in")] == (0.2, 0.5)
    assert ratios[("bare view + user", "signed in")] == (0.4, 1.0)
