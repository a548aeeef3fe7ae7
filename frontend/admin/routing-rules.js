// Pure helpers of the hours and teams editors (routing.js, hours-editor.js): no DOM, so node --test
// can load them. The server checks everything again (docs/hours-and-routing.md); these only help
// the page say what is wrong next to the right field, in the page's language.

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export const MAX_INTERVALS_PER_DAY = 12;
export const DEFAULT_TIME_ZONE = "Asia/Seoul";
export const TIMER_LIMITS = {
  acceptWindowSeconds: [0, 3600],
  idleWarningMinutes: [0, 1440],
  idleCloseMinutes: [0, 1440],
};
export const MAX_CHATS_LIMIT = 50;

const HHMM = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

/** "" when `value` is a time the server takes (HH:MM; an end may be 24:00), else a string key. */
export function timeProblem(value, isEnd) {
  if (!HHMM.test(value) || (value === "24:00" && !isEnd)) return isEnd ? "badEndTime" : "badStartTime";
  return "";
}

/** Today's date (YYYY-MM-DD) in an IANA zone; `now` for tests. */
export function todayIn(timeZone, now = new Date()) {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return new Intl.DateTimeFormat("en-CA", { timeZone: DEFAULT_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  }
}

/** A stored schedule without the holidays and exceptions that have passed: the server refuses a
 * save that lists them, and nobody edits a passed date. */
export function withoutPastDates(hours, now = new Date()) {
  if (!hours) return hours;
  const today = todayIn(hours.timeZone || DEFAULT_TIME_ZONE, now);
  return {
    ...hours,
    holidays: (hours.holidays || []).filter((h) => h.date >= today),
    exceptions: (hours.exceptions || []).filter((e) => e.date >= today),
  };
}

/** The field paths to try for a server's `field`, most precise first: `hours.weekly.mon[1].start`,
 * `hours.weekly.mon[1]`, `hours.weekly.mon`, `hours.weekly`, `hours`. */
export function fieldCandidates(path) {
  const out = [];
  let current = String(path || "");
  while (current) {
    out.push(current);
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    current = cut > 0 ? current.slice(0, cut) : "";
  }
  return out;
}

// The server's English messages of a 400 invalid_field, read for what went wrong (chalicelib/domain/
// hours_documents.py, routing.py). Unknown ones fall back to the shared invalid_field text.
const MESSAGE_KEYS = [
  [/overlapping/, "errOverlap"],
  [/ends when it starts/, "errSameTime"],
  [/HH:MM/, "errTime"],
  [/in the past/, "errPastDate"],
  [/YYYY-MM-DD/, "errDate"],
  [/twice/, "errTwice"],
  [/time zone/, "errTimeZone"],
  [/not a staff account|id of a staff account/, "errMember"],
  [/unknown inquiry type/, "errInquiryType"],
  [/one team per type/, "errTypeTwice"],
  [/catch-all/, "errCatchAll"],
  [/must be between|must be an integer/, "errRange"],
  [/characters/, "errTooLong"],
  [/at most|has \d+ (intervals|entries|teams)/, "errTooMany"],
  [/must not be empty|is required|required/, "errRequired"],
];

export function errorKeyFor(message) {
  const text = String(message || "");
  for (const [pattern, key] of MESSAGE_KEYS) if (pattern.test(text)) return key;
  return "";
}

/** A new team's id: letters, digits and `-` (what the server's id rule takes), unique among `taken`. */
export function newTeamId(taken, random = Math.random) {
  for (;;) {
    const id = `team-${Math.floor(random() * 36 ** 6).toString(36).padStart(6, "0")}`;
    if (!taken.includes(id)) return id;
  }
}
