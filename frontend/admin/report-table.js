// The 리포트 table (issue #24): a real <table> with a caption, two header rows (the groups of
// columns and each column) and row headers, durations in words, team and agent keys by name; the total
// in <tfoot>. It is the charts' screen-reader equivalent (their names point to it).
import { formatDateTime } from "/shared/datetime.js";
import { el } from "/shared/dom.js";
import { t } from "./page.js";
import { hourLabels } from "./report-period.js";

export const COUNT_COLUMNS = ["chatsIn", "answered", "unanswered", "abandoned", "transferred", "endedIdle"];
export const CSAT_COLUMNS = ["satisfied", "dissatisfied", "satisfiedShare"];
export const DURATIONS = ["firstResponse", "wait", "handle"];
const DURATION_PARTS = [
  ["averageSeconds", "reportAverage"],
  ["medianSeconds", "reportMedian"],
  ["p90Seconds", "reportP90"],
];
const titleKey = (name) => `report${name[0].toUpperCase()}${name.slice(1)}`;

/** "42초", "3분 5초", "1시간 2분 3초" (ko) / "42 s", "3 min 5 s", "1 h 2 min 3 s" (en); "–" without samples. */
export function formatDuration(seconds) {
  if (seconds == null) return "–";
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return t("reportHours", { h, m, s });
  if (m) return t("reportMinutes", { m, s });
  return t("reportSeconds", { s });
}

/** A row key as people read it: local hour, date, the team's name, the agent's display name. */
export function keyLabel(groupBy, key, report, names) {
  if (groupBy === "day") return key;
  if (groupBy === "hour") return formatDateTime(Date.parse(key));
  if (groupBy === "team") {
    if (key === report.noTeam) return t("reportNoTeam");
    return names.teams.get(key) || t("reportUnknownTeam", { id: key });
  }
  return names.agents.get(key) || key;
}

/** Rows with their labels: time in order (a local hour that comes twice with its offset); teams and agents by name (no team last). */
export function orderedRows(report, groupBy, names, { lang, zone }) {
  const rows = report.rows.map((row) => ({ ...row, label: keyLabel(groupBy, row.key, report, names) }));
  if (groupBy === "hour") {
    const labels = hourLabels(rows.map((row) => Date.parse(row.key)), (ms) => formatDateTime(ms), zone);
    rows.forEach((row, i) => (row.label = labels[i]));
  }
  if (groupBy === "team" || groupBy === "agent") {
    const last = (row) => (groupBy === "team" && row.key === report.noTeam ? 1 : 0);
    rows.sort((a, b) => last(a) - last(b) || a.label.localeCompare(b.label, lang));
  }
  return rows;
}

/** fmt: {number, percent} (Intl.NumberFormat of the page's language). */
export function reportTable(report, params, rows, groupName, { number, percent }) {
  const headCell = (text, attrs = {}) => el("th", { scope: "col", ...attrs }, text);
  const groupCell = (text, span) => el("th", { scope: "colgroup", colspan: String(span) }, text);
  const thead = el(
    "thead",
    {},
    el(
      "tr",
      {},
      headCell(t(`reportKey_${params.groupBy}`), { rowspan: "2" }),
      groupCell(t("reportCounts"), COUNT_COLUMNS.length),
      groupCell(t("reportCsat"), CSAT_COLUMNS.length),
      DURATIONS.map((d) => groupCell(t(titleKey(d)), DURATION_PARTS.length)),
    ),
    el(
      "tr",
      {},
      [...COUNT_COLUMNS, ...CSAT_COLUMNS].map((name) => headCell(t(titleKey(name)))),
      DURATIONS.flatMap(() => DURATION_PARTS.map(([, key]) => headCell(t(key)))),
    ),
  );
  const cells = (metrics) => [
    ...COUNT_COLUMNS.map((name) => el("td", { dataset: { metric: name } }, number.format(metrics[name]))),
    el("td", { dataset: { metric: "satisfied" } }, number.format(metrics.satisfied)),
    el("td", { dataset: { metric: "dissatisfied" } }, number.format(metrics.dissatisfied)),
    el("td", { dataset: { metric: "satisfiedShare" } }, metrics.satisfiedShare == null ? "–" : percent.format(metrics.satisfiedShare)),
    ...DURATIONS.flatMap((d) =>
      DURATION_PARTS.map(([part]) => el("td", { dataset: { metric: `${d}.${part}` } }, formatDuration(metrics[d]?.[part]))),
    ),
  ];
  const body = el(
    "tbody",
    {},
    rows.map((row) => el("tr", { dataset: { key: row.key } }, el("th", { scope: "row" }, row.label), cells(row))),
  );
  const foot = el("tfoot", {}, el("tr", { dataset: { key: "total" } }, el("th", { scope: "row" }, t("reportTotal")), cells(report.total)));
  const caption = el("caption", { id: "report-table-caption" }, t("reportCaption", { from: params.from, to: params.to, group: groupName }));
  const colgroups = [
    el("colgroup", {}, el("col", {})),
    el("colgroup", { span: String(COUNT_COLUMNS.length) }),
    el("colgroup", { span: String(CSAT_COLUMNS.length) }),
    ...DURATIONS.map(() => el("colgroup", { span: String(DURATION_PARTS.length) })),
  ];
  const table = el("table", { class: "report-table", id: "report-table" }, caption, colgroups, thead, body, foot);
  // Wide: it scrolls sideways in its own box, which the keyboard can reach (WCAG 2.1.1).
  return el("div", { class: "report-table-wrap", tabindex: "0", role: "region", "aria-labelledby": "report-table-caption" }, table);
}
