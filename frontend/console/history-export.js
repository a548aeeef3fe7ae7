// 데이터 추출 on 채팅기록: POST /exports with the search's conditions, live progress (export.progress /
// export.ready / export.failed on the console's socket, polling as a fallback), a download link with a
// fresh signed URL; admins also see the recent exports and can download any again.
import { query } from "../shared/api.js";
import { clear, el, formatTime } from "../shared/dom.js";
import { describeError } from "../shared/errors.js";
import { formatSize } from "./history-period.js";

const POLL_MS = 2000;
const URL_REFRESH_MS = 10 * 60 * 1000; // signed URLs live 15 minutes: refresh well before

/** h: {api, socket, t, lang, role, number, unsubscribe}; search: createSearch's parts. */
export function createExports(h, search) {
  const { api, socket, t, lang, role, number } = h;
  const { recentSection, refreshExports } = recentExports(h);
  const exportStatus = el("p", { class: "history-export-status", role: "status", "aria-live": "polite" });
  const exportProgress = el("progress", { max: 100, value: 0, class: "hidden", "aria-label": t("progressLabel") });
  const exportLink = el("p", { class: "history-export-link" });
  const exportPanel = el("div", { class: "history-export-panel hidden" }, exportStatus, exportProgress, exportLink);
  let activeExport = null; // {id, timer}

  function showJob(job) {
    if (!activeExport || job.exportId !== activeExport.id) return;
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
      offerDownload(job.exportId, exportLink);
    } else if (job.status === "failed") {
      finish();
      exportProgress.classList.add("hidden");
      exportStatus.textContent = t("exportFailed", { error: job.error || "" });
    }
  }

  function finish() {
    if (activeExport) clearTimeout(activeExport.timer);
    search.exportButton.disabled = false;
    if (role === "admin") refreshExports();
  }

  async function poll() {
    if (!activeExport) return;
    const id = activeExport.id;
    try {
      const job = await api.get(`/exports/${encodeURIComponent(id)}`);
      if (activeExport?.id !== id) return;
      if (job.status === "done" || job.status === "failed") {
        showJob(job);
        activeExport = null;
        return;
      }
      showJob(job);
    } catch (error) {
      exportStatus.textContent = t("failed", { message: describeError(error, lang) });
    }
    if (activeExport?.id === id) activeExport.timer = setTimeout(poll, POLL_MS);
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
      if (activeExport) clearTimeout(activeExport.timer);
      activeExport = { id: accepted.exportId, timer: null };
      showJob({ exportId: accepted.exportId, status: "queued" });
      activeExport.timer = setTimeout(poll, POLL_MS);
    } catch (error) {
      search.exportButton.disabled = false;
      exportStatus.textContent = t("exportFailed", { error: describeError(error, lang) });
    }
  }

  /** A link with a fresh signed URL; renewed on click once it is older than 10 minutes. */
  async function offerDownload(exportId, target) {
    try {
      const job = await api.get(`/exports/${encodeURIComponent(exportId)}`);
      if (!job.downloadUrl) return;
      let signedAt = Date.now();
      const link = el(
        "a",
        { href: job.downloadUrl, download: job.fileName, class: "history-download", rel: "noopener" },
        t("download", { file: job.fileName, size: formatSize(job.size, lang) }),
      );
      link.addEventListener("click", async (event) => {
        if (Date.now() - signedAt < URL_REFRESH_MS) return;
        event.preventDefault();
        const fresh = await api.get(`/exports/${encodeURIComponent(exportId)}`);
        link.href = fresh.downloadUrl;
        signedAt = Date.now();
        link.click();
      });
      clear(target).append(link);
    } catch (error) {
      clear(target).append(t("failed", { message: describeError(error, lang) }));
    }
  }

  if (socket) {
    const live = (frame) => {
      if (!activeExport || frame.exportId !== activeExport.id) return;
      showJob(frame);
      if (frame.status === "done" || frame.status === "failed") activeExport = null;
    };
    for (const type of ["export.progress", "export.ready", "export.failed"]) h.unsubscribe.push(socket.on(type, live));
  }


  return {
    exportPanel,
    recentSection,
    startExport,
    refreshExports,
    stop() {
      if (activeExport) clearTimeout(activeExport.timer);
    },
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
