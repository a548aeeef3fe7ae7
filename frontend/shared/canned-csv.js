// The CSV part of the canned-response editor (canned-editor.js), for either scope (the section's
// `base`: /admin/canned-responses or /canned-responses): export (a download of the server's UTF-8
// CSV with BOM) and import (a file sent as bytes; the counts, or every refused row and why).
import { loadConfig } from "./config.js";
import { clear, el } from "./dom.js";
import { CANNED_FIELDS } from "./canned-rules.js";

function base64Of(buffer) {
  let binary = "";
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The CSV box of `section` (a CannedSection: its ctx, t, base, scope, setStatus(), load() and responses). */
export function csvBox(section) {
  const { t } = section;
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
  const result = el("div", { id: "canned-import-result", class: "canned-import-result", role: "status" });
  const parts = { fileInput, fileName, result };
  return el(
    "div",
    { class: "canned-csv" },
    el("h3", { id: "canned-csv-title" }, t("cannedCsvTitle")),
    el("p", { class: "help" }, t("cannedCsvHelp")),
    el(
      "div",
      { class: "actions" },
      el("button", { type: "button", id: "canned-export", onclick: () => exportCsv(section) }, t("cannedExport")),
      fileInput,
      el("label", { for: "canned-import-file", class: "file-button" }, t("cannedImportFile")),
      fileName,
      el("button", { type: "button", id: "canned-import", onclick: () => importCsv(section, parts) }, t("cannedImport")),
    ),
    result,
  );
}

async function exportCsv(section) {
  const { t } = section;
  const { auth, lang } = section.ctx;
  try {
    // api.js reads JSON; the CSV (UTF-8 with BOM) is fetched as bytes and handed to the browser as a file.
    const config = await loadConfig();
    const response = await fetch(`${config.api}${section.base}/export?lang=${lang}`, {
      headers: { Authorization: `Bearer ${await auth.token()}` },
    });
    if (!response.ok) throw Object.assign(new Error(response.statusText), { status: response.status });
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: `canned-${section.scope}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    section.setStatus(t("cannedExported", { n: section.responses.length }), "saved");
  } catch (error) {
    section.setStatus(t("loadFailed", { message: section.errorText(error) }), "error");
  }
}

function refusedRows(section, rows) {
  const { t } = section;
  return el(
    "ul",
    { class: "canned-import-errors" },
    ...rows.map((row) =>
      el(
        "li",
        {},
        t("cannedImportRow", {
          row: row.row,
          field: row.field && CANNED_FIELDS.includes(row.field) ? t(`cannedField_${row.field}`) : "—",
          reason: section.reasonOf({ code: "invalid_field", ...row }),
        }),
      ),
    ),
  );
}

async function importCsv(section, { fileInput, fileName, result }) {
  const { t } = section;
  const { api } = section.ctx;
  clear(result);
  const file = fileInput.files?.[0];
  if (!file) {
    result.append(el("p", { class: "status error" }, t("cannedChooseFile")));
    fileInput.focus();
    return;
  }
  try {
    const counts = await api.post(`${section.base}/import`, { csvBase64: base64Of(await file.arrayBuffer()) });
    result.append(el("p", { class: "status saved" }, t("cannedImported", counts)));
    fileInput.value = "";
    fileName.textContent = t("cannedNoFile");
    section.setStatus("");
    await section.load();
  } catch (error) {
    const rows = error.body?.errors || [];
    const summary = rows.length
      ? t("cannedImportRefused", { n: error.body.errorCount ?? rows.length })
      : t("saveFailed", { message: section.reasonOf(error) });
    result.append(el("p", { class: "status error" }, summary));
    if (rows.length) result.append(refusedRows(section, rows));
  }
}
