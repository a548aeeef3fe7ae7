// How the console draws messages: one <li class="msg"> per message, carrying data-seq, its role
// and its text in a `.msg-text` element. The text is inserted as text only, or drawn by masking.js
// (ctx.masking.renderText) when the security service is on. After a list is (re)drawn,
// `console:messages-rendered` is dispatched on document: {detail: {list, conversationId}}.
import { el, formatTime } from "../shared/dom.js";
import { translator } from "../shared/i18n.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";
import { SUPERVISION_STRINGS } from "./supervision-strings.js";
import { attachmentBody } from "./chat-attachments.js";

export const MESSAGES_RENDERED = "console:messages-rendered";

// System lines are stored in Korean (what the customer saw) with a `systemCode`: an English screen
// says them in English. The agent's name is the one the Korean line carries.
const SYSTEM_EN = {
  agent_joined: (name) => (name ? `${name} started the chat.` : "An agent started the chat."),
  returned_to_queue: () => "Waiting for an agent again.",
  chat_ended: () => "The chat has ended.",
  agent_changed: () => "The agent has changed.",
  idle_warning: (_name, text) => {
    const minutes = /(\d+)분/.exec(text)?.[1];
    return minutes ? `If there is no reply, the chat will end automatically in ${minutes} min.` : "If there is no reply, the chat will end automatically.";
  },
  idle_closed: () => "There was no reply, so the chat ended automatically.",
  closed_waiting: () => "Chat is closed for today (outside business hours). Please leave a 1:1 inquiry and we will answer.",
};
const JOINED_KO = /^상담원 (.+)님이 상담을 시작했습니다\.?$/;

/** A system line in the screen's language (`lang`); other lines are returned as they are. */
export function systemLine(message, lang) {
  if (message.kind !== "system" || lang !== "en") return message.text || "";
  const english = SYSTEM_EN[message.systemCode];
  if (!english) return message.text || "";
  return english(JOINED_KO.exec(message.text || "")?.[1]?.trim(), message.text || "");
}

/** The text part of a message: masking's segments when enabled, else one text node. */
export function renderText(message, ctx) {
  if (message.kind === "system") {
    const text = systemLine(message, ctx.lang);
    // System lines are stored in Korean; one without an English version is marked so (WCAG 3.1.2).
    const korean = ctx.lang === "en" && text === (message.text || "");
    return el("span", { class: "msg-text", lang: korean ? "ko" : undefined }, text);
  }
  if (message.kind === "attachment" && message.attachment) return attachmentBody(message, ctx);
  const masking = ctx.masking;
  if (masking && masking.enabled) {
    return el("span", { class: "msg-text" }, masking.renderText(message));
  }
  return el("span", { class: "msg-text" }, message.text || "");
}

export function renderMessage(message, ctx) {
  // An internal note (kind and role `note`): staff-only, labelled and styled apart from the chat.
  const role = message.kind === "system" ? "system" : message.kind === "note" ? "note" : message.role;
  // A whisper (issue #24): a supervisor's note to the chat's agent, labelled as such.
  const whisper = role === "note" && message.whisper === true;
  const item = el(
    "li",
    {
      class: `msg msg-${role}${whisper ? " msg-whisper" : ""}${message.pending ? " msg-pending" : ""}${message.failed ? " msg-failed" : ""}`,
      dataset: { seq: message.seq === undefined ? "" : String(message.seq), role },
    },
    role === "system"
      ? null
      : el("span", { class: "msg-sender" }, message.senderName || (role === "customer" ? ctx.t("customerFallback") : ctx.t("agentSide"))),
    role === "note" ? el("span", { class: "msg-note-label" }, whisper ? translator(SUPERVISION_STRINGS, ctx.lang)("whisperTag") : translator(PRODUCTIVITY_STRINGS, ctx.lang)("noteLabel")) : null,
    renderText(message, ctx),
    el("time", { class: "msg-time", dateTime: message.createdAt ? new Date(message.createdAt).toISOString() : "" },
      message.pending ? ctx.t("sending") : formatTime(message.createdAt, ctx.lang)),
  );
  if (message.clientMessageId) item.dataset.clientMessageId = message.clientMessageId;
  return item;
}

// What a drawn message depends on: an element whose key is unchanged is kept as it is, so a text
// selection (masking's drag-select) survives the arrival of other messages.
function keyOf(message, ctx) {
  const masks = (message.masks || []).map((m) => `${m.start}-${m.end}`).join(",");
  return [message.seq, message.clientMessageId, message.pending, message.failed, message.maskVersion, masks,
    message.text, message.whisper, ctx.masking?.enabled, ctx.lang].join("|");
}

/** Fill `list` (an <ol>) with `messages` (ascending seq), reusing unchanged elements, and announce it. */
export function renderMessages(list, messages, ctx, conversationId) {
  const drawn = new Map();
  for (const child of list.children) if (child.messageKey) drawn.set(child.messageKey, child);
  const wanted = messages.map((message) => {
    const key = keyOf(message, ctx);
    const node = drawn.get(key) || renderMessage(message, ctx);
    node.messageKey = key;
    drawn.delete(key);
    return node;
  });
  wanted.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
  });
  while (list.children.length > wanted.length) list.lastElementChild.remove();
  document.dispatchEvent(new CustomEvent(MESSAGES_RENDERED, { detail: { list, conversationId } }));
  return list;
}
