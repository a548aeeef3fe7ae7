// The one date formatter of the staff pages (console, admin): every time in the service's time zone
// (Asia/Seoul unless /config.json says `timeZone`), one shape in both languages — `2026-12-02 06:43`
// (24-hour, seconds where a screen needs them) — and `timeZoneNote()` says on screen which zone it is.
// Storage and the API stay in UTC epoch ms; only this module turns them into local time.
export const DEFAULT_TIME_ZONE = "Asia/Seoul";

let zone = DEFAULT_TIME_ZONE;
const formats = new Map(); // building an Intl.DateTimeFormat costs far more than using one

export function setServiceTimeZone(timeZone) {
  if (!timeZone || timeZone === zone) return;
  new Intl.DateTimeFormat("en", { timeZone }); // throws RangeError for a zone that does not exist
  zone = timeZone;
  formats.clear();
}

export function serviceTimeZone() {
  return zone;
}

function partsOf(epochMs, seconds) {
  const key = `parts|${seconds}`;
  if (!formats.has(key)) {
    formats.set(key, new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}),
    }));
  }
  return Object.fromEntries(formats.get(key).formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
}

/**
 * `YYYY-MM-DD HH:mm` (or `HH:mm` with `date: false`, `:ss` added with `seconds: true`) in the
 * service's time zone. Language-neutral digits, so ko and en screens show the same instant alike.
 */
export function formatDateTime(epochMs, { date = true, seconds = false } = {}) {
  if (epochMs === null || epochMs === undefined || epochMs === "") return "";
  const p = partsOf(Number(epochMs), seconds);
  const time = `${p.hour}:${p.minute}${seconds ? `:${p.second}` : ""}`;
  return date ? `${p.year}-${p.month}-${p.day} ${time}` : time;
}

/** The console's historical signature: time only, or date and time. `lang` kept for callers. */
export function formatTime(epochMs, _lang, withDate = false) {
  if (!epochMs) return "";
  return formatDateTime(epochMs, { date: withDate });
}

/** "시간대: 한국 표준시 (GMT+9)" / "Time zone: Korean Standard Time (GMT+9)": stated once per screen. */
export function timeZoneNote(lang) {
  const locale = lang === "en" ? "en-GB" : "ko-KR";
  const name = (style) =>
    new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: style }).formatToParts(new Date()).find((p) => p.type === "timeZoneName")?.value || zone;
  return lang === "en" ? `Time zone: ${name("long")} (${name("shortOffset")})` : `시간대: ${name("long")} (${name("shortOffset")})`;
}
