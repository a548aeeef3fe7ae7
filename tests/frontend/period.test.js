// frontend/console/history-period.js: 채팅기록's whole Seoul days, presets and number formats.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DAY_MS, filtersOf, formatSeconds, formatSize, periodOf, presetDates, seoulDate } from "../../frontend/console/history-period.js";
// history.js re-exports them (pages and tests import them from there).
import { periodOf as exported, seoulDate as exportedDate } from "../../frontend/console/history.js";

test("seoulDate: the date in Seoul, which starts 9 hours before UTC's", () => {
  assert.equal(seoulDate(Date.UTC(2026, 11, 1, 14, 59, 59)), "2026-12-01");
  assert.equal(seoulDate(Date.UTC(2026, 11, 1, 15, 0, 0)), "2026-12-02");
  assert.equal(exportedDate, seoulDate);
});

test("periodOf: from Seoul midnight to the last millisecond of the last day", () => {
  const [from, to] = periodOf("2026-12-01", "2026-12-02");
  assert.equal(from, Date.UTC(2026, 10, 30, 15, 0, 0));
  assert.equal(to, Date.UTC(2026, 11, 2, 15, 0, 0) - 1);
  assert.equal(to - from + 1, 2 * DAY_MS);
  assert.equal(exported, periodOf);
});

test("month and year ends, a leap day", () => {
  assert.deepEqual(periodOf("2028-02-29", "2028-02-29"), [Date.UTC(2028, 1, 28, 15), Date.UTC(2028, 1, 29, 15) - 1]);
  assert.deepEqual(periodOf("2026-12-31", "2027-01-01"), [Date.UTC(2026, 11, 30, 15), Date.UTC(2027, 0, 1, 15) - 1]);
});

test("presets: today, 7 days, 30 days up to now, in Seoul dates", () => {
  const now = Date.UTC(2026, 11, 1, 16, 0, 0); // 2026-12-02 01:00 in Seoul
  assert.deepEqual(presetDates(1, now), { from: "2026-12-02", to: "2026-12-02" });
  assert.deepEqual(presetDates(7, now), { from: "2026-11-26", to: "2026-12-02" });
  assert.deepEqual(presetDates(30, now), { from: "2026-11-03", to: "2026-12-02" });
});

test("filtersOf: the period in epoch ms, empty conditions left out, a backwards period refused", () => {
  const raw = { from: "2026-12-01", to: "2026-12-01", inquiryType: "", status: "handled", agentId: "", rating: null };
  assert.deepEqual(filtersOf(raw), { from: Date.UTC(2026, 10, 30, 15), to: Date.UTC(2026, 11, 1, 15) - 1, status: "handled" });
  assert.deepEqual(Object.keys(filtersOf({ from: "2026-12-01", to: "2026-12-02", userName: "김" })), ["from", "to", "userName"]);
  assert.equal(filtersOf({ ...raw, from: "2026-12-02" }), null);
  assert.equal(filtersOf({ ...raw, to: "" }), null);
});

test("formatSize and formatSeconds", () => {
  assert.equal(formatSize(null, "ko"), "");
  assert.equal(formatSize(512, "en"), "512 B");
  assert.equal(formatSize(1536, "en"), "1.5 KB");
  assert.equal(formatSize(5 * 1024 * 1024, "ko"), "5 MB");
  assert.equal(formatSeconds(null), "");
  assert.equal(formatSeconds(0), "0:00");
  assert.equal(formatSeconds(125), "2:05");
});
