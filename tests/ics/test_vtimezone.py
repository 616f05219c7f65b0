"""The VTIMEZONE the portal writes: its transitions are at the right local time
(02:00 → 03:00 on the last Sunday of March, 03:00 → 02:00 on the last Sunday of October),
and both icalendar (building a zone from the definition alone) and ical.js read every
instant with the offset zoneinfo gives."""

from __future__ import annotations

import calendar as month_calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from hubportal.core.ics import calendar_bytes, new_calendar, new_event, vtimezone

from .conftest import OSLO

HOUR = timedelta(hours=1)


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, month_calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - 6) % 7)


def onsets(observance, until: datetime) -> list[datetime]:
    """The local onset times of a STANDARD or DAYLIGHT observance, up to ``until``."""
    start = observance.DTSTART
    found = [start]
    if "RRULE" in observance:
        rule = rrulestr(observance["RRULE"].to_ical().decode(), dtstart=start, ignoretz=True)
        found = list(rule.between(start, until, inc=True))
    for rdates in observance.get("RDATE", []) if "RDATE" in observance else []:
        found += [leaf.dt for leaf in rdates.dts]
    return sorted(found)


def oslo_feed(first_year: int, last_year: int) -> bytes:
    calendar = new_calendar(product="test", name="DST")
    for year in (first_year, last_year):
        start = datetime(year, 6, 1, 12, tzinfo=OSLO)
        calendar.add_component(
            new_event(uid=f"{year}@test", start=start, end=start + HOUR, stamp=start)
        )
    return calendar_bytes(calendar)


def test_transitions__at_02_in_march_and_03_in_october_local_time():
    (timezone,) = Calendar.from_ical(oslo_feed(2026, 2028)).walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Oslo"
    daylight = list(timezone.walk("DAYLIGHT"))
    standard = [o for o in timezone.walk("STANDARD") if o.TZOFFSETFROM != o.TZOFFSETTO]
    assert len(daylight) == 1 and len(standard) == 1
    (summer,), (winter,) = daylight, standard
    assert (summer.TZOFFSETFROM, summer.TZOFFSETTO) == (HOUR, 2 * HOUR)
    assert (winter.TZOFFSETFROM, winter.TZOFFSETTO) == (2 * HOUR, HOUR)
    assert str(summer["TZNAME"]) == "CEST" and str(winter["TZNAME"]) == "CET"
    until = datetime(2030, 1, 1)
    assert onsets(summer, until) == [
        datetime.combine(last_sunday(year, 3), datetime.min.time()).replace(hour=2)
        for year in range(2025, 2030)
    ]
    assert onsets(winter, until) == [
        datetime.combine(last_sunday(year, 10), datetime.min.time()).replace(hour=3)
        for year in range(2025, 2030)
    ]
    assert last_sunday(2027, 3) == date(2027, 3, 28) and last_sunday(2027, 10) == date(2027, 10, 31)


@pytest.mark.parametrize(("first_year", "last_year"), [(2026, 2028), (1994, 1998), (2037, 2040)])
def test_definition_alone__gives_zoneinfo_offset_at_every_hour(first_year, last_year):
    """icalendar builds a zone from the VTIMEZONE alone (not its own zoneinfo): the offset
    is zoneinfo's at every hour of the years the calendar covers, also across the 1996
    change of the EU rule (the autumn change moved from September to October)."""
    (timezone,) = Calendar.from_ical(oslo_feed(first_year, last_year)).walk("VTIMEZONE")
    from_definition = timezone.to_tz(lookup_tzid=False)
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    wrong = []
    while moment < datetime(last_year + 1, 1, 1, tzinfo=UTC):
        if moment.astimezone(from_definition).utcoffset() != moment.astimezone(OSLO).utcoffset():
            wrong.append(moment)
        moment += HOUR
    assert not wrong, f"{len(wrong)} hours with a wrong offset, from {wrong[0]}"


def test_icaljs__reads_every_wall_clock_time_of_both_change_days_as_zoneinfo(read_with_icaljs):
    days = ["2027-03-28", "2027-10-31", "2027-07-01", "2027-01-15", "2028-03-26", "2026-10-25"]
    probes = read_with_icaljs(oslo_feed(2026, 2028), probe_days=days)["probes"]["Europe/Oslo"]
    assert len(probes) == len(days) * 21
    compared = 0
    for wall, instant in probes.items():
        local = datetime.fromisoformat(wall)
        aware = local.replace(tzinfo=OSLO)
        exists = aware.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None) == local
        ambiguous = aware.replace(fold=1).utcoffset() != aware.utcoffset()
        if not exists or ambiguous:
            continue  # the skipped hour and the repeated hour: the portal writes neither
        assert instant == aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), wall
        compared += 1
    assert compared == len(probes) - 2 * 4 * 2  # four skipped, four repeated quarters a year
    # The first summer and the first winter minute, as Thunderbird reads them.
    assert probes["2027-03-28T03:00:00"] == "2027-03-28T01:00:00Z"
    assert probes["2027-03-28T01:45:00"] == "2027-03-28T00:45:00Z"
    assert probes["2027-10-31T03:00:00"] == "2027-10-31T02:00:00Z"
    assert probes["2027-10-31T01:45:00"] == "2027-10-30T23:45:00Z"


def test_vtimezone__only_the_years_needed_and_one_value_per_rdate():
    """Zones whose rules change are written with one RDATE property per onset (ical.js reads
    only the first value of each); a calendar without local times has no VTIMEZONE."""
    sao_paulo = vtimezone("America/Sao_Paulo", 2018, 2019).to_ical().decode()
    assert "RDATE" in sao_paulo and "," not in "".join(
        line for line in sao_paulo.splitlines() if line.startswith("RDATE")
    )
    empty = new_calendar(product="test")
    assert b"VTIMEZONE" not in calendar_bytes(empty)
