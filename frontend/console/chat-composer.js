// The chat view's composer: the message box (Enter sends, Shift+Enter a new line), the counter from
// 1,800 characters, refusals (over 2,000, only spaces) with their reason, the customer's typing line,
// and the agent's typing signal ("true" at most every few seconds while keys are pressed, "false"
// after a pause or a send).
import { el } from "../shared/dom.js";

const TYPING_SHOWN_MS = 6000;
const TYPING_SEND_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;
export const MESSAGE_MAX = 2000; // the server's limit (docs/protocol.md: too_long)
const COUNTER_FROM = 1800; // the counter shows from here on

/** view: the chat view's state (selectedId); send(text) hands a checked message on. */
export function createComposer(view, { nextId, send }) {
  const { ctx, t } = view;
  const typingLine = el("p", { class: "typing hidden", "aria-live": "polite" }, t("typing"));
  // No maxLength: it would cut a long paste silently; the counter and the refusal say why instead.
  const input = el("textarea", { class: "message-input", id: nextId("message-input"), rows: 3, placeholder: t("messagePlaceholder") });
  const counter = el("span", { class: "message-counter hidden", id: `${input.id}-count` });
  const composerNote = el("span", { class: "composer-note", id: `${input.id}-note`, role: "alert" });
  input.setAttribute("aria-describedby", `${counter.id} ${composerNote.id}`);
  const sendButton = el("button", { type: "submit", class: "primary send" }, t("send"));
  const composer = el(
    "form",
    { class: "composer" },
    el("label", { for: input.id, class: "visually-hidden" }, t("messageInput")),
    input,
    sendButton,
    el("div", { class: "composer-status" }, composerNote, counter),
  );

  let typingSentAt = 0;
  let typingIdle = null;
  function typingActivity() {
    if (!view.selectedId || view.noteMode) return; // a note is not the customer's business (chat-notes.js)
    const now = Date.now();
    if (now - typingSentAt > TYPING_SEND_EVERY_MS) {
      typingSentAt = now;
      ctx.socket.send("typing", { conversationId: view.selectedId, isTyping: true });
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }
  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingSentAt && view.selectedId) ctx.socket.send("typing", { conversationId: view.selectedId, isTyping: false });
    typingSentAt = 0;
  }
  let typingHide = null;
  function showTyping(on) {
    typingLine.classList.toggle("hidden", !on);
    clearTimeout(typingHide);
    if (on) typingHide = setTimeout(() => typingLine.classList.add("hidden"), TYPING_SHOWN_MS);
  }

  // The server counts Unicode code points of the trimmed text (docs/protocol.md): so does the counter.
  const textLength = (text) => [...text.trim()].length;
  const numberLocale = ctx.lang === "en" ? "en-US" : "ko-KR";
  const number = (n) => n.toLocaleString(numberLocale);
  function countTyped() {
    const count = textLength(input.value);
    const over = count > MESSAGE_MAX;
    counter.textContent = t("messageCounter", { n: number(count), max: number(MESSAGE_MAX) });
    counter.classList.toggle("hidden", count < COUNTER_FROM);
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", String(over));
    if ((!over && composerNote.dataset.reason === "long") || (count && composerNote.dataset.reason === "blank")) setComposerNote("");
  }
  function setComposerNote(reason, text = "") {
    composerNote.dataset.reason = reason;
    composerNote.textContent = text;
  }
  input.addEventListener("input", typingActivity);
  input.addEventListener("input", countTyped);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      // Only spaces or line breaks: nothing is sent; the box is emptied and says why.
      input.value = "";
      countTyped();
      setComposerNote("blank", t("messageBlank"));
      return input.focus();
    }
    const count = textLength(text);
    if (count > MESSAGE_MAX) {
      // Refused whole, never cut: the agent decides what to shorten.
      setComposerNote("long", t("messageTooLong", { max: number(MESSAGE_MAX), over: number(count - MESSAGE_MAX) }));
      return input.focus();
    }
    input.value = "";
    setComposerNote("");
    countTyped();
    send(text);
  });

  return { composer, input, typingLine, stopTyping, showTyping, number };
}
