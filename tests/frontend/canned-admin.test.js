// node --test tests/frontend/canned-admin.test.js: the admin page's canned-response rules (issue 22).
import assert from "node:assert/strict";
import { test } from "node:test";

import { translator } from "../../frontend/shared/i18n.js";
import { strings } from "../../frontend/admin/strings.js";
import { cannedReason, categoriesOf, movedIds } from "../../frontend/admin/canned-rules.js";

const ko = translator(strings, "ko");
const en = translator(strings, "en");
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
