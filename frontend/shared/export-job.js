// One export job followed to its end, for every screen that starts one (the console's 데이터 추출,
// the admin page's 리포트 export): POST /exports answers {exportId} at once; the job's progress comes
// as export.progress / export.ready / export.failed on the page's socket, with GET /exports/{id}
// polled as a fallback (a socket may be offline); a finished job's file is a download link with a
// fresh signed URL (15 minutes: renewed on click once it is older than 10).
import { clear, el } from "./dom.js";
import { describeError } from "./errors.js";

export const EXPORT_POLL_MS = 2000;
export const URL_REFRESH_MS = 10 * 60 * 1000;
const LIVE_TYPES = ["export.progress", "export.ready", "export.failed"];
const finished = (job) => job.status === "done" || job.status === "failed";

/**
 * Follows one job at a time: `onJob(job)` for each state of the followed job (queued, running…, then
 * done or failed, after which it stops), `onError(error)` when a poll fails (it keeps polling).
 * Returns {follow(exportId), stop(), unsubscribe: [the socket listeners' removers]}.
 */
export function exportTracker({ api, socket, onJob, onError = () => {}, pollMs = EXPORT_POLL_MS }) {
  let active = null; // {id, timer}

  function stop() {
    if (active) clearTimeout(active.timer);
    active = null;
  }

  function deliver(job) {
    if (!active || job.exportId !== active.id) return;
    if (finished(job)) stop();
    onJob(job);
  }

  async function poll() {
    if (!active) return;
    const id = active.id;
    try {
      const job = await api.get(`/exports/${encodeURIComponent(id)}`);
      deliver(job);
    } catch (error) {
      if (active?.id === id) onError(error);
    }
    if (active?.id === id) active.timer = setTimeout(poll, pollMs);
  }

  function follow(exportId) {
    stop();
    active = { id: exportId, timer: null };
    deliver({ exportId, status: "queued" });
    active.timer = setTimeout(poll, pollMs);
  }

  const unsubscribe = socket ? LIVE_TYPES.map((type) => socket.on(type, deliver)) : [];
  return { follow, stop, unsubscribe, get activeId() { return active?.id ?? null; } };
}

/** "12.3 KB": a file size in the page's language. */
export function formatSize(bytes, lang) {
  if (bytes == null) return "";
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(lang === "en" ? "en" : "ko", { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}

/**
 * Puts into `target` a link that downloads the finished job's file with a fresh signed URL; the text
 * is `label(job)`. On a failure, `failed(message)` (the page's sentence) instead.
 */
export async function offerDownload({ api, exportId, target, lang, label, failed, className = "export-download" }) {
  try {
    const job = await api.get(`/exports/${encodeURIComponent(exportId)}`);
    if (!job.downloadUrl) return null;
    let signedAt = Date.now();
    const link = el("a", { href: job.downloadUrl, download: job.fileName, class: className, rel: "noopener" }, label(job));
    link.addEventListener("click", async (event) => {
      if (Date.now() - signedAt < URL_REFRESH_MS) return;
      event.preventDefault();
      const fresh = await api.get(`/exports/${encodeURIComponent(exportId)}`);
      link.href = fresh.downloadUrl;
      signedAt = Date.now();
      link.click();
    });
    clear(target).append(link);
    return link;
  } catch (error) {
    clear(target).append(failed(describeError(error, lang)));
    return null;
  }
}
