// 상용구 / Canned responses on the admin page (issue #22): the shared responses (GET
// /admin/canned-responses) with their use counts, a category filter, create / edit (title,
// shortcut, text, category; the server's refusal shown at its field, in the page's language),
// delete (confirmed), reorder with ↑/↓ buttons, CSV export (a download) and import (a file).
import { loadConfig } from "/shared/config.js";
import { formatDateTime } from "/shared/datetime.js";
import { clear } from "/shared/dom.js";
import { CANNED_LIMITS, VARIABLES, categoriesOf, cannedReason as reasonOf, movedIds } from "./canned-rules.js";
import { errorText, field, t } from "./page.js";

const FIELDS = ["title", "shortcut", "category", "text"];
const cannedReason = (error) => reasonOf(error, t, errorText);

function base64Of(buffer) {
  let binary = "";
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function mountCanned(container, ctx) {
  const { api, auth, el, lang } = ctx;
  let responses = [];
  let limit = 2000;
  let editing = null; // the response being edited, or null for a new one

  const status = el("p", { class: "status", id: "canned-status", role: "status" });
  const limits = el("p", { class: "help", id: "canned-limits" });
  const filter = el("select", { id: "canned-filter", onchange: () => render() });
  const body = el("tbody", {});
  const table = el(
    "table",
    { id: "canned-table", class: "canned-table" },
    el("caption", { class: "visually-hidden" }, t("cannedTitle")),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", { scope: "col" }, t("cannedColTitle")),
        el("th", { scope: "col" }, t("cannedColCategory")),
        el("th", { scope: "col" }, t("cannedColText")),
        el("th", { scope: "col" }, t("cannedColUsage")),
        el("th", { scope: "col" }, t("colActions")),
      ),
    ),
    body,
  );

  // --- the form ---------------------------------------------------------------------------------
  const controls = {
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
  const fields = Object.fromEntries(
    FIELDS.map((name) => [name, field(`canned-field-${name}`, t(`cannedField_${name}`), controls[name], help[name])]),
  );
  const categoryList = el("datalist", { id: "canned-categories" });
  const formTitle = el("h3", { id: "canned-form-title" }, t("cannedNew"));
  const formStatus = el("p", { class: "status", id: "canned-form-status", role: "status" });
  const saveButton = el("button", { type: "submit", id: "canned-save", class: "primary" }, t("save"));
  const cancelButton = el("button", { type: "button", id: "canned-cancel", onclick: () => resetForm(true) }, t("cancel"));
  const form = el(
    "form",
    { id: "canned-form", class: "canned-form", "aria-labelledby": "canned-form-title", novalidate: true, onsubmit: (e) => (e.preventDefault(), save()) },
    formTitle,
    el("div", { class: "canned-grid" }, fields.title.node, fields.shortcut.node, fields.category.node),
    fields.text.node,
    categoryList,
    el("div", { class: "actions" }, saveButton, cancelButton),
    formStatus,
  );

  // --- CSV --------------------------------------------------------------------------------------
  // The native file control's button is in the browser's language: ours (a label styled as a button)
  // stands in for it; the input stays focusable and opens the chooser with Space or Enter.
  const fileName = el("span", { class: "file-name", id: "canned-import-name" }, t("cannedNoFile"));
  const fileInput = el("input", {
    type: "file",
    id: "canned-import-file",
    class: "file-input",
    accept: ".csv,text/csv",
    "aria-describedby": "canned-import-name",
    onchange: () => (fileName.textContent = fileInput.files?.[0]?.name || t("cannedNoFile")),
  });
  const importResult = el("div", { id: "canned-import-result", class: "canned-import-result", role: "status" });
  const csvBox = el(
    "div",
    { class: "canned-csv" },
    el("h3", { id: "canned-csv-title" }, t("cannedCsvTitle")),
    el("p", { class: "help" }, t("cannedCsvHelp")),
    el(
      "div",
      { class: "actions" },
      el("button", { type: "button", id: "canned-export", onclick: () => exportCsv() }, t("cannedExport")),
      fileInput,
      el("label", { for: "canned-import-file", class: "file-button" }, t("cannedImportFile")),
      fileName,
      el("button", { type: "button", id: "canned-import", onclick: () => importCsv() }, t("cannedImport")),
    ),
    importResult,
  );

  container.append(
    limits,
    el("div", { class: "canned-filter" }, el("label", { for: "canned-filter" }, t("cannedFilter")), filter),
    el("div", { class: "table-wrap" }, table),
    status,
    form,
    csvBox,
  );

  function setStatus(text, kind = "") {
    status.textContent = text;
    status.className = `status ${kind}`.trim();
  }

  function clearErrors() {
    for (const name of FIELDS) {
      fields[name].error.textContent = "";
      controls[name].setAttribute("aria-invalid", "false");
    }
  }

  function showFieldError(name, text) {
    const target = fields[name] ? name : "text";
    fields[target].error.textContent = text;
    controls[target].setAttribute("aria-invalid", "true");
    controls[target].focus();
  }

  function resetForm(focus = false) {
    editing = null;
    if (focus) formStatus.textContent = ""; // Cancel: the last refusal is about a draft that is gone
    for (const name of FIELDS) controls[name].value = "";
    clearErrors();
    formTitle.textContent = t("cannedNew");
    if (focus) controls.title.focus();
  }

  function edit(response) {
    editing = response;
    for (const name of FIELDS) controls[name].value = response[name] || "";
    clearErrors();
    formStatus.textContent = "";
    formTitle.textContent = t("cannedEditing", { title: response.title });
    controls.title.focus();
  }

  // --- the list ---------------------------------------------------------------------------------
  function renderFilter() {
    const chosen = filter.value;
    const categories = categoriesOf(responses);
    clear(filter);
    filter.append(
      el("option", { value: "" }, t("cannedAll", { n: responses.length })),
      ...categories.map((c) => el("option", { value: c }, c)),
      el("option", { value: "\u0000none" }, t("cannedUncategorised")),
    );
    filter.value = chosen === "\u0000none" || categories.includes(chosen) ? chosen : "";
    clear(categoryList);
    categoryList.append(...categories.map((c) => el("option", { value: c })));
  }

  const visible = (response) =>
    !filter.value || (filter.value === "\u0000none" ? !response.category : response.category === filter.value);

  function render(focusSelector) {
    renderFilter();
    limits.textContent = t("cannedLimits", {
      n: responses.length.toLocaleString(lang),
      max: limit.toLocaleString(lang),
      text: CANNED_LIMITS.text.toLocaleString(lang),
    });
    clear(body);
    const shown = responses.filter(visible);
    if (!shown.length) body.append(el("tr", {}, el("td", { colspan: "5" }, t("cannedEmpty"))));
    shown.forEach((response, index) => {
      const name = response.title;
      const move = (delta) => () => reorder(response.responseId, delta);
      body.append(
        el(
          "tr",
          { dataset: { id: response.responseId } },
          el("th", { scope: "row" }, el("span", { class: "name" }, name), el("span", { class: "sub", lang: "" }, `/${response.shortcut}`)),
          el("td", {}, response.category || el("span", { class: "sub" }, t("cannedUncategorised"))),
          el("td", { class: "canned-text" }, response.text),
          el(
            "td",
            { class: "canned-usage" },
            response.usageCount
              ? [
                  el("span", { class: "badge ok" }, t("cannedUsed", { n: response.usageCount.toLocaleString(lang) })),
                  response.lastUsedAt ? el("span", { class: "sub" }, t("cannedLastUsed", { time: formatDateTime(response.lastUsedAt) })) : null,
                ]
              : el("span", { class: "badge" }, t("cannedUnused")),
          ),
          el(
            "td",
            {},
            el(
              "span",
              { class: "row-actions" },
              el("button", { type: "button", "aria-label": t("cannedEditLabel", { name }), dataset: { edit: response.responseId }, onclick: () => edit(response) }, t("cannedEdit")),
              el(
                "button",
                { type: "button", "aria-label": t("moveUpLabel", { name }), disabled: index === 0, dataset: { move: "-1", id: response.responseId }, onclick: move(-1) },
                t("moveUp"),
              ),
              el(
                "button",
                { type: "button", "aria-label": t("moveDownLabel", { name }), disabled: index === shown.length - 1, dataset: { move: "1", id: response.responseId }, onclick: move(1) },
                t("moveDown"),
              ),
              el("button", { type: "button", class: "danger", "aria-label": t("cannedDeleteLabel", { name }), dataset: { delete: response.responseId }, onclick: () => remove(response) }, t("cannedDelete")),
            ),
          ),
        ),
      );
    });
    if (focusSelector) {
      const target = body.querySelector(focusSelector);
      // At the top or bottom the pressed button is disabled: keep focus on its row's other one.
      (target && !target.disabled ? target : target?.closest("tr")?.querySelector("button[data-move]:not([disabled])"))?.focus();
    }
  }

  async function load() {
    try {
      const data = await api.get("/admin/canned-responses");
      responses = data.responses;
      limit = data.limit;
      render();
    } catch (error) {
      setStatus(t("loadFailed", { message: errorText(error) }), "error");
    }
  }

  // --- actions ----------------------------------------------------------------------------------
  function check() {
    clearErrors();
    for (const name of FIELDS) {
      const value = controls[name].value.trim();
      if (!value && name !== "category") return showFieldError(name, t("required")), false;
      if ([...value].length > CANNED_LIMITS[name] + (name === "shortcut" && value.startsWith("/") ? 1 : 0)) {
        return showFieldError(name, t("tooLong", { max: CANNED_LIMITS[name].toLocaleString(lang) })), false;
      }
    }
    return true;
  }

  async function save() {
    formStatus.textContent = "";
    if (!check()) return;
    const payload = Object.fromEntries(FIELDS.map((name) => [name, controls[name].value]));
    saveButton.disabled = true;
    formStatus.textContent = t("saving");
    try {
      const saved = editing
        ? await api.put(`/admin/canned-responses/${encodeURIComponent(editing.responseId)}`, payload)
        : await api.post("/admin/canned-responses", payload);
      const at = responses.findIndex((r) => r.responseId === saved.responseId);
      if (at >= 0) responses[at] = saved;
      else responses.push(saved);
      resetForm();
      render();
      formStatus.textContent = t("cannedSaved", { title: saved.title });
    } catch (error) {
      formStatus.textContent = t("saveFailed", { message: cannedReason(error) });
      if (error.field) showFieldError(error.field, cannedReason(error));
    } finally {
      saveButton.disabled = false;
    }
  }

  async function remove(response) {
    if (!window.confirm(t("cannedConfirmDelete", { name: response.title }))) return;
    try {
      await api.del(`/admin/canned-responses/${encodeURIComponent(response.responseId)}`);
      responses = responses.filter((r) => r.responseId !== response.responseId);
      if (editing?.responseId === response.responseId) resetForm();
      render();
      setStatus(t("cannedDeleted", { title: response.title }), "saved");
      (body.querySelector("button[data-edit]") || controls.title).focus();
    } catch (error) {
      setStatus(t("actionFailed", { name: response.title, message: errorText(error) }), "error");
    }
  }

  async function reorder(id, delta) {
    const ids = movedIds(
      responses.map((r) => r.responseId),
      id,
      delta,
      (other) => visible(responses.find((r) => r.responseId === other)),
    );
    try {
      const data = await api.put("/admin/canned-responses/order", { ids });
      responses = data.responses;
      render(`[data-move="${delta}"][data-id="${id}"]`);
      const moved = responses.find((r) => r.responseId === id);
      setStatus(t("cannedMoved", { title: moved?.title || "", n: responses.findIndex((r) => r.responseId === id) + 1 }), "saved");
    } catch (error) {
      setStatus(t("saveFailed", { message: errorText(error) }), "error");
      load();
    }
  }

  async function exportCsv() {
    try {
      // api.js reads JSON; the CSV (UTF-8 with BOM) is fetched as bytes and handed to the browser as a file.
      const config = await loadConfig();
      const response = await fetch(`${config.api}/admin/canned-responses/export?lang=${lang}`, {
        headers: { Authorization: `Bearer ${await auth.token()}` },
      });
      if (!response.ok) throw Object.assign(new Error(response.statusText), { status: response.status });
      const url = URL.createObjectURL(await response.blob());
      const link = el("a", { href: url, download: "canned-shared.csv", hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setStatus(t("cannedExported", { n: responses.length }), "saved");
    } catch (error) {
      setStatus(t("loadFailed", { message: errorText(error) }), "error");
    }
  }

  async function importCsv() {
    clear(importResult);
    const file = fileInput.files?.[0];
    if (!file) {
      importResult.append(el("p", { class: "status error" }, t("cannedChooseFile")));
      fileInput.focus();
      return;
    }
    try {
      const result = await api.post("/admin/canned-responses/import", { csvBase64: base64Of(await file.arrayBuffer()) });
      importResult.append(
        el("p", { class: "status saved" }, t("cannedImported", { created: result.created, updated: result.updated, unchanged: result.unchanged })),
      );
      fileInput.value = "";
      fileName.textContent = t("cannedNoFile");
      setStatus("");
      await load();
    } catch (error) {
      const rows = error.body?.errors || [];
      importResult.append(
        el("p", { class: "status error" }, rows.length ? t("cannedImportRefused", { n: error.body.errorCount ?? rows.length }) : t("saveFailed", { message: errorText(error) })),
      );
      if (rows.length) {
        importResult.append(
          el(
            "ul",
            { class: "canned-import-errors" },
            ...rows.map((row) =>
              el(
                "li",
                {},
                t("cannedImportRow", {
                  row: row.row,
                  field: row.field && FIELDS.includes(row.field) ? t(`cannedField_${row.field}`) : "—",
                  reason: cannedReason({ code: "invalid_field", ...row }),
                }),
              ),
            ),
          ),
        );
      }
    }
  }

  resetForm();
  load();
}
