// 채팅기록's search: the conditions (period with 오늘 / 7일 / 30일, 문의 유형, 처리 유형, 처리 상태, 상담원,
// 사용자 이름, 평가), the results table (GET /history) and its pager (a cursor per page visited).
import { query } from "../shared/api.js";
import { clear, el, formatTime } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { DAY_MS, filtersOf, formatSeconds, presetDates, seoulDate } from "./history-period.js";

const PAGE_SIZE = 20;

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/** A labelled control of the history screen (search conditions and the record forms). */
export function field(labelText, control) {
  const id = nextId("history-field");
  control.id = id;
  return el("div", { class: "history-field" }, el("label", { for: id }, labelText), control);
}
function select(name, options) {
  return el("select", { name }, options.map(([value, text]) => el("option", { value }, text)));
}

/** h: the screen's shared parts ({api, t, lang}; openChat, startExport and ready come later). */
export function createSearch(h) {
  const { api, t, lang } = h;
  const cursors = [null]; // cursor of each page visited: [page 1, page 2, …]
  let page = 0;
  let lastFilters = null;

  const today = seoulDate(Date.now());
  const fromInput = el("input", { type: "date", name: "from", value: seoulDate(Date.now() - 29 * DAY_MS), required: true });
  const toInput = el("input", { type: "date", name: "to", value: today, required: true });
  const inquirySelect = select("inquiryType", [["", t("all")]]);
  const processingSelect = select("processingType", [["", t("all")]]);
  const statusSelect = select("status", [["", t("all")], ["handled", t("handled")], ["unhandled", t("unhandled")]]);
  // Agent ids are sign-in names (e-mail addresses): offered by display name from a list.
  const agentChoices = el("datalist", { id: "history-agent-choices" });
  const agentInput = el("input", { type: "text", name: "agentId", maxLength: 128, autocomplete: "off", list: agentChoices.id });
  const userInput = el("input", { type: "text", name: "userName", maxLength: 100, autocomplete: "off" });
  const ratingSelect = select("rating", [["", t("all")], ["satisfied", t("satisfied")], ["dissatisfied", t("dissatisfied")]]);
  const formError = el("p", { class: "field-error", role: "alert" });

  function preset(days) {
    const dates = presetDates(days);
    fromInput.value = dates.from;
    toInput.value = dates.to;
    search();
  }
  const presets = el(
    "div",
    { class: "history-presets", role: "group", "aria-label": t("period") },
    el("button", { type: "button", onclick: () => preset(1) }, t("today")),
    el("button", { type: "button", onclick: () => preset(7) }, t("days7")),
    el("button", { type: "button", onclick: () => preset(30) }, t("days30")),
  );
  const exportButton = el("button", { type: "button", class: "history-export hidden", onclick: () => h.startExport() }, t("export"));
  const form = el(
    "form",
    { class: "history-form", "aria-label": t("conditions"), onsubmit: (event) => (event.preventDefault(), search()) },
    // The period on a row of its own: the presets keep their labels on one line beside the dates.
    el("div", { class: "history-period", role: "group", "aria-label": t("period") }, field(t("periodFrom"), fromInput), field(t("periodTo"), toInput), presets),
    field(t("inquiryType"), inquirySelect),
    field(t("processingType"), processingSelect),
    field(t("status"), statusSelect),
    field(t("agent"), agentInput),
    agentChoices,
    field(t("userName"), userInput),
    field(t("rating"), ratingSelect),
    el("div", { class: "history-actions" }, el("button", { type: "submit", class: "primary" }, t("search")), exportButton),
    formError,
  );

  function currentFilters() {
    return filtersOf({
      from: fromInput.value,
      to: toInput.value,
      inquiryType: inquirySelect.value,
      processingType: processingSelect.value,
      status: statusSelect.value,
      agentId: agentInput.value.trim(),
      userName: userInput.value.trim(),
      rating: ratingSelect.value,
    });
  }

  // --- results ---
  const status = el("p", { class: "history-status", role: "status", "aria-live": "polite" });
  const tbody = el("tbody");
  const table = el(
    "table",
    { class: "history-table" },
    el("caption", { class: "visually-hidden" }, t("results")),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        [t("inboundAt"), t("inquiryType"), t("processingType"), t("status"), t("agentName"), t("userName"), t("rating"), t("firstResponse"), t("team")].map(
          (h) => el("th", { scope: "col" }, h),
        ),
      ),
    ),
    tbody,
  );
  const previousButton = el("button", { type: "button", disabled: true, onclick: () => goTo(page - 1) }, t("previous"));
  const nextButton = el("button", { type: "button", disabled: true, onclick: () => goTo(page + 1) }, t("next"));
  const pageLabel = el("span", { class: "history-page" });
  const pager = el("nav", { class: "history-pager", "aria-label": t("results") }, previousButton, pageLabel, nextButton);

  function row(item) {
    const time = formatTime(item.inboundAt, lang, true);
    return el(
      "tr",
      { dataset: { conversationId: item.conversationId } },
      el("td", {}, el("button", { type: "button", class: "link", "aria-label": t("open", { time }), onclick: () => h.openChat(item.conversationId) }, time)),
      el("td", {}, item.inquiryType || ""),
      el("td", {}, item.processingType || ""),
      // The end reason and the transfers under the status and the team: eleven columns would not fit
      // a 1024 px screen in English, and a table that scrolls sideways hides its last columns.
      el("td", {}, item.status === "handled" ? t("handled") : t("unhandled"), detail(t("endReason"), endReasonText(t, item.endedBy, item.endReason))),
      el("td", {}, item.agentName || item.agentId || ""),
      // Another agent's live chat: its customer is theirs and the admins' to see (docs/api.md).
      el("td", {}, item.restricted ? el("span", { class: "muted" }, t("restricted")) : item.userName || ""),
      el("td", {}, item.rating ? t(item.rating) : ""),
      el("td", {}, formatSeconds(item.firstResponseSeconds)),
      el("td", {}, item.teamName || "", item.transferCount ? detail(t("transfers"), String(item.transferCount)) : null),
    );
  }

  async function load() {
    status.textContent = t("loading");
    try {
      const result = await api.get(`/history${query({ ...lastFilters, limit: PAGE_SIZE, cursor: cursors[page] })}`);
      clear(tbody);
      tbody.append(...result.items.map(row));
      if (!result.items.length) tbody.append(el("tr", {}, el("td", { colspan: 11 }, t("noResults"))));
      cursors[page + 1] = result.nextCursor || undefined;
      cursors.length = page + 2;
      previousButton.disabled = page === 0;
      nextButton.disabled = !result.nextCursor;
      pageLabel.textContent = t("page", { page: page + 1 });
      status.textContent = "";
    } catch (error) {
      status.textContent = t("failed", { message: describeError(error, lang) });
    }
  }

  function goTo(target) {
    if (target < 0 || (target > page && !cursors[target])) return;
    page = target;
    load();
  }

  async function search() {
    const filters = currentFilters();
    formError.textContent = filters ? "" : t("periodInvalid");
    fromInput.setAttribute("aria-invalid", filters ? "false" : "true");
    if (!filters) return;
    await h.ready;
    lastFilters = filters;
    cursors.length = 1;
    page = 0;
    await load();
  }

  return { form, formError, exportButton, inquirySelect, processingSelect, agentChoices, status, table, pager, currentFilters, search };
}

/** A second, smaller line in a cell, named for screen readers ("End reason: …"). */
function detail(name, text) {
  return text ? el("span", { class: "history-cell-detail" }, el("span", { class: "visually-hidden" }, `${name}: `), text) : null;
}

/** Who ended the chat and why (issue #21), in the screen's language; "" while it is live. */
export function endReasonText(t, endedBy, endReason) {
  if (!endedBy) return "";
  const known = (key) => (t(key) !== key ? t(key) : "");
  const general = known(`end_${endedBy}`) || endedBy;
  if (!endReason) return general;
  return known(`end_${endedBy}_${endReason}`) || `${general} (${endReason})`; // a code added later: as stored
}
