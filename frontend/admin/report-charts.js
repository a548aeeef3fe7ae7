// The 리포트 section's charts (issue #24), drawn with uPlot 1.6.31 (frontend/vendor/uplot/, vendored
// from the npm registry: no CDN at run time). Every chart has categories on x (hours, days, teams or
// agents, in the table's order), so one code path draws them all: volume as grouped bars, first
// response and handle time as lines (average solid, 90th percentile dashed; bars for teams and agents,
// which are not a time axis), the CSAT share as a line (bars for teams and agents).
// A chart is a picture: role="img" with a name that points to the report table, which holds the same
// numbers for screen readers; the legend is our own translated list (uPlot's is off), and the canvas
// text uses the page's fonts with Korean faces listed, so ko and en read alike.
import uPlot from "/vendor/uplot/uPlot.esm.js";
import { formatDateTime } from "/shared/datetime.js";
import { el } from "/shared/dom.js";
import { t } from "./page.js";
import { datesBetween, hourLabels, hoursBetween } from "./report-period.js";

const FONT_FAMILY = 'system-ui, "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", "NanumGothic", sans-serif';
const INK = "#1d2433";
const GRID = "#dfe3ea";
// Okabe–Ito colours (told apart with colour-blindness too); p90 lines are dashed besides.
export const COLORS = { in: "#0072B2", answered: "#009E73", abandoned: "#D55E00", firstResponse: "#0072B2", handle: "#E69F00", csat: "#009E73" };
export const MAX_CATEGORIES = 400; // more bars than this are unreadable at page width: the table instead
const HEIGHT = 240;

function niceMax(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= max);
  return step ?? 10 * power;
}

/** Category indices to label: at most one per `space` pixels. */
function categorySplits(count, width, space = 84) {
  const room = Math.max(1, Math.floor(width / space));
  const step = Math.max(1, Math.ceil(count / room));
  const splits = [];
  for (let i = 0; i < count; i += step) splits.push(i);
  return splits;
}

function groupedBars(index, of) {
  const slot = 0.8 / of;
  return uPlot.paths.bars({
    size: [1, Infinity, 1],
    disp: {
      x0: { unit: 1, values: (u) => u.data[0].map((x) => x - 0.4 + index * slot) },
      size: { unit: 1, values: () => [slot * 0.92] },
    },
  });
}

/**
 * One chart: `labels` (the x categories), `series` [{label, color, values, dash}], `kind` "bars" or
 * "lines", `yLabel`, `yFormat(value)`. Returns {node, plot, destroy()}.
 */
export function chartFigure({ id, title, labelText, labels, series, kind, yLabel, yFormat = String, yMax }) {
  const plotBox = el("div", { class: "report-chart-plot", role: "img", "aria-label": labelText, id: `${id}-plot` });
  const legend = el(
    "ul",
    { class: "report-chart-legend", "aria-hidden": "true" },
    series.map((s) =>
      el("li", {}, el("span", { class: `swatch${s.dash ? " dashed" : ""}${kind === "bars" ? " bar" : ""}`, dataset: { color: s.color } }), s.label),
    ),
  );
  for (const swatch of legend.querySelectorAll(".swatch")) swatch.style.setProperty("--swatch", swatch.dataset.color); // CSSOM: allowed by style-src 'self'
  const node = el("figure", { class: "report-chart", id }, el("figcaption", { id: `${id}-title` }, title), plotBox, legend);
  const x = labels.map((_, i) => i);
  const dataMax = Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v != null)));
  const font = `12px ${FONT_FAMILY}`;
  const axisBase = { stroke: INK, font, labelFont: `bold 12px ${FONT_FAMILY}`, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } };
  let plot = null;

  function options(width) {
    return {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false },
      scales: {
        x: { time: false, range: () => [-0.5, labels.length - 0.5] },
        y: { range: () => [0, yMax ?? niceMax(dataMax * 1.1)] },
      },
      axes: [
        {
          ...axisBase,
          grid: { show: false },
          splits: (u) => categorySplits(labels.length, u.bbox.width / uPlot.pxRatio),
          values: (_u, splits) => splits.map((i) => labels[i] ?? ""),
        },
        { ...axisBase, label: yLabel, labelSize: 20, size: 56, values: (_u, splits) => splits.map((v) => yFormat(v)) },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color,
          width: kind === "bars" ? 0 : 2,
          // As bars, the 90th percentile is the same colour, lighter (a dash means nothing on a bar).
          fill: kind === "bars" ? `${s.color}${s.dash ? "73" : ""}` : undefined,
          dash: s.dash ? [6, 4] : undefined,
          spanGaps: false,
          points: kind === "bars" ? { show: false } : { show: true, size: 6, fill: s.color },
          paths: kind === "bars" ? groupedBars(i, series.length) : undefined,
        })),
      ],
    };
  }

  function width() {
    return Math.max(280, Math.floor(plotBox.getBoundingClientRect().width || plotBox.parentElement?.clientWidth || 600));
  }

  function draw() {
    if (!node.isConnected) return;
    plot?.destroy();
    plot = new uPlot(options(width()), [x, ...series.map((s) => s.values.map((v) => (v == null ? null : v)))], plotBox);
  }

  const resize = new ResizeObserver(() => {
    if (!plot) return draw();
    const w = width();
    if (Math.abs(w - plot.width) > 1) plot.setSize({ width: w, height: HEIGHT });
  });
  resize.observe(plotBox);
  return {
    node,
    draw,
    get plot() {
      return plot;
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}

/** The x categories: every hour or day of the period (zeros where nothing came in), or the rows. */
export function categories(report, params, rows, zone) {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  if (params.groupBy === "hour") {
    const hours = hoursBetween(report.from, report.to);
    const oneDay = params.from === params.to;
    const labels = hourLabels(hours, (ms) => formatDateTime(ms, { date: !oneDay }).slice(oneDay ? 0 : 5), zone);
    return hours.map((ms, i) => ({ label: labels[i], row: byKey.get(new Date(ms).toISOString().replace(".000Z", "Z")) }));
  }
  if (params.groupBy === "day") {
    const keys = [...new Set([...datesBetween(params.from, params.to), ...byKey.keys()])].sort();
    return keys.map((key) => ({ label: key.slice(5), row: byKey.get(key) }));
  }
  return rows.map((row) => ({ label: row.label.length > 14 ? `${row.label.slice(0, 13)}…` : row.label, row }));
}

/**
 * The charts of one report: {node (a section with its heading), charts (draw() each once attached)}.
 * A chart without any sample (no answered chat, no rating) is replaced by a sentence saying so.
 */
export function reportCharts(report, params, rows, { number, zone }) {
  const node = el("section", { class: "report-charts", "aria-labelledby": "report-charts-title" }, el("h3", { id: "report-charts-title" }, t("reportChartsTitle")));
  const charts = [];
  const cats = categories(report, params, rows, zone);
  if (cats.length > MAX_CATEGORIES) {
    node.append(el("p", { class: "notice", id: "report-charts-note" }, t("reportChartsTooMany", { count: number.format(cats.length) })));
    return { node, charts };
  }
  const overTime = params.groupBy === "hour" || params.groupBy === "day";
  if (!overTime) node.append(el("p", { class: "help", id: "report-charts-note" }, t("reportChartsByBar")));
  const labels = cats.map((c) => c.label);
  const count = (name) => cats.map((c) => c.row?.[name] ?? 0);
  // Durations in minutes, or in seconds when even the longest is under two minutes (0.03 min reads as nothing).
  const seconds = (d, part) => cats.map((c) => c.row?.[d]?.[part] ?? null);
  const longest = Math.max(0, ...["firstResponse", "handle"].flatMap((d) => [...seconds(d, "averageSeconds"), ...seconds(d, "p90Seconds")]));
  const inSeconds = longest < 120;
  const minutes = (d, part) => seconds(d, part).map((v) => (v == null ? null : Math.round((inSeconds ? v : v / 60) * 10) / 10));
  const figure = (id, titleKey, options) => {
    const title = t(titleKey);
    const chart = chartFigure({ id, title, labelText: t("reportChartLabel", { title }), labels, ...options });
    charts.push(chart);
    node.append(chart.node);
  };
  figure("report-chart-volume", "reportChartVolume", {
    kind: "bars",
    yLabel: t("reportChartCount"),
    yFormat: (v) => (Number.isInteger(v) ? number.format(v) : ""),
    series: [
      { label: t("reportChatsIn"), color: COLORS.in, values: count("chatsIn") },
      { label: t("reportAnswered"), color: COLORS.answered, values: count("answered") },
      { label: t("reportAbandoned"), color: COLORS.abandoned, values: count("abandoned") },
    ],
  });
  const times = [
    { label: t("reportFirstResponseAverage"), color: COLORS.firstResponse, values: minutes("firstResponse", "averageSeconds") },
    { label: t("reportFirstResponseP90"), color: COLORS.firstResponse, dash: true, values: minutes("firstResponse", "p90Seconds") },
    { label: t("reportHandleAverage"), color: COLORS.handle, values: minutes("handle", "averageSeconds") },
    { label: t("reportHandleP90"), color: COLORS.handle, dash: true, values: minutes("handle", "p90Seconds") },
  ];
  if (times.some((s) => s.values.some((v) => v != null))) {
    figure("report-chart-times", "reportChartTimes", { kind: overTime ? "lines" : "bars", yLabel: t(inSeconds ? "reportChartSeconds" : "reportChartMinutes"), yFormat: (v) => number.format(v), series: times });
  } else {
    node.append(el("p", { class: "help", id: "report-chart-times-note" }, t("reportChartNoTimes")));
  }
  const share = cats.map((c) => (c.row?.satisfiedShare == null ? null : Math.round(c.row.satisfiedShare * 1000) / 10));
  if (share.some((v) => v != null)) {
    figure("report-chart-csat", "reportChartCsat", {
      kind: overTime ? "lines" : "bars",
      yLabel: t("reportChartShare"),
      yMax: 100,
      yFormat: (v) => `${number.format(v)}%`,
      series: [{ label: t("reportSatisfiedShare"), color: COLORS.csat, values: share }],
    });
  } else {
    node.append(el("p", { class: "help", id: "report-chart-csat-note" }, t("reportChartNoCsat")));
  }
  return { node, charts };
}
