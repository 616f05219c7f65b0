"""Booking through the real URLs: bad input gives a message and saves nothing; other
people's bookings do not exist for you; staff approve from the queue."""

import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation
from icalendar import Calendar

from booking import services
from booking.enums import ApprovalRule, BookingStatus
from booking.models import Booking, Occurrence
from hubportal.notifications.models import Notification
from knutepunkt.models import OpeningHoursPeriod
from tests.knutepunkt.factories import (
    HubFactory,
    PeriodFactory,
    SpanFactory,
    UserFactory,
    hub_staff,
    weekday_hours,
)

from .factories import ResourceFactory

pytestmark = pytest.mark.django_db


def form(start, minutes=120, **extra):
    local = timezone.localtime(start)
    return {
        "day": local.date().isoformat(),
        "start": local.strftime("%H:%M"),
        "minutes": str(minutes),
        "purpose": "Sjakklubb",
        "attendees": "10",
        "repeat": "none",
        **extra,
    }


def evening(days=3):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def citizen(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Only the room's lengths are offered; a forged one is refused by the form.
        ({"minutes": "0"}, "Velg et gyldig valg"),
        ({"minutes": "15"}, "Velg et gyldig valg"),
        ({"minutes": "600"}, "Velg et gyldig valg"),
        ({"day": "31.02.2027"}, "Oppgi en gyldig dato"),
        ({"attendees": "999"}, "Rommet tar høyst 20 personer"),
        ({"start": "18:10"}, "Bookinger starter hvert 30. minutt"),
    ],
)
def test_bad_input__clear_message_nothing_saved(client, citizen, change, message):
    room = ResourceFactory()
    response = client.post(f"/rom/{room.pk}/book/", {**form(evening()), **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_in_the_past_and_beyond_the_horizon__refused(client, citizen):
    room = ResourceFactory(horizon_days=30)
    for start in (evening(days=-2), evening(days=60)):
        assert client.post(f"/rom/{room.pk}/book/", form(start)).status_code == 400
    assert not Booking.objects.exists()


def test_outside_opening_hours__refused_where_not_allowed(client, citizen):
    hub = HubFactory()
    weekday_hours(hub, opens=time(9), closes=time(16))
    room = ResourceFactory(hub=hub, only_in_opening_hours=True)
    response = client.post(f"/rom/{room.pk}/book/", form(evening()))
    assert "Knutepunktet er ikke åpent hele tiden" in response.content.decode()


def test_weekly_until_a_date__books_the_free_times_and_reports_the_clash_once(client, citizen):
    room = ResourceFactory()
    first = evening(days=7)
    services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(first + timedelta(days=14), first + timedelta(days=14, hours=2))],
        purpose="Kor",
    )
    data = form(first, repeat="weekly", until=(first + timedelta(days=28)).date().isoformat())
    response = client.post(f"/rom/{room.pk}/book/", data)
    assert response.status_code == 302
    booking = Booking.objects.get(booker=citizen)
    assert booking.occurrences.count() == 4  # 5 weeks, one taken
    confirmations = Notification.objects.filter(
        recipient=citizen, template="booking/email/booking_confirmed"
    )
    assert confirmations.count() == 1  # one message per series, not one per time


def test_someone_elses_booking__is_404_by_guessing_the_id(client, citizen):
    result = services.booking_create(
        booker=UserFactory(),
        resource=ResourceFactory(),
        times=[(evening(), evening() + timedelta(hours=1))],
        purpose="Privat",
    )
    for url in (f"/bookinger/{result.booking.pk}/", f"/bookinger/{result.booking.pk}/kalender.ics"):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/bookinger/{result.booking.pk}/avbestill/", {"scope": "all"}).status_code
        == 404
    )
    assert Occurrence.objects.get().status == BookingStatus.CONFIRMED


def test_my_bookings__lists_own_and_cancels_one_of_a_series(client, citizen):
    room = ResourceFactory(cancellation_deadline_hours=0)
    start = evening(days=5)
    times = [
        (start + timedelta(days=7 * n), start + timedelta(days=7 * n, hours=1)) for n in range(3)
    ]
    booking = services.booking_create(
        booker=citizen, resource=room, times=times, purpose="Strikkeklubb"
    ).booking
    page = client.get("/bookinger/").content.decode()
    assert "Strikkeklubb" in page
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    assert title.startswith("Mine bookinger ·") and "<" not in title  # text only, no markup
    middle = booking.occurrences.order_by("starts_at")[1]
    client.post(f"/bookinger/{booking.pk}/avbestill/", {"occurrence": middle.pk, "scope": "one"})
    assert list(booking.occurrences.order_by("starts_at").values_list("status", flat=True)) == [
        "confirmed",
        "cancelled",
        "confirmed",
    ]


def test_my_bookings__a_weekly_series_is_one_line_with_its_times_folded(client, citizen):
    room = ResourceFactory(name="Salen")
    start = evening(days=5)
    times = [
        (start + timedelta(days=7 * n), start + timedelta(days=7 * n, hours=2)) for n in range(4)
    ]
    services.booking_create(
        booker=citizen, resource=room, times=times, purpose="Korøvelse", repeat="weekly"
    )
    day_before = times[0][0] - timedelta(days=1)
    services.booking_create(
        booker=citizen,
        resource=room,
        times=[(day_before, day_before + timedelta(hours=1))],
        purpose="Styremøte",
    )
    response = client.get("/bookinger/")
    upcoming = response.context["upcoming"]
    assert [b.purpose for b in upcoming.object_list] == ["Styremøte", "Korøvelse"]
    assert upcoming.paginator.count == 2  # bookings, not times
    page = response.content.decode()
    with translation.override("nb"):
        weekday = formats.date_format(timezone.localtime(start), "l")
    assert f"Hver uke, {weekday} {timezone.localtime(start):%H:%M}–" in page
    assert "4 ganger igjen" in page and "Vis de 4 tidspunktene" in page
    folded = page[
        page.index('<ul class="series-times">') : page.index(
            "</ul>", page.index('<ul class="series-times">')
        )
    ]
    assert folded.count("<time ") == 4
    assert page.count("Korøvelse</a>") == 1


def test_find_room__only_free_rooms_with_the_needs(client):
    hub = HubFactory()
    free = ResourceFactory(hub=hub, name="Ledig", facilities=["projector"], capacity=30)
    ResourceFactory(hub=hub, name="Uten projektor", capacity=30)
    ResourceFactory(hub=hub, name="For lite", facilities=["projector"], capacity=5)
    busy = ResourceFactory(hub=hub, name="Opptatt", facilities=["projector"], capacity=30)
    start = evening()
    services.booking_create(
        booker=UserFactory(),
        resource=busy,
        times=[(start, start + timedelta(hours=2))],
        purpose="X",
    )
    page = client.get(
        "/rom/",
        {
            "day": start.date().isoformat(),
            "start": "18:00",
            "minutes": "120",
            "people": "20",
            "facilities": "projector",
        },
    ).content.decode()
    assert free.name in page
    for name in ("Uten projektor", "For lite", "Opptatt"):
        assert name not in page


def test_week_view__free_start_times_are_bookable(client, citizen):
    room = ResourceFactory(min_minutes=60, granularity_minutes=60)
    page = client.get(f"/rom/{room.pk}/").content.decode()
    assert "Slik leser du kalenderen" in page and 'data-state="free"' in page


def test_approval_queue__staff_approve_a_request(client):
    room = ResourceFactory(approval=ApprovalRule.APPROVAL)
    requester = UserFactory()
    booking = services.booking_create(
        booker=requester,
        resource=room,
        times=[(evening(), evening() + timedelta(hours=1))],
        purpose="Møte",
    ).booking
    assert booking.status == BookingStatus.REQUESTED
    client.force_login(hub_staff(room.hub))
    queue = client.get("/admin/booking/booking/", {"status__exact": "requested"}).content.decode()
    assert "Møte" in queue
    client.post("/admin/booking/booking/", {"action": "approve", "_selected_action": [booking.pk]})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Notification.objects.filter(
        recipient=requester, template="booking/email/booking_approved"
    ).exists()


def test_approval_queue__other_hubs_requests_are_not_visible(client):
    room, other = (
        ResourceFactory(approval=ApprovalRule.APPROVAL),
        ResourceFactory(approval=ApprovalRule.APPROVAL),
    )
    booking = services.booking_create(
        booker=UserFactory(),
        resource=other,
        times=[(evening(), evening() + timedelta(hours=1))],
        purpose="Hemmelig",
    ).booking
    client.force_login(hub_staff(room.hub))
    assert "Hemmelig" not in client.get("/admin/booking/booking/").content.decode()
    assert client.get(f"/admin/booking/booking/{booking.pk}/change/").status_code == 404


def test_district_page__lists_rooms_and_public_bookings_only(client):
    room = ResourceFactory(name="Peisestua")
    start = evening()
    services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Sjakklubb",
        is_public=True,
    )
    services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(start + timedelta(days=1), start + timedelta(days=1, hours=2))],
        purpose="Privat selskap",
    )
    hub = room.hub
    page = client.get(f"/{hub.municipality.slug}/{hub.district.slug}/").content.decode()
    assert "Peisestua" in page and "Sjakklubb" in page and "Privat selskap" not in page


def test_feeds__public_without_personal_data_private_by_revocable_token(client, citizen):
    room = ResourceFactory()
    start = evening()
    services.booking_create(
        booker=citizen,
        resource=room,
        times=[(start, start + timedelta(hours=1))],
        purpose="Hemmelig møte",
    )
    public = Calendar.from_ical(client.get(f"/rom/{room.pk}/kalender.ics").content)
    (entry,) = public.walk("VEVENT")
    assert (
        str(entry["summary"]) == "Opptatt"
        and citizen.email not in client.get(f"/rom/{room.pk}/kalender.ics").content.decode()
    )
    client.post("/bookinger/kalender/")
    token = citizen.booking_feed.token
    private = Calendar.from_ical(client.get(f"/kalender/{token}.ics").content)
    assert "Hemmelig møte" in str(next(iter(private.walk("VEVENT")))["summary"])
    client.post("/bookinger/kalender/")  # a new address revokes the old
    assert client.get(f"/kalender/{token}.ics").status_code == 404


def test_usage__hours_occupancy_and_csv_for_own_hub(client):
    hub = HubFactory()
    weekday_hours(hub, opens=time(8), closes=time(22))
    room = ResourceFactory(hub=hub, name="Salen")
    start = evening(days=2)
    services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Kor",
    )
    client.force_login(hub_staff(hub))
    month = timezone.localtime(start).strftime("%Y-%m")
    response = client.get("/admin/booking/booking/bruk/", {"maaned": month})
    (row,) = response.context["rows"]
    assert row.hours_booked == 2.0 and row.open_hours > 0 and row.bookings_by_booker["citizen"] == 1
    csv_text = (
        client.get("/admin/booking/booking/bruk/", {"maaned": month, "format": "csv"})
        .getvalue()
        .decode()
    )
    assert "Salen" in csv_text and ";2.0;" in csv_text
    year = client.get("/admin/booking/booking/bruk/", {"aar": month[:4]})
    (row,) = year.context["rows"]
    assert row.hours_booked == 2.0 and row.bookings_by_booker["citizen"] == 1
    assert row.open_hours > 300  # a whole year of the hub's opening hours
    year_csv = client.get("/admin/booking/booking/bruk/", {"aar": month[:4], "format": "csv"})
    assert year_csv["Content-Disposition"].endswith(f'bruk-{month[:4]}.csv"')
    assert ";2.0;" in year_csv.getvalue().decode()


def test_admin_overview__shows_the_count_of_waiting_requests(client):
    room = ResourceFactory(approval=ApprovalRule.APPROVAL)
    services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(evening(), evening() + timedelta(hours=1))],
        purpose="Møte",
    )
    client.force_login(hub_staff(room.hub))
    assert "1 bookingforespørsel venter på deg" in client.get("/admin/").content.decode()


def test_check_first__lists_each_time_free_or_taken_and_books_nothing(client, citizen):
    room = ResourceFactory()
    first = evening(days=7)
    services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(first + timedelta(days=7), first + timedelta(days=7, hours=2))],
        purpose="Kor",
    )
    response = client.post(
        f"/rom/{room.pk}/book/", {**form(first, repeat="weekly", count="3"), "check": "1"}
    )
    checked = response.context["checked"]
    assert [bool(problems) for _s, _e, problems in checked] == [False, True, False]
    assert Booking.objects.filter(booker=citizen).count() == 0


def test_series_over_months__opening_hours_of_later_periods_are_used(client, citizen):
    hub = HubFactory()
    weekday_hours(hub, opens=time(8), closes=time(22))
    OpeningHoursPeriod.objects.update(valid_until=timezone.localdate() + timedelta(days=30))
    later = PeriodFactory(hub=hub, valid_from=timezone.localdate() + timedelta(days=31))
    for day in range(7):  # evenings closed from day 31
        SpanFactory(period=later, weekday=day, opens=time(8), closes=time(16))
    room = ResourceFactory(hub=hub, only_in_opening_hours=True)
    response = client.post(
        f"/rom/{room.pk}/book/",
        form(evening(days=3), repeat="weekly", count="8", all_or_nothing="on"),
    )
    assert response.status_code == 400
    assert "Knutepunktet er ikke åpent hele tiden" in response.content.decode()


def test_staff__book_for_someone_and_block_a_time(client):
    room = ResourceFactory(name="Salen")
    person = UserFactory(email="leder@korps.no")
    standing_booker = UserFactory()
    start = evening()
    services.booking_create(
        booker=standing_booker,
        resource=room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Kor",
    )
    client.force_login(hub_staff(room.hub))
    response = client.post(
        f"/rom/{room.pk}/book/", {**form(start), "on_behalf_of": "leder@korps.no", "displace": "on"}
    )
    assert response.status_code == 302
    assert Booking.objects.get(booker=person).occurrences.get().status == BookingStatus.CONFIRMED
    assert Notification.objects.filter(
        recipient=standing_booker, template="booking/email/booking_displaced"
    ).exists()


def test_citizen__sees_no_staff_fields_and_cannot_displace(client, citizen):
    room = ResourceFactory()
    page = client.get(f"/rom/{room.pk}/book/").content.decode()
    assert "displace" not in page and "on_behalf_of" not in page


def test_week_view__a_fixed_number_of_queries(client, django_assert_max_num_queries):
    room = ResourceFactory(min_minutes=30, granularity_minutes=30)
    with django_assert_max_num_queries(15):
        client.get(f"/rom/{room.pk}/")


def test_find_room__same_number_of_queries_for_2_and_30_rooms(client, django_assert_num_queries):
    start = evening()
    params = {"day": start.date().isoformat(), "start": "18:00", "minutes": "120"}
    counts = []
    for rooms in (2, 30):
        hub = HubFactory()
        for n in range(rooms):
            room = ResourceFactory(hub=hub)
            if n % 3 == 0:
                services.booking_create(
                    booker=UserFactory(),
                    resource=room,
                    times=[(start, start + timedelta(hours=1))],
                    purpose="X",
                )
        with CaptureQueriesContext(connection) as queries:
            client.get("/rom/", {**params, "kommune": hub.municipality.slug})
        counts.append(len(queries))
    assert counts[0] == counts[1]
