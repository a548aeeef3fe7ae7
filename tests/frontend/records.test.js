// frontend/console/record-rules.js: the checks the chat view and 채팅기록 share before saving a record.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RECORD_LIMITS, trimmedValues, validateRecord } from "../../frontend/console/record-rules.js";

test("values are trimmed; only spaces or line breaks is an empty value", () => {
  assert.deepEqual(trimmedValues({ name: "  김고객 ", memo: " \n\t ", phone: undefined }), { name: "김고객", memo: "", phone: "" });
});

test("a valid customer record has no problems", () => {
  assert.deepEqual(validateRecord("customer", { name: "김고객", email: "kim@example.com", phone: "+82 10-1234-5678", memo: "" }), {});
  assert.deepEqual(validateRecord("customer", { name: "", email: "", phone: "", memo: "" }), {}, "every field may be empty");
});

test("too long: each field's limit", () => {
  const values = { name: "가".repeat(RECORD_LIMITS.name + 1), email: "", phone: "", memo: "x".repeat(RECORD_LIMITS.memo) };
  assert.deepEqual(validateRecord("customer", values), { name: { code: "tooLong", max: 100 } });
  assert.deepEqual(validateRecord("counsel", { inquiryType: "배송", processingType: "", note: "n".repeat(2001) }), { note: { code: "tooLong", max: 2000 } });
  assert.deepEqual(validateRecord("ticket", { title: "t".repeat(201), content: "ok" }), { title: { code: "tooLong", max: 200 } });
});

test("e-mail and phone formats (customer records only)", () => {
  assert.deepEqual(validateRecord("customer", { email: "not-an-email", phone: "010" }), {
    email: { code: "invalidEmail" },
    phone: { code: "invalidPhone" },
  });
  assert.deepEqual(validateRecord("customer", { email: "a b@example.com" }), { email: { code: "invalidEmail" } });
  assert.deepEqual(validateRecord("customer", { phone: "010-1234-5678" }), {});
  assert.deepEqual(validateRecord("customer", { phone: "(02) 123-4567" }), { phone: { code: "invalidPhone" } });
  assert.deepEqual(validateRecord("counsel", { note: "mail me at not-an-email" }), {});
});

test("problems come in field order (the first one gets the focus)", () => {
  const problems = validateRecord("customer", { name: "x".repeat(101), email: "bad", phone: "bad", memo: "" });
  assert.deepEqual(Object.keys(problems), ["name", "email", "phone"]);
});
