// 채팅기록's record dialog: one chat's transcript (masks shown as on the chat screen) beside its
// customer info, counsel info (record-forms.js, checked like the chat view's) and 티켓 만들기.
import { clear, el, formatTime, keepTabInside } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { systemLine } from "./messages.js";
import { noteForm } from "./chat-notes.js";
import { counselFields, customerFields, dialogRecordForm } from "./record-forms.js";
import { field } from "./history-search.js";

function textarea(value, attrs) {
  const node = el("textarea", attrs);
  node.value = value || ""; // a textarea's content is its value, not an attribute
  return node;
}

/** h: {api, t, lang, masking, config()}: config() the current settings (type lists). */
export function createRecordDialog(h) {
  const { api, t, lang, masking } = h;
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
          { class: `history-message ${m.kind === "note" ? "note" : m.role}`, dataset: { seq: String(m.seq) } },
          el("span", { class: "history-sender" }, `${m.senderName || roleLabel(m)} · ${formatTime(m.createdAt, lang, true)}`),
          // An internal note (staff-only) is labelled as such, in the transcript as on the chat screen.
          m.kind === "note" ? el("span", { class: "msg-note-label" }, t("noteLabel")) : null,
          el("span", { class: "history-text" }, masking && m.kind !== "system" && m.kind !== "note" ? masking.renderText(m) : systemLine(m, lang)),
        ),
      ),
    );
  }

  // Every hop of the chat (issue #21): when, from whom to whom (or which team), who moved it, the note.
  function transfersView(hops) {
    const section = el("section", { class: "history-transfers", "aria-labelledby": "history-transfers-title" });
    section.append(el("h3", { id: "history-transfers-title" }, t("transferHistory")));
    if (!hops?.length) return section.append(el("p", { class: "muted" }, t("noTransfers"))), section;
    section.append(
      el(
        "ol",
        {},
        hops.map((hop) => {
          const vars = { time: formatTime(hop.at, lang, true), from: hop.fromAgentId || "-", to: hop.toAgentId || "", team: hop.toTeamId || "" };
          const line = hop.toAgentId ? t("hopToAgent", vars) : t("hopToTeam", vars);
          return el(
            "li",
            {},
            el("span", {}, line),
            hop.by && hop.by !== hop.fromAgentId ? el("span", { class: "muted" }, ` ${t("hopBy", { by: hop.by })}`) : null,
            hop.note ? el("p", { class: "history-hop-note" }, hop.note) : null,
          );
        }),
      ),
    );
    return section;
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
    const transcript = transcriptView(data.messages);
    const path = `/chats/${encodeURIComponent(conversationId)}`;
    const common = { field, t, lang };
    const customer = dialogRecordForm({
      ...common,
      kind: "customer",
      legend: t("customerInfo"),
      submitLabel: t("save"),
      fields: customerFields(t, conv.customer || {}, { memoRows: 2 }),
      onSave: async (body) => (await api.put(`${path}/customer`, body), t("saved")),
    });
    const counsel = dialogRecordForm({
      ...common,
      kind: "counsel",
      legend: t("counselInfo"),
      submitLabel: t("save"),
      fields: counselFields(t, choices(h.config()?.inquiryTypes, conv.counsel?.inquiryType), choices(h.config()?.processingTypes, conv.counsel?.processingType), conv.counsel?.note, { noteRows: 3 }),
      onSave: async (body) => (await api.put(`${path}/counsel`, body), t("saved")),
    });
    const ticket = dialogRecordForm({
      ...common,
      kind: "ticket",
      legend: t("createTicket"),
      submitLabel: t("createTicket"),
      fields: [
        ["inquiryType", t("inquiryType"), choices(h.config()?.inquiryTypes, conv.counsel?.inquiryType, false)],
        ["title", t("ticketTitle"), el("input", { type: "text", maxLength: 200, required: true })],
        ["content", t("ticketContent"), textarea("", { rows: 3, maxLength: 10000, required: true })],
      ],
      onSave: async (body) => t("ticketCreated", { id: (await api.post(`${path}/tickets`, body)).ticketId }),
    });
    clear(dialog).append(
      el("header", {}, title, masking ? masking.createButton() : null, closeButton), // masking icon (S-5)
      el(
        "div",
        { class: "history-dialog-body" },
        el("section", { class: "history-dialog-transcript", "aria-label": t("transcript") }, transcript,
          noteForm({ api, lang, conversationId, onSaved: (note) => transcript.append(transcriptView([note]).firstElementChild) })),
        el("div", { class: "history-dialog-records" }, customer, counsel, transfersView(conv.transfers), ticket),
      ),
    );
    closeButton.focus();
  }

  return { dialog, openChat };
}
