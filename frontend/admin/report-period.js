// The 리포트 page's period maths (issue #24), pure: no page, no fetch, so node --test covers it.
// Every function takes the IANA zone it works in (the page passes serviceTimeZone()); nothing assumes
// a fixed offset, so a zone with daylight saving time (Europe/Berlin: 23- and 25-hour days) or one
// whose midnight is skipped on the change (America/Sao_Paulo in 2018) gets its real local days.
// GET /reports takes the dates themselves (YYYY-MM-DD, resolved in the service's zone by the server);
// the instants computed here only check the period as the server will (at most 366 days) and label hours.
export const HOUR_MS = 3600 * 1000;
export const DAY_MS = 24 * HOUR_MS;
export const MAX_REPORT_MS = 366 * DAY_MS; // the server refuses to − from ≥ this (services/reports.py)
export const PRESETS = ["today", "7", "30", "custom"];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const formats = new Map();
function partsIn(epochMs, zone) {
  if (!formats.has(zone)) {
    formats.set(zone, new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }));
  }
  const parts = Object.fromEntries(formats.get(zone).formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute, second: +parts.second };
}

/** The zone's offset from UTC at that instant, in ms (local wall time − UTC). */
export function offsetAt(epochMs, zone) {
  const p = partsIn(epochMs, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** `YYYY-MM-DD`: the local date of an instant in the zone. */
export function localDate(epochMs, zone) {
  const p = partsIn(epochMs, zone);
  return `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** A real calendar date `YYYY-MM-DD` (not 2026-02-30), else false. */
export function isDate(text) {
  const match = DATE.exec(String(text ?? ""));
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1970;
}

/** The date `days` calendar days after (or before) `date`: zone-free. */
export function addDays(date, days) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (0 for the same date). */
export function daysBetween(from, to) {
  const ms = (date) => Date.UTC(...date.split("-").map((n, i) => Number(n) - (i === 1 ? 1 : 0)));
  return Math.round((ms(to) - ms(from)) / DAY_MS);
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from, to) {
  const count = daysBetween(from, to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(from, i));
}

/**
 * The first instant (epoch ms) of a local date in the zone: local midnight, or, where the clock
 * jumps over midnight, the instant the day begins (as the server's zoneinfo reads the date).
 */
export function startOfDay(date, zone) {
  const [y, m, d] = date.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d); // the local midnight read as if it were UTC
  // Local midnight is within 14 hours of `wall`: try each offset in force around it and keep the
  // earliest instant that is on `date` while the millisecond before it is not.
  const offsets = new Set([-14, 0, 14].map((h) => offsetAt(wall + h * HOUR_MS, zone)));
  const starts = [...offsets]
    .map((offset) => wall - offset)
    .filter((t) => localDate(t, zone) === date && localDate(t - 1, zone) !== date);
  if (starts.length) return Math.min(...starts);
  // The clock jumps over midnight: the day begins at the jump, the first instant on `date`.
  let t = wall - Math.max(...offsets);
  while (localDate(t, zone) !== date) t += 60 * 1000;
  return t;
}

/** The period's instants as the server reads the dates: [first ms of `from`, last ms of `to`]. */
export function periodBounds(from, to, zone) {
  return [startOfDay(from, zone), startOfDay(addDays(to, 1), zone) - 1];
}

/** The dates of a preset in the zone at `now`: today, or the last 7 / 30 days with today. */
export function presetDates(preset, now, zone) {
  const today = localDate(now, zone);
  const days = { today: 1, 7: 7, 30: 30 }[preset];
  if (!days) return null;
  return { from: addDays(today, 1 - days), to: today };
}

/**
 * Why a period cannot be asked for, as a key of the page's strings (with the field it belongs to),
 * or null when it can: both dates real, from not after to, at most 366 days as the server counts them.
 */
export function periodProblem(from, to, zone) {
  if (!isDate(from)) return { field: "from", reason: from ? "reportDateInvalid" : "reportDateMissing" };
  if (!isDate(to)) return { field: "to", reason: to ? "reportDateInvalid" : "reportDateMissing" };
  if (from > to) return { field: "to", reason: "reportOrder" };
  const [start, end] = periodBounds(from, to, zone);
  if (end - start >= MAX_REPORT_MS) return { field: "from", reason: "reportTooLong" };
  return null;
}

/** Every UTC hour (epoch ms of its start) from `fromMs` to `toMs`: the categories of groupBy=hour. */
export function hoursBetween(fromMs, toMs) {
  const first = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const hours = [];
  for (let hour = first; hour <= toMs; hour += HOUR_MS) hours.push(hour);
  return hours;
}

/**
 * Labels for hour starts (`label(ms)` gives the local `YYYY-MM-DD HH:mm`): where the clock goes back
 * and one local hour comes twice, both get the zone's offset (`02:00 GMT+2`, `02:00 GMT+1`).
 */
export function hourLabels(hours, label, zone) {
  const labels = hours.map((ms) => label(ms));
  const seen = new Map();
  for (const text of labels) seen.set(text, (seen.get(text) || 0) + 1);
  return labels.map((text, i) => (seen.get(text) > 1 ? `${text} ${offsetName(hours[i], zone)}` : text));
}

/** `GMT+9`, `GMT+1`, `GMT-3`: the offset in force at that instant, whole or with minutes. */
export function offsetName(epochMs, zone) {
  const minutes = Math.round(offsetAt(epochMs, zone) / 60000);
  const sign = minutes < 0 ? "-" : "+";
  const hours = Math.floor(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  return `GMT${sign}${hours}${rest ? `:${String(rest).padStart(2, "0")}` : ""}`;
}
