// Working a ticket in the console (issue #22, docs/api.md#ticket-workflow): status (접수 / 처리중 /
// 보류 / 완료), assignee and staff comments with PATCH /tickets/{id} against the version shown, and
// the change history; the list's filters by status, assignee, channel and period.
//
// Two agents at once: the one whose version is stale gets 409 with `current`; the panel then shows
// the ticket as it is now and says so (their comment is kept in the box to save again). A
// `ticket.updated` push (another agent's save) reloads an untouched panel at once; a panel with
// unsaved edits keeps them and says the ticket changed, so the edit is not lost behind the agent's back.
import { ApiError, query } from "../shared/api.js";
import { el, formatTime } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { translator } from "../shared/i18n.js";
import { periodOf } from "./history-period.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";

export const STATUSES = ["open", "in_progress", "on_hold", "solved"];

let counter = 0;
const nextId = (name) => `wf-${name}-${++counter}`;

/** The status's name in the screen's language (the API's statusLabels, else this catalogue). */
export function statusName(t, status, labels, lang) {
  return labels?.[lang] || (STATUSES.includes(status) ? t(`wfStatus_${status}`) : status || "");
}

function labelled(label, control) {
  return el("div", { class: "wf-field" }, el("label", { for: control.id }, label), control);
}

/** The list's filters: status, assignee, period (채널 stays in tickets.js). params() → the query. */
export function createTicketFilters(ctx, onChange) {
  const t = translator(PRODUCTIVITY_STRINGS, ctx.lang);
  const status = el("select", { id: nextId("status"), name: "status" },
    el("option", { value: "" }, t("all")), ...STATUSES.map((s) => el("option", { value: s }, t(`wfStatus_${s}`))));
  const assignee = el("select", { id: nextId("assignee"), name: "assigneeId" },
    el("option", { value: "" }, t("all")), el("option", { value: ctx.me.agentId }, `${t("wfFilterMine")} (${ctx.me.displayName || ctx.me.agentId})`));
  const from = el("input", { type: "date", id: nextId("from"), name: "from" });
  const to = el("input", { type: "date", id: nextId("to"), name: "to" });
  const error = el("p", { class: "field-error wf-filter-error", role: "alert" });
  const element = el("div", { class: "wf-filters", role: "group", "aria-label": t("wfFilters") },
    labelled(t("wfFilterStatus"), status), labelled(t("wfFilterAssignee"), assignee),
    labelled(t("wfFrom"), from), labelled(t("wfTo"), to), error);
  for (const control of [status, assignee, from, to]) control.addEventListener("change", () => valid() && onChange());

  function valid() {
    const bad = from.value && to.value && from.value > to.value;
    error.textContent = bad ? t("wfPeriodInvalid") : "";
    for (const control of [from, to]) control.setAttribute("aria-invalid", String(Boolean(bad)));
    return !bad;
  }
  /** An assignee seen in the list joins the choices (there is no staff directory for agents). */
  function knowAssignee(id) {
    if (!id || [...assignee.options].some((o) => o.value === id)) return;
    assignee.append(el("option", { value: id }, id));
  }
  function params() {
    if (!valid()) return null;
    // Whole days in the service's zone, both ends included (the API takes epoch ms).
    const [fromMs] = from.value ? periodOf(from.value, from.value) : [];
    const toMs = to.value ? periodOf(to.value, to.value)[1] : undefined;
    return { status: status.value, assigneeId: assignee.value, from: fromMs, to: toMs };
  }
  return { element, params, knowAssignee };
}

/**
 * The ticket's workflow panel. ticket: as GET /tickets/{id} answers (with history).
 * Returns {element, ticketId, version(), changedElsewhere(pushed)}.
 */
export function createWorkflowPanel(ctx, initial, { onChanged = () => {} } = {}) {
  const { api, lang } = ctx;
  const t = translator(PRODUCTIVITY_STRINGS, lang);
  let ticket = initial;
  let dirty = false;
  const heading = el("h3", { id: nextId("heading") }, t("wfControls"));
  const status = el("select", { id: nextId("status"), name: "status" });
  const assignee = el("select", { id: nextId("assignee"), name: "assigneeId" });
  const mine = el("button", { type: "button", class: "wf-assign-me" }, t("wfAssignMe"));
  const comment = el("textarea", { id: nextId("comment"), name: "comment", rows: 2, maxLength: 2000 });
  const save = el("button", { type: "submit", class: "primary wf-save" }, t("wfSave"));
  const notice = el("p", { class: "wf-notice", role: "alert" });
  const history = el("ol", { class: "wf-history" });
  const form = el("form", { class: "wf-form", novalidate: true, "aria-labelledby": heading.id },
    heading,
    el("div", { class: "wf-row" }, labelled(t("wfStatus"), status),
      el("div", { class: "wf-field" }, el("label", { for: assignee.id }, t("wfAssignee")), el("div", { class: "wf-inline" }, assignee, mine))),
    labelled(t("wfComment"), comment),
    el("div", { class: "form-actions" }, save),
    notice);
  const element = el("section", { class: "ticket-workflow", dataset: { ticketId: ticket.ticketId } },
    form, el("div", { class: "wf-history-box" }, el("h3", {}, t("wfHistory")), history));

  function option(value, text) {
    return el("option", { value }, text);
  }
  function draw() {
    element.dataset.version = String(ticket.version ?? 0);
    element.dataset.status = ticket.status || "";
    status.replaceChildren(...STATUSES.map((s) => option(s, t(`wfStatus_${s}`))));
    status.value = STATUSES.includes(ticket.status) ? ticket.status : "open";
    const ids = [ctx.me.agentId, ticket.assigneeId].filter(Boolean);
    assignee.replaceChildren(option("", t("wfUnassigned")), ...[...new Set(ids)].map((id) => option(id, id === ctx.me.agentId ? `${id} (${t("wfFilterMine")})` : id)));
    assignee.value = ticket.assigneeId || "";
    drawHistory();
    dirty = false;
  }
  const valueText = (field, value) => {
    if (value == null || value === "") return field === "assignee" ? t("wfUnassigned") : "";
    return field === "status" ? statusName(t, value, null, lang) : value;
  };
  function drawHistory() {
    const entries = ticket.history || [];
    history.replaceChildren(...(entries.length
      ? [...entries].reverse().map((h) => el("li", { class: `wf-entry wf-entry-${h.field}`, dataset: { field: h.field } },
          el("span", { class: "wf-entry-meta" }, `${formatTime(h.at, lang, true)} · ${h.actorId} · ${t(`wfField_${h.field}`)}`),
          el("span", { class: "wf-entry-change" },
            h.field === "comment" ? h.to : t("wfChange", { from: valueText(h.field, h.from), to: valueText(h.field, h.to) }))))
      : [el("li", { class: "wf-entry-none" }, t("wfNoHistory"))]));
  }
  for (const control of [status, assignee, comment]) control.addEventListener("input", () => (dirty = true));
  mine.addEventListener("click", () => {
    assignee.value = ctx.me.agentId;
    dirty = true;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { version: ticket.version ?? 0 };
    if (status.value !== ticket.status) body.status = status.value;
    if ((assignee.value || null) !== (ticket.assigneeId || null)) body.assigneeId = assignee.value || null;
    if (comment.value.trim()) body.comment = comment.value.trim();
    if (Object.keys(body).length === 1) {
      notice.textContent = t("wfNoChange");
      return;
    }
    save.disabled = true;
    try {
      ticket = await api.request("PATCH", `/tickets/${encodeURIComponent(ticket.ticketId)}`, body);
      comment.value = "";
      draw();
      notice.textContent = t("wfSaved");
      onChanged(ticket);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body?.current) {
        // Someone else saved first: show the ticket as it is now; the comment stays to save again.
        ticket = err.body.current;
        draw();
        dirty = Boolean(comment.value.trim());
        notice.textContent = t("wfConflict");
        onChanged(ticket);
      } else {
        notice.textContent = t("wfFailed", { message: describeError(err, lang) });
      }
    } finally {
      save.disabled = false;
    }
  });
  draw();

  return {
    element,
    ticketId: ticket.ticketId,
    version: () => ticket.version ?? 0,
    /** A ticket.updated push for this ticket: reload unless the agent is mid-edit (then say so). */
    async changedElsewhere(pushed) {
      if ((pushed.version ?? 0) <= (ticket.version ?? 0)) return null;
      if (dirty) {
        notice.textContent = t("wfChangedWhileEditing");
        return null;
      }
      try {
        ticket = await api.get(`/tickets/${encodeURIComponent(ticket.ticketId)}`);
        draw();
        if (pushed.updatedBy !== ctx.me.agentId) notice.textContent = t("wfChangedElsewhere");
        onChanged(ticket);
        return ticket;
      } catch {
        return null; // the next save answers 409 with the current state
      }
    },
  };
}

/** GET /tickets's query with the workflow filters. */
export function ticketQuery(filters, channel, cursor) {
  return query({ ...filters, channel, limit: 50, cursor });
}
