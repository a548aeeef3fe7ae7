// The watched chat of the 모니터링 view (issue #24): read-only, with a banner saying so. `chat.watch`
// joins this tab to the chat's staff pushes and answers `chat.watching` with the transcript; then
// `message.new` (both sides, notes and whispers), system lines (agent changes) and `chat.ended`
// arrive as they happen. Messages are kept by seq (a push and the transcript may hold the same
// one); a gap is read again over REST. The whisper box saves an internal note (the server marks a
// supervisor's note on another agent's chat as a whisper: only staff ever get it). 인수 / Take over
// asks first, then POST /chats/{id}/takeover: the chat becomes the supervisor's own.
import { el, keepTabInside } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { translator } from "../shared/i18n.js";
import { checkNote, NOTE_MAX } from "./chat-notes.js";
import { renderMessages } from "./messages.js";
import { SUPERVISION_STRINGS } from "./supervision-strings.js";

const REFRESHING_CODES = new Set(["agent_changed", "agent_joined", "returned_to_queue"]);
let ids = 0;
const nextId = (prefix) => `${prefix}-${++ids}`;

/** The take-over confirmation: a modal dialog (Esc or 취소 closes it, focus stays inside). */
function takeOverDialog(t, onConfirm) {
  const titleId = nextId("takeover-title");
  const text = el("p", { class: "takeover-text" });
  const error = el("p", { class: "field-error", role: "alert" });
  const confirm = el("button", { type: "submit", class: "primary" }, t("takeOverConfirm"));
  const dialog = keepTabInside(el("dialog", { class: "takeover-dialog", "aria-labelledby": titleId }));
  const form = el("form", { method: "dialog", novalidate: true },
    el("h2", { id: titleId }, t("takeOverTitle")), text, error,
    el("div", { class: "form-actions" }, confirm, el("button", { type: "button", onclick: () => dialog.close() }, t("cancel"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    error.textContent = "";
    try {
      await onConfirm();
      dialog.close();
    } catch (err) {
      error.textContent = err.message;
    } finally {
      confirm.disabled = false;
    }
  });
  dialog.append(form);
  return {
    dialog,
    open(agentName) {
      text.textContent = t("takeOverText", { agent: agentName });
      error.textContent = "";
      dialog.showModal();
      confirm.focus();
    },
  };
}

export function createWatchPanel(ctx, { teamName, onTakenOver, onLeft }) {
  const t = translator(SUPERVISION_STRINGS, ctx.lang);
  const state = { id: null, conv: null, messages: new Map(), ended: false };
  const headerId = nextId("monitor-header");
  const header = el("h2", { id: headerId, class: "monitor-header" });
  const notice = el("p", { class: "monitor-notice hidden", role: "status" });
  const list = el("ol", { class: "messages monitor-messages", "aria-live": "polite", "aria-label": t("transcript"), tabindex: "0" });
  const inputId = nextId("whisper");
  const input = el("textarea", { id: inputId, name: "whisper", rows: 2, autocomplete: "off" });
  const error = el("p", { class: "field-error", role: "alert" });
  const send = el("button", { type: "submit" }, t("whisperSend"));
  const whisper = el("form", { class: "whisper-form", novalidate: true },
    el("label", { for: inputId }, t("whisperLabel")), input, error, el("div", { class: "form-actions" }, send));
  const takeOver = el("button", { type: "button", class: "primary takeover-button" }, t("takeOver"));
  const stop = el("button", { type: "button", class: "stop-watching" }, t("stopWatching"));
  const confirmDialog = takeOverDialog(t, confirmTakeOver);
  const banner = el("div", { class: "monitor-banner", role: "note" },
    el("strong", {}, t("readOnly")), el("span", {}, t("readOnlyHint")));
  const body = el("div", { class: "monitor-body hidden" },
    banner, el("div", { class: "monitor-head" }, header, el("div", { class: "monitor-actions" }, takeOver, stop)),
    notice, list, whisper);
  const empty = el("p", { class: "monitor-empty" }, t("pickChat"));
  const element = el("section", { class: "monitor-chat", "aria-labelledby": headerId }, empty, body, confirmDialog.dialog);

  function agentName() {
    return state.conv?.agentName || t("agentFallback");
  }
  function render() {
    const conv = state.conv;
    if (!conv) return;
    const customer = conv.customer?.name || t("customerFallback");
    const team = conv.teamId ? teamName(conv.teamId) : t("noTeam");
    header.textContent = t("watchedHeader", { customer, agent: conv.agentId ? agentName() : t("noAgent"), team });
    const ordered = [...state.messages.values()].sort((a, b) => a.seq - b.seq);
    const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    renderMessages(list, ordered, ctx, state.id);
    if (atEnd) list.scrollTop = list.scrollHeight;
    const live = !state.ended;
    takeOver.disabled = !live || conv.state !== "active" || conv.agentId === ctx.me.agentId;
    input.disabled = send.disabled = !live;
  }
  function say(text) {
    notice.textContent = text;
    notice.classList.toggle("hidden", !text);
  }
  function add(messages) {
    for (const m of messages) state.messages.set(m.seq, m);
  }
  async function catchUp() {
    const held = [...state.messages.keys()].sort((a, b) => a - b);
    let after = 0;
    for (const seq of held) if (seq === after + 1) after = seq;
    const page = await ctx.api.get(`/chats/${encodeURIComponent(state.id)}/messages?afterSeq=${after}`);
    add(page.messages);
    render();
  }
  async function refreshConversation() {
    state.conv = await ctx.api.get(`/chats/${encodeURIComponent(state.id)}`);
    render();
  }

  function watch(id) {
    if (state.id && state.id !== id) ctx.socket.send("chat.unwatch", { conversationId: state.id });
    Object.assign(state, { id, conv: null, messages: new Map(), ended: false });
    list.replaceChildren();
    input.value = error.textContent = "";
    say("");
    empty.classList.add("hidden");
    body.classList.remove("hidden");
    header.textContent = t("watching");
    ctx.socket.send("chat.watch", { conversationId: id });
  }
  function leave() {
    if (state.id) ctx.socket.send("chat.unwatch", { conversationId: state.id });
    state.id = state.conv = null;
    body.classList.add("hidden");
    empty.classList.remove("hidden");
    onLeft();
  }

  async function confirmTakeOver() {
    try {
      const conv = await ctx.api.post(`/chats/${encodeURIComponent(state.id)}/takeover`, {});
      state.conv = conv;
      onTakenOver(conv);
    } catch (err) {
      const own = err.code && SUPERVISION_STRINGS.ko[`takeover_${err.code}`] ? t(`takeover_${err.code}`) : null;
      throw new Error(t("takeOverFailed", { message: own || describeError(err, ctx.lang) }), { cause: err });
    }
  }
  async function saveWhisper(event) {
    event.preventDefault();
    const checked = checkNote(input.value);
    if (checked.reason) {
      error.textContent = checked.reason === "blank" ? t("whisperBlank") : t("whisperLong", { max: NOTE_MAX.toLocaleString(ctx.lang) });
      input.focus();
      return;
    }
    send.disabled = true;
    error.textContent = "";
    try {
      const note = await ctx.api.post(`/chats/${encodeURIComponent(state.id)}/notes`, { text: checked.text, clientMessageId: `w-${crypto.randomUUID()}` });
      add([note]);
      input.value = "";
      render();
      ctx.toast(t("whisperSent"));
    } catch (err) {
      error.textContent = t("whisperFailed", { message: describeError(err, ctx.lang) });
    } finally {
      send.disabled = state.ended;
    }
  }

  whisper.addEventListener("submit", saveWhisper);
  takeOver.addEventListener("click", () => confirmDialog.open(agentName()));
  stop.addEventListener("click", leave);
  listenToWatchedChat(ctx, state, { add, render, say, catchUp, refreshConversation, t });
  return { element, watch, leave, watchedId: () => state.id };
}

/** The pushes and reconnects that keep the watched chat current (`state` is the panel's). */
function listenToWatchedChat(ctx, state, { add, render, say, catchUp, refreshConversation, t }) {
  ctx.socket.on("chat.watching", (frame) => {
    if (frame.conversationId !== state.id) return;
    state.conv = frame.conversation;
    add(frame.messages);
    render();
    if (frame.hasMore) catchUp().catch(() => {});
  });
  ctx.socket.on("message.new", ({ message }) => {
    if (!state.id || message.conversationId !== state.id) return;
    const highest = Math.max(0, ...state.messages.keys());
    add([message]);
    render();
    if (message.seq > highest + 1) catchUp().catch(() => {});
    if (REFRESHING_CODES.has(message.systemCode)) {
      say(t("agentChanged"));
      refreshConversation().catch(() => {});
    }
  });
  ctx.socket.on("chat.ended", ({ conversationId }) => {
    if (conversationId !== state.id) return;
    state.ended = true;
    say(t("watchEnded"));
    render();
  });
  ctx.socket.on("error", (frame) => {
    if (frame.action !== "chat.watch" || !state.id) return;
    state.ended = frame.code === "conversation_ended";
    say(t("watchFailed", { message: describeError(frame, ctx.lang) }));
    render();
  });
  // A new connection watches nothing: watch again after every reconnect (the transcript fills any gap).
  ctx.socket.on("open", () => {
    if (state.id && !state.ended) ctx.socket.send("chat.watch", { conversationId: state.id });
  });

}
