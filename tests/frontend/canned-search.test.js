// node --test tests/frontend/canned-search.test.js: the composer's "/" search (issue 22).
import assert from "node:assert/strict";
import { test } from "node:test";

import { TIER, buildCannedIndex, normaliseQuery, rankCanned, searchCanned } from "../../frontend/shared/canned-search.js";

const RESPONSES = [
  { id: "r1", shortcut: "hello", title: "첫 인사", text: "안녕하세요, {{customer.name}}님. 무엇을 도와드릴까요?" },
  { id: "r2", shortcut: "bye", title: "마무리 인사", text: "이용해 주셔서 감사합니다." },
  { id: "r3", shortcut: "배송", title: "배송 지연 안내", text: "주문하신 상품의 배송이 늦어지고 있습니다." },
  { id: "r4", shortcut: "refund", title: "환불 안내", text: "환불은 3~5 영업일 안에 처리됩니다." },
  { id: "r5", shortcut: "배송조회", title: "송장 번호", text: "송장 번호로 배송 상황을 보실 수 있습니다." },
  { id: "r6", shortcut: "hello-en", title: "Greeting (English)", text: "Hello {{customer.name}}, how can I help?" },
  { id: "r7", shortcut: "late-ship", title: "Delay", text: "Sorry for the\n\nlate   delivery." },
];

const ids = (results) => results.map((result) => result.response.id);

test("an empty query (just '/') lists everything in the order given", () => {
  assert.deepEqual(ids(rankCanned(RESPONSES, "")), RESPONSES.map((r) => r.id));
  assert.deepEqual(ids(rankCanned(RESPONSES, "/")), RESPONSES.map((r) => r.id));
  assert.deepEqual(ids(rankCanned(RESPONSES, "/", { limit: 2 })), ["r1", "r2"]);
});

test("the query is trimmed, its '/' dropped and its spaces collapsed", () => {
  assert.equal(normaliseQuery("  /배송  지연 "), "배송 지연");
  assert.equal(normaliseQuery(null), "");
});

test("shortcut prefix first, then title, then text", () => {
  // 인사: title of r1 (word) and r2 (word), nowhere in a shortcut.
  const results = rankCanned(RESPONSES, "배송");
  assert.deepEqual(ids(results), ["r3", "r5"]);
  assert.deepEqual(
    results.map((r) => [r.tier, r.field]),
    [
      [TIER.SHORTCUT_EXACT, "shortcut"],
      [TIER.SHORTCUT_PREFIX, "shortcut"],
    ],
  );
  const hello = rankCanned(RESPONSES, "hel");
  assert.deepEqual(ids(hello), ["r1", "r6"]); // both shortcut prefixes: the shorter shortcut first
  const help = rankCanned(RESPONSES, "help");
  assert.deepEqual(ids(help), ["r6"]);
  assert.equal(help[0].field, "text");
});

test("title prefix before a title word before a title substring before a shortcut substring before text", () => {
  const list = [
    { id: "text", shortcut: "a1", title: "기타", text: "안내 드립니다" },
    { id: "shortcut-inner", shortcut: "x안내", title: "기타", text: "" },
    { id: "title-inner", shortcut: "a2", title: "환불안내", text: "" },
    { id: "title-word", shortcut: "a3", title: "환불 안내", text: "" },
    { id: "title-prefix", shortcut: "a4", title: "안내문", text: "" },
    { id: "shortcut-prefix", shortcut: "안내", title: "기타", text: "" },
  ];
  const results = rankCanned(list, "안내");
  assert.deepEqual(ids(results), ["shortcut-prefix", "title-prefix", "title-word", "title-inner", "shortcut-inner", "text"]);
  assert.deepEqual(
    results.map((r) => r.tier),
    [TIER.SHORTCUT_EXACT, TIER.TITLE_PREFIX, TIER.TITLE_WORD, TIER.TITLE_ANYWHERE, TIER.SHORTCUT_ANYWHERE, TIER.TEXT],
  );
});

test("Korean matches as typed, syllable by syllable", () => {
  for (const typed of ["ㅂ", "배", "뱃", "배소", "배송", "배송 ", "배송 ㅈ", "배송 지", "배송 지여", "배송 지연"]) {
    assert.ok(ids(rankCanned(RESPONSES, typed)).includes("r3"), typed);
  }
  // 환불 on the way: ㅎ 화 환 환부 환불; the title wins over the text.
  for (const typed of ["화", "환", "환부", "환불"]) {
    const results = rankCanned(RESPONSES, typed);
    assert.equal(results[0].response.id, "r4", typed);
    assert.equal(results[0].field, "title");
  }
  // A syllable typed whole is not a prefix of a different one.
  assert.deepEqual(ids(rankCanned(RESPONSES, "환분")), []);
});

test("Latin is case-insensitive", () => {
  assert.deepEqual(ids(rankCanned(RESPONSES, "HELLO-EN")), ["r6"]);
  assert.deepEqual(ids(rankCanned(RESPONSES, "greet")), ["r6"]);
  assert.equal(rankCanned(RESPONSES, "HELLO-EN")[0].tier, TIER.SHORTCUT_EXACT);
});

test("a match in the text ignores how the text breaks lines", () => {
  const [hit] = rankCanned(RESPONSES, "the late d");
  assert.equal(hit.response.id, "r7");
  assert.equal(hit.field, "text");
  assert.equal(hit.fieldText.slice(hit.start, hit.end), "the late d");
});

test("results carry the range to highlight, covering a half-typed syllable", () => {
  const [hit] = rankCanned(RESPONSES, "송자");
  assert.equal(hit.response.id, "r5");
  assert.equal(hit.field, "title");
  assert.equal(hit.fieldText.slice(hit.start, hit.end), "송장");
});

test("no match, no result; a built index is reused across keystrokes", () => {
  const index = buildCannedIndex(RESPONSES);
  assert.deepEqual(searchCanned(index, "zzz"), []);
  assert.deepEqual(ids(searchCanned(index, "bye")), ["r2"]);
  assert.deepEqual(ids(searchCanned(index, "감사")), ["r2"]);
});

test("ties keep the order given", () => {
  const list = [
    { id: "a", shortcut: "s1", title: "같은 제목", text: "" },
    { id: "b", shortcut: "s2", title: "같은 제목", text: "" },
  ];
  assert.deepEqual(ids(rankCanned(list, "같은")), ["a", "b"]);
  assert.deepEqual(ids(rankCanned(list.slice().reverse(), "같은")), ["b", "a"]);
});

test("a limit caps the results; the default is 20", () => {
  const many = Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, shortcut: `m${i}`, title: "공통", text: "" }));
  assert.equal(rankCanned(many, "공통").length, 20);
  assert.equal(rankCanned(many, "공통", { limit: 5 }).length, 5);
});

test("missing fields do not break the search", () => {
  assert.deepEqual(ids(rankCanned([{ id: "x", shortcut: "x" }], "x")), ["x"]);
});
