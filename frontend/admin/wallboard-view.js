// 실시간 현황판's parts, each drawn from one `wallboard.snapshot` (docs/protocol.md#wallboard) or the
// fallback read shaped like one (wallboard-rules.js snapshotOfPresence). Text only (dom.js el()).
import { append, clear, el } from "/shared/dom.js";
import { formatDateTime } from "/shared/datetime.js";
import { t } from "./page.js";
import { csatText, longestWaitText, waitText } from "./wallboard-rules.js";

function count(id, label, value) {
  return el("div", { class: `count count-${id}` }, el("dt", {}, label), el("dd", { id: `count-${id}` }, String(value)));
}

/** The headline counts: agents by status, waiting and the longest wait, seats in use against capacity. */
export function drawCounts(node, snapshot, now) {
  append(clear(node), [
    count("online", t("online"), snapshot.counts.online),
    count("break", t("break"), snapshot.counts.break),
    count("offline", t("offline"), snapshot.counts.offline),
    count("waiting", t("waiting"), snapshot.queue.waiting),
    // Only the push knows since when the oldest chat waits (the fallback read does not: left out).
    snapshot.queue.longestWaitSince === undefined
      ? null
      : count("longest", t("longestWait"), longestWaitText(snapshot.queue.longestWaitSince, now, t)),
    count("active", t("activeChatsTotal"), snapshot.activeChats),
    count("capacity", t("capacityUsed"), `${snapshot.activeChats} / ${snapshot.capacity}`),
  ]);
}

/** Waiting per team, by the team's name, with each team's longest wait; hidden without teams. */
export function drawTeams(wrapper, body, snapshot, now) {
  const teams = snapshot.queue.teams || [];
  wrapper.classList.toggle("hidden", !teams.length);
  clear(body);
  for (const team of teams) {
    const key = team.teamId || "none";
    body.append(
      el(
        "tr",
        { dataset: { team: key } },
        el("th", { scope: "row" }, team.teamId ? team.name || team.teamId : t("noTeam")),
        el("td", { id: `count-team-${key}` }, String(team.waiting)),
        el("td", { class: "longest-wait" }, longestWaitText(team.longestWaitSince ?? null, now, t)),
      ),
    );
  }
}

/** Today's figures from the report counters; the fallback read has none and says when they return. */
export function drawToday(title, node, note, snapshot) {
  const today = snapshot.today;
  const date = formatDateTime(today ? today.from : snapshot.at).slice(0, 10);
  title.textContent = t("todayTitle", { date });
  clear(node);
  node.classList.toggle("hidden", !today);
  note.classList.toggle("hidden", Boolean(today));
  note.textContent = today ? "" : t("fallbackToday");
  if (!today) return;
  const firstResponse = today.firstResponseAverageSeconds;
  node.append(
    count("today-in", t("todayIn"), today.chatsIn),
    count("today-answered", t("todayAnswered"), today.answered),
    count("today-abandoned", t("todayAbandoned"), today.abandoned),
    count("today-first-response", t("todayFirstResponse"),
      firstResponse === null || firstResponse === undefined ? t("noValue") : waitText(firstResponse * 1000, t)),
    count("today-csat", t("todayCsat"), csatText(today, t)),
  );
}

/** One row per agent: status and chats against their maximum (text and a meter). */
export function drawAgents(body, snapshot) {
  clear(body);
  if (!snapshot.agents.length) body.append(el("tr", {}, el("td", { colspan: "3" }, t("noAgents"))));
  for (const agent of snapshot.agents) {
    const load = t("chatsOf", { active: agent.activeChats, max: agent.maxChats });
    body.append(
      el(
        "tr",
        { dataset: { agent: agent.agentId, status: agent.status } },
        el("th", { scope: "row" }, agent.displayName, agent.chatPermission ? "" : el("span", { class: "sub" }, t("noPermission"))),
        el("td", {}, el("span", { class: `badge status-${agent.status}` }, t(agent.status))),
        el(
          "td",
          {},
          el("span", { class: "load" }, load),
          el("meter", {
            min: "0",
            max: String(Math.max(1, agent.maxChats)),
            value: String(agent.activeChats),
            "aria-label": t("chatsMeter", { name: agent.displayName, active: agent.activeChats, max: agent.maxChats }),
          }),
        ),
      ),
    );
  }
}
