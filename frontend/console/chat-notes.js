// Internal notes (내부 메모, issue #22): staff-only lines in a chat, POST /chats/{id}/notes. Never sent
// to the customer (the server keeps them off every customer path: docs/api.md#internal-notes).
//
// - In the chat view, a 메모 toggle beside the composer (aria-pressed) turns the message box into a
//   note box: its submit saves a note instead of sending a message, and the customer's typing
//   signal is not sent meanwhile. The mode stays on after a save until the agent turns it off: a
//   note written as a message would reach the customer, a message written as a note does not.
// - For an ended chat (채팅기록's record dialog), noteForm() is a small form of its own.
// The saved note (its answer, and the message.new push to the author's tabs) is drawn by seq with
// the other messages; messages.js gives it its label and style.
import { el } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { translator } from "../shared/i18n.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";

export const NOTE_MAX = 2000; // the server's limit (docs/api.md: POST /chats/{id}/notes)

const noteId = () => `n-${crypto.randomUUID()}`;

/** The note's text if it may be saved, else the reason key ("blank" | "long"). */
export function checkNote(text) {
  const trimmed = String(text ?? "").trim();
  if (!trimmed) return { reason: "blank" };
  if ([...trimmed].length > NOTE_MAX) return { reason: "long" };
  return { text: trimmed };
}

/** The 메모 toggle of the chat view. view: the chat view's state; onSaved(note) draws it. */
export function createNoteMode(view, composer, { onSaved }) {
  const { ctx } = view;
  const t = translator(PRODUCTIVITY_STRINGS, ctx.lang);
  const { input } = composer;
  const form = composer.composer;
  const sendButton = form.querySelector("button[type=submit]");
  const messageLabels = { placeholder: input.placeholder, send: sendButton.textContent };
  const toggle = el("button", { type: "button", class: "note-toggle", "aria-pressed": "false", title: t("noteModeLabel"), "aria-label": t("noteModeLabel") }, t("noteMode"));
  // The toggle's visible word (메모 / Note) must start its accessible name (2.5.3): the label says it first.
  toggle.setAttribute("aria-label", `${t("noteMode")}: ${t("noteModeLabel")}`);
  sendButton.before(toggle);

  function setMode(on) {
    view.noteMode = on;
    toggle.setAttribute("aria-pressed", String(on));
    form.classList.toggle("note-mode", on);
    input.placeholder = on ? t("notePlaceholder") : messageLabels.placeholder;
    sendButton.textContent = on ? t("noteSend") : messageLabels.send;
  }
  toggle.addEventListener("click", () => {
    setMode(!view.noteMode);
    input.focus();
  });

  let saving = false;
  form.addEventListener("submit", async (event) => {
    if (!view.noteMode) return;
    event.preventDefault();
    event.stopImmediatePropagation(); // not a message: the composer's own submit must not send it
    const id = view.selectedId;
    const checked = checkNote(input.value);
    if (!id || saving) return;
    if (checked.reason) {
      ctx.toast(checked.reason === "blank" ? ctx.t("messageBlank") : ctx.t("messageTooLong", { max: NOTE_MAX, over: [...input.value.trim()].length - NOTE_MAX }));
      return input.focus();
    }
    saving = true;
    sendButton.disabled = true;
    try {
      const note = await ctx.api.post(`/chats/${encodeURIComponent(id)}/notes`, { text: checked.text, clientMessageId: noteId() });
      if (view.selectedId === id) input.value = "";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      onSaved(note);
      ctx.toast(t("noteSaved"));
    } catch (err) {
      ctx.toast(t("noteFailed", { message: describeError(err, ctx.lang) }));
    } finally {
      saving = false;
      sendButton.disabled = false;
      input.focus();
    }
  }, true);

  return { toggle, setMode };
}

/** A note form for a chat not on the chat screen (an ended one, from 채팅기록). */
export function noteForm({ api, lang, conversationId, onSaved }) {
  const t = translator(PRODUCTIVITY_STRINGS, lang);
  const id = `note-input-${conversationId}`;
  const input = el("textarea", { id, class: "note-input", rows: 2 });
  const status = el("p", { class: "note-status", role: "status" });
  const submit = el("button", { type: "submit", class: "primary" }, t("noteAdd"));
  const form = el("form", { class: "note-form", novalidate: true },
    el("label", { for: id }, t("noteInput")), input, el("div", { class: "form-actions" }, submit), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = checkNote(input.value);
    if (checked.reason) {
      status.textContent = t("noteFailed", { message: checked.reason === "blank" ? t("notePlaceholder") : `≤ ${NOTE_MAX}` });
      return input.focus();
    }
    submit.disabled = true;
    try {
      const note = await api.post(`/chats/${encodeURIComponent(conversationId)}/notes`, { text: checked.text, clientMessageId: noteId() });
      input.value = "";
      status.textContent = t("noteSaved");
      onSaved(note);
    } catch (err) {
      status.textContent = t("noteFailed", { message: describeError(err, lang) });
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
