// The chat screen (S-1, S-3, S-4, S-6): the agent's live chats with counts and unread marks, the
// queue, one conversation (history, live messages, sending, the customer's typing), customer and
// counsel info with validation, 티켓 만들기 with the transcript, 평가, 대화 종료.
//
// Consistency: every tab of the agent receives the same pushes; messages are kept by `seq` (a
// message already shown is dropped), and after any reconnect or a gap in `seq` the conversation is
// re-read from the last contiguous seq (GET /chats/{id}/messages?afterSeq=N), so nothing is lost or
// shown twice. The agent's own messages show at once as pending and are matched by clientMessageId.
//
// The view's parts: chat-side.js (counts, list, queue), chat-threads.js (messages by seq),
// chat-composer.js (the message box, typing), record-forms.js (customer/counsel info),
// chat-ticket.js (티켓 만들기), chat-events.js (pushes and page events). This module holds the
// state they share (`view`) and the conversation shown.
import { ApiError } from "../shared/api.js";
import { el, formatTime } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { ChatList } from "./chat-list.js";
import { createChatSide, customerName } from "./chat-side.js";
import { createRouting } from "./chat-routing.js";
import { createComposer } from "./chat-composer.js";
import { createCannedSearch } from "./chat-canned.js";
import { createNoteMode } from "./chat-notes.js";
import { createAttachments } from "./chat-attachments.js";
import { createAlerts } from "./alerts.js";
import { createReadMarks } from "./read-marks.js";
import { listenToChatEvents } from "./chat-events.js";
import { createThreads } from "./chat-threads.js";
import { createTicketDialog, typeOptions } from "./chat-ticket.js";
import { renderMessages } from "./messages.js";
import { counselFields, customerFields, liveRecordForm } from "./record-forms.js";

let idCounter = 0;
const nextId = (prefix) => `${prefix}-${++idCounter}`;

export function mount(container, ctx) {
  const view = {
    ctx,
    t: ctx.t,
    lang: ctx.lang,
    chats: new ChatList(), // conversationId → conversation summary (GET /agent/chats, pushes)
    selectedId: null,
    waiting: 0,
    visible: false,
    listLoaded: false, // until GET /agent/chats answered once, chats.size is not the seat count
  };
  const chat = createChatView(view, container);
  listenToChatEvents(view, chat);
  // Issue #22's parts. "/" before the note mode: its check of a send comes first.
  createCannedSearch(view, chat.composer);
  createNoteMode(view, chat.composer, {
    onSaved: (note) => {
      chat.threads.addMessage(note);
      if (note.conversationId === view.selectedId) chat.drawMessages();
    },
  });
  createAttachments(view, chat.composer); // issue #23: the paperclip, paste, drop
  // After chat-events.js: their push listeners run once a message is stored.
  chat.side.side.append(createAlerts(view, { side: chat.side, select: chat.select }).element);
  createReadMarks(view, { list: chat.messageList, thread: chat.threads.thread });

  chat.side.permissionNotice.classList.toggle("hidden", ctx.me.chatPermission !== false);
  chat.side.renderList();
  chat.refreshChats().catch(() => {});
  chat.side.refreshQueue();

  return {
    show() {
      view.visible = true;
      if (view.selectedId) chat.side.markSeen(view.selectedId);
      else {
        const first = chat.side.sortedChats().find(chat.side.isUnread);
        if (first) chat.select(first.conversationId);
      }
    },
    hide() {
      view.visible = false;
    },
  };
}

/** The conversation pane: title, actions, messages, composer; and the notice above it. */
function conversationLayout(view, composer, actions, routing) {
  const { ctx, t } = view;
  const title = el("h2", { class: "conv-title", id: nextId("conv-title") });
  const meta = el("p", { class: "conv-meta" });
  const rateButton = el("button", { type: "button", class: "rate", onclick: () => actions.requestRating() }, t("rate"));
  const ticketButton = el("button", { type: "button", class: "create-ticket", onclick: () => actions.openTicketForm() }, t("createTicket"));
  const endButton = el("button", { type: "button", class: "danger end-chat", onclick: () => actions.endChat() }, t("endChat"));
  const buttons = el("div", { class: "conv-actions" }, ctx.masking.button, routing.transferButton, rateButton, ticketButton, endButton);
  const messageList = el("ol", { class: "messages", "aria-live": "polite", "aria-labelledby": title.id, tabindex: "0" });
  const notice = el("p", { class: "conv-notice notice hidden", role: "status" });
  const empty = el("p", { class: "conv-empty" }, t("selectChat"));
  const pane = el(
    "section",
    { class: "conversation hidden", "aria-labelledby": title.id },
    el("header", { class: "conv-header" }, el("div", {}, el("div", { class: "conv-title-row" }, title, routing.teamBadge), meta), buttons),
    routing.transferInfo,
    messageList,
    composer.typingLine,
    composer.composer,
  );
  const center = el("div", { class: "conv-column" }, notice, empty, pane);
  const showNotice = (text) => {
    notice.textContent = text;
    notice.classList.remove("hidden");
  };
  return { title, meta, rateButton, messageList, notice, empty, pane, center, showNotice };
}

/** The info column: customer info, counsel info (record-forms.js) and the rating. */
function infoLayout(view, { currentId, onSaved }) {
  const { ctx, t, lang } = view;
  const common = { t, lang, api: ctx.api, currentId, onSaved };
  const customerForm = liveRecordForm({ ...common, kind: "customer", heading: t("customerInfo"), fields: customerFields(t) });
  const inquirySelect = el("select", { name: "inquiryType" });
  const processingSelect = el("select", { name: "processingType" });
  const counselForm = liveRecordForm({ ...common, kind: "counsel", heading: t("counselInfo"), fields: counselFields(t, inquirySelect, processingSelect) });
  const ratingBox = el("div", { class: "rating-box", role: "status" });
  const pane = el(
    "aside",
    { class: "chat-info hidden" },
    customerForm.form,
    counselForm.form,
    el("section", { class: "rating-section" }, el("h3", {}, t("rating")), ratingBox),
  );
  return { customerForm, counselForm, inquirySelect, processingSelect, ratingBox, pane };
}

function createChatView(view, container) {
  const { ctx, t, lang, chats } = view;
  const threads = createThreads({
    api: ctx.api,
    chats,
    onSynced: (id) => {
      if (id === view.selectedId) drawMessages();
      side.renderList();
    },
  });
  // Issue #21 (chat-routing.js): team badges, the accept countdown, 전환; chat-side.js asks view.routing.
  const routing = (view.routing = createRouting(view, { nextId, forget, showNotice: (text) => conv.showNotice(text), renderList: () => side.renderList(), refreshChats }));
  const side = createChatSide(view, { thread: threads.thread, select });
  const composer = createComposer(view, { nextId, send });
  const actions = createActions(view, { threads, forget, renderRatingOf: (id) => renderRating(chats.get(id)) });
  const conv = conversationLayout(view, composer, actions, routing);
  const info = infoLayout(view, {
    currentId: () => view.selectedId,
    onSaved: (id, saved) => {
      if (chats.has(id)) chats.set(id, { ...chats.get(id), ...saved });
      if (id === view.selectedId) showConversation();
      side.renderList();
    },
  });
  const ticketDialog = createTicketDialog({
    ctx,
    nextId,
    messagesOf: (id) => threads.ordered(id, false),
    onCreated: (ticket) => {
      conv.notice.replaceChildren(t("ticketCreated"), " ", el("a", { href: `#/tickets/${encodeURIComponent(ticket.ticketId)}`, class: "ticket-link" }, t("openTicket")));
      conv.notice.classList.remove("hidden");
    },
  });
  actions.ticketDialog = ticketDialog;
  container.append(el("div", { class: "chat-screen" }, side.side, conv.center, info.pane), ticketDialog.dialog, routing.dialog);

  async function refreshChats() {
    const mark = chats.mark();
    const data = await ctx.api.get("/agent/chats");
    chats.apply(mark, data.chats, { forget: (id) => forget(id, null) });
    view.waiting = data.counts.waiting;
    view.listLoaded = true;
    side.renderList();
    // Resync every conversation read so far: the socket may have missed pushes while down.
    for (const id of threads.threads.keys()) if (chats.has(id) && threads.thread(id).loaded) threads.sync(id);
    if (view.selectedId && chats.has(view.selectedId)) showConversation();
  }

  function drawMessages() {
    if (!view.selectedId) return;
    const th = threads.thread(view.selectedId);
    const list = conv.messageList;
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    renderMessages(list, threads.ordered(view.selectedId), ctx, view.selectedId);
    if (nearBottom || th.scrollToEnd) list.scrollTop = list.scrollHeight;
    th.scrollToEnd = false;
    side.markSeen(view.selectedId);
  }

  function send(text) {
    const c = chats.get(view.selectedId);
    if (!c) return;
    const clientMessageId = `a-${crypto.randomUUID()}`;
    const th = threads.thread(c.conversationId);
    th.pending.set(clientMessageId, {
      conversationId: c.conversationId,
      clientMessageId,
      text,
      role: "agent",
      kind: "text",
      senderName: ctx.me.displayName || ctx.user.name,
      createdAt: Date.now(),
      pending: true,
    });
    th.scrollToEnd = true;
    drawMessages();
    ctx.socket.send("message.send", { conversationId: c.conversationId, clientMessageId, text });
    composer.stopTyping();
  }

  function select(id) {
    if (!chats.has(id)) return;
    if (view.selectedId !== id) composer.stopTyping();
    view.selectedId = id;
    conv.notice.classList.add("hidden");
    composer.showTyping(false);
    showConversation(true);
    side.renderList();
    const th = threads.thread(id);
    th.scrollToEnd = true;
    drawMessages();
    if (!th.loaded) threads.sync(id);
    routing.opened(id); // shown to its agent: stops the accept window (chat.open)
  }

  function showConversation(reset = false) {
    const c = chats.get(view.selectedId);
    conv.empty.classList.toggle("hidden", Boolean(c));
    conv.pane.classList.toggle("hidden", !c);
    info.pane.classList.toggle("hidden", !c);
    if (!c) return;
    conv.title.textContent = customerName(t, c);
    conv.meta.textContent = [t("inboundAt", { time: formatTime(c.inboundAt, lang, true) }), c.customer?.email].filter(Boolean).join(" · ");
    info.customerForm.fill(c.customer || {}, reset);
    fillTypeOptions(c);
    info.counselForm.fill(c.counsel || {}, reset);
    renderRating(c);
    routing.showConversation(c);
  }

  function forget(id, message) {
    chats.delete(id);
    threads.threads.delete(id);
    if (view.selectedId === id) {
      composer.stopTyping();
      view.selectedId = null;
      showConversation();
      if (message) {
        conv.notice.textContent = message;
        conv.notice.classList.remove("hidden");
      }
    }
    side.renderList();
  }

  function move(step) {
    const ordered = side.sortedChats();
    if (!ordered.length) return;
    const at = ordered.findIndex((c) => c.conversationId === view.selectedId);
    const next = at < 0 ? (step > 0 ? 0 : ordered.length - 1) : (at + step + ordered.length) % ordered.length;
    select(ordered[next].conversationId);
    side.list.querySelector(`[data-conversation-id="${CSS.escape(ordered[next].conversationId)}"]`)?.focus();
  }

  function fillTypeOptions(c) {
    typeOptions(t, info.inquirySelect, ctx.settings.inquiryTypes || [], c.counsel?.inquiryType);
    typeOptions(t, info.processingSelect, ctx.settings.processingTypes || [], c.counsel?.processingType);
  }

  function renderRating(c) {
    info.ratingBox.replaceChildren(...ratingNodes(t, lang, c));
    conv.rateButton.disabled = Boolean(c.rating);
  }

  return {
    side, threads, composer, counselForm: info.counselForm, messageList: conv.messageList,
    refreshChats, drawMessages, select, showConversation, forget, move, fillTypeOptions, renderRating,
  };
}

/** The rating box's content: the rating and comment, the time it was asked, or that there is none. */
function ratingNodes(t, lang, c) {
  if (c.rating) {
    const value = el("p", { class: `rating-value rating-${c.rating}` }, t(`rating_${c.rating}`));
    return c.ratingComment ? [value, el("p", { class: "rating-comment" }, t("ratingComment", { comment: c.ratingComment }))] : [value];
  }
  if (c.ratingRequestedAt) return [el("p", { class: "rating-requested" }, t("rateRequested", { time: formatTime(c.ratingRequestedAt, lang) }))];
  return [el("p", { class: "rating-none" }, t("ratingNone"))];
}

/** 평가 요청, 티켓 만들기, 대화 종료 on the chat shown. */
function createActions(view, { threads, forget, renderRatingOf }) {
  const { ctx, t, lang, chats } = view;
  const actions = {
    ticketDialog: null,
    async requestRating() {
      const id = view.selectedId;
      try {
        const c = await ctx.api.post(`/chats/${encodeURIComponent(id)}/rating-request`);
        if (chats.has(id)) chats.set(id, { ...chats.get(id), ...c });
        if (id === view.selectedId) renderRatingOf(id);
      } catch (err) {
        ctx.toast(t("rateFailed", { message: describeError(err, lang) }));
      }
    },
    async endChat() {
      const id = view.selectedId;
      if (!id || !window.confirm(t("endConfirm"))) return;
      try {
        await ctx.api.post(`/chats/${encodeURIComponent(id)}/end`);
        forget(id, t("ended"));
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) forget(id, t("ended"));
        else ctx.toast(t("endFailed", { message: describeError(err, lang) }));
      }
    },
    async openTicketForm() {
      const c = chats.get(view.selectedId);
      if (!c) return;
      await threads.sync(c.conversationId);
      actions.ticketDialog.open(c);
    },
  };
  return actions;
}
