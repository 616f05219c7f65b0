"""The booking rules of a resource, as one function used both to show availability and to
check a booking, so that "shown free" always means "bookable"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from knutepunkt.opening_hours import OSLO, Schedule

from .enums import ApprovalRule


def _inside_open_intervals(
    schedule: Schedule, start: datetime, end: datetime, staffed_only: bool
) -> bool:
    """Whether [start, end) lies inside open hours (merged adjacent intervals). Compared in
    UTC: two Oslo times in the same zone compare by wall clock, which cannot tell the two
    02:30s of the October change apart."""
    cursor, end = start.astimezone(UTC), end.astimezone(UTC)
    for interval in schedule.intervals_from(start.astimezone(OSLO).date()):
        if not interval.is_open or (staffed_only and interval.state != "staffed"):
            continue
        opens, closes = interval.start.astimezone(UTC), interval.end.astimezone(UTC)
        if opens > cursor:
            return False  # a gap before the booking is covered
        if opens <= cursor < closes:
            cursor = closes
            if cursor >= end:
                return True
    return False


def resource_blackouts(resource) -> list:
    """The resource's blackout periods, read once per resource object."""
    cached = getattr(resource, "_blackouts", None)
    if cached is None:
        cached = resource._blackouts = list(resource.blackouts.all())
    return cached


def check_times(
    resource, start: datetime, end: datetime, schedule: Schedule, *, staff: bool, now=None
) -> list[str]:
    """Every rule a booking of the resource from start to end breaks (empty: allowed)."""
    now = now or timezone.now()
    problems = []
    # In UTC: Python compares and subtracts two times of one zone on the wall clock, which
    # makes 02:30 summer time to 02:30 winter time (an hour) zero minutes long.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    minutes = (end - start).total_seconds() / 60
    if end <= start:
        return [_("The booking must end after it starts.")]
    if start < now:
        problems.append(_("The time has passed."))
    if minutes < resource.min_minutes:
        problems.append(_("The shortest booking is %(n)d minutes.") % {"n": resource.min_minutes})
    if minutes > resource.max_minutes:
        problems.append(_("The longest booking is %(n)d minutes.") % {"n": resource.max_minutes})
    local = start.astimezone(OSLO)
    if (local.hour * 60 + local.minute) % resource.granularity_minutes or local.second:
        problems.append(
            _("Bookings start every %(n)d minutes.") % {"n": resource.granularity_minutes}
        )
    for blackout in resource_blackouts(resource):
        if blackout.starts_at < end and start < blackout.ends_at:
            problems.append(
                _("The resource is not available then: %(reason)s.") % {"reason": blackout.reason}
            )
            break
    if not staff:
        if start > now + timedelta(days=resource.horizon_days):
            problems.append(
                _("You can book at most %(n)d days ahead.") % {"n": resource.horizon_days}
            )
        if start < now + timedelta(hours=resource.min_notice_hours):
            problems.append(
                _("Book at least %(n)d hours ahead.") % {"n": resource.min_notice_hours}
            )
        if resource.only_in_opening_hours and not _inside_open_intervals(
            schedule, start, end, False
        ):
            problems.append(_("The hub is not open for the whole time."))
    return problems


def needs_approval(
    resource, start: datetime, end: datetime, schedule: Schedule, *, staff: bool
) -> bool:
    if staff or resource.approval == ApprovalRule.INSTANT:
        return False
    if resource.approval == ApprovalRule.APPROVAL:
        return True
    return not _inside_open_intervals(schedule, start, end, staffed_only=True)
