// The customer-info and counsel-info forms of a chat, one module for the chat view (chat.js: live,
// beside the conversation) and 채팅기록 (history.js: in the record dialog). Both check the same rules
// (record-rules.js: lengths, e-mail and phone formats) before sending, mark the bad fields
// (aria-invalid, a message under the field) and focus the first one.
import { el } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { formatTime } from "../shared/datetime.js";
import { translator } from "../shared/i18n.js";
import { trimmedValues, validateRecord } from "./record-rules.js";

export const RECORD_STRINGS = {
  ko: {
    invalidEmail: "이메일 형식이 아닙니다.",
    invalidPhone: "전화번호는 숫자, +, -, 공백, 괄호만 쓸 수 있습니다.",
    tooLong: "{max}자 이하로 입력하세요.",
  },
  en: {
    invalidEmail: "Not an email address.",
    invalidPhone: "Digits, +, -, spaces and brackets only.",
    tooLong: "At most {max} characters.",
  },
};

let idCounter = 0;
const nextId = (prefix) => `${prefix}-${++idCounter}`;

function textarea(value, attrs) {
  const node = el("textarea", attrs);
  node.value = value || ""; // a textarea's content is its value, not an attribute
  return node;
}

/**
 * The customer-info fields [name, label, control], the same in both views (e-mail as text with an
 * e-mail keyboard: the page's own check says what is wrong, not the browser's bubble). `values`
 * fills them (the history dialog); the chat view fills them itself (fill()).
 */
export function customerFields(t, values = null, { memoRows = 3 } = {}) {
  const value = (name) => (values ? values[name] || "" : undefined);
  return [
    ["name", t("name"), el("input", { name: "name", type: values ? "text" : undefined, maxLength: 100, autocomplete: "off", value: value("name") })],
    ["email", t("email"), el("input", { name: "email", type: "text", inputMode: "email", maxLength: 254, autocomplete: "off", value: value("email") })],
    ["phone", t("phone"), el("input", { name: "phone", type: "tel", maxLength: 20, autocomplete: "off", value: value("phone") })],
    ["memo", t("memo"), textarea(values?.memo, { name: "memo", rows: memoRows, maxLength: 2000 })],
  ];
}

/** The counsel-info fields; the two type controls are given (each view fills its own options). */
export function counselFields(t, inquiryControl, processingControl, note = "", { noteRows = 4 } = {}) {
  return [
    ["inquiryType", t("inquiryType"), inquiryControl],
    ["processingType", t("processingType"), processingControl],
    ["note", t("note"), textarea(note, { name: "note", rows: noteRows, maxLength: 2000 })],
  ];
}

/** Check trimmed values; mark each field (its error element and aria-invalid); focus the first bad one. */
export function checkRecord(kind, controls, errors, lang) {
  const rt = translator(RECORD_STRINGS, lang);
  const values = trimmedValues(Object.fromEntries(Object.entries(controls).map(([name, c]) => [name, c.value])));
  const problems = validateRecord(kind, values);
  for (const [name, error] of Object.entries(errors)) {
    const problem = problems[name];
    error.textContent = problem ? rt(problem.code, { max: problem.max }) : "";
    error.hidden = error.dataset.hideEmpty === "true" && !problem;
    controls[name].setAttribute("aria-invalid", String(Boolean(problem)));
  }
  const first = Object.keys(problems)[0];
  if (first) controls[first].focus();
  return first ? null : values;
}

/**
 * The chat view's live form: saved with PUT /chats/{id}/{kind} for the chat shown (`currentId()`),
 * marked unsaved while edited; fill() shows the stored values without overwriting what is typed.
 * onSaved(id, saved) merges the answer into the view.
 */
export function liveRecordForm({ kind, heading, fields, t, lang, api, currentId, onSaved }) {
  const status = el("p", { class: "form-status", role: "status", "aria-live": "polite" });
  const errors = {};
  const controls = {};
  const rows = fields.map(([name, label, control]) => {
    control.id = nextId(`${kind}-${name}`);
    const error = el("p", { class: "field-error", id: `${control.id}-error` });
    control.setAttribute("aria-describedby", error.id);
    errors[name] = error;
    controls[name] = control;
    return el("div", { class: "form-row" }, el("label", { for: control.id }, label), control, error);
  });
  const button = el("button", { type: "submit", class: "primary" }, t("save"));
  const form = el("form", { class: `info-form ${kind}-form`, novalidate: true, "aria-label": heading }, el("h3", {}, heading), rows, el("div", { class: "form-actions" }, button, status));
  let dirty = false;
  form.addEventListener("input", () => {
    dirty = true;
    status.textContent = t("unsaved");
    status.dataset.state = "dirty";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = currentId();
    const values = checkRecord(kind, controls, errors, lang);
    if (!values) {
      status.textContent = "";
      return;
    }
    button.disabled = true;
    status.textContent = t("saving");
    try {
      const saved = await api.put(`/chats/${encodeURIComponent(id)}/${kind}`, values);
      dirty = false;
      status.textContent = t("saved", { time: formatTime(Date.now(), lang) });
      status.dataset.state = "saved";
      onSaved(id, saved);
    } catch (err) {
      status.textContent = t("saveFailed", { message: describeError(err, lang) });
      status.dataset.state = "error";
    } finally {
      button.disabled = false;
    }
  });
  return {
    form,
    /** Show the stored values; keeps what the agent is typing unless another chat was chosen. */
    fill(values, reset) {
      if (dirty && !reset) return;
      dirty = false;
      for (const [name, control] of Object.entries(controls)) {
        control.value = values[name] || "";
        control.removeAttribute("aria-invalid");
        errors[name].textContent = "";
      }
      if (reset) {
        status.textContent = "";
        delete status.dataset.state;
      }
    },
  };
}

/**
 * 채팅기록's form in the record dialog: a fieldset of `field(label, control)` rows and a button;
 * onSave(body) (empty values as null) answers the note to show. `kind` chooses the checks.
 */
export function dialogRecordForm({ kind, legend, submitLabel, fields, field, t, lang, onSave }) {
  const note = el("p", { class: "history-note", role: "status" });
  const errors = {};
  const controls = {};
  const rows = fields.map(([key, labelText, control]) => {
    control.name = key;
    const row = field(labelText, control);
    // The message under a field takes room only when there is one (the dialog stays compact).
    const error = el("p", { class: "field-error", id: `${control.id}-error`, hidden: true, dataset: { hideEmpty: "true" } });
    control.setAttribute("aria-describedby", error.id);
    row.append(error);
    errors[key] = error;
    controls[key] = control;
    return row;
  });
  return el(
    "form",
    {
      class: "history-record",
      onsubmit: async (event) => {
        event.preventDefault();
        note.className = "history-note";
        const values = checkRecord(kind, controls, errors, lang);
        if (!values) {
          note.textContent = "";
          return;
        }
        const body = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value || null]));
        try {
          note.textContent = await onSave(body);
        } catch (error) {
          note.className = "history-note error";
          note.textContent = t("failed", { message: describeError(error, lang) });
        }
      },
    },
    el("fieldset", {}, el("legend", {}, legend), rows, el("button", { type: "submit" }, submitLabel), note),
  );
}
