// frontend/console/chat-threads.js: the console's messages by seq, sync after a gap or a reconnect.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createThreads } from "../../frontend/console/chat-threads.js";

const msg = (seq, extra = {}) => ({ conversationId: "c1", seq, text: `m${seq}`, createdAt: 1000 + seq, ...extra });

/** A fake REST client answering GET /chats/c1/messages?afterSeq=N from a stored list, `page` at a time. */
function fakeApi(stored, page = 2) {
  const calls = [];
  return {
    calls,
    async get(path) {
      calls.push(path);
      const after = Number(new URL(path, "http://x").searchParams.get("afterSeq"));
      const rest = stored.filter((m) => m.seq > after);
      return { messages: rest.slice(0, page), hasMore: rest.length > page };
    },
  };
}

test("contiguous follows the highest seq without a hole; a seq held twice is replaced", () => {
  const chats = new Map([["c1", { conversationId: "c1", lastSeq: 0 }]]);
  const threads = createThreads({ api: fakeApi([]), chats });
  threads.addMessage(msg(1));
  threads.addMessage(msg(3));
  assert.equal(threads.thread("c1").contiguous, 1);
  threads.addMessage(msg(2));
  assert.equal(threads.thread("c1").contiguous, 3);
  threads.addMessage(msg(2, { text: "masked" }));
  assert.deepEqual(threads.ordered("c1").map((m) => m.text), ["m1", "masked", "m3"]);
  assert.equal(chats.get("c1").lastSeq, 3);
  assert.equal(chats.get("c1").lastMessageAt, 1003);
});

test("an ack replaces the pending message with the same clientMessageId", () => {
  const threads = createThreads({ api: fakeApi([]), chats: new Map() });
  threads.thread("c1").pending.set("a-1", { clientMessageId: "a-1", text: "hi", pending: true });
  assert.equal(threads.ordered("c1").length, 1);
  threads.addMessage(msg(1, { clientMessageId: "a-1", text: "hi" }));
  assert.deepEqual(threads.ordered("c1").map((m) => [m.seq, m.pending]), [[1, undefined]]);
});

test("sync reads every page after the last contiguous seq, then tells the view", async () => {
  const stored = [1, 2, 3, 4, 5].map((seq) => msg(seq));
  const api = fakeApi(stored);
  const synced = [];
  const threads = createThreads({ api, chats: new Map(), onSynced: (id) => synced.push(id) });
  threads.addMessage(msg(1));
  await threads.sync("c1");
  assert.deepEqual(threads.ordered("c1").map((m) => m.seq), [1, 2, 3, 4, 5]);
  assert.equal(threads.thread("c1").loaded, true);
  assert.deepEqual(synced, ["c1"]);
  assert.match(api.calls[0], /afterSeq=1/);
  assert.equal(api.calls.length, 2);
});

test("a sync asked while one runs reads once more instead of running twice at once", async () => {
  const stored = [msg(1)];
  const api = fakeApi(stored, 10);
  const threads = createThreads({ api, chats: new Map() });
  const first = threads.sync("c1");
  stored.push(msg(2)); // arrives while the first read is under way
  const second = threads.sync("c1");
  assert.equal(first, second);
  await first;
  assert.deepEqual(threads.ordered("c1").map((m) => m.seq), [1, 2]);
});

test("a 404 ends the sync quietly; a server error is thrown", async () => {
  const { ApiError } = await import("../../frontend/shared/api.js");
  const refusing = (status) => ({ get: async () => { throw new ApiError(status, "x", "x"); } });
  await createThreads({ api: refusing(404), chats: new Map() }).sync("c1");
  await assert.rejects(createThreads({ api: refusing(500), chats: new Map() }).sync("c1"));
});
