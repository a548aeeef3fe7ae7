// Filling a canned response's variables at insertion, in the composer: the same rule as
// chalicelib/domain/canned_text.py `fill` (tests/frontend/fill-cases.json holds the cases both pass),
// so inserting costs no request. Pure: no DOM.
//
// Each known variable is replaced by its (trimmed) value. One without a value becomes an empty
// string, never a `{{…}}` literal and never a label a hurried agent could send; its place is
// returned as a zero-width span (UTF-16 offsets, as textarea selections use) for the composer to
// put the caret at and mark. `placeholder(name)` gives a visible label instead; the span covers it.
// Values are not read for variables, and their braces are dropped (a customer's name is the
// customer's input).
export const VARIABLES = Object.freeze(["customer.name", "agent.displayName", "chat.inquiryType", "today"]);

const VARIABLE = /\{\{([^{}]*)\}\}/g;

// With a brace, a value could make a `{{…}}` with the text around it: so in a text the server
// accepted, the filled text holds no `{{` or `}}` at all, whatever the values.
function withoutBraces(value) {
  return value.replace(/[{}]/g, "");
}

export function fillCanned(text, values = {}, { placeholder = null } = {}) {
  let out = "";
  const emptySpans = [];
  let last = 0;
  for (const match of String(text ?? "").matchAll(VARIABLE)) {
    out += text.slice(last, match.index);
    const name = match[1];
    const raw = VARIABLES.includes(name) ? values[name] : null;
    const value = typeof raw === "string" ? withoutBraces(raw.trim()) : "";
    if (value) {
      out += value;
    } else {
      const label = placeholder ? withoutBraces(String(placeholder(name))) : "";
      emptySpans.push({ variable: name, start: out.length, end: out.length + label.length });
      out += label;
    }
    last = match.index + match[0].length;
  }
  out += String(text ?? "").slice(last);
  return { text: out, emptySpans };
}
