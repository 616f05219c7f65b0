"""Availability from the same data and rules as the booking check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hubportal import permissions
from hubportal.permissions import Action
from knutepunkt.enums import SpanState
from knutepunkt.models import Hub, Municipality
from knutepunkt.opening_hours import OSLO, DayHours, localise
from knutepunkt.selectors import hub_schedules, local_today

from . import rules
from .enums import BookingStatus, CellState, ResourceKind
from .holds import held_times
from .models import Booking, DoorCode, DoorCodeStatus, Occurrence, Resource
from .permissions import books_as_staff, requests_to_decide
from .spaces import atomic_spaces, claims_overlapping


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime

    @property
    def iso(self) -> str:
        return self.start.isoformat(timespec="minutes")

    @property
    def label(self) -> str:
        return self.start.astimezone(OSLO).strftime("%H:%M")


def busy_ranges(resource: Resource, start: datetime, end: datetime) -> list[DateTimeTZRange]:
    spaces = [space.pk for space in atomic_spaces(resource)]
    return [during for _space, during in claims_overlapping(spaces, start, end)]


def is_bookable(resource: Resource, user, start: datetime, end: datetime, schedule=None) -> bool:
    staff = books_as_staff(user, resource)
    schedule = schedule or hub_schedules(hubs=[resource.hub], at=start)[resource.hub_id]
    if rules.check_times(resource, start, end, schedule, staff=staff):
        return False
    claim = DateTimeTZRange(
        start - timedelta(minutes=resource.buffer_before_minutes),
        end + timedelta(minutes=resource.buffer_after_minutes),
        "[)",
    )
    return not any(
        r.lower < claim.upper and claim.lower < r.upper
        for r in busy_ranges(resource, claim.lower, claim.upper)
    )


# --------------------------------------------------------------------------- week grid
DEFAULT_GRID_HOURS = (8, 22)  # shown when the week has no opening hours and no bookings
SMALLEST_ROW_MINUTES = 15


@dataclass(frozen=True)
class GridCell:
    """One start time of one day: [start, end) in real time (the next row's start)."""

    start: datetime
    end: datetime
    state: CellState
    opening: str  # the hub's state at the start (a SpanState value): the cell's background
    reason: str = ""  # why it is not free, or who holds it
    run_start: bool = False  # the first cell of a run of equal cells (carries the words)
    run_range: str = ""  # for a run's first cell: "18:00–20:00"
    row: time | None = None  # the wall-clock time of its row (02:30 where the clocks skip it)

    @property
    def iso(self) -> str:
        return self.start.isoformat(timespec="minutes")

    @property
    def label(self) -> str:
        if self.row is not None:
            return self.row.strftime("%H:%M")
        return self.start.astimezone(OSLO).strftime("%H:%M")

    @property
    def is_free(self) -> bool:
        return self.state.is_bookable

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def opening_label(self) -> str:
        return SpanState(self.opening).short_label

    @property
    def shows_reason(self) -> bool:
        """A held or closed run names its holder or cause in the cell (other reasons are
        long sentences, read out but not shown in a narrow cell)."""
        return self.run_start and self.state in (CellState.HELD, CellState.CLOSED)


@dataclass(frozen=True)
class GridRun:
    """Cells in a row of one day that say the same (a free time is a run of its own)."""

    state: CellState
    start: datetime
    end: datetime
    range: str
    reason: str
    first: GridCell

    @property
    def is_free(self) -> bool:
        return self.state.is_bookable

    @property
    def state_label(self) -> str:
        return self.state.label


@dataclass(frozen=True)
class GridDay:
    day: date
    is_today: bool
    hours: DayHours
    cells: tuple[GridCell, ...]
    runs: tuple[GridRun, ...] = field(default=())

    @property
    def free_count(self) -> int:
        return sum(1 for cell in self.cells if cell.is_free)

    @property
    def opening_summary(self) -> list[str]:
        """The hub's open hours this day, e.g. ["10:00–16:00 staffed"]."""
        return [
            f"{_hm(i.start)}–{_hm(i.end)} {i.state_label}"
            for i in self.hours.intervals
            if i.is_open
        ]


@dataclass(frozen=True)
class WeekGrid:
    resource: Resource
    monday: date
    times: tuple[time, ...]
    days: tuple[GridDay, ...]
    step: timedelta

    @property
    def rows(self) -> list[tuple[time, list[GridCell]]]:
        return [
            (moment, [day.cells[n] for day in self.days]) for n, moment in enumerate(self.times)
        ]

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def week_number(self) -> int:
        return self.monday.isocalendar().week

    def day(self, wanted: date | None) -> GridDay:
        """The day asked for when it is in this week; else today, else Monday."""
        for candidate in (wanted, timezone.localdate()):
            for day in self.days:
                if day.day == candidate:
                    return day
        return self.days[0]


def _hm(moment: datetime) -> str:
    return moment.astimezone(OSLO).strftime("%H:%M")


def _overlaps(low: datetime, high: datetime, start: datetime, end: datetime) -> bool:
    return low < end and start < high


def _row_step(resource: Resource) -> int:
    """Minutes between rows: the start-time step (a multiple of it when the step is tiny)."""
    step = resource.granularity_minutes
    while step < SMALLEST_ROW_MINUTES:
        step += resource.granularity_minutes
    return step


def _trimmed(times: list[time], days: list[list[GridCell]]) -> tuple[int, int]:
    """The rows worth showing: from the first to the last row (in whole hours) where some
    day is free, booked or held, or the hub is open; every free time is kept, so nothing
    bookable is ever hidden. A week with none of these shows DEFAULT_GRID_HOURS."""
    worth = [
        n
        for n in range(len(times))
        if any(
            cells[n].state in (CellState.FREE, CellState.BOOKED, CellState.HELD)
            or cells[n].opening != SpanState.CLOSED
            for cells in days
        )
    ]
    if not worth:
        low, high = (time(hour) for hour in DEFAULT_GRID_HOURS)
        inside = [n for n, moment in enumerate(times) if low <= moment < high]
        return (inside[0], inside[-1] + 1) if inside else (0, len(times))
    first_hour, last_hour = times[worth[0]].hour, times[worth[-1]].hour
    first = next(n for n, moment in enumerate(times) if moment.hour >= first_hour)
    last = max(n for n, moment in enumerate(times) if moment.hour <= last_hour)
    return first, last + 1


def week_grid(resource: Resource, user, monday: date) -> WeekGrid:
    """The week of a resource as a grid of days and start times, each cell free, booked,
    held, closed or not bookable (with the reason), on the hub's opening hours. A cell is
    *free* exactly when a booking of the shortest length starting there would be accepted
    now (the rules of ``rules.check_times`` for this reader and no claim in the way), so
    *shown free* means *bookable*. One set of queries per week: the schedule, the claims,
    the blackouts and the held times, however many cells."""
    start = localise(monday, time(0))
    end = localise(monday + timedelta(days=7), time(0))
    schedule = hub_schedules(hubs=[resource.hub], at=start)[resource.hub_id]
    spaces = atomic_spaces(resource)
    space_ids = [space.pk for space in spaces]
    # Claims a little beyond the week too: a booking of the shortest length starting late
    # on Sunday, with buffers, reaches into the next week.
    reach = timedelta(
        minutes=resource.max_minutes
        + resource.buffer_before_minutes
        + resource.buffer_after_minutes
    )
    busy = [
        (r.lower, r.upper)
        for _space, r in claims_overlapping(space_ids, start - reach, end + reach)
    ]
    held = held_times(
        resource_ids=sorted({resource.pk, *space_ids}), start=start - reach, end=end + reach
    )
    staff = books_as_staff(user, resource)
    now = timezone.now()
    today = timezone.localdate()
    step_minutes = _row_step(resource)
    times = [time(m // 60, m % 60) for m in range(0, 24 * 60, step_minutes)]
    length = timedelta(minutes=resource.min_minutes)
    before = timedelta(minutes=resource.buffer_before_minutes)
    after = timedelta(minutes=resource.buffer_after_minutes)
    blackouts = rules.resource_blackouts(resource)
    columns: list[list[GridCell]] = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        hours = schedule.day_hours(day)
        open_intervals = [i for i in schedule.intervals_from(day) if i.is_open]
        cells = []
        for n, moment in enumerate(times):
            cell_start = localise(day, moment)
            if n + 1 < len(times):
                cell_end = localise(day, times[n + 1])
            else:
                cell_end = localise(day + timedelta(days=1), time(0))
            cells.append(
                _cell(
                    resource=resource,
                    day=day,
                    moment=moment,
                    start=cell_start,
                    end=cell_end,
                    hours=hours,
                    open_intervals=open_intervals,
                    busy=busy,
                    held=held,
                    blackouts=blackouts,
                    schedule=schedule,
                    staff=staff,
                    now=now,
                    length=length,
                    before=before,
                    after=after,
                )
            )
        columns.append(cells)
    first, last = _trimmed(times, columns)
    days = []
    for offset, cells in enumerate(columns):
        day = monday + timedelta(days=offset)
        runs, shown = _runs(cells[first:last], busy, held)
        days.append(
            GridDay(
                day=day,
                is_today=day == today,
                hours=schedule.day_hours(day),
                cells=tuple(shown),
                runs=runs,
            )
        )
    return WeekGrid(
        resource=resource,
        monday=monday,
        times=tuple(times[first:last]),
        days=tuple(days),
        step=timedelta(minutes=step_minutes),
    )


def _cell(
    *,
    resource,
    day,
    moment,
    start,
    end,
    hours,
    open_intervals,
    busy,
    held,
    blackouts,
    schedule,
    staff,
    now,
    length,
    before,
    after,
) -> GridCell:
    instant = start.astimezone(UTC)
    current = next(
        (i for i in open_intervals if i.start.astimezone(UTC) <= instant < i.end.astimezone(UTC)),
        None,
    )
    opening = current.state if current else SpanState.CLOSED

    def cell(state, reason=""):
        return GridCell(
            start=start, end=end, state=state, opening=opening, reason=reason, row=moment
        )

    shown = start.astimezone(OSLO)
    if (shown.hour, shown.minute) != (moment.hour, moment.minute) or shown.date() != day:
        # 02:00–03:00 on the last Sunday of March: the clocks skip it.
        return cell(CellState.UNAVAILABLE, _("The clocks skip this time."))
    holding = next((h for h in held if h.overlaps(start, end)), None)
    if holding is not None:
        return cell(CellState.HELD, holding.label)
    if any(_overlaps(low, high, start, end) for low, high in busy):
        return cell(CellState.BOOKED)
    closed_hub = resource.only_in_opening_hours and not staff and current is None
    if closed_hub:
        reason = hours.holiday or hours.exception_reason or ""
        return cell(CellState.CLOSED, reason)
    blackout = next((b for b in blackouts if b.starts_at < end and start < b.ends_at), None)
    if blackout is not None:
        return cell(CellState.CLOSED, blackout.reason)
    problems = rules.check_times(resource, start, start + length, schedule, staff=staff, now=now)
    if problems:
        return cell(CellState.UNAVAILABLE, problems[0])
    claim_low, claim_high = start - before, start + length + after
    if any(_overlaps(low, high, claim_low, claim_high) for low, high in busy) or any(
        h.overlaps(start, start + length) for h in held
    ):
        return cell(CellState.UNAVAILABLE, _("Too little time before the next booking."))
    return cell(CellState.FREE)


def _runs(cells: list[GridCell], busy, held) -> tuple[tuple[GridRun, ...], list[GridCell]]:
    """Group a day's cells into runs of the same state and reason; a free cell is a run of
    its own (each is its own start time). A booked run is named by the booked time itself
    (buffers included), not the cells' edges."""
    runs: list[GridRun] = []
    groups: list[list[GridCell]] = []
    for cell in cells:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and not cell.is_free
            and last.state == cell.state
            and last.reason == cell.reason
        ):
            groups[-1].append(cell)
        else:
            groups.append([cell])
    marked: list[GridCell] = []
    for group in groups:
        low, high = group[0].start, group[-1].end
        if group[0].state == CellState.BOOKED:
            overlapping = [(lo, hi) for lo, hi in busy if _overlaps(lo, hi, low, high)]
            low = min(lo for lo, _hi in overlapping)
            high = max(hi for _lo, hi in overlapping)
        elif group[0].state == CellState.HELD:
            overlapping = [h for h in held if h.overlaps(low, high)]
            low = min(h.starts_at for h in overlapping)
            high = max(h.ends_at for h in overlapping)
        # Named by the row's wall time unless a booked or held time says otherwise (the
        # cells the clocks skip all start at 03:00: their run is 02:00–03:00).
        begins = _hm(low) if low != group[0].start else group[0].label
        text = f"{begins}–{_hm(high)}"
        first = GridCell(
            start=group[0].start,
            end=group[0].end,
            state=group[0].state,
            opening=group[0].opening,
            reason=group[0].reason,
            run_start=True,
            run_range=text,
            row=group[0].row,
        )
        marked.extend([first, *group[1:]])
        runs.append(GridRun(group[0].state, low, high, text, group[0].reason, first))
    return tuple(runs), marked


def find_free_rooms(
    *, hubs, start: datetime, end: datetime, people=None, facilities=(), user=None
) -> list[Resource]:
    resources = Resource.objects.filter(hub__in=hubs).exclude(kind__in=ResourceKind.add_ons())
    if people:
        resources = resources.filter(Q(capacity__isnull=True) | Q(capacity__gte=people))
    if facilities:
        resources = resources.filter(facilities__contains=list(facilities))
    resources = list(
        resources.select_related("hub__municipality").prefetch_related("parts__parts", "blackouts")
    )
    if not resources:
        return []
    for resource in resources:
        resource._blackouts = list(resource.blackouts.all())
    schedules = hub_schedules(hubs=list({r.hub for r in resources}), at=start)
    spaces = {r.pk: [s.pk for s in atomic_spaces(r)] for r in resources}
    widest = max(r.buffer_before_minutes + r.buffer_after_minutes for r in resources)
    busy: dict[int, list] = {}
    # One query for every claim near the time, whatever the number of rooms.
    for space_id, during in claims_overlapping(
        [pk for ids in spaces.values() for pk in ids],
        start - timedelta(minutes=widest),
        end + timedelta(minutes=widest),
    ):
        busy.setdefault(space_id, []).append(during)
    free = []
    for resource in resources:
        staff = books_as_staff(user, resource)
        if rules.check_times(resource, start, end, schedules[resource.hub_id], staff=staff):
            continue
        low = start - timedelta(minutes=resource.buffer_before_minutes)
        high = end + timedelta(minutes=resource.buffer_after_minutes)
        if not any(
            r.lower < high and low < r.upper for pk in spaces[resource.pk] for r in busy.get(pk, ())
        ):
            free.append(resource)
    return free


def my_occurrences(user):
    """The user's booked times of the main resource (add-ons go with them)."""
    return (
        Occurrence.objects.filter(booking__booker=user, resource=F("booking__resource"))
        .select_related("booking", "resource__hub__municipality")
        .order_by("starts_at")
    )


def my_bookings(user, *, upcoming: bool, now):
    """The user's bookings with a time still to come (``upcoming``) or one past, each with
    the first and last of those times and how many there are: a weekly series is one line
    (coordinators book a season at a time), ordered by its next time (or its latest)."""
    main_times = Q(occurrences__resource=F("resource"))
    when = Q(occurrences__ends_at__gt=now) if upcoming else Q(occurrences__ends_at__lte=now)
    bookings = (
        Booking.objects.filter(booker=user)
        .filter(main_times & when)
        .annotate(
            first_start=Min("occurrences__starts_at"),
            last_start=Max("occurrences__starts_at"),
            times=Count("occurrences"),
        )
        .select_related("resource")
        .only("purpose", "status", "repeat", "resource__name", "resource__hub_id")
    )
    if upcoming:
        return bookings.order_by("first_start", "pk")
    return bookings.order_by("-last_start", "-pk")


def times_of(bookings, *, upcoming: bool, now) -> dict[int, list]:
    """The booked times of these bookings on one tab (coming, or past), in order: one query
    for a page of bookings, however long their series."""
    occurrences = Occurrence.objects.filter(
        booking__in=[b.pk for b in bookings], resource=F("booking__resource")
    ).only("booking_id", "resource_id", "starts_at", "ends_at", "status")
    if upcoming:
        occurrences = occurrences.filter(ends_at__gt=now).order_by("starts_at", "pk")
    else:
        occurrences = occurrences.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    found: dict[int, list] = {b.pk: [] for b in bookings}
    for occurrence in occurrences:
        found[occurrence.booking_id].append(occurrence)
    return found


def hub_rooms(*, hubs) -> dict[int, dict]:
    """Bookable rooms and the coming week's public bookings of each hub: two queries."""
    hub_ids = [hub.pk for hub in hubs]
    result: dict[int, dict] = {}
    for resource in (
        Resource.objects.filter(hub_id__in=hub_ids, parent__isnull=True)
        .exclude(kind__in=ResourceKind.add_ons())
        .order_by("name")
    ):
        result.setdefault(resource.hub_id, {"rooms": [], "public": []})["rooms"].append(resource)
    now = timezone.now()
    public = (
        Occurrence.objects.filter(
            resource__hub_id__in=hub_ids,
            booking__is_public=True,
            resource=F("booking__resource"),
            status=BookingStatus.CONFIRMED,
            ends_at__gt=now,
            starts_at__lt=now + timedelta(days=7),
        )
        .select_related("booking", "resource")
        .order_by("starts_at")
    )
    for occurrence in public:
        result.setdefault(occurrence.resource.hub_id, {"rooms": [], "public": []})["public"].append(
            occurrence
        )
    return result


def check_series(resource: Resource, user, times) -> list[tuple[datetime, datetime, list[str]]]:
    """For each time: the problems booking it would meet now (empty list: free)."""
    staff = books_as_staff(user, resource)
    if not times:
        return []
    span = (times[-1][1] - times[0][0]).days + 2
    schedule = hub_schedules(hubs=[resource.hub], at=times[0][0], days=span)[resource.hub_id]
    result = []
    for start, end in times:
        problems = rules.check_times(resource, start, end, schedule, staff=staff)
        if not problems and not is_bookable(resource, user, start, end, schedule):
            problems = [_("Already booked.")]
        result.append((start, end, problems))
    return result


# --------------------------------------------------------------------------- the admin's front page

FRONT_PAGE_REQUESTS = 10  # waiting requests listed per hub; the rest are counted


@dataclass(frozen=True)
class StaffDay:
    hours: DayHours  # the day and its opening hours
    bookings: int  # confirmed booked times starting that day at the hub's rooms
    is_today: bool


@dataclass(frozen=True)
class HubFrontPage:
    hub: Hub
    requests: list[Booking]  # waiting, the oldest first (with `first_start`)
    waiting: int  # all the waiting requests, listed or not
    week: list[StaffDay]

    @property
    def unlisted(self) -> int:
        return self.waiting - len(self.requests)


@dataclass(frozen=True)
class HubCounts:
    hub: Hub
    waiting: int
    bookings: int


@dataclass(frozen=True)
class MunicipalityCounts:
    municipality: Municipality
    hubs: list[HubCounts]

    @property
    def waiting(self) -> int:
        return sum(row.waiting for row in self.hubs)

    @property
    def bookings(self) -> int:
        return sum(row.bookings for row in self.hubs)


@dataclass(frozen=True)
class StaffFrontPage:
    monday: date
    hubs: list[HubFrontPage]  # the hubs where the user is staff
    municipalities: list[MunicipalityCounts]  # the municipalities the user administers


def _week_bounds(monday: date) -> tuple[datetime, datetime]:
    start = datetime.combine(monday, time(0), tzinfo=OSLO)
    return start, datetime.combine(monday + timedelta(days=7), time(0), tzinfo=OSLO)


def _waiting_requests(user, hub_ids):
    return requests_to_decide(
        user, Booking.objects.filter(status=BookingStatus.REQUESTED, resource__hub_id__in=hub_ids)
    )


def _confirmed_this_week(user, hub_ids, monday: date):
    start, end = _week_bounds(monday)
    return permissions.scoped(
        user,
        Action.VIEW,
        Occurrence.objects.filter(
            resource__hub_id__in=hub_ids,
            status=BookingStatus.CONFIRMED,
            starts_at__gte=start,
            starts_at__lt=end,
        ),
    )


def staff_front_page(*, user, at: datetime | None = None) -> StaffFrontPage:
    """What the admin's front page shows a member of staff, only what the permission
    module lets them see: for each hub where they are staff, the booking requests waiting
    for their decision and the week (Monday to Sunday: opening hours, confirmed bookings a
    day); for each municipality they administer, those counts per hub. A fixed number of
    queries, whatever the number of hubs."""
    today = local_today(at)
    monday = today - timedelta(days=today.weekday())
    staff_hubs = list(
        permissions.scoped(
            user, Action.VIEW, Hub.objects.filter(pk__in=permissions.staff_hub_ids(user))
        ).order_by("name")
    )
    municipalities = list(
        permissions.scoped(
            user,
            Action.VIEW,
            Municipality.objects.filter(pk__in=permissions.administered_municipality_ids(user)),
        ).order_by("name")
    )
    municipality_hubs = list(
        permissions.scoped(
            user, Action.VIEW, Hub.objects.filter(municipality__in=municipalities)
        ).order_by("name")
    )
    hub_ids = {hub.pk for hub in (*staff_hubs, *municipality_hubs)}
    if not hub_ids:
        return StaffFrontPage(monday=monday, hubs=[], municipalities=[])

    waiting = dict(
        _waiting_requests(user, hub_ids)
        .values_list("resource__hub_id")
        .annotate(count=Count("pk"))
        .values_list("resource__hub_id", "count")
    )
    bookings = {}
    for hub_id, day, count in (
        _confirmed_this_week(user, hub_ids, monday)
        .annotate(day=TruncDate("starts_at", tzinfo=OSLO))
        .values_list("resource__hub_id", "day")
        .annotate(count=Count("pk"))
        .values_list("resource__hub_id", "day", "count")
    ):
        bookings[hub_id, day] = count

    listed: dict[int, list[Booking]] = {hub.pk: [] for hub in staff_hubs}
    if staff_hubs:
        requests = (
            _waiting_requests(user, listed.keys())
            .select_related("resource", "booker")
            .annotate(first_start=Min("occurrences__starts_at"))
            .order_by("created_at")
        )
        for request in requests:
            rows = listed[request.resource.hub_id]
            if len(rows) < FRONT_PAGE_REQUESTS:
                rows.append(request)
    schedules = hub_schedules(
        hubs=staff_hubs, at=datetime.combine(monday, time(12), tzinfo=OSLO), days=7
    )
    language = (get_language() or "nb")[:2]
    hub_pages = [
        HubFrontPage(
            hub=hub,
            requests=listed[hub.pk],
            waiting=waiting.get(hub.pk, 0),
            week=[
                StaffDay(
                    hours=hours,
                    bookings=bookings.get((hub.pk, hours.day), 0),
                    is_today=hours.day == today,
                )
                for hours in schedules[hub.pk].week(monday, 7, language)
            ],
        )
        for hub in staff_hubs
    ]
    counts = [
        MunicipalityCounts(
            municipality=municipality,
            hubs=[
                HubCounts(
                    hub=hub,
                    waiting=waiting.get(hub.pk, 0),
                    bookings=sum(
                        count for (hub_id, _day), count in bookings.items() if hub_id == hub.pk
                    ),
                )
                for hub in municipality_hubs
                if hub.municipality_id == municipality.pk
            ],
        )
        for municipality in municipalities
    ]
    return StaffFrontPage(monday=monday, hubs=hub_pages, municipalities=counts)


# --------------------------------------------------------------------------- door codes


def door_codes_to_show(*, booking, now=None) -> list:
    """The booker's codes that work now (shown on the booking page only inside the window)."""
    now = now or timezone.now()
    return list(
        DoorCode.objects.filter(
            occurrence__booking=booking,
            status=DoorCodeStatus.ACTIVE,
            valid_from__lte=now,
            valid_until__gt=now,
        ).select_related("lock", "occurrence")
    )
