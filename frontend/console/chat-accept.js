// The accept window (issue #21) in the chat list: a chat assigned to this agent that they have neither
// opened nor answered since the assignment shows how long is left (assignedAt + acceptWindowSeconds);
// showing it sends `chat.open`, which stops the window. When the window ran out (`chat.missed`), the
// chat has gone to another agent and the agent is on 휴식: a notice says both.
import { el } from "../shared/dom.js";
import { customerName } from "./chat-side.js";

/** When the chat must be opened by (epoch ms), or null when no countdown applies (pure). */
export function acceptDeadline(c, acceptWindowSeconds) {
  if (!acceptWindowSeconds || !c || c.state !== "active" || !c.assignedAt) return null;
  // Opened or answered since this assignment: taken up (activity before it was the previous agent's).
  if ((c.agentOpenedAt || 0) >= c.assignedAt || (c.agentActiveAt || 0) >= c.assignedAt) return null;
  return c.assignedAt + acceptWindowSeconds * 1000;
}

/** "m:ss" for the time left (never below 0:00). */
export function formatLeft(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function createAccept(view, { routing, showNotice, renderList, refreshChats }) {
  const { ctx, t, chats } = view;
  const names = new Map(); // conversationId → customer name: chat.missed may come after the chat left the list
  const asked = new Set(); // chat.open sent for this assignment (conversationId#assignedAt)
  const reread = new Set(); // deadlines passed once: the list was read again

  function label(span, deadline) {
    const left = deadline - Date.now();
    const overdue = left <= 0;
    span.classList.toggle("overdue", overdue);
    // chat.opened goes to the tab that opened the chat only: another tab of the agent learns it from
    // the list, read once when the time is up (the chat is then gone, or opened, or still waiting).
    if (overdue && !reread.has(span.dataset.deadline + span.dataset.conversationId)) {
      reread.add(span.dataset.deadline + span.dataset.conversationId);
      refreshChats().catch(() => {});
    }
    span.textContent = overdue ? t("acceptOverdue") : t("acceptCountdown", { time: formatLeft(left) });
    span.title = overdue ? t("acceptOverdue") : t("acceptCountdownLabel", { time: formatLeft(left) });
  }

  function countdown(c) {
    const deadline = acceptDeadline(c, routing.acceptWindowSeconds);
    if (deadline === null) return null;
    const span = el("span", { class: "accept-countdown", dataset: { deadline: String(deadline), conversationId: c.conversationId } });
    label(span, deadline);
    return span;
  }

  // One timer for every countdown drawn: only the texts change, the list is not redrawn.
  setInterval(() => {
    for (const span of document.querySelectorAll(".accept-countdown[data-deadline]")) label(span, Number(span.dataset.deadline));
  }, 1000);

  function opened(id) {
    const c = chats.get(id);
    if (acceptDeadline(c, routing.acceptWindowSeconds) === null && routing.loaded) return;
    if (!c || c.state !== "active" || !c.assignedAt) return;
    const key = `${id}#${c.assignedAt}`;
    if (asked.has(key)) return;
    asked.add(key);
    ctx.socket.send("chat.open", { conversationId: id });
  }

  ctx.socket.on("chat.opened", ({ conversationId, agentOpenedAt }) => {
    const c = chats.get(conversationId);
    if (!c || !agentOpenedAt) return;
    chats.set(conversationId, { ...c, agentOpenedAt });
    renderList();
  });
  ctx.socket.on("chat.missed", ({ conversationId, acceptWindowSeconds }) => {
    const name = names.get(conversationId) || t("customerFallback");
    const text = t("missedNotice", { name, seconds: acceptWindowSeconds ?? routing.acceptWindowSeconds });
    showNotice(text);
    ctx.toast(text);
  });

  return {
    countdown,
    opened,
    remember(c) {
      names.set(c.conversationId, customerName(t, c));
    },
  };
}
