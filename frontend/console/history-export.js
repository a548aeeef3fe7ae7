// 데이터 추출 on 채팅기록: POST /exports with the search's conditions, live progress (export.progress /
// export.ready / export.failed on the console's socket, polling as a fallback: shared/export-job.js), a
// download link with a fresh signed URL; admins also see the recent exports and can download any again.
import { query } from "../shared/api.js";
import { clear, el, formatTime } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { exportTracker, formatSize, offerDownload } from "../shared/export-job.js";

/** h: {api, socket, t, lang, role, number, unsubscribe}; search: createSearch's parts. */
export function createExports(h, search) {
  const { api, socket, t, lang, role, number } = h;
  const { recentSection, refreshExports } = recentExports(h);
  const exportStatus = el("p", { class: "history-export-status", role: "status", "aria-live": "polite" });
  const exportProgress = el("progress", { max: 100, value: 0, class: "hidden", "aria-label": t("progressLabel") });
  const exportLink = el("p", { class: "history-export-link" });
  const exportPanel = el("div", { class: "history-export-panel hidden" }, exportStatus, exportProgress, exportLink);
  const tracker = exportTracker({
    api,
    socket,
    onJob: showJob,
    onError: (error) => (exportStatus.textContent = t("failed", { message: describeError(error, lang) })),
  });
  h.unsubscribe.push(...tracker.unsubscribe);

  function showJob(job) {
    exportPanel.classList.remove("hidden");
    const rows = number(job.rows ?? (job.chatRows || 0) + (job.messageRows || 0));
    if (job.status === "queued") {
      exportStatus.textContent = t("exportQueued");
      exportProgress.classList.remove("hidden");
      exportProgress.value = 0;
    } else if (job.status === "running") {
      exportStatus.textContent = t("exportRunning", { progress: job.progress || 0, rows });
      exportProgress.classList.remove("hidden");
      exportProgress.value = job.progress || 0;
    } else if (job.status === "done") {
      finish();
      exportStatus.textContent = t("exportDone", { rows });
      exportProgress.value = 100;
      offerDownload({
        api,
        exportId: job.exportId,
        target: exportLink,
        lang,
        className: "history-download",
        label: (done) => t("download", { file: done.fileName, size: formatSize(done.size, lang) }),
        failed: (message) => t("failed", { message }),
      });
    } else if (job.status === "failed") {
      finish();
      exportProgress.classList.add("hidden");
      exportStatus.textContent = t("exportFailed", { error: job.error || "" });
    }
  }

  function finish() {
    search.exportButton.disabled = false;
    if (role === "admin") refreshExports();
  }

  async function startExport() {
    const filters = search.currentFilters();
    if (!filters) {
      search.formError.textContent = t("periodInvalid");
      return;
    }
    search.exportButton.disabled = true;
    clear(exportLink);
    exportPanel.classList.remove("hidden");
    exportStatus.textContent = t("exportQueued");
    try {
      const accepted = await api.post("/exports", filters);
      tracker.follow(accepted.exportId);
    } catch (error) {
      search.exportButton.disabled = false;
      exportStatus.textContent = t("exportFailed", { error: describeError(error, lang) });
    }
  }

  return {
    exportPanel,
    recentSection,
    startExport,
    refreshExports,
    stop: tracker.stop,
  };
}

/** The recent exports (admins): a table with a download button per finished file. */
function recentExports(h) {
  const { api, t, lang, role, number } = h;
  const recentBody = el("tbody");
  const recentStatus = el("p", { role: "status", class: "history-status" });
  const recentSection = el(
    "section",
    { class: "history-recent hidden", "aria-labelledby": "history-recent-title" },
    el(
      "header",
      {},
      el("h3", { id: "history-recent-title" }, t("recentExports")),
      el("button", { type: "button", onclick: () => refreshExports() }, t("refresh")),
    ),
    el(
      "table",
      { class: "history-table" },
      el(
        "thead",
        {},
        el("tr", {}, [t("requestedAt"), t("requestedBy"), t("state"), t("rows"), t("size"), t("file")].map((h) => el("th", { scope: "col" }, h))),
      ),
      recentBody,
    ),
    recentStatus,
  );

  function downloadButton(job) {
    if (job.status !== "done") return job.status === "failed" ? job.error || "" : "";
    if (job.fileExpired) return t("expired");
    return el(
      "button",
      {
        type: "button",
        "aria-label": `${t("downloadAgain")}: ${job.fileName}`,
        onclick: async () => {
          try {
            const fresh = await api.get(`/exports/${encodeURIComponent(job.exportId)}`);
            if (fresh.downloadUrl) window.location.assign(fresh.downloadUrl);
          } catch (error) {
            recentStatus.textContent = t("failed", { message: describeError(error, lang) });
          }
        },
      },
      t("downloadAgain"),
    );
  }

  async function refreshExports() {
    if (role !== "admin") return;
    try {
      const { exports } = await api.get(`/exports${query({ limit: 20 })}`);
      clear(recentBody).append(
        ...exports.map((job) =>
          el(
            "tr",
            { dataset: { exportId: job.exportId } },
            el("td", {}, formatTime(job.createdAt, lang, true)),
            el("td", {}, job.requestedByName || job.requestedBy),
            el("td", {}, t(`status_${job.status}`) + (job.status === "running" ? ` ${job.progress}%` : "")),
            el("td", {}, number(job.rows)),
            el("td", {}, formatSize(job.size, lang)),
            el("td", {}, downloadButton(job)),
          ),
        ),
      );
      recentStatus.textContent = "";
    } catch (error) {
      recentStatus.textContent = t("failed", { message: describeError(error, lang) });
    }
  }

  return { recentSection, refreshExports };
}
