// frontend/shared/export-job.js: one export job followed to its end (socket frames and polling), as the
// console's 데이터 추출 and the admin page's report export use it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exportTracker, formatSize } from "../../frontend/shared/export-job.js";
import { formatSize as consoleFormatSize } from "../../frontend/console/history-period.js";

function fakeSocket() {
  const listeners = new Map();
  return {
    on(type, listener) {
      listeners.set(type, listener);
      return () => listeners.delete(type);
    },
    emit(type, frame) {
      listeners.get(type)?.(frame);
    },
    listeners,
  };
}

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

test("polls GET /exports/{id} until the job is done, then stops", async () => {
  const answers = [{ status: "running", progress: 40 }, { status: "done", progress: 100 }];
  const asked = [];
  const api = { get: async (path) => (asked.push(path), { exportId: "e/1", ...answers.shift() }) };
  const seen = [];
  const tracker = exportTracker({ api, socket: null, onJob: (job) => seen.push(job.status), pollMs: 1 });
  tracker.follow("e/1");
  for (let i = 0; i < 20 && seen.at(-1) !== "done"; i += 1) await tick();
  assert.deepEqual(seen, ["queued", "running", "done"]);
  assert.deepEqual(asked, ["/exports/e%2F1", "/exports/e%2F1"]);
  assert.equal(tracker.activeId, null);
  await tick(10);
  assert.equal(asked.length, 2); // no poll after the end
});

test("socket frames of the followed job count; another job's are ignored; a failed frame ends it", async () => {
  const socket = fakeSocket();
  const api = { get: async () => ({ exportId: "e-1", status: "running", progress: 10 }) };
  const seen = [];
  const tracker = exportTracker({ api, socket, onJob: (job) => seen.push(`${job.exportId}:${job.status}`), pollMs: 1000 });
  assert.equal(tracker.unsubscribe.length, 3);
  tracker.follow("e-1");
  socket.emit("export.progress", { exportId: "other", status: "running" });
  socket.emit("export.progress", { exportId: "e-1", status: "running", progress: 50 });
  socket.emit("export.failed", { exportId: "e-1", status: "failed", error: "too many rows" });
  socket.emit("export.ready", { exportId: "e-1", status: "done" }); // after the end: nothing
  assert.deepEqual(seen, ["e-1:queued", "e-1:running", "e-1:failed"]);
  tracker.unsubscribe.forEach((remove) => remove());
  assert.equal(socket.listeners.size, 0);
});

test("a failed poll is reported and polling goes on; following another job drops the first", async () => {
  let calls = 0;
  const api = {
    get: async (path) => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error("offline"), { code: "network" });
      return { exportId: path.split("/").pop(), status: "done" };
    },
  };
  const errors = [];
  const seen = [];
  const tracker = exportTracker({ api, socket: null, onJob: (job) => seen.push(`${job.exportId}:${job.status}`), onError: (e) => errors.push(e.code), pollMs: 1 });
  tracker.follow("a");
  for (let i = 0; i < 20 && !seen.includes("a:done"); i += 1) await tick();
  assert.deepEqual(errors, ["network"]);
  assert.deepEqual(seen, ["a:queued", "a:done"]);
  tracker.follow("b");
  tracker.follow("c");
  for (let i = 0; i < 20 && !seen.includes("c:done"); i += 1) await tick();
  assert.ok(!seen.includes("b:done"));
  tracker.stop();
});

test("formatSize: one formatter for both screens", () => {
  assert.equal(formatSize(9626, "en"), "9.4 KB");
  assert.equal(formatSize(512, "ko"), "512 B");
  assert.equal(formatSize(null, "ko"), "");
  assert.equal(consoleFormatSize, formatSize);
});
