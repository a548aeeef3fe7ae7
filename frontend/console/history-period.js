// 채팅기록's period and number maths (pure: node --test covers it). Periods are whole days in the
// service's time zone, Seoul (UTC+9, no daylight saving); the API takes epoch ms.
export const DAY_MS = 24 * 3600 * 1000;
const SEOUL_OFFSET_MS = 9 * 3600 * 1000;

/** `YYYY-MM-DD` of an instant in Seoul. */
export function seoulDate(epochMs) {
  return new Date(epochMs + SEOUL_OFFSET_MS).toISOString().slice(0, 10);
}

/** [from, to] epoch ms of whole Seoul days `fromDate`..`toDate` (`YYYY-MM-DD`). */
export function periodOf(fromDate, toDate) {
  const start = Date.parse(`${fromDate}T00:00:00Z`) - SEOUL_OFFSET_MS;
  const end = Date.parse(`${toDate}T00:00:00Z`) - SEOUL_OFFSET_MS + DAY_MS - 1;
  return [start, end];
}

/** The dates of the last `days` Seoul days up to `now` (today = 1, 7 days, 30 days): {from, to}. */
export function presetDates(days, now = Date.now()) {
  return { from: seoulDate(now - (days - 1) * DAY_MS), to: seoulDate(now) };
}

/** The search's conditions from the form's raw values: null when the period is missing or backwards. */
export function filtersOf(raw) {
  if (!raw.from || !raw.to || raw.from > raw.to) return null;
  const [from, to] = periodOf(raw.from, raw.to);
  const filters = { ...raw, from, to };
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== "" && v != null));
}

// The file size of an export: shared/export-job.js (the admin page's report export uses it too).
export { formatSize } from "../shared/export-job.js";

/** m:ss (the first response time). */
export function formatSeconds(seconds) {
  if (seconds == null) return "";
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return `${m}:${s}`;
}
