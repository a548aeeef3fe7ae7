// 티켓 (S-4.2, S-4.3): the ticket list, newest first, with each ticket's channel (채팅 / 문의), status
// and assignee, filters (status, assignee, channel, period: ticket-workflow.js) and "more" paging; a
// ticket opens with its content, for chat tickets the chat transcript, and the workflow panel
// (status, assignee, comments, history: ticket-workflow.js). `ticket.updated` pushes keep both
// current. Routes: #/tickets, #/tickets/<ticketId>.
import { el, formatTime } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { translator } from "../shared/i18n.js";
import { renderMessages } from "./messages.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";
import { createTicketFilters, createWorkflowPanel, statusName, ticketQuery } from "./ticket-workflow.js";

export function mount(container, ctx) {
  const { api, t, lang } = ctx;
  const tw = translator(PRODUCTIVITY_STRINGS, lang);
  // Never the raw code: the API's label in this language, else the catalogue's, else 기타.
  const ticketStatus = (ticket) => statusName(tw, ticket.status, ticket.statusLabels, lang) || t("ticketState_other");
  const channel = el("select", { id: "tickets-channel", name: "channel" },
    el("option", { value: "" }, t("all")),
    el("option", { value: "chat" }, t("channel_chat")),
    el("option", { value: "inquiry" }, t("channel_inquiry")));
  const filters = createTicketFilters(ctx, () => load(true));
  const status = el("p", { class: "tickets-status", role: "status", "aria-live": "polite" });
  const tbody = el("tbody");
  const more = el("button", { type: "button", class: "tickets-more hidden", onclick: () => load(false) }, t("more"));
  const listView = el(
    "div",
    { class: "tickets-list" },
    el("header", { class: "view-header" }, el("h2", {}, t("tickets")),
      el("div", { class: "tickets-filter" }, el("label", { for: channel.id }, t("channel")), channel)),
    filters.element,
    el("table", { class: "tickets-table hidden" },
      el("thead", {}, el("tr", {}, [t("createdAt"), t("channel"), tw("wfStatus"), tw("wfAssignee"), t("inquiryType"), t("ticketTitle"), t("requester")].map((h) => el("th", { scope: "col" }, h)))),
      tbody),
    status,
    more,
  );
  const detail = el("div", { class: "ticket-detail hidden" });
  container.append(listView, detail);
  let cursor = null;
  let generation = 0;
  let panel = null; // the open ticket's workflow panel

  async function load(reset) {
    const params = filters.params();
    if (!params) return; // a backwards period: the filter says why
    const mine = ++generation;
    if (reset) {
      cursor = null;
      tbody.replaceChildren();
    }
    status.textContent = t("loading");
    try {
      const data = await api.get(`/tickets${ticketQuery(params, channel.value, cursor)}`);
      if (mine !== generation) return;
      cursor = data.nextCursor;
      for (const ticket of data.tickets) {
        filters.knowAssignee(ticket.assigneeId);
        const link = el("a", { href: `#/tickets/${encodeURIComponent(ticket.ticketId)}`, class: "ticket-open" }, ticket.title);
        tbody.append(
          el("tr", { dataset: { ticketId: ticket.ticketId, channel: ticket.channel } },
            el("td", {}, formatTime(ticket.createdAt, lang, true)),
            el("td", { class: "ticket-channel" }, t(`channel_${ticket.channel}`)),
            el("td", { class: "ticket-row-status", dataset: { status: ticket.status || "" } }, ticketStatus(ticket)),
            el("td", { class: "ticket-row-assignee" }, ticket.assigneeId || ""),
            el("td", {}, ticket.inquiryType || ""),
            el("td", {}, link),
            el("td", {}, ticket.restricted
              ? el("span", { class: "muted" }, t("restrictedTicket")) // made from another agent's live chat
              : [ticket.requesterName, ticket.requesterEmail].filter(Boolean).join(" · "))),
        );
      }
      status.textContent = tbody.children.length ? "" : t("noTickets");
      // No rows: no table (header cells without data cells, WCAG 1.3.1); the status says so.
      tbody.closest("table").classList.toggle("hidden", !tbody.children.length);
      more.classList.toggle("hidden", !cursor);
    } catch (err) {
      status.textContent = t("loadFailed", { message: describeError(err, lang) });
    }
  }
  channel.addEventListener("change", () => load(true));

  async function open(ticketId) {
    listView.classList.add("hidden");
    detail.classList.remove("hidden");
    detail.replaceChildren(el("p", { role: "status" }, t("loading")));
    panel = null;
    try {
      const ticket = await api.get(`/tickets/${encodeURIComponent(ticketId)}`);
      const transcript = el("ol", { class: "messages transcript", "aria-label": t("transcript") });
      const messages = ticket.transcript?.messages || ticket.transcript || [];
      detail.replaceChildren(
        el("p", {}, el("a", { href: "#/tickets", class: "back" }, `← ${t("back")}`)),
        el("h2", { class: "ticket-title" }, ticket.title),
        el("dl", { class: "ticket-fields" },
          el("dt", {}, t("channel")), el("dd", { class: "ticket-channel" }, t(`channel_${ticket.channel}`)),
          el("dt", {}, t("inquiryType")), el("dd", {}, ticket.inquiryType || ""),
          el("dt", {}, t("createdAt")), el("dd", {}, formatTime(ticket.createdAt, lang, true)),
          el("dt", {}, t("requester")), el("dd", {}, [ticket.requesterName, ticket.requesterEmail].filter(Boolean).join(" · ")),
          el("dt", {}, t("ticketStatus")), el("dd", { class: "ticket-status", dataset: { status: ticket.status || "" } }, ticketStatus(ticket))),
        el("h3", {}, t("ticketContent")),
        el("p", { class: "ticket-content" }, ticket.content),
      );
      panel = createWorkflowPanel(ctx, ticket, {
        onChanged: (now) => {
          const dd = detail.querySelector(".ticket-status");
          dd.dataset.status = now.status || "";
          dd.textContent = ticketStatus(now);
        },
      });
      detail.append(panel.element);
      // replaceChildren takes nodes only: optional parts are appended after.
      if (ticket.channel === "chat") detail.append(el("h3", {}, t("transcript")), messages.length ? transcript : el("p", {}, t("noTranscript")));
      if (messages.length) renderMessages(transcript, messages, ctx, ticket.conversationId);
      detail.querySelector("h2").setAttribute("tabindex", "-1");
      detail.querySelector("h2").focus();
    } catch (err) {
      detail.replaceChildren(el("p", {}, el("a", { href: "#/tickets" }, `← ${t("back")}`)), el("p", { class: "notice error" }, t("loadFailed", { message: describeError(err, lang) })));
    }
  }

  // Another agent's save (or this agent's in another tab): the open ticket and the listed row follow.
  ctx.socket.on("ticket.updated", ({ ticket }) => {
    if (panel && panel.ticketId === ticket.ticketId && !detail.classList.contains("hidden")) panel.changedElsewhere(ticket);
    const row = tbody.querySelector(`tr[data-ticket-id="${CSS.escape(ticket.ticketId)}"]`);
    if (row) {
      const cell = row.querySelector(".ticket-row-status");
      cell.dataset.status = ticket.status;
      cell.textContent = ticketStatus({ status: ticket.status });
      row.querySelector(".ticket-row-assignee").textContent = ticket.assigneeId || "";
    }
  });

  return {
    show([ticketId] = []) {
      if (ticketId) return open(ticketId);
      detail.classList.add("hidden");
      listView.classList.remove("hidden");
      load(true); // tickets are made in other tabs and by other agents: always the current list
    },
  };
}
