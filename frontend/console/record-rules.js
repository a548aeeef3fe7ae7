// The rules of a chat's records (customer info, counsel info), shared by the chat view and 채팅기록:
// the server's limits (docs/api.md) and formats, checked in the page before anything is sent.
// Pure: no DOM, so node --test covers it (tests/frontend/records.test.js).
export const RECORD_LIMITS = { name: 100, email: 254, phone: 20, memo: 2000, note: 2000, title: 200, content: 10000 };
export const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;
export const PHONE = /^\+?[0-9][0-9\- ]{5,19}$/;

/** Every value trimmed: a value of only spaces or line breaks is no value (the field is cleared). */
export function trimmedValues(raw) {
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, String(value ?? "").trim()]));
}

/**
 * What is wrong with trimmed `values` of a `kind` ("customer", "counsel", "ticket") record:
 * {field: {code, max?}} in field order, empty when it may be sent. Codes: tooLong, invalidEmail, invalidPhone.
 */
export function validateRecord(kind, values) {
  const problems = {};
  for (const [name, value] of Object.entries(values)) {
    const max = RECORD_LIMITS[name];
    if (max && value && value.length > max) problems[name] = { code: "tooLong", max };
  }
  // A bad format is the message shown, even when the value is also too long.
  if (kind === "customer") {
    if (values.email && !EMAIL.test(values.email)) problems.email = { code: "invalidEmail" };
    if (values.phone && !PHONE.test(values.phone)) problems.phone = { code: "invalidPhone" };
  }
  return problems;
}
