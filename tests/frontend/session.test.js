// frontend/widget/session.js: the widget's outbox (every message kept until acked, resent on every
// connect) and seq tracking (nothing missing, nothing twice), with a fake link and REST client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Session } from "../../frontend/widget/session.js";

function fakeLink() {
  const sent = [];
  return { sent, send: (frame) => (sent.push(frame), true), restart() {}, stop() {} };
}

function newSession(saved = {}) {
  const events = [];
  const stored = [];
  const session = new Session({
    request: async () => ({ state: "active" }),
    wsUrl: "ws://x",
    saved: { conversationId: "c1", token: "tok", ...saved },
    persist: (value) => stored.push(JSON.parse(JSON.stringify(value))),
    emit: (type, detail) => events.push([type, detail]),
  });
  return { session, events, stored };
}

const customer = (seq, clientMessageId) => ({ seq, role: "customer", kind: "text", text: `m${seq}`, clientMessageId });
const agent = (seq) => ({ seq, role: "agent", kind: "text", text: `a${seq}` });

test("send: persisted in the outbox, shown as pending, sent when the link is up", (t) => {
  const { session, events, stored } = newSession();
  session.link = fakeLink();
  const pending = session.send("안녕하세요");
  t.after(() => session.close());
  assert.match(pending.clientMessageId, /^c-[0-9a-f]{24}$/);
  assert.deepEqual(stored.at(-1).outbox.map((m) => m.text), ["안녕하세요"]);
  assert.deepEqual(events.map(([type]) => type), ["pending"]);
  assert.deepEqual(session.link.sent, [{ action: "message.send", conversationId: "c1", clientMessageId: pending.clientMessageId, text: "안녕하세요" }]);
});

test("the ack takes a message out of the outbox; a repeat of a seq is not shown twice", (t) => {
  const { session, events, stored } = newSession();
  session.link = fakeLink();
  t.after(() => session.close());
  const pending = session.send("hi");
  session.onFrame({ type: "message.ack", message: customer(1, pending.clientMessageId) });
  session.onFrame({ type: "message.new", message: customer(1, pending.clientMessageId) });
  assert.equal(session.outbox.size, 0);
  assert.deepEqual(stored.at(-1).outbox, []);
  assert.equal(events.filter(([type]) => type === "message").length, 1);
  assert.equal(session.contiguous, 1);
});

test("a gap in seq asks messages.sync from the last contiguous seq; the batch fills it", () => {
  const { session, events } = newSession();
  session.link = fakeLink();
  session.onFrame({ type: "message.new", message: agent(1) });
  session.onFrame({ type: "message.new", message: agent(3) });
  assert.equal(session.contiguous, 1);
  assert.deepEqual(session.link.sent, [{ action: "messages.sync", conversationId: "c1", afterSeq: 1 }]);
  session.onFrame({ type: "message.new", message: agent(4) });
  assert.equal(session.link.sent.length, 1, "one sync at a time");
  session.onFrame({ type: "messages.batch", messages: [agent(2), agent(3)], lastSeq: 4 });
  assert.equal(session.contiguous, 4);
  assert.deepEqual(events.filter(([type]) => type === "message").map(([, m]) => m.seq), [1, 3, 4, 2]);
});

test("a batch that says there is more asks again from the new contiguous seq", () => {
  const { session } = newSession();
  session.link = fakeLink();
  session.sync();
  session.onFrame({ type: "messages.batch", messages: [agent(1), agent(2)], hasMore: true });
  assert.deepEqual(session.link.sent.map((f) => f.afterSeq), [0, 2]);
});

test("the outbox survives a reload: the saved messages are pending again and resent on connect", async (t) => {
  const saved = { outbox: [{ clientMessageId: "c-1", text: "before the reload", createdAt: 1 }] };
  const { session, events } = newSession(saved);
  t.after(() => session.close());
  session.link = fakeLink();
  session.onOpen();
  assert.deepEqual(session.link.sent.map((f) => f.action), ["messages.sync", "message.send"]);
  assert.equal(session.link.sent[1].clientMessageId, "c-1");
  assert.deepEqual(events[0], ["link", true]);
});

test("a fatal send error fails the message; a passing one leaves it for the next connect", (t) => {
  const { session, events } = newSession();
  session.link = fakeLink();
  t.after(() => session.close());
  const a = session.send("one");
  const b = session.send("two");
  session.onFrame({ type: "error", action: "message.send", clientMessageId: a.clientMessageId, code: "too_long" });
  session.onFrame({ type: "error", action: "message.send", clientMessageId: b.clientMessageId, code: "internal" });
  assert.deepEqual([...session.outbox.keys()], [b.clientMessageId]);
  assert.deepEqual(events.find(([type]) => type === "failed"), ["failed", { clientMessageId: a.clientMessageId, code: "too_long" }]);
});

test("the end is final: a later state does not reopen the chat; its system line ends it too", () => {
  const { session } = newSession();
  session.onFrame({ type: "message.new", message: { seq: 1, role: "system", kind: "system", systemCode: "chat_ended" } });
  assert.equal(session.state, "ended");
  session.onFrame({ type: "chat.started", agentName: "김상담" });
  assert.equal(session.state, "ended");
});

test("queue position and the agent joining", () => {
  const { session, events } = newSession();
  session.onFrame({ type: "chat.queued", position: 3 });
  assert.deepEqual(events.at(-1), ["state", { state: "waiting", position: 3, agentName: null }]);
  session.onFrame({ type: "message.new", message: { seq: 1, role: "system", kind: "system", systemCode: "agent_joined" } });
  assert.equal(session.state, "active");
  assert.equal(session.position, 0);
});

test("read receipts: seen() sends the highest agent seq once; the agent's read push moves 읽음, never back", (t) => {
  const { session, events } = newSession();
  session.link = fakeLink();
  t.after(() => session.close());
  session.onFrame({ type: "message.new", message: agent(1) });
  session.onFrame({ type: "message.new", message: customer(2, "c-x") });
  session.seen();
  session.seen();
  const reads = () => session.link.sent.filter((f) => f.action === "read");
  assert.deepEqual(reads(), [{ action: "read", conversationId: "c1", seq: 1 }]); // the agent's, not our own
  session.onFrame({ type: "read.ack", conversationId: "c1", seq: 1, outcome: "written", retryAfterMs: 0 });
  session.onFrame({ type: "read", conversationId: "c1", side: "agent", seq: 2 });
  session.onFrame({ type: "read", conversationId: "c1", side: "agent", seq: 1 });
  assert.deepEqual(events.filter(([type]) => type === "agentRead").map(([, seq]) => seq), [2]);
  assert.equal(session.agentRead, 2);
  // Another tab of this customer read further: not sent again from here.
  session.onFrame({ type: "message.new", message: agent(3) });
  session.onFrame({ type: "read", conversationId: "c1", side: "customer", seq: 3 });
  session.seen();
  assert.equal(reads().length, 1);
});

test("read receipts after a reload: the stored receipts come from GET /chats/{id}", () => {
  const { session, events } = newSession();
  session.applyView({ state: "active", reads: { customer: 4, agent: 3 } });
  assert.equal(session.agentRead, 3);
  assert.deepEqual(events.filter(([type]) => type === "agentRead").map(([, seq]) => seq), [3]);
  session.link = fakeLink();
  session.onFrame({ type: "message.new", message: agent(4) });
  session.seen();
  assert.deepEqual(session.link.sent.filter((f) => f.action === "read"), []); // 4 is already stored
  session.close();
});
