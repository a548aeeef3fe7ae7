// 리포트 / Reports (issue #24; GET /reports and POST /exports {"kind": "report"}, docs/reports.md):
// a period (today, 7 or 30 days up to today, or custom dates, all in the service time zone:
// report-period.js), a grouping (hour, day, team, agent), the charts (report-charts.js) and the table
// of the numbers (report-table.js: the charts' screen-reader equivalent), and the `Report` workbook
// through the export flow every screen shares (report-export.js, shared/export-job.js). Dates go to
// the API as YYYY-MM-DD: the server reads them in its service zone, so the page sends no offset.
import { ApiError, query } from "/shared/api.js";
import { serviceTimeZone, timeZoneNote } from "/shared/datetime.js";
import { clear, el } from "/shared/dom.js";
import { errorText, field, i18n, t } from "./page.js";
import { reportCharts } from "./report-charts.js";
import { GROUPINGS, reportExport } from "./report-export.js";
import { PRESETS, periodProblem, presetDates } from "./report-period.js";
import { orderedRows, reportTable } from "./report-table.js";

/** The period picker, the grouping and the buttons; `fields` maps the API's field names to their controls. */
function reportForm() {
  const presetRadios = PRESETS.map((preset) =>
    el("input", { type: "radio", name: "report-preset", id: `report-preset-${preset}`, value: preset, checked: preset === "7" }),
  );
  const from = field("report-from", t("reportFrom"), el("input", { type: "date", required: true }));
  const to = field("report-to", t("reportTo"), el("input", { type: "date", required: true }));
  const group = field(
    "report-group",
    t("reportGroupBy"),
    el("select", {}, GROUPINGS.map((g) => el("option", { value: g, selected: g === "day" }, t(`reportGroup_${g}`)))),
  );
  const showButton = el("button", { type: "submit", class: "primary", id: "report-show" }, t("reportShow"));
  const exportButton = el("button", { type: "button", id: "report-export", "aria-describedby": "report-export-help" }, t("reportExport"));
  const node = el(
    "form",
    { class: "report-form", id: "report-form", novalidate: true },
    el(
      "fieldset",
      { class: "report-presets" },
      el("legend", {}, t("reportPeriod")),
      presetRadios.map((radio) => el("div", { class: "check" }, radio, el("label", { for: radio.id }, t(`reportPreset_${radio.value}`)))),
    ),
    el("div", { class: "report-dates" }, from.node, to.node),
    group.node,
    el("div", { class: "report-actions" }, showButton, exportButton),
  );
  const fields = new Map([["from", from], ["to", to], ["groupBy", group]]);
  return { node, presetRadios, from, to, group, showButton, exportButton, fields };
}

/** Team names as the routing settings give them; agents by their display names (as 실시간 현황 shows them). */
async function namesFor(api, groupBy, names) {
  if (groupBy === "team") {
    const routing = await api.get("/settings/routing");
    names.teams = new Map((routing.teams || []).map((team) => [team.id, team.name]));
  } else if (groupBy === "agent") {
    const { accounts } = await api.get("/admin/agents");
    names.agents = new Map((accounts || []).map((a) => [a.agentId, a.displayName || a.email || a.agentId]));
  }
}

export function mountReports(container, ctx) {
  const { api, socket } = ctx;
  const lang = i18n.lang;
  const zone = serviceTimeZone();
  const fmt = {
    lang,
    zone,
    number: new Intl.NumberFormat(lang === "en" ? "en" : "ko"),
    percent: new Intl.NumberFormat(lang === "en" ? "en" : "ko", { style: "percent", maximumFractionDigits: 1 }),
  };
  const form = reportForm();
  const { presetRadios, from, to, group, showButton, fields } = form;
  const status = el("p", { class: "status", id: "report-status", role: "status" });
  const failure = el("p", { class: "status error hidden", id: "report-error", role: "alert" });
  const results = el("div", { class: "report-results", id: "report-results" });
  const names = { teams: new Map(), agents: new Map() };
  let charts = [];
  let sequence = 0;

  const selectedPreset = () => presetRadios.find((radio) => radio.checked)?.value || "custom";

  function applyPreset() {
    const dates = presetDates(selectedPreset(), Date.now(), zone);
    if (dates) [from.control.value, to.control.value] = [dates.from, dates.to];
  }

  function showFieldError(name, text) {
    const target = fields.get(name) || from;
    target.control.setAttribute("aria-invalid", "true");
    target.error.textContent = text;
    target.control.focus();
  }

  /** {from, to, groupBy} when the period is one the server takes; else its field says why. */
  function request() {
    for (const { control, error } of fields.values()) {
      control.removeAttribute("aria-invalid");
      error.textContent = "";
    }
    const problem = periodProblem(from.control.value, to.control.value, zone);
    if (problem) {
      showFieldError(problem.field, t(problem.reason));
      return null;
    }
    return { from: from.control.value, to: to.control.value, groupBy: group.control.value };
  }

  function clearResults() {
    for (const chart of charts) chart.destroy();
    charts = [];
    clear(results);
  }

  async function load() {
    const params = request();
    if (!params) {
      // Nothing stale beside the refusal: the numbers shown would be another period's.
      sequence += 1;
      clearResults();
      status.textContent = "";
      results.removeAttribute("aria-busy");
      showButton.disabled = false;
      return;
    }
    const mine = ++sequence;
    failure.classList.add("hidden");
    status.textContent = t("reportLoading");
    results.setAttribute("aria-busy", "true");
    showButton.disabled = true;
    try {
      const [report] = await Promise.all([api.get(`/reports${query(params)}`), namesFor(api, params.groupBy, names)]);
      if (mine === sequence) show(report, params);
    } catch (error) {
      if (mine !== sequence) return;
      status.textContent = "";
      clearResults();
      if (error instanceof ApiError && error.code === "invalid_field" && fields.has(error.field)) {
        showFieldError(error.field, t(`reportServerField_${error.field}`));
      } else {
        failure.textContent = t("reportFailed", { message: errorText(error) });
        failure.classList.remove("hidden");
      }
    } finally {
      if (mine === sequence) {
        results.removeAttribute("aria-busy");
        showButton.disabled = false;
      }
    }
  }

  function show(report, params) {
    clearResults();
    const groupName = lang === "en" ? t(`reportGroup_${params.groupBy}`).toLowerCase() : t(`reportGroup_${params.groupBy}`); // "by hour"
    const rows = orderedRows(report, params.groupBy, names, fmt);
    status.textContent = t("reportLoaded", { from: params.from, to: params.to, group: groupName, rows: fmt.number.format(rows.length) });
    if (report.timeZone && report.timeZone !== zone) results.append(el("p", { class: "notice" }, t("reportZoneDiffers", { zone: report.timeZone })));
    if (!rows.length && !report.total.chatsIn) {
      results.append(el("p", { class: "report-empty", id: "report-empty" }, t("reportEmpty")));
      return;
    }
    const drawn = reportCharts(report, params, rows, fmt);
    charts = drawn.charts;
    results.append(drawn.node, reportTable(report, params, rows, groupName, fmt));
    for (const chart of charts) chart.draw();
  }

  const exporter = reportExport({ api, socket, button: form.exportButton, request, fieldNames: fields, showFieldError });
  container.append(
    el("p", { class: "help" }, t("reportIntro", { zone: timeZoneNote(lang) })),
    form.node,
    el("p", { class: "help", id: "report-export-help" }, t("reportExportHelp")),
    exporter.node,
    status,
    failure,
    results,
  );
  for (const radio of presetRadios) {
    radio.addEventListener("change", () => {
      if (selectedPreset() === "custom") return from.control.focus();
      applyPreset();
      load();
    });
  }
  for (const input of [from.control, to.control]) {
    // Typing a date makes the period custom; 조회 then shows it.
    input.addEventListener("input", () => (presetRadios.find((radio) => radio.value === "custom").checked = true));
  }
  group.control.addEventListener("change", load);
  form.node.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  applyPreset();
  load();
  return { load, stop: exporter.stop };
}
