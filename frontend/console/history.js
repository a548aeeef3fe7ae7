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
import { query } from "../shared/api.js";
import { clear, el, formatTime, keepTabInside } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { translator } from "../shared/i18n.js";
import { systemLine } from "./messages.js";

export const HISTORY_STRINGS = {
  ko: {
    title: "채팅기록",
    conditions: "검색 조건",
    periodFrom: "시작일",
    periodTo: "종료일",
    today: "오늘",
    days7: "7일",
    days30: "30일",
    period: "기간",
    processingType: "처리 유형",
    status: "처리 상태",
    agent: "상담원 (ID)",
    userName: "사용자 이름",
    restricted: "담당 상담원만 볼 수 있음",
    rating: "평가",
    all: "전체",
    handled: "처리",
    unhandled: "미처리",
    satisfied: "만족",
    dissatisfied: "불만족",
    search: "검색",
    export: "데이터 추출",
    results: "검색 결과",
    inboundAt: "인입 시간",
    agentName: "상담원",
    firstResponse: "첫 응답 시간",
    noResults: "조건에 맞는 채팅이 없습니다.",
    previous: "이전",
    next: "다음",
    page: "{page} 페이지",
    open: "{time} 채팅 열기",
    loading: "불러오는 중…",
    failed: "실패했습니다: {message}",
    close: "닫기",
    transcript: "대화 내용",
    customerInfo: "고객 정보",
    counselInfo: "상담 정보",
    name: "이름",
    email: "이메일",
    phone: "전화번호",
    memo: "메모",
    inquiryType: "문의 유형",
    note: "상담 내용",
    save: "저장",
    saved: "저장했습니다.",
    createTicket: "티켓 만들기",
    ticketTitle: "제목",
    ticketContent: "내용",
    ticketCreated: "티켓을 만들었습니다: {id}",
    none: "선택 안 함",
    exportQueued: "추출 대기 중…",
    exportRunning: "추출 중… {progress}% ({rows}행)",
    exportDone: "추출 완료: {rows}행",
    exportFailed: "추출 실패: {error}",
    download: "다운로드: {file} ({size})",
    progressLabel: "추출 진행률",
    recentExports: "최근 추출",
    refresh: "새로 고침",
    requestedAt: "요청 시각",
    requestedBy: "요청자",
    state: "상태",
    rows: "행 수",
    size: "크기",
    file: "파일",
    downloadAgain: "다운로드",
    expired: "만료됨",
    status_queued: "대기",
    status_running: "진행 중",
    status_done: "완료",
    status_failed: "실패",
    role_customer: "고객",
    role_agent: "상담원",
    role_system: "시스템",
    periodInvalid: "시작일이 종료일보다 늦습니다.",
    retired: "{name} (사용 안 함)",
  },
  en: {
    title: "Chat history",
    conditions: "Search conditions",
    periodFrom: "From",
    periodTo: "To",
    today: "Today",
    days7: "7 days",
    days30: "30 days",
    period: "Period",
    processingType: "Processing type",
    status: "Status",
    agent: "Agent (ID)",
    userName: "User name",
    restricted: "Only its agent may see this",
    rating: "Rating",
    all: "All",
    handled: "Handled",
    unhandled: "Unhandled",
    satisfied: "Satisfied",
    dissatisfied: "Dissatisfied",
    search: "Search",
    export: "Export data",
    results: "Results",
    inboundAt: "Inbound time",
    agentName: "Agent",
    firstResponse: "First response",
    noResults: "No chats match these conditions.",
    previous: "Previous",
    next: "Next",
    page: "Page {page}",
    open: "Open the chat of {time}",
    loading: "Loading…",
    failed: "Failed: {message}",
    close: "Close",
    transcript: "Transcript",
    customerInfo: "Customer info",
    counselInfo: "Counsel info",
    name: "Name",
    email: "Email",
    phone: "Phone",
    memo: "Memo",
    inquiryType: "Inquiry type",
    note: "Notes",
    save: "Save",
    saved: "Saved.",
    createTicket: "Create ticket",
    ticketTitle: "Title",
    ticketContent: "Content",
    ticketCreated: "Ticket created: {id}",
    none: "None",
    exportQueued: "Export queued…",
    exportRunning: "Exporting… {progress}% ({rows} rows)",
    exportDone: "Export ready: {rows} rows",
    exportFailed: "Export failed: {error}",
    download: "Download: {file} ({size})",
    progressLabel: "Export progress",
    recentExports: "Recent exports",
    refresh: "Refresh",
    requestedAt: "Requested",
    requestedBy: "By",
    state: "Status",
    rows: "Rows",
    size: "Size",
    file: "File",
    downloadAgain: "Download",
    expired: "Expired",
    status_queued: "Queued",
    status_running: "Running",
    status_done: "Done",
    status_failed: "Failed",
    role_customer: "Customer",
    role_agent: "Agent",
    role_system: "System",
    periodInvalid: "The start date is after the end date.",
    retired: "{name} (retired)",
  },
};

const PAGE_SIZE = 20;
const DAY_MS = 24 * 3600 * 1000;
const SEOUL_OFFSET_MS = 9 * 3600 * 1000; // the service's time zone (no daylight saving)
const POLL_MS = 2000;
const URL_REFRESH_MS = 10 * 60 * 1000; // signed URLs live 15 minutes: refresh well before

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/** `YYYY-MM-DD` of an instant in Seoul. */
export function seoulDate(epochMs) {
  return new Date(epochMs + SEOUL_OFFSET_MS).toISOString().slice(0, 10);
}

/** [from, to] epoch ms of whole Seoul days `fromDate`..`toDate` (`YYYY-MM-DD`). */
export function periodOf(fromDate, toDate) {
  const start = Date.parse(`${fromDate}T00:00:00Z`) - SEOUL_OFFSET_MS;
  const end = Date.parse(`${toDate}T00:00:00Z`) - SEOUL_OFFSET_MS + DAY_MS - 1;
  return [start, end];
}

export function formatSize(bytes, lang) {
  if (bytes == null) return "";
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(lang === "en" ? "en" : "ko", { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}

function formatSeconds(seconds) {
  if (seconds == null) return "";
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return `${m}:${s}`;
}

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
  const cursors = [null]; // cursor of each page visited: [page 1, page 2, …]
  let page = 0;
  let lastFilters = null;
  const unsubscribe = [];

  // --- search conditions ----------------------------------------------------------------------
  function field(labelText, control) {
    const id = nextId("history-field");
    control.id = id;
    return el("div", { class: "history-field" }, el("label", { for: id }, labelText), control);
  }
  function select(name, options) {
    return el("select", { name }, options.map(([value, text]) => el("option", { value }, text)));
  }

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
    const now = Date.now();
    fromInput.value = seoulDate(now - (days - 1) * DAY_MS);
    toInput.value = seoulDate(now);
    search();
  }
  const presets = el(
    "div",
    { class: "history-presets", role: "group", "aria-label": t("period") },
    el("button", { type: "button", onclick: () => preset(1) }, t("today")),
    el("button", { type: "button", onclick: () => preset(7) }, t("days7")),
    el("button", { type: "button", onclick: () => preset(30) }, t("days30")),
  );
  const exportButton = el("button", { type: "button", class: "history-export hidden", onclick: () => startExport() }, t("export"));
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
    if (!fromInput.value || !toInput.value || fromInput.value > toInput.value) return null;
    const [from, to] = periodOf(fromInput.value, toInput.value);
    const filters = {
      from,
      to,
      inquiryType: inquirySelect.value,
      processingType: processingSelect.value,
      status: statusSelect.value,
      agentId: agentInput.value.trim(),
      userName: userInput.value.trim(),
      rating: ratingSelect.value,
    };
    return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== "" && v != null));
  }

  // --- results --------------------------------------------------------------------------------
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
        [t("inboundAt"), t("inquiryType"), t("processingType"), t("status"), t("agentName"), t("userName"), t("rating"), t("firstResponse")].map(
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
      el("td", {}, el("button", { type: "button", class: "link", "aria-label": t("open", { time }), onclick: () => openChat(item.conversationId) }, time)),
      el("td", {}, item.inquiryType || ""),
      el("td", {}, item.processingType || ""),
      el("td", {}, item.status === "handled" ? t("handled") : t("unhandled")),
      el("td", {}, item.agentName || item.agentId || ""),
      // Another agent's live chat: its customer is theirs and the admins' to see (docs/api.md).
      el("td", {}, item.restricted ? el("span", { class: "muted" }, t("restricted")) : item.userName || ""),
      el("td", {}, item.rating ? t(item.rating) : ""),
      el("td", {}, formatSeconds(item.firstResponseSeconds)),
    );
  }

  async function load() {
    status.textContent = t("loading");
    try {
      const result = await api.get(`/history${query({ ...lastFilters, limit: PAGE_SIZE, cursor: cursors[page] })}`);
      clear(tbody);
      tbody.append(...result.items.map(row));
      if (!result.items.length) tbody.append(el("tr", {}, el("td", { colspan: 8 }, t("noResults"))));
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
    await ready;
    lastFilters = filters;
    cursors.length = 1;
    page = 0;
    await load();
  }

  // --- the chat dialog ------------------------------------------------------------------------
  const dialog = keepTabInside(el("dialog", { class: "history-dialog", "aria-labelledby": "history-dialog-title" }));

  function roleLabel(message) {
    return t(`role_${message.role}`) || message.role;
  }

  function transcriptView(messages) {
    return el(
      "ol",
      { class: "history-transcript" },
      messages.map((m) =>
        el(
          "li",
          { class: `history-message ${m.role}` },
          el("span", { class: "history-sender" }, `${m.senderName || roleLabel(m)} · ${formatTime(m.createdAt, lang, true)}`),
          el("span", { class: "history-text" }, masking && m.kind !== "system" ? masking.renderText(m) : systemLine(m, lang)),
        ),
      ),
    );
  }

  function textarea(value, attrs) {
    const node = el("textarea", attrs);
    node.value = value || ""; // a textarea's content is its value, not an attribute
    return node;
  }

  function recordForm(legend, submitLabel, fields, onSave) {
    const note = el("p", { class: "history-note", role: "status" });
    const controls = fields.map(([key, labelText, control]) => {
      control.name = key;
      return field(labelText, control);
    });
    const formNode = el(
      "form",
      {
        class: "history-record",
        onsubmit: async (event) => {
          event.preventDefault();
          const body = Object.fromEntries(fields.map(([key, , control]) => [key, control.value.trim() || null]));
          note.className = "history-note";
          try {
            note.textContent = await onSave(body);
          } catch (error) {
            note.className = "history-note error";
            note.textContent = t("failed", { message: describeError(error, lang) });
          }
        },
      },
      el("fieldset", {}, el("legend", {}, legend), controls, el("button", { type: "submit" }, submitLabel), note),
    );
    return formNode;
  }

  function choices(values, current, allowNone = true) {
    const options = allowNone ? [["", t("none")]] : [];
    for (const value of values || []) options.push([value, value]);
    const node = el("select", {}, options.map(([v, text]) => el("option", { value: v, selected: v === (current || ""), lang: v ? "ko" : undefined }, text)));
    return node;
  }

  async function openChat(conversationId) {
    const title = el("h2", { id: "history-dialog-title" }, t("transcript"));
    const closeButton = el("button", { type: "button", class: "history-close", onclick: () => dialog.close() }, t("close"));
    clear(dialog).append(el("header", {}, title, closeButton), el("p", { role: "status" }, t("loading")));
    if (!dialog.open) dialog.showModal();
    let data;
    try {
      data = await api.get(`/chats/${encodeURIComponent(conversationId)}/transcript`);
    } catch (error) {
      clear(dialog).append(el("header", {}, title, closeButton), el("p", { role: "alert" }, t("failed", { message: describeError(error, lang) })));
      return;
    }
    const conv = data.conversation;
    const path = `/chats/${encodeURIComponent(conversationId)}`;
    const customer = recordForm(
      t("customerInfo"),
      t("save"),
      [
        ["name", t("name"), el("input", { type: "text", maxLength: 100, value: conv.customer?.name || "" })],
        ["email", t("email"), el("input", { type: "email", maxLength: 254, value: conv.customer?.email || "" })],
        ["phone", t("phone"), el("input", { type: "tel", maxLength: 20, value: conv.customer?.phone || "" })],
        ["memo", t("memo"), textarea(conv.customer?.memo, { rows: 2, maxLength: 2000 })],
      ],
      async (body) => (await api.put(`${path}/customer`, body), t("saved")),
    );
    const counsel = recordForm(
      t("counselInfo"),
      t("save"),
      [
        ["inquiryType", t("inquiryType"), choices(config?.inquiryTypes, conv.counsel?.inquiryType)],
        ["processingType", t("processingType"), choices(config?.processingTypes, conv.counsel?.processingType)],
        ["note", t("note"), textarea(conv.counsel?.note, { rows: 3, maxLength: 2000 })],
      ],
      async (body) => (await api.put(`${path}/counsel`, body), t("saved")),
    );
    const ticket = recordForm(
      t("createTicket"),
      t("createTicket"),
      [
        ["inquiryType", t("inquiryType"), choices(config?.inquiryTypes, conv.counsel?.inquiryType, false)],
        ["title", t("ticketTitle"), el("input", { type: "text", maxLength: 200, required: true })],
        ["content", t("ticketContent"), textarea("", { rows: 3, maxLength: 10000, required: true })],
      ],
      async (body) => t("ticketCreated", { id: (await api.post(`${path}/tickets`, body)).ticketId }),
    );
    clear(dialog).append(
      el("header", {}, title, masking ? masking.createButton() : null, closeButton), // masking icon (S-5)
      el(
        "div",
        { class: "history-dialog-body" },
        el("section", { class: "history-dialog-transcript", "aria-label": t("transcript") }, transcriptView(data.messages)),
        el("div", { class: "history-dialog-records" }, customer, counsel, ticket),
      ),
    );
    closeButton.focus();
  }

  // --- 데이터 추출 ----------------------------------------------------------------------------------
  const exportStatus = el("p", { class: "history-export-status", role: "status", "aria-live": "polite" });
  const exportProgress = el("progress", { max: 100, value: 0, class: "hidden", "aria-label": t("progressLabel") });
  const exportLink = el("p", { class: "history-export-link" });
  const exportPanel = el("div", { class: "history-export-panel hidden" }, exportStatus, exportProgress, exportLink);
  let activeExport = null; // {id, timer}

  function showJob(job) {
    if (!activeExport || job.exportId !== activeExport.id) return;
    exportPanel.classList.remove("hidden");
    const rows = number(job.rows ?? (job.chatRows || 0) + (job.messageRows || 0));
    if (job.status === "queued") {
      exportStatus.textContent = t("exportQueued");
      exportProgress.classList.remove("hidden");
      exportProgress.value = 0;
    } else if (job.status === "running") {
      exportStatus.textContent = t("exportRunning", { progress: job.progress || 0, rows });
      exportProgress.classList.remove("hidden");
      exportProgress.value = job.progress || 0;
    } else if (job.status === "done") {
      finish();
      exportStatus.textContent = t("exportDone", { rows });
      exportProgress.value = 100;
      offerDownload(job.exportId, exportLink);
    } else if (job.status === "failed") {
      finish();
      exportProgress.classList.add("hidden");
      exportStatus.textContent = t("exportFailed", { error: job.error || "" });
    }
  }

  function finish() {
    if (activeExport) clearTimeout(activeExport.timer);
    exportButton.disabled = false;
    if (role === "admin") refreshExports();
  }

  async function poll() {
    if (!activeExport) return;
    const id = activeExport.id;
    try {
      const job = await api.get(`/exports/${encodeURIComponent(id)}`);
      if (activeExport?.id !== id) return;
      if (job.status === "done" || job.status === "failed") {
        showJob(job);
        activeExport = null;
        return;
      }
      showJob(job);
    } catch (error) {
      exportStatus.textContent = t("failed", { message: describeError(error, lang) });
    }
    if (activeExport?.id === id) activeExport.timer = setTimeout(poll, POLL_MS);
  }

  async function startExport() {
    const filters = currentFilters();
    if (!filters) {
      formError.textContent = t("periodInvalid");
      return;
    }
    exportButton.disabled = true;
    clear(exportLink);
    exportPanel.classList.remove("hidden");
    exportStatus.textContent = t("exportQueued");
    try {
      const accepted = await api.post("/exports", filters);
      if (activeExport) clearTimeout(activeExport.timer);
      activeExport = { id: accepted.exportId, timer: null };
      showJob({ exportId: accepted.exportId, status: "queued" });
      activeExport.timer = setTimeout(poll, POLL_MS);
    } catch (error) {
      exportButton.disabled = false;
      exportStatus.textContent = t("exportFailed", { error: describeError(error, lang) });
    }
  }

  /** A link with a fresh signed URL; renewed on click once it is older than 10 minutes. */
  async function offerDownload(exportId, target) {
    try {
      const job = await api.get(`/exports/${encodeURIComponent(exportId)}`);
      if (!job.downloadUrl) return;
      let signedAt = Date.now();
      const link = el(
        "a",
        { href: job.downloadUrl, download: job.fileName, class: "history-download", rel: "noopener" },
        t("download", { file: job.fileName, size: formatSize(job.size, lang) }),
      );
      link.addEventListener("click", async (event) => {
        if (Date.now() - signedAt < URL_REFRESH_MS) return;
        event.preventDefault();
        const fresh = await api.get(`/exports/${encodeURIComponent(exportId)}`);
        link.href = fresh.downloadUrl;
        signedAt = Date.now();
        link.click();
      });
      clear(target).append(link);
    } catch (error) {
      clear(target).append(t("failed", { message: describeError(error, lang) }));
    }
  }

  if (socket) {
    const live = (frame) => {
      if (!activeExport || frame.exportId !== activeExport.id) return;
      showJob(frame);
      if (frame.status === "done" || frame.status === "failed") activeExport = null;
    };
    for (const type of ["export.progress", "export.ready", "export.failed"]) unsubscribe.push(socket.on(type, live));
  }

  // --- recent exports (admins) --------------------------------------------------------------------
  const recentBody = el("tbody");
  const recentStatus = el("p", { role: "status", class: "history-status" });
  const recentSection = el(
    "section",
    { class: "history-recent hidden", "aria-labelledby": "history-recent-title" },
    el(
      "header",
      {},
      el("h3", { id: "history-recent-title" }, t("recentExports")),
      el("button", { type: "button", onclick: () => refreshExports() }, t("refresh")),
    ),
    el(
      "table",
      { class: "history-table" },
      el(
        "thead",
        {},
        el("tr", {}, [t("requestedAt"), t("requestedBy"), t("state"), t("rows"), t("size"), t("file")].map((h) => el("th", { scope: "col" }, h))),
      ),
      recentBody,
    ),
    recentStatus,
  );

  function downloadButton(job) {
    if (job.status !== "done") return job.status === "failed" ? job.error || "" : "";
    if (job.fileExpired) return t("expired");
    return el(
      "button",
      {
        type: "button",
        "aria-label": `${t("downloadAgain")}: ${job.fileName}`,
        onclick: async () => {
          try {
            const fresh = await api.get(`/exports/${encodeURIComponent(job.exportId)}`);
            if (fresh.downloadUrl) window.location.assign(fresh.downloadUrl);
          } catch (error) {
            recentStatus.textContent = t("failed", { message: describeError(error, lang) });
          }
        },
      },
      t("downloadAgain"),
    );
  }

  async function refreshExports() {
    if (role !== "admin") return;
    try {
      const { exports } = await api.get(`/exports${query({ limit: 20 })}`);
      clear(recentBody).append(
        ...exports.map((job) =>
          el(
            "tr",
            { dataset: { exportId: job.exportId } },
            el("td", {}, formatTime(job.createdAt, lang, true)),
            el("td", {}, job.requestedByName || job.requestedBy),
            el("td", {}, t(`status_${job.status}`) + (job.status === "running" ? ` ${job.progress}%` : "")),
            el("td", {}, number(job.rows)),
            el("td", {}, formatSize(job.size, lang)),
            el("td", {}, downloadButton(job)),
          ),
        ),
      );
      recentStatus.textContent = "";
    } catch (error) {
      recentStatus.textContent = t("failed", { message: describeError(error, lang) });
    }
  }

  // --- assembly -------------------------------------------------------------------------------
  const element = el(
    "section",
    { class: "history", "aria-labelledby": "history-title" },
    el("h2", { id: "history-title" }, t("title")),
    form,
    exportPanel,
    status,
    el("div", { class: "history-results" }, table),
    pager,
    recentSection,
    dialog,
  );

  async function offerAgents() {
    const staff = role === "admin" ? (await api.get("/admin/agents")).accounts : [await api.get("/me")];
    agentChoices.replaceChildren(
      ...staff.map((a) => el("option", { value: a.agentId }, a.displayName ? `${a.displayName} (${a.agentId})` : a.agentId)),
    );
  }

  function showExportButton(current) {
    exportButton.classList.toggle("hidden", !(role === "admin" || current.agentsMayExport === true));
  }
  // An admin allows or stops agents' exports: the button follows at once.
  if (socket) unsubscribe.push(socket.on("settings.changed", ({ settings: changed }) => changed && showExportButton(changed)));

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
      inquirySelect.append(el("option", { value: name, lang: "ko" }, retired ? t("retired", { name }) : name));
    }
    for (const [name, retired] of typeChoices(config.processingTypeCatalog, config.processingTypes)) {
      processingSelect.append(el("option", { value: name, lang: "ko" }, retired ? t("retired", { name }) : name));
    }
    showExportButton(config);
    offerAgents().catch(() => {}); // only a convenience: the field takes any id
    if (role === "admin") {
      recentSection.classList.remove("hidden");
      refreshExports();
    }
  })();

  return {
    element,
    ready,
    search,
    refreshExports,
    openChat,
    destroy() {
      if (activeExport) clearTimeout(activeExport.timer);
      for (const off of unsubscribe) off();
    },
  };
}
