// Read an .ics file with ical.js (the parser inside Thunderbird's calendar) and print, as
// JSON, every VEVENT's start and end as a reader in Europe/Oslo sees them.
//
//   node read_ics.mjs FILE [--probe YYYY-MM-DD ...]
//
// Times with a TZID are resolved through the VTIMEZONE in the file, as ical.js does; the
// resulting instant is then shown on an Oslo wall clock by the platform's own time-zone
// database (Intl), which knows nothing of the file. A wrong VTIMEZONE therefore shows as a
// wrong local time. Recurring events are expanded (at most 500 occurrences each).
// --probe DAY asks ical.js which instant each wall-clock time 00:00–05:00 (every 15 minutes)
// of that day is in every VTIMEZONE of the file.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const OSLO = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Oslo",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function osloWallClock(time) {
  const instant = time.toJSDate();
  const parts = Object.fromEntries(OSLO.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

function utc(time) {
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}

function reading(uid, start, end, recurrenceId) {
  return {
    uid,
    recurrence_id: recurrenceId ? recurrenceId.toString() : null,
    start: osloWallClock(start),
    end: osloWallClock(end),
    start_utc: utc(start),
    end_utc: utc(end),
  };
}

const [file, ...rest] = process.argv.slice(2);
const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
const calendars = root.name === "vcalendar" ? [root] : root.getAllSubcomponents("vcalendar");

const events = [];
const zones = {};
for (const calendar of calendars) {
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    const zone = new ICAL.Timezone(vtimezone);
    zones[zone.tzid] = zone;
  }
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    if (!event.isRecurring()) {
      events.push(reading(event.uid, event.startDate, event.endDate, event.recurrenceId));
      continue;
    }
    const iterator = event.iterator();
    for (let n = 0, next; n < 500 && (next = iterator.next()); n++) {
      const details = event.getOccurrenceDetails(next);
      events.push(reading(event.uid, details.startDate, details.endDate, details.recurrenceId));
    }
  }
}

const probes = {};
const probeIndex = rest.indexOf("--probe");
if (probeIndex >= 0) {
  for (const day of rest.slice(probeIndex + 1)) {
    const [year, month, date] = day.split("-").map(Number);
    for (const [tzid, zone] of Object.entries(zones)) {
      const answers = (probes[tzid] ??= {});
      for (let minutes = 0; minutes <= 5 * 60; minutes += 15) {
        const wall = new ICAL.Time(
          { year, month, day: date, hour: Math.floor(minutes / 60), minute: minutes % 60 },
          zone,
        );
        answers[wall.toString()] = utc(wall);
      }
    }
  }
}

process.stdout.write(JSON.stringify({ events, probes }, null, 1) + "\n");
