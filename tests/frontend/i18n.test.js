// frontend/shared/i18n.js: the one translator of console, admin and widget.
import assert from "node:assert/strict";
import { test } from "node:test";
import { format, localized, pickLanguage, pickWidgetLanguage, translator, LANGUAGES } from "../../frontend/shared/i18n.js";
import { STRINGS as WIDGET_STRINGS } from "../../frontend/widget/strings.js";
import { CONSOLE_STRINGS } from "../../frontend/console/strings.js";
import { PRODUCTIVITY_STRINGS } from "../../frontend/console/productivity-strings.js";
import { strings as ADMIN_STRINGS } from "../../frontend/admin/strings.js";
import { CANNED_STRINGS } from "../../frontend/shared/canned-strings.js";
import { ERROR_STRINGS } from "../../frontend/shared/errors.js";

const catalogue = { ko: { hello: "안녕하세요 {name}님", only: "한국어만" }, en: { hello: "Hello {name}" } };

test("format fills placeholders and empties the ones without a value", () => {
  assert.equal(format("{n} / {max}", { n: 3, max: 10 }), "3 / 10");
  assert.equal(format("{n} left", {}), " left");
  assert.equal(format("{n}", { n: 0 }), "0");
  assert.equal(format("{n}", { n: null }), "");
  assert.equal(format("no placeholders"), "no placeholders");
});

test("translator: the language's text, then the Korean one, then the key", () => {
  const en = translator(catalogue, "en");
  assert.equal(en("hello", { name: "Kim" }), "Hello Kim");
  assert.equal(en("only"), "한국어만");
  assert.equal(en("missing"), "missing");
  assert.equal(translator(catalogue, "ko")("hello", { name: "김" }), "안녕하세요 김님");
  assert.equal(translator(catalogue, "fr")("hello", { name: "김" }), "안녕하세요 김님", "an unknown language is Korean");
});

test("staff pages: stored choice, else the page, else the browser", () => {
  assert.equal(pickLanguage({ stored: "en", pageLang: "ko" }), "en");
  assert.equal(pickLanguage({ stored: "ko", pageLang: "en", browserLanguage: "en-US" }), "ko");
  assert.equal(pickLanguage({ stored: "de", pageLang: "ko-KR", browserLanguage: "en-US" }), "ko");
  assert.equal(pickLanguage({ stored: null, pageLang: "", browserLanguage: "en-US" }), "en");
  assert.equal(pickLanguage({ stored: null, pageLang: "", browserLanguage: "ko-KR" }), "ko");
  assert.equal(pickLanguage({ stored: null, pageLang: "", browserLanguage: "" }), "ko", "no information: Korean first");
});

test("pickLanguage with no argument works without a browser (node)", () => {
  assert.ok(LANGUAGES.includes(pickLanguage()));
  assert.ok(LANGUAGES.includes(pickWidgetLanguage("")));
});

test("widget: the requested language, else the page, else any of the browser's languages", () => {
  assert.equal(pickWidgetLanguage("EN", { pageLang: "ko" }), "en");
  assert.equal(pickWidgetLanguage("ko", { pageLang: "en", browserLanguages: ["en"] }), "ko");
  assert.equal(pickWidgetLanguage("", { pageLang: "ko-KR", browserLanguages: ["en"] }), "ko");
  assert.equal(pickWidgetLanguage("ja", { pageLang: "en", browserLanguages: ["en-US", "ko"] }), "ko");
  assert.equal(pickWidgetLanguage(null, { pageLang: "", browserLanguages: ["en-US"] }), "en");
  assert.equal(pickWidgetLanguage(null, { pageLang: "", browserLanguages: [] }), "en");
});

test("localized: the asked language, else the other one with its lang, a plain string is Korean", () => {
  assert.deepEqual(localized({ ko: "안녕", en: "Hi" }, "en"), { text: "Hi", lang: "en" });
  assert.deepEqual(localized({ ko: "안녕", en: "" }, "en"), { text: "안녕", lang: "ko" });
  assert.deepEqual(localized({ en: "Hi" }, "ko"), { text: "Hi", lang: "en" });
  assert.deepEqual(localized("안녕", "en"), { text: "안녕", lang: "ko" });
  assert.deepEqual(localized(null, "ko"), { text: "", lang: "ko" });
});

for (const [name, table] of Object.entries({ widget: WIDGET_STRINGS, console: CONSOLE_STRINGS, productivity: PRODUCTIVITY_STRINGS, admin: ADMIN_STRINGS, canned: CANNED_STRINGS, errors: ERROR_STRINGS })) {
  test(`${name} strings: Korean and English have the same keys and the same placeholders`, () => {
    assert.deepEqual(Object.keys(table.en).sort(), Object.keys(table.ko).sort());
    const placeholders = (text) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(table.ko)) {
      assert.deepEqual(placeholders(table.en[key]), placeholders(table.ko[key]), key);
    }
  });
}
