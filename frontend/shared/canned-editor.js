// 상용구 / Canned responses: the one editor of the admin page's shared responses and the console's
// own ones (issue #22). `scope` picks the routes and the words:
//   "shared"   GET /admin/canned-responses ({responses, limit}), writes under /admin/canned-responses
//   "personal" GET /canned-responses ({personal, shared, limits}), writes under /canned-responses;
//              the shared ones are listed below, read-only (admins edit them on the admin page).
// A list with use counts and a category filter, create / edit (title, shortcut, text, category; the
// server's refusal shown at its field, in the page's language), delete (confirmed), reorder with
// ↑/↓ buttons (focus kept on the moved row); CSV export and import are canned-csv.js.
import { formatDateTime } from "./datetime.js";
import { clear, el } from "./dom.js";
import { describeError } from "./errors.js";
import { translator } from "./i18n.js";
import { csvBox } from "./canned-csv.js";
import { CANNED_FIELDS as FIELDS, CANNED_LIMITS, VARIABLES, categoriesOf, cannedReason, movedIds } from "./canned-rules.js";
import { CANNED_STRINGS } from "./canned-strings.js";

const NO_CATEGORY = "\u0000none"; // the filter's "no category" choice (no category can be named so)

export const CANNED_SCOPES = {
  shared: {
    base: "/admin/canned-responses",
    read: (data) => ({ responses: data.responses || [], limit: data.limit, shared: null }),
  },
  personal: {
    base: "/canned-responses",
    read: (data) => ({ responses: data.personal || [], limit: data.limits?.personal, shared: data.shared || [] }),
  },
};

/** A labelled control with its help line and an error line (aria-describedby both). */
function labelledField(id, labelText, control, help) {
  const error = el("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" });
  control.id = id;
  control.setAttribute("aria-describedby", [help ? `${id}-help` : "", `${id}-error`].join(" ").trim());
  return {
    node: el("div", { class: "field" }, el("label", { for: id }, labelText), control, help ? el("p", { class: "help", id: `${id}-help` }, help) : null, error),
    control,
    error,
  };
}

class CannedSection {
  /** ctx: {api, auth, lang}; scope: "shared" | "personal". */
  constructor(ctx, scope) {
    this.ctx = ctx;
    this.scope = scope;
    this.base = CANNED_SCOPES[scope].base;
    this.t = translator(CANNED_STRINGS, ctx.lang);
    this.errorText = (error) => describeError(error, ctx.lang);
    this.reasonOf = (error) => cannedReason(error, this.t, this.errorText);
    this.responses = [];
    this.shared = null; // personal scope: the shared responses, read-only
    this.limit = scope === "shared" ? 2000 : 200;
    this.editing = null; // the response being edited, or null for a new one
    this.status = el("p", { class: "status", id: "canned-status", role: "status" });
    this.limits = el("p", { class: "help", id: "canned-limits" });
    this.filter = el("select", { id: "canned-filter", onchange: () => this.render() });
    this.body = el("tbody", {});
  }

  /** The scope's word for `key` (key_shared / key_personal). */
  scoped(key, vars) {
    return this.t(`${key}_${this.scope}`, vars);
  }

  table() {
    const { t } = this;
    const heads = ["cannedColTitle", "cannedColCategory", "cannedColText", "cannedColUsage", "colActions"];
    return el(
      "table",
      { id: "canned-table", class: "canned-table" },
      el("caption", { class: "visually-hidden" }, this.scoped("cannedTitle")),
      el("thead", {}, el("tr", {}, ...heads.map((key) => el("th", { scope: "col" }, t(key))))),
      this.body,
    );
  }

  form() {
    const { t } = this;
    const { lang } = this.ctx;
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
      // The variables are names to type as they are (English identifiers): code, read out in English.
      text: [t("cannedTextHelp", { max: CANNED_LIMITS.text.toLocaleString(lang) }), ...VARIABLES.map((v) => [" ", el("code", { lang: "en", translate: "no" }, v)])],
    };
    this.fields = Object.fromEntries(
      FIELDS.map((name) => [name, labelledField(`canned-field-${name}`, t(`cannedField_${name}`), this.controls[name], help[name])]),
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

  /** The shared responses as an agent sees them: listed, never editable. */
  sharedList() {
    const { t } = this;
    this.sharedBody = el("tbody", {});
    const heads = ["cannedColTitle", "cannedColCategory", "cannedColText"];
    return el(
      "section",
      { class: "canned-shared", "aria-labelledby": "canned-shared-title" },
      el("h3", { id: "canned-shared-title" }, t("cannedSharedTitle")),
      el("p", { class: "help" }, t("cannedSharedHelp")),
      el(
        "div",
        { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("cannedSharedTitle") },
        el(
          "table",
          { id: "canned-shared-table", class: "canned-table" },
          el("caption", { class: "visually-hidden" }, t("cannedSharedTitle")),
          el("thead", {}, el("tr", {}, ...heads.map((key) => el("th", { scope: "col" }, t(key))))),
          this.sharedBody,
        ),
      ),
    );
  }

  mount(container) {
    const { t } = this;
    container.append(
      el(
        "div",
        { class: `canned-editor canned-${this.scope}` },
        this.limits,
        el("div", { class: "canned-filter" }, el("label", { for: "canned-filter" }, t("cannedFilter")), this.filter),
        // A narrow screen scrolls the table sideways: the region is focusable so the keyboard can too.
        el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": this.scoped("cannedTitle") }, this.table()),
        this.status,
        this.form(),
        csvBox(this),
        this.scope === "personal" ? this.sharedList() : null,
      ),
    );
    this.resetForm();
    return this.load();
  }

  setFormStatus(text, kind = "") {
    this.formStatus.textContent = text;
    this.formStatus.className = `status ${kind}`.trim();
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
    this.formTitle.textContent = this.t("cannedNew");
    if (focus) this.controls.title.focus();
  }

  edit(response) {
    this.editing = response;
    for (const name of FIELDS) this.controls[name].value = response[name] || "";
    this.clearErrors();
    this.formStatus.textContent = "";
    this.formTitle.textContent = this.t("cannedEditing", { title: response.title });
    this.controls.title.focus();
  }

  /** Required fields and lengths, as the server counts them; the first bad field gets focus. */
  check() {
    const { t } = this;
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
    const { t } = this;
    const { api } = this.ctx;
    this.setFormStatus("");
    if (!this.check()) return;
    const payload = Object.fromEntries(FIELDS.map((name) => [name, this.controls[name].value]));
    this.saveButton.disabled = true;
    this.setFormStatus(t("saving"));
    try {
      const saved = this.editing
        ? await api.put(`${this.base}/${encodeURIComponent(this.editing.responseId)}`, payload)
        : await api.post(this.base, payload);
      const at = this.responses.findIndex((r) => r.responseId === saved.responseId);
      if (at >= 0) this.responses[at] = saved;
      else this.responses.push(saved);
      this.resetForm();
      this.render();
      this.setFormStatus(t("cannedSaved", { title: saved.title }), "saved");
    } catch (error) {
      this.setFormStatus(t("saveFailed", { message: this.reasonOf(error) }), "error");
      if (error.field) this.showFieldError(error.field, this.reasonOf(error));
    } finally {
      this.saveButton.disabled = false;
    }
  }

  // --- the lists --------------------------------------------------------------------------------

  visible(response) {
    const chosen = this.filter.value;
    return !chosen || (chosen === NO_CATEGORY ? !response.category : response.category === chosen);
  }

  renderFilter() {
    const { t } = this;
    const chosen = this.filter.value;
    // The filter covers both lists; the form suggests every category in use, shared ones too.
    const all = [...this.responses, ...(this.shared || [])];
    const categories = categoriesOf(all);
    clear(this.filter);
    this.filter.append(
      el("option", { value: "" }, t("cannedAll", { n: all.length })),
      ...categories.map((c) => el("option", { value: c }, c)),
      el("option", { value: NO_CATEGORY }, t("cannedUncategorised")),
    );
    this.filter.value = chosen === NO_CATEGORY || categories.includes(chosen) ? chosen : "";
    clear(this.categoryList);
    this.categoryList.append(...categories.map((c) => el("option", { value: c })));
  }

  usage(response) {
    const { t } = this;
    const { lang } = this.ctx;
    if (!response.usageCount) return el("span", { class: "badge" }, t("cannedUnused"));
    return [
      el("span", { class: "badge ok" }, t("cannedUsed", { n: response.usageCount.toLocaleString(lang) })),
      response.lastUsedAt ? el("span", { class: "sub" }, t("cannedLastUsed", { time: formatDateTime(response.lastUsedAt) })) : null,
    ];
  }

  actions(response, first, last) {
    const { t } = this;
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

  titleCell(response) {
    return el("th", { scope: "row" }, el("span", { class: "name" }, response.title), el("span", { class: "sub" }, `/${response.shortcut}`));
  }

  categoryCell(response) {
    return el("td", {}, response.category || el("span", { class: "sub" }, this.t("cannedUncategorised")));
  }

  render(focusSelector) {
    const { lang } = this.ctx;
    this.renderFilter();
    this.limits.textContent = this.scoped("cannedLimits", {
      n: this.responses.length.toLocaleString(lang),
      max: this.limit.toLocaleString(lang),
      text: CANNED_LIMITS.text.toLocaleString(lang),
    });
    clear(this.body);
    const shown = this.responses.filter((r) => this.visible(r));
    if (!shown.length) this.body.append(el("tr", {}, el("td", { colspan: "5" }, this.scoped("cannedEmpty"))));
    shown.forEach((response, index) => {
      this.body.append(
        el(
          "tr",
          { dataset: { id: response.responseId } },
          this.titleCell(response),
          this.categoryCell(response),
          el("td", { class: "canned-text-cell" }, response.text),
          el("td", { class: "canned-usage" }, this.usage(response)),
          el("td", {}, this.actions(response, index === 0, index === shown.length - 1)),
        ),
      );
    });
    this.renderShared();
    if (focusSelector) {
      const target = this.body.querySelector(focusSelector);
      // At the top or bottom the pressed button is disabled: keep focus on its row's other one.
      (target && !target.disabled ? target : target?.closest("tr")?.querySelector("button[data-move]:not([disabled])"))?.focus();
    }
  }

  renderShared() {
    if (!this.sharedBody) return;
    clear(this.sharedBody);
    const shown = (this.shared || []).filter((r) => this.visible(r));
    if (!shown.length) this.sharedBody.append(el("tr", {}, el("td", { colspan: "3" }, this.t("cannedSharedEmpty"))));
    for (const response of shown) {
      this.sharedBody.append(
        el("tr", { dataset: { id: response.responseId } }, this.titleCell(response), this.categoryCell(response), el("td", { class: "canned-text-cell" }, response.text)),
      );
    }
  }

  async load() {
    try {
      const data = CANNED_SCOPES[this.scope].read(await this.ctx.api.get(this.base));
      this.responses = data.responses;
      this.shared = data.shared;
      this.limit = data.limit ?? this.limit;
      this.render();
    } catch (error) {
      this.setStatus(this.t("loadFailed", { message: this.errorText(error) }), "error");
    }
  }

  async remove(response) {
    const { t } = this;
    if (!window.confirm(t("cannedConfirmDelete", { name: response.title }))) return;
    try {
      await this.ctx.api.del(`${this.base}/${encodeURIComponent(response.responseId)}`);
      this.responses = this.responses.filter((r) => r.responseId !== response.responseId);
      if (this.editing?.responseId === response.responseId) this.resetForm();
      this.render();
      this.setStatus(t("cannedDeleted", { title: response.title }), "saved");
      (this.body.querySelector("button[data-edit]") || this.controls.title).focus();
    } catch (error) {
      this.setStatus(t("actionFailed", { name: response.title, message: this.errorText(error) }), "error");
    }
  }

  async reorder(id, delta) {
    const { t } = this;
    const byId = new Map(this.responses.map((r) => [r.responseId, r]));
    const ids = movedIds([...byId.keys()], id, delta, (other) => this.visible(byId.get(other)));
    try {
      const data = await this.ctx.api.put(`${this.base}/order`, { ids });
      this.responses = data.responses;
      this.render(`[data-move="${delta}"][data-id="${id}"]`);
      const at = this.responses.findIndex((r) => r.responseId === id);
      this.setStatus(t("cannedMoved", { title: this.responses[at]?.title || "", n: at + 1 }), "saved");
    } catch (error) {
      this.setStatus(t("saveFailed", { message: this.errorText(error) }), "error");
      this.load();
    }
  }
}

/**
 * Builds the editor inside `container`. ctx: {api, auth, lang} (the page's REST client, its
 * CognitoAuth for the CSV download, "ko" | "en"); scope: "shared" (admin page) or "personal".
 * Returns {reload()} (the list read again, e.g. when the view is shown again).
 */
export function mountCannedEditor(container, ctx, scope) {
  if (!CANNED_SCOPES[scope]) throw new Error(`unknown canned scope ${scope}`);
  const section = new CannedSection(ctx, scope);
  section.mount(container);
  return { reload: () => section.load() };
}
