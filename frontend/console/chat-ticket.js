// 티켓 만들기 from the chat view: a modal dialog with 문의 유형, title and content (the counsel note
// to start from) and the conversation's transcript; POST /chats/{id}/tickets.
import { el, keepTabInside } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { renderMessages } from "./messages.js";

/** A select of Korean type names (with "없음" first); a retired type already on the chat stays offered. */
export function typeOptions(t, select, names, current) {
  const all = [...names];
  if (current && !all.includes(current)) all.push(current); // a retired type already on the chat
  select.replaceChildren(el("option", { value: "" }, t("none")), ...all.map((name) => el("option", { value: name, lang: "ko" }, name))); // type names are Korean (3.1.2)
}

/** messagesOf(id): the stored messages in seq order; onCreated(ticket) after the ticket was made. */
export function createTicketDialog({ ctx, nextId, messagesOf, onCreated }) {
  const { t, lang } = ctx;
  const typeSelect = el("select", { name: "inquiryType", id: nextId("ticket-type"), required: true });
  const titleInput = el("input", { name: "title", id: nextId("ticket-title"), maxLength: 200, required: true, autocomplete: "off" });
  const contentInput = el("textarea", { name: "content", id: nextId("ticket-content"), rows: 6, maxLength: 10000, required: true });
  const error = el("p", { class: "field-error", role: "alert" });
  const transcript = el("ol", { class: "messages transcript", "aria-label": t("transcript") });
  const submit = el("button", { type: "submit", class: "primary" }, t("submit"));
  const dialog = keepTabInside(el("dialog", { class: "ticket-dialog", "aria-labelledby": "ticket-dialog-title" }));
  const form = el(
    "form",
    { class: "ticket-form", novalidate: true },
    el("h2", { id: "ticket-dialog-title" }, t("ticketFormTitle")),
    el("label", { for: typeSelect.id }, t("inquiryType")),
    typeSelect,
    el("label", { for: titleInput.id }, t("ticketTitle")),
    titleInput,
    el("label", { for: contentInput.id }, t("ticketContent")),
    contentInput,
    error,
    el("div", { class: "form-actions" }, submit, el("button", { type: "button", onclick: () => dialog.close() }, t("cancel"))),
    el("h3", {}, t("transcript")),
    transcript,
  );
  dialog.append(form);
  let conversationId = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { inquiryType: typeSelect.value, title: titleInput.value.trim(), content: contentInput.value.trim() };
    const missing = Object.entries({ inquiryType: typeSelect, title: titleInput, content: contentInput }).filter(([name]) => !body[name]);
    for (const control of [typeSelect, titleInput, contentInput]) control.setAttribute("aria-invalid", "false");
    if (missing.length) {
      for (const [, control] of missing) control.setAttribute("aria-invalid", "true");
      error.textContent = t("required");
      missing[0][1].focus();
      return;
    }
    submit.disabled = true;
    try {
      const ticket = await ctx.api.post(`/chats/${encodeURIComponent(conversationId)}/tickets`, body);
      dialog.close();
      ctx.toast(t("ticketCreated"));
      ctx.emit("ticket-created", ticket);
      onCreated(ticket);
    } catch (err) {
      error.textContent = t("ticketFailed", { message: describeError(err, lang) });
    } finally {
      submit.disabled = false;
    }
  });
  return {
    dialog,
    open(conv) {
      conversationId = conv.conversationId;
      typeOptions(t, typeSelect, ctx.settings.inquiryTypes || [], null);
      typeSelect.value = conv.counsel?.inquiryType && (ctx.settings.inquiryTypes || []).includes(conv.counsel.inquiryType) ? conv.counsel.inquiryType : "";
      titleInput.value = "";
      contentInput.value = conv.counsel?.note || "";
      error.textContent = "";
      renderMessages(transcript, messagesOf(conversationId), ctx, conversationId);
      dialog.showModal();
      typeSelect.focus();
    },
  };
}
