"""The coordinating view's figures: for a cooperation, each member municipality side by side
and month by month. Aggregates only (counts, sums, medians): no figure names a person, so
a regional coordinator sees nothing personal of a member municipality.

Each figure is computed in a fixed number of aggregate queries for the whole cooperation
(grouped by municipality or hub and month in PostgreSQL), whatever the number of bookings,
events or shifts behind it; opening hours come from the opening-hours engine, once for all
the cooperation's hubs. A figure answers a :class:`Table` (for the page, the CSV and the
chart): its columns, its rows, and the series the chart draws (one per municipality).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, time, timedelta
from statistics import median

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from booking.enums import BookingStatus
from booking.models import Booking, Occurrence, Resource
from frivillighet.models import ShiftSignup
from innbyggertorg.enums import EventStatus, RegistrationStatus
from innbyggertorg.models import Event, Registration
from innbyggertorg.selectors import missing_base_modules
from knutepunkt.enums import SpanState
from knutepunkt.models import Hub, Municipality
from knutepunkt.opening_hours import OSLO, localise
from knutepunkt.selectors import hub_schedules

from .models import Cooperation

MAX_MONTHS = 24


@dataclass
class Period:
    first: date  # the first day of the first month
    last: date  # the first day of the last month

    @property
    def months(self) -> list[date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    @property
    def start(self):
        return localise(self.first, time.min)

    @property
    def end(self):
        return localise(_next_month(self.last), time.min)


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


@dataclass
class Table:
    columns: list  # labels
    rows: list[tuple] = field(default_factory=list)
    # The chart: one series per municipality, a value per month (or one value: a bar).
    series: dict[str, list[float]] = field(default_factory=dict)
    measure: object = ""  # what the chart shows, e.g. "staffed hours a week"
    over_time: bool = True


@dataclass(frozen=True)
class Figure:
    key: str  # its address, e.g. "apningstider"
    title: object
    description: object
    compute: Callable[[Cooperation, Period, list[Municipality], list[Hub]], Table]


def _month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def _by_month(rows, value_of, municipalities, period):
    """{municipality name: [value per month]} from rows with municipality_id and month."""
    months = period.months
    found = {(row["municipality_id"], row["month"].astimezone(OSLO).date()): row for row in rows}
    return {
        m.name: [value_of(found.get((m.pk, month))) for month in months] for m in municipalities
    }


# --------------------------------------------------------------------------- figures


def opening_hours(cooperation, period, municipalities, hubs) -> Table:
    """Opening hours offered per hub: staffed and self-service hours a week, per month."""
    table = Table(
        [
            _("Municipality"),
            _("Hub"),
            _("Month"),
            _("Staffed hours a week"),
            _("Self-service hours a week"),
        ],
        measure=_("Staffed hours a week, all the municipality's hubs"),
    )
    days = (period.end - period.start).days + 1
    schedules = hub_schedules(hubs=hubs, at=period.start, days=days)
    names = {m.pk: m.name for m in municipalities}
    staffed_by = defaultdict(lambda: [0.0] * len(period.months))
    for hub in hubs:
        for index, month in enumerate(period.months):
            length = (_next_month(month) - month).days
            hours = {SpanState.STAFFED: 0.0, SpanState.SELF_SERVICE: 0.0}
            for day in schedules[hub.pk].week(month, length):
                for interval in day.intervals:
                    if interval.state in hours:
                        seconds = interval.end.astimezone(UTC) - interval.start.astimezone(UTC)
                        hours[interval.state] += seconds.total_seconds() / 3600
            weeks = length / 7
            staffed = round(hours[SpanState.STAFFED] / weeks, 1)
            self_service = round(hours[SpanState.SELF_SERVICE] / weeks, 1)
            table.rows.append(
                (names[hub.municipality_id], hub.name, _month_label(month), staffed, self_service)
            )
            staffed_by[hub.municipality_id][index] += staffed
    table.series = {m.name: [round(v, 1) for v in staffed_by[m.pk]] for m in municipalities}
    return table


def base_modules(cooperation, period, municipalities, hubs) -> Table:
    """Equal treatment: which hubs lack which of their municipality's base modules (today)."""
    table = Table(
        [_("Municipality"), _("Hub"), _("Base modules missing"), _("Number missing")],
        measure=_("Hubs lacking at least one base module"),
        over_time=False,
    )
    missing = missing_base_modules(hubs=hubs)
    names = {m.pk: m.name for m in municipalities}
    lacking = defaultdict(int)
    for hub in hubs:
        gone = missing.get(hub.pk, [])
        table.rows.append(
            (names[hub.municipality_id], hub.name, ", ".join(s.name for s in gone), len(gone))
        )
        lacking[hub.municipality_id] += bool(gone)
    table.series = {m.name: [lacking[m.pk]] for m in municipalities}
    return table


def events(cooperation, period, municipalities, hubs) -> Table:
    """Events held (not cancelled, begun in the month) and their attendance (people marked
    as attending, with their groups)."""
    table = Table(
        [_("Municipality"), _("Month"), _("Events held"), _("Attendance")],
        measure=_("Events held"),
    )
    ids = [m.pk for m in municipalities]
    held = (
        Event.objects.filter(
            municipality_id__in=ids,
            starts_at__gte=period.start,
            starts_at__lt=period.end,
        )
        .exclude(status=EventStatus.CANCELLED)
        .annotate(month=TruncMonth("starts_at", tzinfo=OSLO))
        .values("municipality_id", "month")
        .annotate(n=Count("pk"))
    )
    came = (
        Registration.objects.filter(
            event__municipality_id__in=ids,
            event__starts_at__gte=period.start,
            event__starts_at__lt=period.end,
            attended=True,
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .exclude(event__status=EventStatus.CANCELLED)
        .annotate(municipality_id=F("event__municipality_id"))
        .annotate(month=TruncMonth("event__starts_at", tzinfo=OSLO))
        .values("municipality_id", "month")
        .annotate(people=Sum("group_size"))
    )
    counts = _by_month(held, lambda r: r["n"] if r else 0, municipalities, period)
    people = _by_month(came, lambda r: r["people"] if r else 0, municipalities, period)
    for m in municipalities:
        for index, month in enumerate(period.months):
            table.rows.append(
                (m.name, _month_label(month), counts[m.name][index], people[m.name][index])
            )
    table.series = counts
    return table


def occupancy(cooperation, period, municipalities, hubs) -> Table:
    """Room occupancy against opening hours: confirmed booked hours of the bookable rooms
    (not equipment or technicians) over the hours their hubs are open, per month."""
    table = Table(
        [
            _("Municipality"),
            _("Month"),
            _("Booked hours"),
            _("Open room hours"),
            _("Occupancy (%)"),
        ],
        measure=_("Occupancy (%)"),
    )
    ids = [m.pk for m in municipalities]
    rooms = Resource.objects.filter(municipality_id__in=ids, parent__isnull=True).exclude(
        kind__in=["equipment", "technician"]
    )
    rooms_per_hub = defaultdict(int)
    for hub_id in rooms.values_list("hub_id", flat=True):
        rooms_per_hub[hub_id] += 1
    booked = (
        Occurrence.objects.filter(
            resource__in=rooms,
            resource=F("booking__resource"),
            status=BookingStatus.CONFIRMED,
            starts_at__gte=period.start,
            starts_at__lt=period.end,
        )
        .annotate(municipality_id=F("resource__municipality_id"))
        .annotate(month=TruncMonth("starts_at", tzinfo=OSLO))
        .values("municipality_id", "month")
        .annotate(
            length=Sum(
                ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
            )
        )
    )
    hours = _by_month(
        booked,
        lambda r: r["length"].total_seconds() / 3600 if r and r["length"] else 0.0,
        municipalities,
        period,
    )
    open_hours = defaultdict(lambda: [0.0] * len(period.months))
    with_rooms = [hub for hub in hubs if rooms_per_hub[hub.pk]]
    days = (period.end - period.start).days + 1
    schedules = hub_schedules(hubs=with_rooms, at=period.start, days=days)
    for hub in with_rooms:
        for index, month in enumerate(period.months):
            length = (_next_month(month) - month).days
            total = sum(
                (i.end.astimezone(UTC) - i.start.astimezone(UTC)).total_seconds() / 3600
                for day in schedules[hub.pk].week(month, length)
                for i in day.intervals
                if i.is_open
            )
            open_hours[hub.municipality_id][index] += total * rooms_per_hub[hub.pk]
    series = {}
    for m in municipalities:
        values = []
        for index, month in enumerate(period.months):
            available = open_hours[m.pk][index]
            share = round(100 * hours[m.name][index] / available, 1) if available else 0.0
            values.append(share)
            table.rows.append(
                (
                    m.name,
                    _month_label(month),
                    round(hours[m.name][index], 1),
                    round(available, 1),
                    share,
                )
            )
        series[m.name] = values
    table.series = series
    return table


def volunteers(cooperation, period, municipalities, hubs) -> Table:
    """Volunteers who gave time at the municipality's hubs, and the hours given, per month
    (hours survive anonymised: they count, the person is not named)."""
    table = Table(
        [_("Municipality"), _("Month"), _("Volunteers"), _("Volunteer hours")],
        measure=_("Volunteer hours"),
    )
    given = (
        ShiftSignup.objects.filter(
            shift__opportunity__hub__municipality_id__in=[m.pk for m in municipalities],
            shift__starts_at__gte=period.start,
            shift__starts_at__lt=period.end,
            hours__isnull=False,
        )
        .annotate(municipality_id=F("shift__opportunity__hub__municipality_id"))
        .annotate(month=TruncMonth("shift__starts_at", tzinfo=OSLO))
        .values("municipality_id", "month")
        .annotate(people=Count("volunteer", distinct=True), hours=Sum("hours"))
    )
    people = _by_month(given, lambda r: r["people"] if r else 0, municipalities, period)
    hours = _by_month(given, lambda r: float(r["hours"] or 0) if r else 0.0, municipalities, period)
    for m in municipalities:
        for index, month in enumerate(period.months):
            table.rows.append(
                (m.name, _month_label(month), people[m.name][index], round(hours[m.name][index], 1))
            )
    table.series = {name: [round(v, 1) for v in values] for name, values in hours.items()}
    return table


def booking_requests(cooperation, period, municipalities, hubs) -> Table:
    """Booking requests made in the month (bookings that waited for staff), how many were
    answered, and the median time to an answer, in hours."""
    table = Table(
        [
            _("Municipality"),
            _("Month"),
            _("Requests"),
            _("Answered"),
            _("Median hours to an answer"),
        ],
        measure=_("Median hours to an answer"),
    )
    requests = (
        Booking.objects.filter(
            resource__municipality_id__in=[m.pk for m in municipalities],
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .filter(Q(decided_at__isnull=False) | Q(status=BookingStatus.REQUESTED))
        .annotate(municipality_id=F("resource__municipality_id"))
        .annotate(month=TruncMonth("created_at", tzinfo=OSLO))
        .values_list("municipality_id", "month", "created_at", "decided_at")
    )
    counted = defaultdict(lambda: [0, []])
    for municipality_id, month, created_at, decided_at in requests.iterator():
        row = counted[(municipality_id, month.astimezone(OSLO).date())]
        row[0] += 1
        if decided_at is not None:
            row[1].append((decided_at - created_at).total_seconds() / 3600)
    series = {}
    for m in municipalities:
        values = []
        for month in period.months:
            total, waits = counted.get((m.pk, month), (0, []))
            middle = round(median(waits), 1) if waits else 0.0
            values.append(middle)
            table.rows.append((m.name, _month_label(month), total, len(waits), middle))
        series[m.name] = values
    table.series = series
    return table


FIGURES = [
    Figure(
        "apningstider",
        _("Opening hours offered"),
        _("Staffed and self-service hours a week at each hub, month by month."),
        opening_hours,
    ),
    Figure(
        "basismoduler",
        _("Base modules at each hub"),
        _("Equal treatment: the base modules of its municipality each hub lacks today."),
        base_modules,
    ),
    Figure(
        "arrangementer",
        _("Events and attendance"),
        _("Events held at the municipality's hubs and the people who came, per month."),
        events,
    ),
    Figure(
        "romutnyttelse",
        _("Room occupancy"),
        _("Confirmed booked hours of the rooms against the hours their hubs are open."),
        occupancy,
    ),
    Figure(
        "frivillige",
        _("Volunteers and volunteer hours"),
        _("Volunteers who gave time at the hubs and the hours they gave, per month."),
        volunteers,
    ),
    Figure(
        "bookingforesporsler",
        _("Booking requests"),
        _("Requests that waited for staff, how many were answered and how fast."),
        booking_requests,
    ),
]
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}


def cooperation_places(cooperation: Cooperation) -> tuple[list[Municipality], list[Hub]]:
    """The members and their hubs, in the order the figures list them. Two queries."""
    municipalities = list(cooperation.members.order_by("name"))
    hubs = list(
        Hub.objects.filter(municipality__in=municipalities).order_by("municipality__name", "name")
    )
    return municipalities, hubs


def figure_table(*, cooperation: Cooperation, figure: Figure, period: Period) -> Table:
    municipalities, hubs = cooperation_places(cooperation)
    return figure.compute(cooperation, period, municipalities, hubs)
