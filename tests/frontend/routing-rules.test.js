// node --test tests/frontend/routing-rules.test.js: the admin hours/teams editor's pure helpers (issue #21).
import assert from "node:assert/strict";
import { test } from "node:test";

import { errorKeyFor, fieldCandidates, newTeamId, timeProblem, todayIn, withoutPastDates } from "../../frontend/admin/routing-rules.js";
import { ROUTING_STRINGS } from "../../frontend/admin/routing-strings.js";

test("times: HH:MM, and 24:00 only as an end", () => {
  assert.equal(timeProblem("09:00", false), "");
  assert.equal(timeProblem("23:59", true), "");
  assert.equal(timeProblem("24:00", true), "");
  assert.equal(timeProblem("24:00", false), "badStartTime");
  for (const bad of ["9:00", "24:01", "12:60", "", "0900"]) assert.equal(timeProblem(bad, true), "badEndTime", bad);
});

test("a server field path tried from the most precise to the enclosing ones", () => {
  assert.deepEqual(fieldCandidates("teams[1].hours.weekly.mon[0].start"), [
    "teams[1].hours.weekly.mon[0].start",
    "teams[1].hours.weekly.mon[0]",
    "teams[1].hours.weekly.mon",
    "teams[1].hours.weekly",
    "teams[1].hours",
    "teams[1]",
    "teams",
  ]);
  assert.deepEqual(fieldCandidates(""), []);
});

test("the server's messages map to translated keys, both languages have them", () => {
  const cases = {
    "'hours.weekly.mon' has overlapping intervals 09:00-12:00 and 11:00-13:00": "errOverlap",
    "'hours.holidays' has 2020-01-01, in the past (today is 2026-12-02 in Asia/Seoul)": "errPastDate",
    "team 'billing' lists 'x@example.com', who is not a staff account": "errMember",
    "teams 'a' and 'b' both list no inquiry types: at most one catch-all team": "errCatchAll",
    "'acceptWindowSeconds' must be between 0 and 3600": "errRange",
    "'hours.weekly.mon' has 13 intervals; at most 12": "errTooMany",
    "something new": "",
  };
  for (const [message, key] of Object.entries(cases)) {
    assert.equal(errorKeyFor(message), key, message);
    if (key) for (const lang of ["ko", "en"]) assert.ok(ROUTING_STRINGS[lang][key], `${lang}.${key}`);
  }
  assert.deepEqual(Object.keys(ROUTING_STRINGS.ko).sort(), Object.keys(ROUTING_STRINGS.en).sort());
});

test("passed holidays and exceptions are dropped in the schedule's zone", () => {
  const now = new Date("2026-12-01T16:30:00Z"); // 2026-12-02 01:30 in Seoul, still 12-01 in Berlin
  assert.equal(todayIn("Asia/Seoul", now), "2026-12-02");
  assert.equal(todayIn("Europe/Berlin", now), "2026-12-01");
  const hours = { timeZone: "Asia/Seoul", holidays: [{ date: "2026-12-01" }, { date: "2026-12-02" }], exceptions: [{ date: "2026-11-30", intervals: [] }] };
  assert.deepEqual(withoutPastDates(hours, now), { ...hours, holidays: [{ date: "2026-12-02" }], exceptions: [] });
  assert.equal(withoutPastDates(null, now), null);
});

test("a new team id is new and takes the server's id characters", () => {
  const values = [0, 0, 0.5];
  const id = newTeamId(["team-000000"], () => values.shift());
  assert.match(id, /^team-[0-9a-z]{6}$/);
  assert.notEqual(id, "team-000000");
});
