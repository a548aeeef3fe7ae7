// eslint.config.js refuses every HTML sink in frontend/ (text from people is inserted as text).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ESLint } from "eslint";

const eslint = new ESLint();
const problems = async (code) => {
  const [result] = await eslint.lintText(code, { filePath: "frontend/console/example.js" });
  return result.messages.map((m) => m.ruleId);
};

for (const code of [
  "export const f = (node, text) => { node.innerHTML = text; };",
  "export const f = (node, text) => { node.outerHTML = text; };",
  "export const f = (node, text) => node.insertAdjacentHTML('beforeend', text);",
  "export const f = (text) => document.write(text);",
  "export const f = (node, text) => { node['innerHTML'] = text; };",
  "export const f = (range, text) => range.createContextualFragment(text);",
]) {
  test(`refused: ${code}`, async () => {
    const rules = await problems(code);
    assert.ok(rules.some((rule) => rule === "no-restricted-properties" || rule === "no-restricted-syntax"), rules.join());
  });
}

test("text as text passes", async () => {
  assert.deepEqual(await problems("export const f = (node, text) => { node.textContent = text; node.append(text); };"), []);
});
