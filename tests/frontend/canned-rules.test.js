// node --test tests/frontend/canned-rules.test.js: the canned-response editor's rules (issue 22),
// shared by the admin page (shared responses) and the console (each agent's own).
import assert from "node:assert/strict";
import { test } from "node:test";

import { translator } from "../../frontend/shared/i18n.js";
import { CANNED_STRINGS } from "../../frontend/shared/canned-strings.js";
import { cannedReason, categoriesOf, movedIds } from "../../frontend/shared/canned-rules.js";
import { CANNED_SCOPES } from "../../frontend/shared/canned-editor.js";

const ko = translator(CANNED_STRINGS, "ko");
const en = translator(CANNED_STRINGS, "en");
const fallback = () => "FALLBACK";

test("the server's unknown-variable reason is translated, with its suggestion and the variables", () => {
  const error = {
    code: "invalid_field",
    field: "text",
    message: "unknown variable {{customer.nmae}} (did you mean {{customer.name}}?); the variables are {{customer.name}}, …",
  };
  const korean = cannedReason(error, ko, fallback);
  assert.match(korean, /^알 수 없는 변수 \{\{customer\.nmae\}\}입니다\./);
  assert.match(korean, /\{\{customer\.name\}\}을\(를\) 쓰려던 것인가요\?/);
  assert.match(korean, /\{\{today\}\}/);
  assert.doesNotMatch(korean, /unknown variable/);
  assert.match(cannedReason(error, en, fallback), /^Unknown variable \{\{customer\.nmae\}\}\. Did you mean \{\{customer\.name\}\}\?/);
});

test("other refusals get their sentence; an unknown one the generic fallback", () => {
  const say = (message, extra = {}) => cannedReason({ code: "invalid_field", message, ...extra }, ko, fallback);
  assert.equal(say("'{{' at character 3 opens no variable (near “a {{b”); variables are written like {{customer.name}}"),
    "{{ 또는 }}가 변수를 이루지 않습니다. 변수는 {{customer.name}}처럼 씁니다.");
  assert.equal(say("'title' is longer than 100 characters", { code: "too_long" }), "100자 이하로 입력해 주세요.");
  assert.equal(say("row 2 has the same shortcut"), "파일의 2행과 단축어가 같습니다.");
  assert.equal(say("taken", { code: "conflict", field: "shortcut" }), "이미 있는 단축어입니다 (대소문자 구분 없음).");
  assert.equal(say("something new"), "FALLBACK");
});

test("categories in first order, without empty ones", () => {
  assert.deepEqual(categoriesOf([{ category: "배송" }, { category: null }, { category: "인사" }, { category: "배송" }]), ["배송", "인사"]);
});

test("↑/↓ swaps with the nearest shown neighbour and stops at the ends", () => {
  const ids = ["a", "b", "c", "d"];
  assert.deepEqual(movedIds(ids, "c", -1), ["a", "c", "b", "d"]);
  assert.deepEqual(movedIds(ids, "a", -1), ids);
  assert.deepEqual(movedIds(ids, "d", 1), ids);
  // Filtered to a and c: c moves up past the hidden b.
  assert.deepEqual(movedIds(ids, "c", -1, (id) => id === "a" || id === "c"), ["c", "b", "a", "d"]);
  assert.deepEqual(movedIds(ids, "x", 1), ids);
});

test("the limit refusal names its scope: shared on the admin page, the agent's own in the console", () => {
  const say = (message, tr = ko) => cannedReason({ code: "limit_reached", message }, tr, fallback);
  assert.equal(say("at most 2,000 shared canned responses: 2,000 exist, room for 0 more"), "공용 상용구가 최대 개수에 이르렀습니다.");
  assert.match(say("at most 200 personal canned responses per agent: 200 exist, room for 0 more"), /^내 상용구가 최대 개수\(200개\)/);
  assert.match(say("at most 200 personal canned responses per agent: 200 exist, room for 0 more", en), /^You have the maximum number of responses \(200\)/);
});

test("each scope's routes and how its list is read", () => {
  assert.equal(CANNED_SCOPES.shared.base, "/admin/canned-responses");
  assert.equal(CANNED_SCOPES.personal.base, "/canned-responses");
  const mine = [{ responseId: "p1" }];
  const theirs = [{ responseId: "s1" }];
  assert.deepEqual(CANNED_SCOPES.shared.read({ responses: theirs, limit: 2000 }), { responses: theirs, limit: 2000, shared: null });
  assert.deepEqual(
    CANNED_SCOPES.personal.read({ personal: mine, shared: theirs, limits: { shared: 2000, personal: 200, textChars: 2000 } }),
    { responses: mine, limit: 200, shared: theirs },
  );
  assert.deepEqual(CANNED_SCOPES.personal.read({}), { responses: [], limit: undefined, shared: [] });
});

test("every scoped string exists for both scopes, in both languages", () => {
  for (const lang of ["ko", "en"]) {
    const keys = Object.keys(CANNED_STRINGS[lang]);
    const scoped = new Set(keys.filter((k) => /_(shared|personal)$/.test(k)).map((k) => k.replace(/_(shared|personal)$/, "")));
    assert.ok(scoped.size >= 4);
    for (const base of scoped) {
      for (const scope of Object.keys(CANNED_SCOPES)) assert.ok(keys.includes(`${base}_${scope}`), `${lang} ${base}_${scope}`);
    }
  }
});
