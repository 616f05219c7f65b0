"""Contention through the real booking endpoint: many signed-in clients post the booking
form for a few free slots at the same moment. Exactly one client may win each slot; the
others must get the clash message, and nobody an error page."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import time, timedelta


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def prepare(clients: int, slots: int):
    """A fresh room, `slots` free hours tomorrow, and `clients` signed-in sessions."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from booking.models import Resource
    from hubportal.accounts.models import User
    from knutepunkt.models import Hub

    hub = Hub.objects.order_by("pk").first()
    room = Resource.objects.create(
        hub=hub, name=f"Konkurranserom {get_random_string(6)}", kind="meeting_room", capacity=1000,
        only_in_opening_hours=False, min_notice_hours=0, max_active_per_booker=1000,
    )  # fmt: skip
    tomorrow = timezone.localdate() + timedelta(days=1)
    times = [(tomorrow, time(hour=6 + i % 16), i // 16) for i in range(slots)]
    users = User.objects.bulk_create(
        User(email=f"race-{get_random_string(10).lower()}@example.no", password="!")
        for _ in range(clients)
    )
    sessions = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        sessions.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return room, times, sessions


def race(port: int, clients: int = 200, slots: int = 20) -> dict:
    from django.utils.crypto import get_random_string

    from booking.models import Occurrence

    room, times, sessions = prepare(clients, slots)
    barrier = threading.Barrier(clients)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        day, start, extra_days = times[index % len(times)]
        token = get_random_string(32)
        body = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token, "day": (day + timedelta(days=extra_days)).isoformat(),
            "start": start.strftime("%H:%M"), "minutes": "60", "purpose": "Konkurranse",
            "attendees": "1", "repeat": "none",
        }).encode()  # fmt: skip
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/rom/{room.pk}/book/", data=body,
            headers={"Cookie": f"{sessions[index]}; csrftoken={token}"},
        )  # fmt: skip
        opener = urllib.request.build_opener(_NoRedirect)
        barrier.wait()
        try:
            response = opener.open(request, timeout=120)
            outcome = f"status {response.status}"
        except urllib.error.HTTPError as error:
            page = error.read().decode(errors="replace")
            if error.code == 302:
                outcome = "booked"
            elif error.code == 400 and "er allerede booket" in page:
                outcome = "clash message"
            else:
                outcome = f"status {error.code}"
        except Exception as error:  # a refused connection counts as an error too
            outcome = f"error {type(error).__name__}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = {name: outcomes.count(name) for name in sorted(set(outcomes))}
    booked_rows = Occurrence.objects.filter(resource=room).count()
    return {
        "clients": clients, "slots": slots, "outcomes": counts, "occurrences_in_database": booked_rows,
        "correct": counts.get("booked", 0) == slots == booked_rows
        and counts.get("clash message", 0) == clients - slots,
    }  # fmt: skip
