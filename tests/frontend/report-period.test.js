// frontend/admin/report-period.js: the 리포트 page's periods in any IANA zone (Seoul, a DST zone, a
// zone whose midnight was skipped), checked as the server checks them (services/reports.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DAY_MS, HOUR_MS, addDays, datesBetween, daysBetween, hourLabels, hoursBetween, isDate, localDate,
  offsetName, periodBounds, periodProblem, presetDates, startOfDay,
} from "../../frontend/admin/report-period.js";

test("localDate: the date in the zone, not in UTC", () => {
  assert.equal(localDate(Date.UTC(2026, 11, 1, 14, 59, 59), "Asia/Seoul"), "2026-12-01");
  assert.equal(localDate(Date.UTC(2026, 11, 1, 15, 0, 0), "Asia/Seoul"), "2026-12-02");
  assert.equal(localDate(Date.UTC(2026, 11, 1, 23, 0, 0), "Europe/Berlin"), "2026-12-02");
  assert.equal(localDate(Date.UTC(2026, 6, 1, 21, 59), "Europe/Berlin"), "2026-07-01"); // summer: +2
  assert.equal(localDate(Date.UTC(2026, 6, 1, 22, 0), "Europe/Berlin"), "2026-07-02");
  assert.equal(localDate(Date.UTC(2026, 6, 1, 3, 0), "America/New_York"), "2026-06-30");
});

test("calendar arithmetic: month and year ends, leap days", () => {
  assert.equal(addDays("2026-12-31", 1), "2027-01-01");
  assert.equal(addDays("2028-03-01", -1), "2028-02-29");
  assert.equal(daysBetween("2026-01-01", "2026-12-31"), 364);
  assert.deepEqual(datesBetween("2026-12-30", "2027-01-02"), ["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
  assert.deepEqual(datesBetween("2026-12-02", "2026-12-01"), []);
  assert.ok(isDate("2028-02-29") && !isDate("2026-02-29") && !isDate("2026-13-01") && !isDate("") && !isDate("2026-1-1"));
});

test("startOfDay: Seoul midnight is 15:00 UTC the day before", () => {
  assert.equal(startOfDay("2026-12-02", "Asia/Seoul"), Date.UTC(2026, 11, 1, 15));
  assert.deepEqual(periodBounds("2026-12-01", "2026-12-02", "Asia/Seoul"), [Date.UTC(2026, 10, 30, 15), Date.UTC(2026, 11, 2, 15) - 1]);
});

test("startOfDay in Europe/Berlin: +1 in winter, +2 in summer, 23- and 25-hour days", () => {
  assert.equal(startOfDay("2026-01-15", "Europe/Berlin"), Date.UTC(2026, 0, 14, 23));
  assert.equal(startOfDay("2026-07-15", "Europe/Berlin"), Date.UTC(2026, 6, 14, 22));
  // 29 March 2026: 02:00 becomes 03:00 (the day has 23 hours); 25 October 2026: 03:00 becomes 02:00 (25 hours).
  assert.equal(startOfDay("2026-03-29", "Europe/Berlin"), Date.UTC(2026, 2, 28, 23));
  assert.equal(startOfDay("2026-03-30", "Europe/Berlin") - startOfDay("2026-03-29", "Europe/Berlin"), 23 * HOUR_MS);
  assert.equal(startOfDay("2026-10-26", "Europe/Berlin") - startOfDay("2026-10-25", "Europe/Berlin"), 25 * HOUR_MS);
  const [from, to] = periodBounds("2026-10-25", "2026-10-25", "Europe/Berlin");
  assert.equal(to - from + 1, 25 * HOUR_MS);
});

test("startOfDay where the clock skipped midnight (America/Sao_Paulo, 4 November 2018: 00:00 became 01:00)", () => {
  assert.equal(startOfDay("2018-11-04", "America/Sao_Paulo"), Date.UTC(2018, 10, 4, 3)); // 01:00 -02
  assert.equal(localDate(startOfDay("2018-11-04", "America/Sao_Paulo") - 1, "America/Sao_Paulo"), "2018-11-03");
  assert.equal(startOfDay("2018-11-05", "America/Sao_Paulo") - startOfDay("2018-11-04", "America/Sao_Paulo"), 23 * HOUR_MS);
});

test("presets: today, 7 and 30 days up to today, in the zone's dates", () => {
  const now = Date.UTC(2026, 11, 1, 16, 0, 0); // 2026-12-02 01:00 in Seoul, 2026-12-01 17:00 in Berlin
  assert.deepEqual(presetDates("today", now, "Asia/Seoul"), { from: "2026-12-02", to: "2026-12-02" });
  assert.deepEqual(presetDates("7", now, "Asia/Seoul"), { from: "2026-11-26", to: "2026-12-02" });
  assert.deepEqual(presetDates("30", now, "Asia/Seoul"), { from: "2026-11-03", to: "2026-12-02" });
  assert.deepEqual(presetDates("today", now, "Europe/Berlin"), { from: "2026-12-01", to: "2026-12-01" });
  assert.deepEqual(presetDates("7", Date.UTC(2026, 2, 31, 12), "Europe/Berlin"), { from: "2026-03-25", to: "2026-03-31" });
  assert.equal(presetDates("custom", now, "Asia/Seoul"), null);
});

test("periodProblem: dates, order and the server's 366 days", () => {
  const zone = "Asia/Seoul";
  assert.equal(periodProblem("2026-01-01", "2026-01-31", zone), null);
  assert.deepEqual(periodProblem("", "2026-01-31", zone), { field: "from", reason: "reportDateMissing" });
  assert.deepEqual(periodProblem("2026-02-30", "2026-03-01", zone), { field: "from", reason: "reportDateInvalid" });
  assert.deepEqual(periodProblem("2026-03-02", "2026-03-01", zone), { field: "to", reason: "reportOrder" });
  // 366 days (2026-01-01 … 2027-01-01) are allowed; 367 are not.
  assert.equal(periodProblem("2026-01-01", "2027-01-01", zone), null);
  assert.deepEqual(periodProblem("2026-01-01", "2027-01-02", zone), { field: "from", reason: "reportTooLong" });
  // The same in Berlin across both changes of the clock.
  assert.equal(periodProblem("2026-03-01", "2027-03-01", "Europe/Berlin"), null);
  assert.deepEqual(periodProblem("2026-03-01", "2027-03-02", "Europe/Berlin"), { field: "from", reason: "reportTooLong" });
});

test("hours: the UTC hours of a period; a local hour that comes twice is told apart by its offset", () => {
  assert.deepEqual(hoursBetween(Date.UTC(2026, 0, 1, 0, 30), Date.UTC(2026, 0, 1, 2) - 1), [Date.UTC(2026, 0, 1, 0), Date.UTC(2026, 0, 1, 1)]);
  const zone = "Europe/Berlin";
  const hours = hoursBetween(Date.UTC(2026, 9, 24, 23), Date.UTC(2026, 9, 25, 2) - 1); // 01:00 +2, 02:00 +2, 02:00 +1
  const label = (ms) => {
    const local = new Date(ms + (offsetName(ms, zone) === "GMT+2" ? 2 : 1) * HOUR_MS).toISOString();
    return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
  };
  assert.deepEqual(hourLabels(hours, label, zone), ["2026-10-25 01:00", "2026-10-25 02:00 GMT+2", "2026-10-25 02:00 GMT+1"]);
  assert.equal(offsetName(0, "Asia/Kolkata"), "GMT+5:30");
  assert.equal(offsetName(Date.UTC(2026, 0, 1), "America/Sao_Paulo"), "GMT-3");
  assert.equal(DAY_MS, 24 * HOUR_MS);
});
