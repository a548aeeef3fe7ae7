// 채팅기록 (chat history) screen of the console (S-7, S-4.3): search conditions with period presets,
// paginated results, a dialog per chat (transcript, customer and counsel info, 티켓 만들기) and
// 데이터 추출 — an Excel export that runs in the background, shows live progress (export.progress /
// export.ready pushed on the console's WebSocket, with polling as a fallback) and ends in a download
// link. Admins also see the recent exports and can download any again (a fresh signed URL each time).
//
//   const history = createHistory({ api, socket, lang, role, settings, masking });
//   main.append(history.element);   // then history.search() runs the default 30-day search
//
// `api` is shared/api.js's client; `socket` a shared/socket.js ChatSocket (optional); `role` is
// "admin" or "agent"; `settings` the GET /settings document (loaded here when omitted); `masking`
// console/masking.js's object (optional: transcripts then show masks the same way as the chat screen).
//
// The screen's parts: history-search.js (conditions, results, pager), history-dialog.js (one chat's
// record), history-export.js (데이터 추출, recent exports), history-period.js (period maths),
// history-strings.js (its strings).
import { el } from "../shared/dom.js";
import { translator } from "../shared/i18n.js";
import { createRecordDialog } from "./history-dialog.js";
import { createExports } from "./history-export.js";
import { createSearch } from "./history-search.js";
import { HISTORY_STRINGS } from "./history-strings.js";

export { HISTORY_STRINGS } from "./history-strings.js";
export { formatSize, periodOf, seoulDate } from "./history-period.js";

function ensureStylesheet() {
  if (document.querySelector('link[data-history-css]')) return;
  const href = new URL("./history.css", import.meta.url).href;
  document.head.append(el("link", { rel: "stylesheet", href, dataset: { historyCss: "1" } }));
}

export function createHistory({ api, socket = null, lang = "ko", role = "agent", settings = null, masking = null }) {
  ensureStylesheet();
  const t = translator(HISTORY_STRINGS, lang);
  const number = (n) => new Intl.NumberFormat(lang === "en" ? "en" : "ko").format(n || 0);
  let config = settings;
  // The parts share `h`: search awaits h.ready (the settings read), rows open h.openChat, the export
  // button calls h.startExport.
  const h = { api, socket, t, lang, role, number, masking, unsubscribe: [], ready: null, config: () => config };
  const search = createSearch(h);
  const record = createRecordDialog(h);
  const exports = createExports(h, search);
  h.openChat = record.openChat;
  h.startExport = exports.startExport;

  const element = el(
    "section",
    { class: "history", "aria-labelledby": "history-title" },
    el("h2", { id: "history-title" }, t("title")),
    search.form,
    exports.exportPanel,
    search.status,
    // Scrolls sideways when the table is wider than the screen: focusable so the keyboard can scroll it
    // (axe scrollable-region-focusable), named so a screen reader says what it is.
    el("div", { class: "history-results", role: "region", tabindex: "0", "aria-label": t("results") }, search.table),
    search.pager,
    exports.recentSection,
    record.dialog,
  );

  async function offerAgents() {
    const staff = role === "admin" ? (await api.get("/admin/agents")).accounts : [await api.get("/me")];
    search.agentChoices.replaceChildren(
      ...staff.map((a) => el("option", { value: a.agentId }, a.displayName ? `${a.displayName} (${a.agentId})` : a.agentId)),
    );
  }

  function showExportButton(current) {
    search.exportButton.classList.toggle("hidden", !(role === "admin" || current.agentsMayExport === true));
  }
  // An admin allows or stops agents' exports: the button follows at once.
  if (socket) h.unsubscribe.push(socket.on("settings.changed", ({ settings: changed }) => changed && showExportButton(changed)));

  const ready = (async () => {
    if (!config) {
      try {
        config = await api.get("/settings");
      } catch {
        config = {};
      }
    }
    // Past chats may carry a retired type: the catalogue (every type ever offered) is searchable.
    const typeChoices = (catalog, names) => (catalog?.length ? catalog.map((e) => [e.name, e.retired]) : (names || []).map((n) => [n, false]));
    for (const [name, retired] of typeChoices(config.inquiryTypeCatalog, config.inquiryTypes)) {
      search.inquirySelect.append(el("option", { value: name, lang: "ko" }, retired ? t("retired", { name }) : name));
    }
    for (const [name, retired] of typeChoices(config.processingTypeCatalog, config.processingTypes)) {
      search.processingSelect.append(el("option", { value: name, lang: "ko" }, retired ? t("retired", { name }) : name));
    }
    showExportButton(config);
    offerAgents().catch(() => {}); // only a convenience: the field takes any id
    if (role === "admin") {
      exports.recentSection.classList.remove("hidden");
      exports.refreshExports();
    }
  })();
  h.ready = ready;

  return {
    element,
    ready,
    search: search.search,
    refreshExports: exports.refreshExports,
    openChat: record.openChat,
    destroy() {
      exports.stop();
      for (const off of h.unsubscribe) off();
    },
  };
}

