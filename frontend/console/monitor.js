// 모니터링 view (`#/monitor`, issue #24; supervisors and admins only, nav 모니터링 / Monitoring,
// `Alt+5`): every live chat (GET /supervision/chats: customer, state, agent, team, waiting time),
// read again every 10 s while shown, on `queue.changed` and after every reconnect; choosing one
// watches it read-only in monitor-chat.js (banner, transcript, whisper, 인수 / Take over). A
// supervisor reaches the wallboard (the admin page's 실시간 현황) from the link in the heading.
import { el } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { translator } from "../shared/i18n.js";
import { createWatchPanel } from "./monitor-chat.js";
import { SUPERVISION_STRINGS } from "./supervision-strings.js";

const REFRESH_MS = 10_000;

/** 125000 ms → "2분 5초" / "2 min 5 s". */
export function waitedText(ms, t) {
  const total = Math.max(0, Math.round((ms || 0) / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m ? t("duration", { m, s }) : t("durationSeconds", { s });
}

function chatRow(chat, t, { watched, onWatch }) {
  const customer = chat.customerName || t("customerFallback");
  const watch = el("button", { type: "button", class: "watch-button", "aria-label": t("watchLabel", { name: customer }), onclick: () => onWatch(chat.conversationId) }, t("watch"));
  return el(
    "tr",
    { class: watched ? "watched" : "", dataset: { conversationId: chat.conversationId }, "aria-current": watched ? "true" : undefined },
    el("th", { scope: "row" }, customer),
    el("td", {}, el("span", { class: `state-badge state-${chat.state}` }, t(`state_${chat.state}`))),
    el("td", {}, chat.agentId ? chat.agentName || t("agentFallback") : t("noAgent")),
    el("td", {}, chat.teamId ? chat.teamName || chat.teamId : t("noTeam")),
    el("td", { class: "waited" }, waitedText(chat.waitingMs, t)),
    el("td", {}, watch),
  );
}

export function mount(container, ctx) {
  const t = translator(SUPERVISION_STRINGS, ctx.lang);
  let chats = [];
  let timer = null;
  const counts = el("p", { class: "monitor-counts", role: "status" });
  const failure = el("p", { class: "field-error", role: "alert" });
  const rows = el("tbody");
  const table = el("table", { class: "monitor-table" },
    el("caption", { class: "visually-hidden" }, t("liveChats")),
    el("thead", {}, el("tr", {}, ["colCustomer", "colState", "colAgent", "colTeam", "colWaited", "colAction"].map((key) => el("th", { scope: "col" }, t(key))))),
    rows);
  const none = el("p", { class: "monitor-none hidden" }, t("noLiveChats"));
  const refresh = el("button", { type: "button", class: "refresh-button", onclick: () => load() }, t("refresh"));
  const wallboard = el("a", { href: "/admin/#presence", class: "wallboard-link" }, t("wallboard"));
  const panel = createWatchPanel(ctx, {
    teamName: (id) => chats.find((c) => c.teamId === id)?.teamName || id,
    onTakenOver: () => {
      ctx.toast(t("takenOver"));
      panel.leave();
      location.hash = "#/chat";
    },
    onLeft: () => draw(),
  });
  const listPart = el("section", { class: "monitor-list", "aria-labelledby": "monitor-list-title" },
    el("div", { class: "monitor-list-head" }, el("h2", { id: "monitor-list-title" }, t("liveChats")), refresh),
    counts, failure, table, none);
  container.append(
    el("div", { class: "monitor-title" }, el("h1", {}, t("monitorTitle")), wallboard),
    el("div", { class: "monitor-layout" }, listPart, panel.element),
  );

  function draw() {
    const watched = panel.watchedId();
    rows.replaceChildren(...chats.map((chat) => chatRow(chat, t, { watched: chat.conversationId === watched, onWatch: watch })));
    none.classList.toggle("hidden", chats.length > 0);
    table.classList.toggle("hidden", chats.length === 0);
  }
  function watch(id) {
    panel.watch(id);
    draw();
  }
  async function load() {
    try {
      const answer = await ctx.api.get("/supervision/chats");
      chats = answer.chats;
      counts.textContent = t("counts", answer.counts);
      failure.textContent = "";
      draw();
    } catch (err) {
      failure.textContent = t("listFailed", { message: describeError(err, ctx.lang) });
    }
  }
  ctx.socket.on("queue.changed", () => {
    if (timer) load();
  });
  ctx.socket.on("open", () => {
    if (timer) load();
  });
  return {
    show() {
      load();
      clearInterval(timer);
      timer = setInterval(load, REFRESH_MS);
    },
    hide() {
      clearInterval(timer);
      timer = null;
    },
  };
}
