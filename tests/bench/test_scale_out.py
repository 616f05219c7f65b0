"""Two of everything, in CI at a tiny scale: two gunicorn servers, two Celery workers (one
killed) and two beat processes against one PostgreSQL and one Redis (bench/scale_out.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_two_servers_two_workers_two_beats__share_everything_and_lose_nothing(tmp_path):
    output = tmp_path / "scale-out.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.scale_out",
            "--scale",
            "tiny",
            "--notifications",
            "600",
            "--clients",
            "60",
            "--slots",
            "10",
            "--output",
            str(output),
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert output.exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    result = json.loads(output.read_text())
    # Signed in through the login form on one server: signed in on the other; signed out
    # on the other: signed out on the first.
    assert result["sessions"] == {
        "signed_in_on_a": True,
        "signed_in_on_b": True,
        "signed_out_on_b": True,
        "signed_out_on_a": True,
        "correct": True,
    }
    # One rate limit over both servers: ten requests a minute, then 429 from either.
    assert result["caches"]["statuses"] == [200] * 10 + [429, 429]
    races = result["races"]
    assert races["booking"]["outcomes"] == {"booked": 10, "clash message": 50}
    assert races["booking"]["occurrences_in_database"] == 10
    for name in ("event", "shift"):
        assert (races[name]["confirmed"], races[name]["waitlisted"]) == (10, 50), races[name]
        assert races[name]["outcomes"] == {"answered": 60}
    workers = result["workers"]
    assert workers["complete"] and workers["lost"] == 0 and workers["not_sent"] == 0, workers
    assert workers["delivered_by"]["b"] > 0 and workers["killed_after"] >= 300
    # A copy sent twice can only be one the mail server accepted in the moment before the
    # kill (send, then commit; bench/notifications.py): never an older one.
    assert all(
        d["copies"] == 2 and d["first_copy_ms_before_kill"] < 1000 for d in workers["duplicates"]
    )
    beats = result["beats"]
    assert beats["leader_sent"] >= 2 and beats["follower_sent_while_leader_ran"] == 0, beats
    assert not beats["follower_had_lock_while_leader_ran"]
    assert beats["follower_sent_after_takeover"] >= 1 and beats["takeover_s"] <= 15, beats
    assert result["correct"] and completed.returncode == 0
