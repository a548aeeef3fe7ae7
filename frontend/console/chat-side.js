// The chat view's side column: counts (대기 / 대화중 / 안 읽음), the agent's live chats with unread
// marks, and the queue. Unread marks: the highest seq seen per chat in
// localStorage["livechat.seen.<agentId>"], shared by the agent's tabs (storage events).
import { el, formatTime } from "../shared/dom.js";
import { translator } from "../shared/i18n.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";
import { badgeText, createUnreadStore } from "./unread-store.js";

export const customerName = (t, conv) => conv?.customer?.name || t("customerFallback");

/** view: the chat view's state ({ctx, t, lang, chats, selectedId, visible, waiting, listLoaded}). */
export function createChatSide(view, { thread, select }) {
  const { ctx, t, lang, chats } = view;
  const seenKey = `livechat.seen.${ctx.me.agentId}`;
  let seen = JSON.parse(localStorage.getItem(seenKey) || "{}");
  const unreadSeqs = createUnreadStore(ctx.me.agentId); // the number on each unread mark (issue #22)
  const tp = translator(PRODUCTIVITY_STRINGS, lang);

  const countWaiting = el("span", { class: "count count-waiting" });
  const countActive = el("span", { class: "count count-active" });
  const countUnread = el("span", { class: "count count-unread" });
  const counts = el("div", { class: "chat-counts", role: "status", "aria-live": "polite" }, countWaiting, countActive, countUnread);
  const permissionNotice = el("p", { class: "notice hidden" }, t("noPermission"));
  const list = el("ul", { class: "chat-list", "aria-label": t("chatList") });
  const queueSummary = el("summary", {}, t("queue")); // the count follows once the queue is read
  const queueList = el("ol", { class: "queue-list" });
  const side = el(
    "aside",
    { class: "chat-side" },
    counts,
    permissionNotice,
    el("h2", {}, t("chatList")),
    list,
    el("details", { class: "queue", open: true }, queueSummary, queueList),
  );

  const sortedChats = () => [...chats.values()].sort((a, b) => (a.inboundAt || 0) - (b.inboundAt || 0));
  const isUnread = (conv) => (conv.lastSeq || 0) > (seen[conv.conversationId] || 0);

  function markSeen(id) {
    const conv = chats.get(id);
    if (!conv || !view.visible || document.hidden) return;
    const last = Math.max(conv.lastSeq || 0, thread(id).contiguous);
    if ((seen[id] || 0) >= last) return;
    seen = { ...JSON.parse(localStorage.getItem(seenKey) || "{}"), [id]: last };
    localStorage.setItem(seenKey, JSON.stringify(seen));
    unreadSeqs.prune(seen);
    renderList();
  }
  const unreadCount = (id) => unreadSeqs.count(id, seen[id] || 0);
  function addUnread(id, seq) {
    unreadSeqs.add(id, seq, seen[id] || 0);
    renderList();
  }
  // Another tab read a chat: its marks go here too.
  window.addEventListener("storage", (event) => {
    if (event.key === unreadSeqs.key) return renderList();
    if (event.key !== seenKey) return;
    seen = JSON.parse(event.newValue || "{}");
    renderList();
  });

  function renderCounts() {
    const unread = [...chats.values()].filter(isUnread).length;
    countWaiting.textContent = `${t("countWaiting")} ${view.waiting}`;
    countActive.textContent = `${t("countActive")} ${chats.size}`;
    countUnread.textContent = `${t("countUnread")} ${unread}`;
    countWaiting.dataset.count = String(view.waiting);
    countActive.dataset.count = String(chats.size);
    countUnread.dataset.count = String(unread);
    ctx.emit("unread", { count: unread });
    // The seats in the top bar follow the chats held here (assigned, ended, back to the queue), so
    // they are live without an agent.status push; GET /me after a resync answers the same number.
    if (view.listLoaded) ctx.emit("active-chats", { count: chats.size });
  }

  function renderList() {
    // Chats no longer held (ended, moved) leave the unread store once the list is the server's.
    if (view.listLoaded) unreadSeqs.prune(seen, new Set(chats.keys()));
    const items = sortedChats().map((conv) => {
      const unread = isUnread(conv);
      const count = unread ? unreadCount(conv.conversationId) : 0;
      const button = el(
        "button",
        {
          type: "button",
          class: "chat-item",
          dataset: { conversationId: conv.conversationId },
          "aria-current": conv.conversationId === view.selectedId ? "true" : null,
          onclick: () => select(conv.conversationId),
        },
        el("span", { class: "chat-item-name" }, customerName(t, conv)),
        el("span", { class: "chat-item-time" }, formatTime(conv.lastMessageAt || conv.inboundAt, lang)),
        view.routing ? view.routing.itemExtras(conv) : null, // team badge, accept countdown (chat-routing.js)
        unread
          ? el("span", { class: count ? "unread-mark unread-count" : "unread-mark", title: count ? tp("unreadCount", { n: count }) : t("unread"), dataset: { count: String(count) } },
              count ? el("span", { "aria-hidden": "true" }, badgeText(count)) : null,
              el("span", { class: "visually-hidden" }, count ? tp("unreadCount", { n: count }) : t("unread")))
          : null,
      );
      return el("li", { class: unread ? "unread" : "" }, button);
    });
    list.replaceChildren(...(items.length ? items : [el("li", { class: "chat-empty" }, t("noChats"))]));
    renderCounts();
  }

  async function refreshQueue() {
    try {
      const data = await ctx.api.get("/queue");
      view.waiting = data.waiting;
      queueSummary.textContent = `${t("queue")} (${data.waiting})`;
      queueList.replaceChildren(
        ...(data.chats.length
          ? data.chats.map((c) =>
              el("li", { class: "queue-item", dataset: { conversationId: c.conversationId } },
                t("queueItem", { position: c.position, name: customerName(t, c), time: formatTime(c.inboundAt, lang) })))
          : [el("li", { class: "queue-empty" }, t("queueEmpty"))]),
      );
      renderCounts();
    } catch {
      /* the next queue.changed or reconnect retries */
    }
  }
  let queueTimer = null;
  const refreshQueueSoon = () => {
    clearTimeout(queueTimer);
    queueTimer = setTimeout(refreshQueue, 200);
  };

  return { side, list, permissionNotice, sortedChats, isUnread, markSeen, unreadCount, addUnread, renderCounts, renderList, refreshQueue, refreshQueueSoon };
}
