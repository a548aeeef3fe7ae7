// 상용구 / Canned responses on the admin page (issue #22): the shared responses (GET
// /admin/canned-responses) with their use counts, a category filter, create / edit (title,
// shortcut, text, category; the server's refusal shown at its field, in the page's language),
// delete (confirmed), reorder with ↑/↓ buttons; CSV export and import are canned-csv.js.
import { formatDateTime } from "/shared/datetime.js";
import { clear } from "/shared/dom.js";
import { csvBox } from "./canned-csv.js";
import { CANNED_FIELDS as FIELDS, CANNED_LIMITS, VARIABLES, categoriesOf, cannedReason as reasonOf, movedIds } from "./canned-rules.js";
import { errorText, field, t } from "./page.js";

const NO_CATEGORY = "\u0000none"; // the filter's "no category" choice (no category can be named so)
const cannedReason = (error) => reasonOf(error, t, errorText);

class CannedSection {
  constructor(ctx) {
    this.ctx = ctx;
    this.responses = [];
    this.limit = 2000;
    this.editing = null; // the response being edited, or null for a new one
    const { el } = ctx;
    this.status = el("p", { class: "status", id: "canned-status", role: "status" });
    this.limits = el("p", { class: "help", id: "canned-limits" });
    this.filter = el("select", { id: "canned-filter", onchange: () => this.render() });
    this.body = el("tbody", {});
  }

  table() {
    const { el } = this.ctx;
    const heads = ["cannedColTitle", "cannedColCategory", "cannedColText", "cannedColUsage", "colActions"];
    return el(
      "table",
      { id: "canned-table", class: "canned-table" },
      el("caption", { class: "visually-hidden" }, t("cannedTitle")),
      el("thead", {}, el("tr", {}, ...heads.map((key) => el("th", { scope: "col" }, t(key))))),
      this.body,
    );
  }

  form() {
    const { el, lang } = this.ctx;
    this.controls = {
      title: el("input", { maxlength: String(CANNED_LIMITS.title) }),
      shortcut: el("input", { maxlength: String(CANNED_LIMITS.shortcut + 1), autocomplete: "off" }),
      category: el("input", { maxlength: String(CANNED_LIMITS.category), list: "canned-categories" }),
      text: el("textarea", { rows: "5", maxlength: String(CANNED_LIMITS.text) }),
    };
    const help = {
      title: t("cannedMaxChars", { max: CANNED_LIMITS.title }),
      shortcut: t("cannedShortcutHelp", { max: CANNED_LIMITS.shortcut }),
      category: t("cannedCategoryHelp", { max: CANNED_LIMITS.category }),
      text: t("cannedTextHelp", { max: CANNED_LIMITS.text.toLocaleString(lang) }) + " " + VARIABLES.join(" "),
    };
    this.fields = Object.fromEntries(
      FIELDS.map((name) => [name, field(`canned-field-${name}`, t(`cannedField_${name}`), this.controls[name], help[name])]),
    );
    this.categoryList = el("datalist", { id: "canned-categories" });
    this.formTitle = el("h3", { id: "canned-form-title" }, t("cannedNew"));
    this.formStatus = el("p", { class: "status", id: "canned-form-status", role: "status" });
    this.saveButton = el("button", { type: "submit", id: "canned-save", class: "primary" }, t("save"));
    const cancel = el("button", { type: "button", id: "canned-cancel", onclick: () => this.resetForm(true) }, t("cancel"));
    const { title, shortcut, category, text } = this.fields;
    return el(
      "form",
      { id: "canned-form", class: "canned-form", "aria-labelledby": "canned-form-title", novalidate: true, onsubmit: (e) => (e.preventDefault(), this.save()) },
      this.formTitle,
      el("div", { class: "canned-grid" }, title.node, shortcut.node, category.node),
      text.node,
      this.categoryList,
      el("div", { class: "actions" }, this.saveButton, cancel),
      this.formStatus,
    );
  }

  mount(container) {
    const { el } = this.ctx;
    container.append(
      this.limits,
      el("div", { class: "canned-filter" }, el("label", { for: "canned-filter" }, t("cannedFilter")), this.filter),
      // A narrow screen scrolls the table sideways: the region is focusable so the keyboard can too.
      el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("cannedTitle") }, this.table()),
      this.status,
      this.form(),
      csvBox(this),
    );
    this.resetForm();
    this.load();
  }

  setStatus(text, kind = "") {
    this.status.textContent = text;
    this.status.className = `status ${kind}`.trim();
  }

  // --- the form ---------------------------------------------------------------------------------

  clearErrors() {
    for (const name of FIELDS) {
      this.fields[name].error.textContent = "";
      this.controls[name].setAttribute("aria-invalid", "false");
    }
  }

  showFieldError(name, text) {
    const target = this.fields[name] ? name : "text";
    this.fields[target].error.textContent = text;
    this.controls[target].setAttribute("aria-invalid", "true");
    this.controls[target].focus();
  }

  resetForm(focus = false) {
    this.editing = null;
    if (focus) this.formStatus.textContent = ""; // Cancel: the last refusal is about a draft that is gone
    for (const name of FIELDS) this.controls[name].value = "";
    this.clearErrors();
    this.formTitle.textContent = t("cannedNew");
    if (focus) this.controls.title.focus();
  }

  edit(response) {
    this.editing = response;
    for (const name of FIELDS) this.controls[name].value = response[name] || "";
    this.clearErrors();
    this.formStatus.textContent = "";
    this.formTitle.textContent = t("cannedEditing", { title: response.title });
    this.controls.title.focus();
  }

  /** Required fields and lengths, as the server counts them; the first bad field gets focus. */
  check() {
    this.clearErrors();
    for (const name of FIELDS) {
      const value = this.controls[name].value.trim();
      const max = CANNED_LIMITS[name] + (name === "shortcut" && value.startsWith("/") ? 1 : 0);
      const problem = !value && name !== "category" ? t("required") : [...value].length > max ? t("tooLong", { max: CANNED_LIMITS[name].toLocaleString(this.ctx.lang) }) : "";
      if (problem) {
        this.showFieldError(name, problem);
        return false;
      }
    }
    return true;
  }

  async save() {
    const { api } = this.ctx;
    this.formStatus.textContent = "";
    if (!this.check()) return;
    const payload = Object.fromEntries(FIELDS.map((name) => [name, this.controls[name].value]));
    this.saveButton.disabled = true;
    this.formStatus.textContent = t("saving");
    try {
      const saved = this.editing
        ? await api.put(`/admin/canned-responses/${encodeURIComponent(this.editing.responseId)}`, payload)
        : await api.post("/admin/canned-responses", payload);
      const at = this.responses.findIndex((r) => r.responseId === saved.responseId);
      if (at >= 0) this.responses[at] = saved;
      else this.responses.push(saved);
      this.resetForm();
      this.render();
      this.formStatus.textContent = t("cannedSaved", { title: saved.title });
    } catch (error) {
      this.formStatus.textContent = t("saveFailed", { message: cannedReason(error) });
      if (error.field) this.showFieldError(error.field, cannedReason(error));
    } finally {
      this.saveButton.disabled = false;
    }
  }

  // --- the list ---------------------------------------------------------------------------------

  visible(response) {
    const chosen = this.filter.value;
    return !chosen || (chosen === NO_CATEGORY ? !response.category : response.category === chosen);
  }

  renderFilter() {
    const { el } = this.ctx;
    const chosen = this.filter.value;
    const categories = categoriesOf(this.responses);
    clear(this.filter);
    this.filter.append(
      el("option", { value: "" }, t("cannedAll", { n: this.responses.length })),
      ...categories.map((c) => el("option", { value: c }, c)),
      el("option", { value: NO_CATEGORY }, t("cannedUncategorised")),
    );
    this.filter.value = chosen === NO_CATEGORY || categories.includes(chosen) ? chosen : "";
    clear(this.categoryList);
    this.categoryList.append(...categories.map((c) => el("option", { value: c })));
  }

  usage(response) {
    const { el, lang } = this.ctx;
    if (!response.usageCount) return el("span", { class: "badge" }, t("cannedUnused"));
    return [
      el("span", { class: "badge ok" }, t("cannedUsed", { n: response.usageCount.toLocaleString(lang) })),
      response.lastUsedAt ? el("span", { class: "sub" }, t("cannedLastUsed", { time: formatDateTime(response.lastUsedAt) })) : null,
    ];
  }

  actions(response, first, last) {
    const { el } = this.ctx;
    const name = response.title;
    const id = response.responseId;
    const button = (key, label, attrs, onclick) => el("button", { type: "button", "aria-label": t(label, { name }), ...attrs, onclick }, t(key));
    return el(
      "span",
      { class: "row-actions" },
      button("cannedEdit", "cannedEditLabel", { dataset: { edit: id } }, () => this.edit(response)),
      button("moveUp", "moveUpLabel", { disabled: first, dataset: { move: "-1", id } }, () => this.reorder(id, -1)),
      button("moveDown", "moveDownLabel", { disabled: last, dataset: { move: "1", id } }, () => this.reorder(id, 1)),
      button("cannedDelete", "cannedDeleteLabel", { class: "danger", dataset: { delete: id } }, () => this.remove(response)),
    );
  }

  render(focusSelector) {
    const { el, lang } = this.ctx;
    this.renderFilter();
    this.limits.textContent = t("cannedLimits", {
      n: this.responses.length.toLocaleString(lang),
      max: this.limit.toLocaleString(lang),
      text: CANNED_LIMITS.text.toLocaleString(lang),
    });
    clear(this.body);
    const shown = this.responses.filter((r) => this.visible(r));
    if (!shown.length) this.body.append(el("tr", {}, el("td", { colspan: "5" }, t("cannedEmpty"))));
    shown.forEach((response, index) => {
      this.body.append(
        el(
          "tr",
          { dataset: { id: response.responseId } },
          el("th", { scope: "row" }, el("span", { class: "name" }, response.title), el("span", { class: "sub" }, `/${response.shortcut}`)),
          el("td", {}, response.category || el("span", { class: "sub" }, t("cannedUncategorised"))),
          el("td", { class: "canned-text" }, response.text),
          el("td", { class: "canned-usage" }, this.usage(response)),
          el("td", {}, this.actions(response, index === 0, index === shown.length - 1)),
        ),
      );
    });
    if (focusSelector) {
      const target = this.body.querySelector(focusSelector);
      // At the top or bottom the pressed button is disabled: keep focus on its row's other one.
      (target && !target.disabled ? target : target?.closest("tr")?.querySelector("button[data-move]:not([disabled])"))?.focus();
    }
  }

  async load() {
    try {
      const data = await this.ctx.api.get("/admin/canned-responses");
      this.responses = data.responses;
      this.limit = data.limit;
      this.render();
    } catch (error) {
      this.setStatus(t("loadFailed", { message: errorText(error) }), "error");
    }
  }

  async remove(response) {
    if (!window.confirm(t("cannedConfirmDelete", { name: response.title }))) return;
    try {
      await this.ctx.api.del(`/admin/canned-responses/${encodeURIComponent(response.responseId)}`);
      this.responses = this.responses.filter((r) => r.responseId !== response.responseId);
      if (this.editing?.responseId === response.responseId) this.resetForm();
      this.render();
      this.setStatus(t("cannedDeleted", { title: response.title }), "saved");
      (this.body.querySelector("button[data-edit]") || this.controls.title).focus();
    } catch (error) {
      this.setStatus(t("actionFailed", { name: response.title, message: errorText(error) }), "error");
    }
  }

  async reorder(id, delta) {
    const byId = new Map(this.responses.map((r) => [r.responseId, r]));
    const ids = movedIds([...byId.keys()], id, delta, (other) => this.visible(byId.get(other)));
    try {
      const data = await this.ctx.api.put("/admin/canned-responses/order", { ids });
      this.responses = data.responses;
      this.render(`[data-move="${delta}"][data-id="${id}"]`);
      const at = this.responses.findIndex((r) => r.responseId === id);
      this.setStatus(t("cannedMoved", { title: this.responses[at]?.title || "", n: at + 1 }), "saved");
    } catch (error) {
      this.setStatus(t("saveFailed", { message: errorText(error) }), "error");
      this.load();
    }
  }
}

export function mountCanned(container, ctx) {
  new CannedSection(ctx).mount(container);
}
