// 실시간 현황 (GET /admin/presence): online/break/offline counts, waiting chats (all and per team) and active chats, each
// agent's status and `active / max`. Polled every 5 s while the tab is visible (no WebSocket event
// tells admins about other agents' presence), at once when it becomes visible and on queue.changed /
// agent.status if this admin's socket gets them.
import { clear, el, formatTime } from "/shared/dom.js";
import { PRESENCE_POLL_MS, errorText, i18n, t } from "./page.js";

export function presenceSection(ctx) {
  const counts = el("dl", { id: "presence-counts", class: "counts" });
  const updated = el("p", { class: "help", id: "presence-updated" });
  const body = el("tbody", { id: "presence-rows" });
  const error = el("p", { class: "status error hidden", role: "alert" });
  let timer = null;
  let inFlight = false;

  function count(id, label, value) {
    return el("div", { class: `count count-${id}` }, el("dt", {}, label), el("dd", { id: `count-${id}` }, String(value)));
  }

  async function refresh() {
    if (inFlight) return;
    inFlight = true;
    try {
      const data = await ctx.api.get("/admin/presence");
      error.classList.add("hidden");
      clear(counts);
      counts.append(
        count("online", t("online"), data.counts.online),
        count("break", t("break"), data.counts.break),
        count("offline", t("offline"), data.counts.offline),
        count("waiting", t("waiting"), data.queue.waiting),
        // Per team (issue #21), named as the routing settings name them.
        ...Object.entries(data.queue.teams || {}).map(([teamId, waiting]) =>
          count(`team-${teamId}`, t("waitingInTeam", { team: data.queue.teamNames?.[teamId] || teamId }), waiting),
        ),
        count("active", t("activeChatsTotal"), data.activeChats),
      );
      clear(body);
      if (!data.agents.length) body.append(el("tr", {}, el("td", { colspan: "3" }, t("noAgents"))));
      for (const agent of data.agents) {
        body.append(
          el(
            "tr",
            { dataset: { agent: agent.agentId, status: agent.status } },
            el("th", { scope: "row" }, agent.displayName, agent.chatPermission ? "" : el("span", { class: "sub" }, t("noPermission"))),
            el("td", {}, el("span", { class: `badge status-${agent.status}` }, t(agent.status))),
            el("td", {}, t("chatsOf", { active: agent.activeChats, max: agent.maxChats })),
          ),
        );
      }
      updated.textContent = t("updatedAt", { time: formatTime(data.at, i18n.lang, true) });
    } catch (failure) {
      error.textContent = t("loadFailed", { message: errorText(failure) });
      error.classList.remove("hidden");
    } finally {
      inFlight = false;
    }
  }

  // No presence push reaches admins, so poll while the page is visible; the events an online
  // admin does receive (queue.changed, agent.status) refresh at once.
  function schedule() {
    clearInterval(timer);
    timer = document.visibilityState === "visible" ? setInterval(refresh, PRESENCE_POLL_MS) : null;
  }
  document.addEventListener("visibilitychange", () => {
    schedule();
    if (document.visibilityState === "visible") refresh();
  });
  ctx.socket.on("queue.changed", refresh);
  ctx.socket.on("agent.status", refresh);

  const node = el(
    "section",
    { id: "presence", class: "card", "aria-labelledby": "presence-title" },
    el("h2", { id: "presence-title" }, t("presenceTitle")),
    counts,
    updated,
    error,
    el(
      "table",
      { id: "presence-table", "aria-labelledby": "presence-title" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("colName")), el("th", { scope: "col" }, t("colStatus")), el("th", { scope: "col" }, t("colChats")))),
      body,
    ),
  );
  return {
    node,
    start() {
      refresh();
      schedule();
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}

