// The 리포트 section's 엑셀로 내보내기: POST /exports {"kind": "report", from, to, groupings} (every
// grouping: one sheet each), followed and offered for download by shared/export-job.js, the flow the
// console's 데이터 추출 uses too.
import { ApiError } from "/shared/api.js";
import { clear, el } from "/shared/dom.js";
import { exportTracker, formatSize, offerDownload } from "/shared/export-job.js";
import { errorText, i18n, t } from "./page.js";

export const GROUPINGS = ["hour", "day", "team", "agent"];

/** request(): the period ({from, to}) or null (its field then says why); showFieldError(field, text). */
export function reportExport({ api, socket, button, request, fieldNames, showFieldError }) {
  const lang = i18n.lang;
  const status = el("p", { id: "report-export-status", role: "status" });
  const progress = el("progress", { max: 100, value: 0, class: "hidden", id: "report-export-progress", "aria-label": t("reportExportProgress") });
  const link = el("p", { id: "report-export-link" });
  const panel = el("div", { class: "report-export-panel hidden" }, status, progress, link);
  const tracker = exportTracker({
    api,
    socket,
    onJob: showJob,
    onError: (error) => (status.textContent = t("reportExportFailed", { error: errorText(error) })),
  });

  function showJob(job) {
    panel.classList.remove("hidden");
    if (job.status === "queued" || job.status === "running") {
      status.textContent = job.status === "queued" ? t("reportExportQueued") : t("reportExportRunning", { progress: job.progress || 0 });
      progress.classList.remove("hidden");
      progress.value = job.progress || 0;
      return;
    }
    button.disabled = false;
    if (job.status === "done") {
      status.textContent = t("reportExportDone");
      progress.value = 100;
      offerDownload({
        api,
        exportId: job.exportId,
        target: link,
        lang,
        className: "report-download",
        label: (done) => t("reportDownload", { file: done.fileName, size: formatSize(done.size, lang) }),
        failed: (message) => t("reportExportFailed", { error: message }),
      });
    } else {
      progress.classList.add("hidden");
      status.textContent = t("reportExportFailed", { error: job.error || "" });
    }
  }

  async function start() {
    const params = request();
    if (!params) return;
    button.disabled = true;
    clear(link);
    panel.classList.remove("hidden");
    status.textContent = t("reportExportQueued");
    try {
      const accepted = await api.post("/exports", { kind: "report", from: params.from, to: params.to, groupings: GROUPINGS });
      tracker.follow(accepted.exportId);
    } catch (error) {
      button.disabled = false;
      progress.classList.add("hidden");
      if (error instanceof ApiError && error.code === "invalid_field" && fieldNames.has(error.field)) {
        status.textContent = "";
        showFieldError(error.field, t(`reportServerField_${error.field}`));
      } else {
        status.textContent = t("reportExportFailed", { error: errorText(error) });
      }
    }
  }

  button.addEventListener("click", start);
  return { node: panel, stop: tracker.stop };
}
