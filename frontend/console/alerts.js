// Alerts (issue #22): a new chat, a chat transferred to you, and a customer message in a chat the
// agent is not looking at (another chat shown, another view, or the tab hidden). Each one:
// - a sound (Web Audio, no file): new and transferred chats on by default; a customer message
//   sounds when its chat turns unread, and for every further message only when the agent turns
//   "고객 메시지마다 소리" on (off by default: a chatty customer would ring all day);
// - a desktop notification while the tab is hidden, if the agent allowed them (the bell in the top
//   bar asks once, shell.js); clicking it focuses the tab and opens that chat;
// - the tab title count and the widget's badge and blinking (shell.js, from the unread counts).
// Settings live in localStorage["livechat.alerts.<agentId>"]. Each alert is also dispatched on
// document as `console:alert` {kind, conversationId, sound, notified}, which tests observe.
import { el } from "../shared/dom.js";
import { translator } from "../shared/i18n.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";

export const ALERT_EVENT = "console:alert";
const DEFAULTS = { soundNew: true, soundMessage: false };

let audio = null;
function beep(kind) {
  try {
    audio ||= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = kind === "message" ? 660 : 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.35);
  } catch {
    /* no audio here (or not yet allowed by the browser): the other alerts still show */
  }
}

/** view: the chat view's state; side: chat-side.js ({unreadCount, addUnread}); select(id) opens a chat. */
export function createAlerts(view, { side, select }) {
  const { ctx, chats } = view;
  const t = translator(PRODUCTIVITY_STRINGS, ctx.lang);
  const key = `livechat.alerts.${ctx.me.agentId}`;
  let settings = { ...DEFAULTS, ...JSON.parse(localStorage.getItem(key) || "{}") };

  function checkbox(name, label) {
    const input = el("input", { type: "checkbox", name, checked: settings[name] });
    input.addEventListener("change", () => {
      settings = { ...settings, [name]: input.checked };
      localStorage.setItem(key, JSON.stringify(settings));
    });
    return el("label", { class: "alert-option" }, input, label);
  }
  const element = el("details", { class: "alert-settings" },
    el("summary", {}, t("alertSettings")),
    checkbox("soundNew", t("alertSoundNew")),
    checkbox("soundMessage", t("alertSoundMessage")));
  window.addEventListener("storage", (event) => {
    if (event.key === key) settings = { ...DEFAULTS, ...JSON.parse(event.newValue || "{}") };
  });

  const lookingAt = (id) => id === view.selectedId && view.visible && !document.hidden;

  function alert(kind, conversationId, { sound, title, body }) {
    if (sound) beep(kind);
    let notified = false;
    if (document.hidden && "Notification" in window && Notification.permission === "granted") {
      try {
        // One notification per chat (tag): a newer one replaces the older.
        const notification = new Notification(title, { body, tag: conversationId });
        notification.onclick = () => {
          window.focus();
          if (!location.hash.startsWith("#/chat")) location.hash = "#/chat";
          select(conversationId);
          notification.close?.();
        };
        notified = true;
      } catch {
        /* notifications unavailable here */
      }
    }
    document.dispatchEvent(new CustomEvent(ALERT_EVENT, { detail: { kind, conversationId, sound: Boolean(sound), notified } }));
  }

  ctx.socket.on("chat.assigned", ({ conversation, transfer }) => {
    const name = conversation.customer?.name || ctx.t("customerFallback");
    const kind = transfer ? "transferred" : "new";
    alert(kind, conversation.conversationId, {
      sound: settings.soundNew,
      title: transfer ? t("alertTransferred", { name }) : ctx.t("newChatNotice", { name }),
      body: transfer?.note || "",
    });
  });
  // Registered after chat-events.js: the message is stored and the seen mark moved when this runs.
  ctx.socket.on("message.new", ({ message }) => {
    const conv = chats.get(message.conversationId);
    if (!conv || message.role !== "customer" || lookingAt(message.conversationId)) return;
    const repeated = side.unreadCount(message.conversationId) > 0; // before this one is counted
    side.addUnread(message.conversationId, message.seq);
    alert("message", message.conversationId, {
      sound: repeated ? settings.soundMessage : settings.soundNew,
      title: t("alertMessage", { name: conv.customer?.name || ctx.t("customerFallback") }),
      body: (message.text || "").slice(0, 120),
    });
  });

  return { element };
}
