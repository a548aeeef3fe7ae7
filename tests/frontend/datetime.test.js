// frontend/shared/datetime.js: the one date formatter (service time zone, 24 h, language-neutral).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { DEFAULT_TIME_ZONE, formatDateTime, formatTime, serviceTimeZone, setServiceTimeZone, timeZoneNote } from "../../frontend/shared/datetime.js";

// 2026-12-01T21:43:05Z = 2026-12-02 06:43:05 in Seoul (UTC+9, no daylight saving).
const AT = Date.UTC(2026, 11, 1, 21, 43, 5);

afterEach(() => setServiceTimeZone(DEFAULT_TIME_ZONE));

test("Seoul by default: date and time, time only, with seconds", () => {
  assert.equal(serviceTimeZone(), "Asia/Seoul");
  assert.equal(formatDateTime(AT), "2026-12-02 06:43");
  assert.equal(formatDateTime(AT, { date: false }), "06:43");
  assert.equal(formatDateTime(AT, { seconds: true }), "2026-12-02 06:43:05");
  assert.equal(formatDateTime(String(AT)), "2026-12-02 06:43", "epoch ms as a string");
});

test("midnight is 00, not 24 (hourCycle h23)", () => {
  assert.equal(formatDateTime(Date.UTC(2026, 0, 1, 15, 0, 0)), "2026-01-02 00:00");
});

test("nothing in, nothing out", () => {
  for (const empty of [null, undefined, ""]) assert.equal(formatDateTime(empty), "");
  assert.equal(formatTime(0, "ko"), "");
  assert.equal(formatTime(undefined, "en", true), "");
});

test("formatTime: the console's signature", () => {
  assert.equal(formatTime(AT, "ko"), "06:43");
  assert.equal(formatTime(AT, "en", true), "2026-12-02 06:43");
});

test("another service time zone; an unknown one is refused and changes nothing", () => {
  setServiceTimeZone("UTC");
  assert.equal(formatDateTime(AT), "2026-12-01 21:43");
  assert.throws(() => setServiceTimeZone("Mars/Olympus"), RangeError);
  assert.equal(serviceTimeZone(), "UTC");
  setServiceTimeZone("");
  assert.equal(serviceTimeZone(), "UTC", "an empty zone keeps the current one");
});

test("timeZoneNote names the zone in the page's language", () => {
  assert.match(timeZoneNote("ko"), /^시간대: .+ \(GMT\+9\)$/);
  assert.match(timeZoneNote("en"), /^Time zone: Korean Standard Time \(GMT\+9\)$/);
});
