// Issue #21 in the chat view: team badges (list and header), who transferred the chat shown and their
// note, the accept countdown (chat-accept.js) and the 전환 dialog (chat-transfer.js).
//
// Team names and the accept window come from GET /settings/routing (staff may read it), read at
// start-up, after every reconnect and when a chat of an unknown team arrives. chat.js gives it the
// places to draw in (`teamBadge`, `transferInfo`, `transferButton`, `dialog`) and calls
// `showConversation(c)` and `opened(id)`; chat-side.js asks `itemExtras(c)` for each list item.
import { el } from "../shared/dom.js";
import { createAccept } from "./chat-accept.js";
import { customerName } from "./chat-side.js";
import { createTransferDialog } from "./chat-transfer.js";

/** view: the chat view's state; hooks: {forget(id, message), showNotice(text), renderList(), refreshChats()}. */
export function createRouting(view, { nextId, forget, showNotice, renderList, refreshChats }) {
  const { ctx, t } = view;
  const routing = { teams: new Map(), acceptWindowSeconds: 0, loaded: false };
  let loading = null;

  function load() {
    loading = ctx.api
      .get("/settings/routing")
      .then((settings) => {
        routing.teams = new Map((settings.teams || []).map((team) => [team.id, team.name]));
        routing.acceptWindowSeconds = Number(settings.acceptWindowSeconds) || 0;
        routing.loaded = true;
        renderList();
        if (view.selectedId && view.chats.has(view.selectedId)) showConversation(view.chats.get(view.selectedId));
      })
      .catch(() => {
        /* no badges, no countdown until the next reconnect reads them */
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  const teamName = (teamId) => (teamId ? routing.teams.get(teamId) : undefined);

  function badge(c) {
    const name = teamName(c.teamId);
    if (!name) {
      if (c.teamId && routing.loaded && !loading) load(); // a team added since: its name follows
      return null;
    }
    return el("span", { class: "team-badge", title: t("teamBadge", { name }) },
      el("span", { class: "visually-hidden" }, `${t("team")}: `), name);
  }

  const accept = createAccept(view, { routing, showNotice, renderList, refreshChats });
  const transfer = createTransferDialog({
    ctx,
    nextId,
    teamName,
    onTransferred(conversationId, target) {
      // chat.unassigned may have come first (it is pushed before the answer): say where it went.
      forget(conversationId, null);
      showNotice(t("transferredTo", { target }));
      ctx.toast(t("transferredTo", { target }));
    },
  });

  const teamBadge = el("span", { class: "conv-team" });
  const transferInfo = el("div", { class: "transfer-info hidden", role: "note" });
  const transferButton = el(
    "button",
    { type: "button", class: "transfer-chat", onclick: () => {
      const c = view.chats.get(view.selectedId);
      if (c) transfer.open(c, customerName(t, c));
    } },
    t("transfer"),
  );

  function showConversation(c) {
    const node = badge(c);
    teamBadge.replaceChildren(...(node ? [node] : []));
    // The hop that brought the chat to this agent, with its internal note (never the customer's).
    // The last hop: to this agent, or to a team's queue from which this agent then took it.
    const last = (c.transfers || [])[(c.transfers || []).length - 1];
    const me = ctx.me.agentId;
    // Not a take-over (issue #24): a supervisor who took the chat over moved it themselves.
    const hop = last && c.agentId === me && last.fromAgentId !== me && last.by !== me && (last.toAgentId === me || !last.toAgentId) ? last : null;
    transferInfo.classList.toggle("hidden", !hop);
    // replaceChildren would write a null as the text "null": only the parts there are.
    transferInfo.replaceChildren(
      ...(hop
        ? [el("p", { class: "transfer-from" }, t("transferredIn", { from: hop.by || hop.fromAgentId || "" })),
            hop.note ? el("p", { class: "transfer-note" }, t("transferNoteIn", { note: hop.note })) : null].filter(Boolean)
        : []),
    );
  }

  ctx.socket.on("open", () => {
    load();
  });
  load();

  return {
    teamBadge,
    transferInfo,
    transferButton,
    dialog: transfer.dialog,
    showConversation,
    opened: accept.opened,
    /** The nodes a chat list item gets: its team and, while it waits to be opened, the countdown. */
    itemExtras(c) {
      accept.remember(c);
      const nodes = [badge(c), accept.countdown(c)].filter(Boolean);
      return nodes.length ? [el("span", { class: "chat-item-routing" }, ...nodes)] : [];
    },
  };
}
