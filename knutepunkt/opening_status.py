"""The opening-hours engine's answer in words: "Open now — staffed until 16:00, then
self-service until 22:00", "Closed now — opens tomorrow at 07:00 (self-service), staffed
from 10:00", "Closed today — Christmas Day — opens Monday at 10:00 (staffed)".

The words are worked out here, from a :class:`~knutepunkt.opening_hours.Schedule`, never
in templates: a template prints the headline and the detail. Rules:

- Open now: the open stretch from now, one part per change of state ("staffed until
  16:00, then self-service until 22:00"), and a reopening later the same day after a gap
  ("opens again at 18:00 (staffed)").
- Closed now: the next opening, its day said as a person would ("today", "tomorrow", a
  weekday within the week, else the weekday and date), its state, and when it opens
  self-service, when staff come that day ("staffed from 10:00").
- A day closed by a public holiday, a closed eve or an exception is "Closed today" with
  its name ("Closed today — Christmas Day").
- No opening within the engine's look-ahead says so.

Times are Oslo wall time; a stretch that ends after midnight ends "tonight" (or "at
midnight"), one that ends later on another day names that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import formats, translation
from django.utils.translation import gettext as _

from .enums import SpanState
from .opening_hours import LOOKAHEAD_DAYS, OSLO, Interval, Schedule, localise

# Before this hour of the next morning, an end is "tonight" (open until 02:00 tonight).
NIGHT_ENDS = time(6)
# A day within this many days is named by its weekday alone ("opens Thursday").
WEEKDAY_ONLY_WITHIN = 6
_DATE_FORMATS = {"nb": "l j. F", "nn": "l j. F", "en": "l j F"}


@dataclass(frozen=True)
class StatusWording:
    """Open now or not, in words: a headline ("Open now") and what follows it."""

    is_open: bool
    headline: str
    detail: str
    valid_until: datetime | None  # the first moment these words can change

    def __str__(self) -> str:
        return f"{self.headline} — {self.detail}" if self.detail else self.headline


def opening_status_wording(
    schedule: Schedule, at: datetime, language: str | None = "nb"
) -> StatusWording:
    """The open-now answer for `at`, in `language` (nb, nn or en)."""
    language = (language or "nb")[:2]
    with translation.override(language):
        return _Wording(schedule, at.astimezone(OSLO), language).worded()


class _Wording:
    def __init__(self, schedule: Schedule, now: datetime, language: str):
        self.schedule, self.now, self.language = schedule, now, language
        self.today = now.date()
        self.open_intervals = sorted(
            (i for i in schedule.intervals_from(self.today) if i.is_open),
            key=lambda i: i.start.astimezone(UTC),
        )

    def worded(self) -> StatusWording:
        status = self.schedule.status(self.now)
        midnight = localise(self.today + timedelta(days=1), time(0))
        if status.is_open:
            headline, detail = _("Open now"), self._open_detail(status.current)
        else:
            headline, detail = self._closed_words(status.next_opening)
        change = status.valid_until
        valid_until = midnight if change is None else min(change, midnight, key=_utc)
        return StatusWording(status.is_open, headline, detail, valid_until)

    # ------------------------------------------------------------------ open now

    def _open_detail(self, current: Interval) -> str:
        parts, end = [], None
        for state, stretch_end in self._stretch(current):
            words = {"state": SpanState(state).short_label, "time": self._until(stretch_end)}
            if parts:
                parts.append(_("then %(state)s until %(time)s") % words)
            else:
                parts.append(_("%(state)s until %(time)s") % words)
            end = stretch_end
        reopening = self._first_open(after=end, on=end.astimezone(OSLO).date())
        if reopening is not None and end.astimezone(OSLO).date() == self.today:
            parts.append(
                _("opens again at %(time)s (%(state)s)")
                % {"time": _clock(reopening.start), "state": reopening.state_label}
            )
        return ", ".join(parts)

    def _stretch(self, current: Interval) -> list[tuple[str, datetime]]:
        """The open stretch from now: (state, until) for each run of one state, following
        intervals that start where the previous one ends."""
        runs: list[tuple[str, datetime]] = [(current.state, current.end)]
        while True:
            follower = next(
                (
                    i
                    for i in self.open_intervals
                    if _utc(i.start) <= _utc(runs[-1][1]) < _utc(i.end)
                ),
                None,
            )
            if follower is None:
                return runs
            if follower.state == runs[-1][0]:
                runs[-1] = (follower.state, follower.end)
            else:
                runs.append((follower.state, follower.end))

    # ------------------------------------------------------------------ closed now

    def _closed_words(self, next_opening: Interval | None) -> tuple[str, str]:
        day = self.schedule.day_hours(self.today, self.language)
        named = day.holiday or (day.exception_reason if day.is_exception else "")
        closed_all_day = day.is_closed and day.differs_from_regular
        parts = [named] if closed_all_day and named else []
        headline = _("Closed today") if closed_all_day else _("Closed now")
        if next_opening is None:
            parts.append(_("no opening hours in the next %(days)s days") % {"days": LOOKAHEAD_DAYS})
            return headline, " — ".join(parts)
        words = _("opens %(day)s at %(time)s (%(state)s)") % {
            "day": self._day(next_opening.start.astimezone(OSLO).date()),
            "time": _clock(next_opening.start),
            "state": next_opening.state_label,
        }
        if next_opening.state != SpanState.STAFFED:
            staffed = self._first_open(
                after=next_opening.start,
                on=next_opening.start.astimezone(OSLO).date(),
                state=SpanState.STAFFED,
            )
            if staffed is not None:
                words += ", " + _("staffed from %(time)s") % {"time": _clock(staffed.start)}
        parts.append(words)
        return headline, " — ".join(parts)

    # ------------------------------------------------------------------ pieces

    def _first_open(self, *, after: datetime, on: date, state: str | None = None):
        """The first open interval starting after `after` on the date `on`."""
        return next(
            (
                i
                for i in self.open_intervals
                if _utc(i.start) > _utc(after)
                and i.start.astimezone(OSLO).date() == on
                and (state is None or i.state == state)
            ),
            None,
        )

    def _day(self, day: date) -> str:
        offset = (day - self.today).days
        if offset == 0:
            return _("today")
        if offset == 1:
            return _("tomorrow")
        if offset <= WEEKDAY_ONLY_WITHIN:
            return formats.date_format(day, "l")
        return formats.date_format(day, _DATE_FORMATS.get(self.language, "l j. F"))

    def _until(self, end: datetime) -> str:
        local = end.astimezone(OSLO)
        if local.date() == self.today:
            return _clock(local)
        if local.date() == self.today + timedelta(days=1):
            if local.time() == time(0):
                return _("midnight")
            if local.time() <= NIGHT_ENDS:
                return _("%(time)s tonight") % {"time": _clock(local)}
        return _("%(day)s at %(time)s") % {"day": self._day(local.date()), "time": _clock(local)}


def _clock(moment: datetime) -> str:
    return moment.astimezone(OSLO).strftime("%H:%M")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
