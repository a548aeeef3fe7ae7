// The 리포트 tables (issue #24): real <table>s with a caption, two header rows (the groups of columns
// and each column) and row headers, durations in words, team and agent keys by name; the total in
// <tfoot>. They are the charts' screen-reader equivalent (the charts' names point to them).
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

/** One table: caption, the column groups' header row and each column's, a row header per key, the total in <tfoot>. */
function table({ id, captionText, keyHead, groups, rows, total }) {
  const headCell = (text, attrs = {}) => el("th", { scope: "col", ...attrs }, text);
  const thead = el(
    "thead",
    {},
    el(
      "tr",
      {},
      headCell(keyHead, { rowspan: "2" }),
      groups.map((g) => el("th", { scope: "colgroup", colspan: String(g.columns.length) }, g.title)),
    ),
    el("tr", {}, groups.flatMap((g) => g.columns.map((c) => headCell(c.title)))),
  );
  const cells = (metrics) => groups.flatMap((g) => g.columns.map((c) => el("td", { dataset: { metric: c.metric } }, c.value(metrics))));
  const body = el(
    "tbody",
    {},
    rows.map((row) => el("tr", { dataset: { key: row.key } }, el("th", { scope: "row" }, row.label), cells(row))),
  );
  const foot = el("tfoot", {}, el("tr", { dataset: { key: "total" } }, el("th", { scope: "row" }, t("reportTotal")), cells(total)));
  const colgroups = [el("colgroup", {}, el("col", {})), ...groups.map((g) => el("colgroup", { span: String(g.columns.length) }))];
  const node = el("table", { class: "report-table", id }, el("caption", { id: `${id}-caption` }, captionText), colgroups, thead, body, foot);
  // Narrow screens: it scrolls sideways in its own box, which the keyboard can reach (WCAG 2.1.1).
  return el("div", { class: "report-table-wrap", tabindex: "0", role: "region", "aria-labelledby": `${id}-caption` }, node);
}

/**
 * The report's numbers as two tables (each fits the page at 1024 px): the counts and the CSAT, then
 * first response, wait and handle time (average, median, 90th percentile). fmt: {number, percent}.
 */
export function reportTable(report, params, rows, groupName, { number, percent }) {
  const period = { from: params.from, to: params.to, group: groupName };
  const keyHead = t(`reportKey_${params.groupBy}`);
  const count = (metric) => ({ metric, title: t(titleKey(metric)), value: (m) => number.format(m[metric]) });
  const share = { metric: "satisfiedShare", title: t("reportSatisfiedShare"), value: (m) => (m.satisfiedShare == null ? "–" : percent.format(m.satisfiedShare)) };
  const counts = table({
    id: "report-table",
    captionText: t("reportCaption", period),
    keyHead,
    rows,
    total: report.total,
    groups: [
      { title: t("reportCounts"), columns: COUNT_COLUMNS.map(count) },
      { title: t("reportCsat"), columns: [count("satisfied"), count("dissatisfied"), share] },
    ],
  });
  const times = table({
    id: "report-times-table",
    captionText: t("reportTimesCaption", period),
    keyHead,
    rows,
    total: report.total,
    groups: DURATIONS.map((d) => ({
      title: t(titleKey(d)),
      columns: DURATION_PARTS.map(([part, key]) => ({ metric: `${d}.${part}`, title: t(key), value: (m) => formatDuration(m[d]?.[part]) })),
    })),
  });
  return el("div", { class: "report-tables" }, counts, times);
}
