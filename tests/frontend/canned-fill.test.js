// node --test tests/frontend/canned-fill.test.js: filling variables in the composer (issue 22).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { VARIABLES, fillCanned } from "../../frontend/shared/canned-fill.js";

const CASES = JSON.parse(readFileSync(new URL("./fill-cases.json", import.meta.url), "utf-8"));

test("the cases the server's fill passes too", () => {
  for (const { text, values, filled, emptySpans } of CASES) {
    assert.deepEqual(fillCanned(text, values), { text: filled, emptySpans }, text);
  }
});

test("a placeholder label is covered by its span", () => {
  const result = fillCanned("안녕하세요 {{customer.name}}님", {}, { placeholder: () => "[고객명]" });
  assert.equal(result.text, "안녕하세요 [고객명]님");
  const [span] = result.emptySpans;
  assert.equal(result.text.slice(span.start, span.end), "[고객명]");
});

test("a text the server accepted fills without any {{ or }}, whatever the values", () => {
  // Pieces that join into texts check_variables accepts: single braces only, never a `{` just
  // before a variable nor a `}` just after one.
  const textPieces = ["", "x", "가", " ", "{a}", "\n", ...VARIABLES.map((name) => `{{${name}}}`)];
  const valuePieces = ["", "x", "{", "}", "{{", "}}", "가", ...VARIABLES.map((name) => `{{${name}}}`)];
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  for (let i = 0; i < 2000; i += 1) {
    const text = Array.from({ length: 6 }, () => pick(textPieces)).join("");
    const values = Object.fromEntries(VARIABLES.map((name) => [name, Math.random() < 0.3 ? null : pick(valuePieces) + pick(valuePieces)]));
    const result = fillCanned(text, values);
    assert.ok(!result.text.includes("{{") && !result.text.includes("}}"), JSON.stringify({ text, values, out: result.text }));
  }
});
