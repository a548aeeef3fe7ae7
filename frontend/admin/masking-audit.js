// 마스킹 감사 기록 (masking audit log, S-5) on the admin page: who masked or unmasked which span of
// which message, when (GET /masking/audit). By month (UTC) or by conversation id, newest first,
// "more" pages on with the API's cursor. Never any message text: the log holds none.
import { formatDateTime } from "/shared/datetime.js";
import { describeError } from "/shared/errors.js";
import { translator } from "/shared/i18n.js";

const STRINGS = {
  ko: {
    month: "월 (UTC)",
    conversation: "채팅 ID (선택)",
    load: "조회",
    more: "더 보기",
    empty: "기록이 없습니다.",
    failed: "불러오지 못했습니다: {message}",
    at: "시각",
    action: "작업",
    actor: "수행자",
    chat: "채팅 ID",
    seq: "메시지 번호",
    span: "위치 (코드 포인트)",
    action_mask: "가림",
    action_unmask: "복원",
    action_auto_mask: "자동 가림",
    system: "시스템",
    caption: "마스킹 감사 기록",
  },
  en: {
    month: "Month (UTC)",
    conversation: "Chat ID (optional)",
    load: "Show",
    more: "More",
    empty: "No entries.",
    failed: "Could not load: {message}",
    at: "Time",
    action: "Action",
    actor: "By",
    chat: "Chat ID",
    seq: "Message no.",
    span: "Span (code points)",
    action_mask: "masked",
    action_unmask: "restored",
    action_auto_mask: "auto-masked",
    system: "system",
    caption: "Masking audit log",
  },
};

function thisMonth() {
  return new Date().toISOString().slice(0, 7);
}

export function mountMaskingAudit(container, ctx) {
  const { api, el, lang } = ctx;
  const t = translator(STRINGS, lang);
  const month = el("input", { type: "month", id: "audit-month", name: "month", value: thisMonth(), required: true });
  const conversation = el("input", { type: "text", id: "audit-conversation", name: "conversationId", maxLength: 64 });
  const status = el("p", { class: "audit-status", role: "status" });
  const body = el("tbody", {});
  const table = el(
    "table",
    { class: "audit-table hidden" },
    el("caption", { class: "visually-hidden" }, t("caption")),
    el("thead", {}, el("tr", {}, ["at", "action", "actor", "chat", "seq", "span"].map((k) => el("th", { scope: "col" }, t(k))))),
    body,
  );
  const more = el("button", { type: "button", class: "audit-more hidden", onclick: () => load(false) }, t("more"));
  let cursor = null;

  function row(entry) {
    const when = formatDateTime(entry.at, { seconds: true }); // the one staff formatter (service time zone)
    return el(
      "tr",
      { dataset: { action: entry.action } },
      el("td", {}, when),
      el("td", {}, t(`action_${entry.action}`)),
      el("td", {}, entry.actorRole === "system" ? t("system") : entry.actorId),
      el("td", {}, entry.conversationId),
      el("td", {}, String(entry.seq)),
      el("td", {}, `${entry.span.start}–${entry.span.end}`),
    );
  }

  // Each search gets a number: an answer that arrives after a newer search started is dropped
  // (the first load and a quick 조회 used to both append, showing every entry twice).
  let generation = 0;

  async function load(fresh) {
    const mine = fresh ? ++generation : generation;
    const params = new URLSearchParams({ limit: "50" });
    if (conversation.value.trim()) params.set("conversationId", conversation.value.trim());
    else params.set("month", month.value || thisMonth());
    if (cursor && !fresh) params.set("cursor", cursor);
    status.textContent = "";
    try {
      const page = await api.get(`/masking/audit?${params}`);
      if (mine !== generation) return;
      if (fresh) body.replaceChildren();
      body.append(...page.entries.map(row));
      cursor = page.cursor;
      more.classList.toggle("hidden", !cursor);
      if (!body.children.length) status.textContent = t("empty");
      // An empty table would be header cells without data cells (WCAG 1.3.1): the status says it.
      table.classList.toggle("hidden", !body.children.length);
    } catch (error) {
      if (mine === generation) status.textContent = t("failed", { message: describeError(error, lang) });
    }
  }

  const form = el(
    "form",
    {
      class: "audit-form",
      onsubmit: (event) => {
        event.preventDefault();
        load(true);
      },
    },
    el("label", { for: month.id }, t("month")),
    month,
    el("label", { for: conversation.id }, t("conversation")),
    conversation,
    el("button", { type: "submit" }, t("load")),
  );
  container.append(form, status, table, more);
  load(true);
}
