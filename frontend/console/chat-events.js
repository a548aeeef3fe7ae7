// The chat view's server pushes (socket) and page events (ctx.bus). `chat` is the view's API (chat.js).
import { describeError } from "../shared/errors.js";
import { MESSAGE_MAX } from "./chat-composer.js";

export function listenToChatEvents(view, chat) {
  const { ctx, t, lang, chats } = view;
  const { socket, bus } = ctx;
  const { side, threads } = chat;

  socket.on("chat.assigned", ({ conversation }) => {
    chats.set(conversation.conversationId, conversation);
    side.renderList();
    ctx.emit("assigned", conversation);
    side.refreshQueueSoon();
  });
  socket.on("chat.updated", ({ conversation }) => {
    if (!chats.has(conversation.conversationId)) return;
    chats.set(conversation.conversationId, { ...chats.get(conversation.conversationId), ...conversation });
    if (conversation.conversationId === view.selectedId) chat.showConversation();
    side.renderList();
  });
  socket.on("chat.unassigned", ({ conversationId, reason }) => {
    chat.forget(conversationId, t(reason === "transferred" ? "transferredAway" : "unassigned"));
    side.refreshQueueSoon();
  });
  socket.on("chat.ended", ({ conversationId, endedBy, endReason }) => {
    if (!chats.has(conversationId)) return;
    const reason = { idle: "endedIdle", closed: "endedClosedHours" }[endReason];
    chat.forget(conversationId, t(reason || (endedBy === "customer" ? "endedByCustomer" : "ended")));
  });
  socket.on("message.new", ({ message }) => {
    if (!chats.has(message.conversationId)) return;
    const th = threads.thread(message.conversationId);
    const gap = th.loaded && message.seq > th.contiguous + 1;
    threads.addMessage(message);
    if (message.role === "customer" && message.conversationId === view.selectedId) chat.composer.showTyping(false);
    if (gap) threads.sync(message.conversationId);
    if (message.conversationId === view.selectedId) chat.drawMessages();
    side.renderList();
  });
  socket.on("message.ack", ({ message }) => {
    if (!message || !chats.has(message.conversationId)) return;
    threads.addMessage(message);
    if (message.conversationId === view.selectedId) chat.drawMessages();
    side.renderList();
  });
  socket.on("error", (frame) => {
    if (!frame.clientMessageId) return;
    for (const th of threads.threads.values()) {
      const pending = th.pending.get(frame.clientMessageId);
      if (pending) {
        pending.failed = true;
        // The server's reason in the console's language (too_long with the limit), else the translated error.
        ctx.toast(frame.code === "too_long" ? t("sendTooLong", { max: chat.composer.number(MESSAGE_MAX) }) : t("sendFailed", { message: describeError(frame, lang) }));
      }
    }
    chat.drawMessages();
  });
  socket.on("typing", ({ conversationId, role, isTyping }) => {
    if (role === "customer" && conversationId === view.selectedId) chat.composer.showTyping(isTyping);
  });
  socket.on("rating.submitted", ({ conversationId, rating, comment }) => {
    const conv = chats.get(conversationId);
    if (!conv) return;
    chats.set(conversationId, { ...conv, rating, ratingComment: comment });
    if (conversationId === view.selectedId) chat.renderRating(chats.get(conversationId));
    ctx.toast(t("ratingArrived", { rating: t(`rating_${rating}`) }));
  });
  socket.on("queue.changed", ({ waiting: count }) => {
    view.waiting = count;
    side.renderCounts();
    side.refreshQueueSoon();
  });
  socket.on("open", () => {
    // A frame written into a dying connection is lost without an error: send every message still
    // waiting for its ack again. The same clientMessageId makes the server return the stored one.
    for (const th of threads.threads.values()) {
      for (const m of th.pending.values()) {
        if (!m.failed) socket.send("message.send", { conversationId: m.conversationId, clientMessageId: m.clientMessageId, text: m.text });
      }
    }
    chat.refreshChats().catch(() => {});
    side.refreshQueue();
  });

  bus.addEventListener("me", (event) => {
    side.permissionNotice.classList.toggle("hidden", event.detail.chatPermission !== false);
    side.refreshQueueSoon();
  });
  bus.addEventListener("settings", () => {
    if (view.selectedId) {
      chat.fillTypeOptions(chats.get(view.selectedId));
      chat.counselForm.fill(chats.get(view.selectedId).counsel || {}, false);
    }
    chat.drawMessages();
  });
  bus.addEventListener("message-updated", ({ detail: message }) => {
    const th = threads.threads.get(message.conversationId);
    if (!th || !th.messages.has(message.seq)) return;
    th.messages.set(message.seq, message);
    if (message.conversationId === view.selectedId) chat.drawMessages();
  });
  bus.addEventListener("shortcut", ({ detail }) => {
    if (detail === "next") chat.move(1);
    else if (detail === "previous") chat.move(-1);
    else if (detail === "focus-input" && view.selectedId) chat.composer.input.focus();
  });
  bus.addEventListener("open-first-unread", () => {
    const first = side.sortedChats().find(side.isUnread) || side.sortedChats()[0];
    if (first) chat.select(first.conversationId);
  });
  document.addEventListener("visibilitychange", () => {
    if (view.selectedId) side.markSeen(view.selectedId);
  });
}
