// 실시간 현황판 (the wallboard, issue #24), pushed, never polled: on every (re)connect the page's socket
// sends `wallboard.subscribe` and gets the whole snapshot as the answer; after that the server pushes
// `wallboard.snapshot` when something shown changes, at most once a second, the last change always
// (docs/protocol.md#wallboard). While the socket is down the page reads GET /admin/presence once and
// says so; the live updates resume with the next connection. Waits tick locally, once a second.
import { el, formatTime } from "/shared/dom.js";
import { errorText, i18n, t } from "./page.js";
import { snapshotOfPresence } from "./wallboard-rules.js";
import { drawAgents, drawCounts, drawTeams, drawToday } from "./wallboard-view.js";

const TICK_MS = 1000; // the longest waits grow on screen between pushes

function layout() {
  const parts = {
    counts: el("dl", { id: "presence-counts", class: "counts" }),
    updated: el("p", { class: "help", id: "presence-updated" }),
    notice: el("p", { class: "status", id: "wallboard-notice", role: "status" }, t("connecting")),
    error: el("p", { class: "status error hidden", role: "alert" }),
    teamsBody: el("tbody", { id: "wallboard-team-rows" }),
    todayTitle: el("h3", { id: "wallboard-today-title" }),
    today: el("dl", { id: "wallboard-today", class: "counts", "aria-labelledby": "wallboard-today-title" }),
    todayNote: el("p", { class: "help hidden", id: "wallboard-today-note" }),
    agents: el("tbody", { id: "presence-rows" }),
  };
  const header = (key) => el("th", { scope: "col" }, t(key));
  parts.teams = el(
    "div",
    { class: "wallboard-teams hidden" },
    el("h3", { id: "wallboard-teams-title" }, t("teamsTitle")),
    el(
      "table",
      { id: "wallboard-teams", "aria-labelledby": "wallboard-teams-title" },
      el("thead", {}, el("tr", {}, header("colTeam"), header("colWaiting"), header("colLongestWait"))),
      parts.teamsBody,
    ),
  );
  parts.node = el(
    "section",
    { id: "presence", class: "card", "aria-labelledby": "presence-title" },
    el("h2", { id: "presence-title" }, t("presenceTitle")),
    parts.notice,
    parts.counts,
    parts.updated,
    parts.error,
    parts.teams,
    parts.todayTitle,
    parts.today,
    parts.todayNote,
    el(
      "table",
      { id: "presence-table", "aria-labelledby": "presence-title" },
      el("thead", {}, el("tr", {}, header("colName"), header("colStatus"), header("colChats"))),
      parts.agents,
    ),
  );
  return parts;
}

export function presenceSection(ctx) {
  const parts = layout();
  let shown = null; // the last snapshot drawn
  let live = false; // shown came from the socket (not the fallback read)
  let fellBack = false; // read once since the last live snapshot: the reconnect attempts read no more
  let ticker = null;

  function draw() {
    const now = Date.now();
    drawCounts(parts.counts, shown, now);
    drawTeams(parts.teams, parts.teamsBody, shown, now);
    drawToday(parts.todayTitle, parts.today, parts.todayNote, shown);
    drawAgents(parts.agents, shown);
  }

  function tick() {
    if (shown) {
      drawCounts(parts.counts, shown, Date.now());
      drawTeams(parts.teams, parts.teamsBody, shown, Date.now());
    }
  }

  function showLive(snapshot) {
    shown = snapshot;
    live = true;
    fellBack = false;
    parts.error.classList.add("hidden");
    parts.notice.classList.add("hidden");
    parts.updated.textContent = t("liveUpdated", { time: formatTime(snapshot.at, i18n.lang, true) });
    draw();
  }

  // The socket is down: one read of GET /admin/presence, said so on screen (no polling: the push comes back
  // with the connection, and its subscribe answers the whole snapshot).
  async function fallBack() {
    live = false;
    try {
      const snapshot = snapshotOfPresence(await ctx.api.get("/admin/presence"));
      if (live) return; // the socket came back first
      shown = snapshot;
      parts.error.classList.add("hidden");
      parts.notice.textContent = t("fallbackNotice", { time: formatTime(snapshot.at, i18n.lang, true) });
      parts.notice.classList.remove("hidden");
      parts.updated.textContent = "";
      draw();
    } catch (failure) {
      parts.error.textContent = t("loadFailed", { message: errorText(failure) });
      parts.error.classList.remove("hidden");
    }
  }

  const subscribe = () => ctx.socket.send("wallboard.subscribe");
  ctx.socket.on("open", subscribe);
  ctx.socket.on("wallboard.snapshot", showLive);
  ctx.socket.on("close", () => {
    if (fellBack) return;
    fellBack = true;
    fallBack();
  });

  return {
    node: parts.node,
    start() {
      clearInterval(ticker);
      ticker = setInterval(tick, TICK_MS);
    },
    // After an account action: a fresh snapshot (the answer to a new subscribe), or one read while offline.
    refresh: () => (ctx.socket.online ? subscribe() : fallBack()),
    stop: () => clearInterval(ticker),
  };
}
