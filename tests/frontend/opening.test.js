// frontend/widget/opening.js: the out-of-hours view's rows (customer's zone, then the service's),
// their labels and the times in each zone. Asserted by parts: ICU builds word dates a little differently.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatOpening, openingRows, zoneLabel } from "../../frontend/widget/opening.js";

// 2026-03-29 03:30 in Berlin (CEST, the morning DST began) = 10:30 in Seoul.
const BERLIN_OPENING = { at: 1774747800000, serviceTimeZone: "Europe/Berlin", customerTimeZone: "Asia/Seoul" };
const NOW = Date.UTC(2026, 2, 28, 12, 0);

test("two zones: the customer's first, each labelled with its place and offset", () => {
  const [mine, service] = openingRows(BERLIN_OPENING, "ko", NOW);
  assert.deepEqual([mine.zone, mine.whose, mine.label, mine.offset], ["Asia/Seoul", "customer", "서울 시간", "GMT+9"]);
  assert.deepEqual([service.zone, service.whose, service.label, service.offset], ["Europe/Berlin", "service", "베를린 시간", "GMT+2"]);
  assert.match(mine.time, /3월 29일/);
  assert.match(mine.time, /10:30/);
  assert.match(service.time, /3:30/);
  assert.doesNotMatch(mine.time, /2026/); // this year: no year
});

test("English: place names from the zone id, the 24-hour clock", () => {
  const [mine, service] = openingRows({ ...BERLIN_OPENING, customerTimeZone: "America/New_York" }, "en", NOW);
  assert.equal(mine.label, "New York time");
  assert.equal(service.label, "Berlin time");
  assert.match(mine.time, /28 March/); // 21:30 the evening before in New York
  assert.match(mine.time, /21:30/);
  assert.match(service.time, /03:30/);
});

test("same zone on both sides: one row; no zone from the customer: the service's", () => {
  const seoul = { at: BERLIN_OPENING.at, serviceTimeZone: "Asia/Seoul", customerTimeZone: "Asia/Seoul" };
  assert.deepEqual(openingRows(seoul, "ko", NOW).map((r) => [r.whose, r.label]), [["both", "서울 시간"]]);
  const unknown = { at: BERLIN_OPENING.at, serviceTimeZone: "Asia/Seoul" };
  assert.equal(openingRows(unknown, "en", NOW).length, 1);
});

test("no next opening (none within 400 days): no rows", () => {
  assert.deepEqual(openingRows(null, "ko"), []);
  assert.deepEqual(openingRows({ at: null }, "en"), []);
});

test("a zone without a Korean place name is labelled by the browser's name for it", () => {
  const label = zoneLabel("America/Argentina/Buenos_Aires", "ko", BERLIN_OPENING.at);
  assert.ok(label && label !== "America/Argentina/Buenos_Aires", label);
  assert.equal(zoneLabel("America/Argentina/Buenos_Aires", "en"), "Buenos Aires time");
  assert.ok(zoneLabel("Etc/GMT-3", "en").length > 0);
});

test("an opening in another year says the year", () => {
  const nextYear = Date.UTC(2027, 0, 4, 0, 0);
  assert.match(formatOpening(nextYear, "Asia/Seoul", "en", NOW), /2027/);
  assert.match(formatOpening(nextYear, "Asia/Seoul", "ko", NOW), /2027/);
});
