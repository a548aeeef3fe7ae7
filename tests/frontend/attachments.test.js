// node --test tests/frontend/attachments.test.js: the attachments' pure parts (issue 23): every
// string in both languages, the refusal reasons (the checker's and the API's), sizes.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ATTACHMENT_STRINGS, attachmentTranslator, reasonText, sizeText } from "../../frontend/shared/attachments.js";

const REASONS = ["type_not_allowed", "too_large", "empty", "image_too_large", "image_unreadable", "conversation_ended",
  "not_allowed", "malware"];

test("every string has Korean and English", () => {
  assert.deepEqual(Object.keys(ATTACHMENT_STRINGS.ko).sort(), Object.keys(ATTACHMENT_STRINGS.en).sort());
  for (const reason of REASONS) assert.ok(`reason.${reason}` in ATTACHMENT_STRINGS.ko, reason);
  for (const text of Object.values(ATTACHMENT_STRINGS.en)) assert.doesNotMatch(text, /[가-힣]/);
});

test("each refusal says why, in the screen's language", () => {
  const ko = attachmentTranslator("ko");
  const en = attachmentTranslator("en");
  assert.equal(reasonText(ko, { reason: "too_large" }, { maxBytes: 10 * 1024 * 1024 }), "파일이 너무 큽니다. (10 MB까지 가능)");
  assert.equal(reasonText(en, { reason: "too_large" }, { maxBytes: 10 * 1024 * 1024, lang: "en" }), "The file is too large (up to 10 MB).");
  // The API's refusal of the request: 400 on `size` or `type`, 409 past the chat's limit.
  assert.equal(reasonText(en, { code: "invalid_field", field: "type" }), ATTACHMENT_STRINGS.en["reason.type_not_allowed"]);
  assert.match(reasonText(en, { code: "invalid_field", field: "size" }), /too large/);
  assert.equal(reasonText(ko, { code: "conflict" }), ATTACHMENT_STRINGS.ko["reason.limit"]);
  assert.equal(reasonText(ko, { code: "something_new" }), ATTACHMENT_STRINGS.ko["reason.network"]);
  assert.equal(en("rejected", { name: "a.exe", reason: "x" }), "a.exe: x");
});

test("sizes", () => {
  assert.equal(sizeText(125, "en"), "1 KB");
  assert.equal(sizeText(2_621_440, "ko"), "2.5 MB");
});
