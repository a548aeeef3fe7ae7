// The composer's "/" canned search (issue #22): typing "/" at the start of the message box opens a
// listbox over the agent's canned responses (personal first, then shared; GET /canned-responses)
// searched by shortcut, title and text with Korean matched as typed (../shared/canned-search.js).
// ↑/↓ move, Enter inserts, Esc closes (the ARIA 1.2 combobox pattern on the message box).
//
// Inserting fills the variables from the chat shown (../shared/canned-fill.js, the server's rule):
// nothing is sent; the agent edits and presses 보내기. A variable without a value is left as a
// visible label, selected for the agent to type over; a send while a label is still there is
// refused with the names. The use is counted with POST /canned-responses/{id}/use (its answer is
// not waited for: the box is filled at once, and a failed count costs the agent nothing).
import { el } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { serviceTimeZone } from "../shared/datetime.js";
import { translator } from "../shared/i18n.js";
import { buildCannedIndex, searchCanned } from "../shared/canned-search.js";
import { fillCanned } from "../shared/canned-fill.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";

const EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Today in the service's time zone, written out as the server writes it (domain/canned_text.format_today). */
export function todayText(lang, now = Date.now(), timeZone = serviceTimeZone()) {
  const [year, month, day] = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(now)).split("-").map(Number);
  return lang === "en" ? `${EN_MONTHS[month - 1]} ${day}, ${year}` : `${year}년 ${month}월 ${day}일`;
}

let counter = 0;

/** The search index of the agent's responses (personal first), read once per opening of the list:
 * responses are edited on the admin page and by the agent, so forget() drops it when the list closes. */
function indexSource(ctx, onError) {
  let loading = null;
  return {
    load() {
      loading ||= ctx.api.get("/canned-responses").then(
        (data) => buildCannedIndex([...(data.personal || []), ...(data.shared || [])]),
        (err) => {
          loading = null;
          onError(err);
          throw err;
        },
      );
      return loading;
    },
    forget() {
      loading = null;
    },
  };
}

/** The variables' values for the chat shown: its customer, the agent, its inquiry type, today. */
function valuesOf(view) {
  const conv = view.chats.get(view.selectedId) || {};
  return {
    "customer.name": conv.customer?.name || "",
    "agent.displayName": view.ctx.me.displayName || "",
    "chat.inquiryType": conv.counsel?.inquiryType || "",
    today: todayText(view.ctx.lang),
  };
}

/** The listbox's options (or the one "no match" line); a pointer picks with mousedown, keeping the focus in the box. */
function optionsOf(t, listId, results, active, choose) {
  if (!results.length) {
    return [el("li", { class: "canned-none", role: "option", "aria-disabled": "true", "aria-selected": "false", id: `${listId}-none` }, t("cannedNone"))];
  }
  return results.map(({ response }, i) =>
    el("li", {
      id: `${listId}-${i}`, role: "option", class: "canned-option", "aria-selected": String(i === active),
      dataset: { responseId: response.responseId },
      onmousedown: (event) => {
        event.preventDefault();
        choose(i);
      },
    },
    el("span", { class: "canned-shortcut" }, `/${response.shortcut}`),
    el("span", { class: "canned-title" }, response.title),
    el("span", { class: "canned-text" }, response.text)));
}

/** view: the chat view's state; composer: chat-composer.js's parts ({composer, input}). */
export function createCannedSearch(view, composer) {
  const { ctx } = view;
  const t = translator(PRODUCTIVITY_STRINGS, ctx.lang);
  const { input } = composer;
  const form = composer.composer;
  const listId = `canned-list-${++counter}`;
  const listbox = el("ul", { class: "canned-list hidden", id: listId, role: "listbox", "aria-label": t("cannedList") });
  const hint = el("p", { class: "canned-hint hidden", id: `${listId}-hint` }, t("cannedHint"));
  const status = el("span", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const fillNote = el("p", { class: "canned-fill-note hidden", id: `${listId}-fill`, role: "status" });
  const popup = el("div", { class: "canned-popup" }, hint, listbox);
  form.prepend(popup);
  // Where the agent writes their own responses (canned-view.js), after 보내기 in the tab order.
  form.querySelector("button[type=submit]").after(el("a", { href: "#/canned", class: "canned-manage" }, t("cannedManage")));
  form.append(status, fillNote);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${fillNote.id}`.trim());

  const source = indexSource(ctx, (err) => (status.textContent = t("cannedLoadFailed", { message: describeError(err, ctx.lang) })));
  let index = null;
  let results = [];
  let active = -1;
  let dismissed = null; // the box's value when Esc closed the list: it stays closed until the value changes
  let labels = []; // [{variable, label}] still to fill from the last insertion


  const isOpen = () => !listbox.classList.contains("hidden");
  /** The query while the box is a "/" search: a leading "/" on one line, else null. */
  function queryOf() {
    const value = input.value;
    if (!value.startsWith("/") || value.includes("\n") || value === dismissed) return null;
    return value.slice(1);
  }

  function close() {
    if (isOpen()) source.forget();
    listbox.classList.add("hidden");
    hint.classList.add("hidden");
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    results = [];
    active = -1;
  }

  async function update() {
    const query = queryOf();
    if (query === null) return close();
    try {
      index = await source.load();
    } catch {
      return close();
    }
    if (queryOf() !== query) return; // typed on meanwhile: that input's update draws
    results = searchCanned(index, query);
    active = results.length ? 0 : -1;
    draw();
  }

  function draw() {
    listbox.replaceChildren(...optionsOf(t, listId, results, active, choose));
    listbox.classList.remove("hidden");
    hint.classList.remove("hidden");
    input.setAttribute("aria-expanded", "true");
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", `${listId}-${active}`);
      listbox.children[active].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
    status.textContent = results.length ? t("cannedCount", { n: results.length }) : t("cannedNone");
  }

  const labelOf = (variable) => `[${t(`var_${variable.replace(".", "_")}`)}]`;

  function choose(i) {
    const response = results[i]?.response;
    if (!response) return;
    const filled = fillCanned(response.text, valuesOf(view), { placeholder: labelOf });
    close();
    dismissed = null;
    input.value = filled.text;
    input.dispatchEvent(new Event("input", { bubbles: true })); // the counter and typing follow
    labels = filled.emptySpans.map((span) => ({ variable: span.variable, label: filled.text.slice(span.start, span.end) }));
    input.focus();
    const first = filled.emptySpans[0];
    if (first) input.setSelectionRange(first.start, first.end);
    else input.setSelectionRange(filled.text.length, filled.text.length);
    showFillNote();
    status.textContent = t("cannedInserted");
    ctx.api.post(`/canned-responses/${encodeURIComponent(response.responseId)}/use`,
      { conversationId: view.selectedId || undefined, lang: ctx.lang }).catch(() => {});
  }

  /** The labels still in the box, by variable name. */
  function unfilled() {
    return labels.filter(({ label }) => input.value.includes(label));
  }
  function showFillNote() {
    const left = unfilled();
    labels = left;
    fillNote.textContent = left.length ? t("cannedEmpty", { n: left.length, names: left.map((l) => l.label).join(", ") }) : "";
    fillNote.classList.toggle("hidden", !left.length);
  }

  input.addEventListener("input", () => {
    if (input.value !== dismissed) dismissed = null;
    if (labels.length) showFillNote();
    update();
  });
  input.addEventListener("blur", () => close());
  // Capture on the form: these keys are the list's while it is open, before the composer's Enter.
  form.addEventListener("keydown", (event) => {
    if (event.target !== input || !isOpen() || event.isComposing) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!results.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : results.length - 1)) % results.length;
      draw();
    } else if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      if (active >= 0) choose(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      dismissed = input.value;
      close();
    }
  }, true);
  // A label left in the box is never sent: the send is refused with the names.
  form.addEventListener("submit", (event) => {
    const left = unfilled();
    if (!left.length) return (labels = []);
    event.preventDefault();
    event.stopImmediatePropagation();
    fillNote.textContent = t("cannedUnfilled", { names: left.map((l) => l.label).join(", ") });
    fillNote.classList.remove("hidden");
    const at = input.value.indexOf(left[0].label);
    input.focus();
    input.setSelectionRange(at, at + left[0].label.length);
  }, true);

  return { listbox, close, reset: () => { labels = []; showFillNote(); close(); } };
}
