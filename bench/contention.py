"""Contention through the real booking endpoint: many signed-in clients post the booking
form for a few free slots at the same moment. Exactly one client may win each slot; the
others must get the clash message, and nobody an error page."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import time, timedelta
from importlib import import_module


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def prepare(clients: int, slots: int):
    """A fresh room, `slots` free hours tomorrow, and `clients` signed-in sessions."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from booking.models import Resource
    from hubportal.accounts.models import User
    from knutepunkt.models import Hub

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    hub = Hub.objects.order_by("pk").first()
    room = Resource.objects.create(
        hub=hub,
        name=f"Konkurranserom {get_random_string(6)}",
        kind="meeting_room",
        capacity=1000,
        only_in_opening_hours=False,
        min_notice_hours=0,
        max_active_per_booker=1000,
    )
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


def _ports(port) -> list[int]:
    """One web server's port, or several: client i talks to the i-th (round robin)."""
    return [port] if isinstance(port, int) else list(port)


def race(port, clients: int = 200, slots: int = 20) -> dict:
    """``port``: one web server's, or a list (the clients split across the servers)."""
    from django.utils.crypto import get_random_string

    from booking.models import Occurrence

    ports = _ports(port)
    room, times, sessions = prepare(clients, slots)
    barrier = threading.Barrier(clients)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        day, start, extra_days = times[index % len(times)]
        token = get_random_string(32)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "day": (day + timedelta(days=extra_days)).isoformat(),
                "start": start.strftime("%H:%M"),
                "minutes": "60",
                "purpose": "Konkurranse",
                "attendees": "1",
                "repeat": "none",
            }
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{ports[index % len(ports)]}/rom/{room.pk}/book/",
            data=body,
            headers={"Cookie": f"{sessions[index]}; csrftoken={token}"},
        )
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
        "clients": clients,
        "slots": slots,
        "outcomes": counts,
        "occurrences_in_database": booked_rows,
        "correct": counts.get("booked", 0) == slots == booked_rows
        and counts.get("clash message", 0) == clients - slots,
    }


def _signed_in_clients(count: int, verified: bool = False) -> list:
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    from hubportal.accounts.models import User

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    users = User.objects.bulk_create(
        User(email=f"race-{get_random_string(10).lower()}@example.no", password="!")
        for _ in range(count)
    )
    if verified:
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )
    clients = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        clients.append((user, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"))
    return clients


def _post_all(port, path: str, forms: list[dict], cookies: list[str]) -> dict[str, int]:
    from django.utils.crypto import get_random_string

    ports = _ports(port)
    barrier = threading.Barrier(len(forms))
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        token = get_random_string(32)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **forms[index]}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{ports[index % len(ports)]}{path}",
            data=body,
            headers={"Cookie": f"{cookies[index]}; csrftoken={token}"},
        )
        opener = urllib.request.build_opener(_NoRedirect)
        barrier.wait()
        try:
            outcome = f"status {opener.open(request, timeout=120).status}"
        except urllib.error.HTTPError as error:
            outcome = "answered" if error.code == 302 else f"status {error.code}"
        except Exception as error:
            outcome = f"error {type(error).__name__}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {name: outcomes.count(name) for name in sorted(set(outcomes))}


def event_race(port, clients: int = 200, places: int = 10) -> dict:
    """The last `places` places of an event: exactly that many confirmed, the rest waitlisted."""
    from datetime import timedelta as td

    from django.utils import timezone

    from innbyggertorg.models import Event, Registration
    from knutepunkt.models import Hub

    start = timezone.now() + td(days=3)
    event = Event.objects.create(
        hub=Hub.objects.order_by("pk").first(),
        title="Konkurranse",
        starts_at=start,
        ends_at=start + td(hours=2),
        category="other",
        registration="portal",
        capacity=places,
        max_group_size=1,
    )
    signed_in = _signed_in_clients(clients, verified=True)
    forms = [{"name": "Deltaker", "email": user.email, "group_size": "1"} for user, _ in signed_in]
    outcomes = _post_all(port, event.get_absolute_url(), forms, [cookie for _, cookie in signed_in])
    confirmed = Registration.objects.filter(event=event, status="confirmed").count()
    waitlisted = Registration.objects.filter(event=event, status="waitlisted").count()
    event.refresh_from_db()
    return {
        "clients": clients,
        "places": places,
        "outcomes": outcomes,
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "places_taken": event.places_taken,
        "correct": confirmed == places == event.places_taken
        and waitlisted == clients - places
        and outcomes == {"answered": clients},
    }


def shift_race(port, clients: int = 200, places: int = 10) -> dict:
    """The last `places` places of a volunteer shift, likewise."""
    from datetime import timedelta as td

    from django.utils import timezone

    from frivillighet.models import Opportunity, Shift, ShiftSignup
    from knutepunkt.models import Hub

    opportunity = Opportunity.objects.create(
        hub=Hub.objects.order_by("pk").first(), title="Konkurransevakt"
    )
    start = timezone.now() + td(days=3)
    shift = Shift.objects.create(
        opportunity=opportunity, starts_at=start, ends_at=start + td(hours=2), capacity=places
    )
    signed_in = _signed_in_clients(clients)
    outcomes = _post_all(
        port,
        f"/frivillighet/vakt/{shift.pk}/meld-pa/",
        [{} for _ in signed_in],
        [c for _, c in signed_in],
    )
    confirmed = ShiftSignup.objects.filter(shift=shift, status="confirmed").count()
    waitlisted = ShiftSignup.objects.filter(shift=shift, status="waitlisted").count()
    shift.refresh_from_db()
    return {
        "clients": clients,
        "places": places,
        "outcomes": outcomes,
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "places_taken": shift.places_taken,
        "correct": confirmed == places == shift.places_taken
        and waitlisted == clients - places
        and outcomes == {"answered": clients},
    }
