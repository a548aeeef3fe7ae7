// frontend/widget/read-receipts.js: the customer's `read` frames (only new seqs, one at a time, not
// inside the server's 2 s window, once after a deferral) and which message shows 읽음.
import assert from "node:assert/strict";
import { test } from "node:test";
import { READ_WINDOW_MS, ReadReporter, readMarkSeq } from "../../frontend/widget/read-receipts.js";

function reporter({ up = true } = {}) {
  const clock = { now: 1_000_000, timers: [] };
  const sent = [];
  const link = { up };
  const r = new ReadReporter({
    send: (seq) => (link.up ? (sent.push(seq), true) : false),
    now: () => clock.now,
    setTimer: (fn, ms) => {
      const timer = { fn, at: clock.now + ms };
      clock.timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => (clock.timers = clock.timers.filter((t) => t !== timer)),
  });
  const advance = (ms) => {
    clock.now += ms;
    for (const timer of clock.timers.filter((t) => t.at <= clock.now)) {
      clock.timers = clock.timers.filter((t) => t !== timer);
      timer.fn();
    }
  };
  return { r, sent, clock, link, advance };
}

test("a new seq is sent once; nothing while one is unanswered; the highest after the ack", () => {
  const { r, sent, advance } = reporter();
  r.saw(3);
  r.saw(3);
  r.saw(5); // while 3 is unanswered: held
  assert.deepEqual(sent, [3]);
  r.acked({ seq: 3, outcome: "written", retryAfterMs: 0 });
  assert.deepEqual(sent, [3]); // inside the window after a write: waits
  advance(READ_WINDOW_MS);
  assert.deepEqual(sent, [3, 5]);
  r.acked({ seq: 5, outcome: "written", retryAfterMs: 0 });
  r.saw(5);
  r.saw(4);
  advance(10 * READ_WINDOW_MS);
  assert.deepEqual(sent, [3, 5]); // nothing new: nothing sent
});

test("a deferred read goes again once, after retryAfterMs, with the highest seen", () => {
  const { r, sent, clock, advance } = reporter();
  r.saw(2);
  r.acked({ seq: 2, outcome: "deferred", retryAfterMs: 1200 });
  r.saw(4);
  assert.equal(clock.timers.length, 1);
  advance(1199);
  assert.deepEqual(sent, [2]);
  advance(1);
  assert.deepEqual(sent, [2, 4]);
});

test("a receipt already stored (reload, another tab) is not sent again", () => {
  const { r, sent } = reporter();
  r.known(7);
  r.saw(6);
  r.saw(7);
  assert.deepEqual(sent, []);
  r.saw(8);
  assert.deepEqual(sent, [8]);
  r.acked({ seq: 8, outcome: "already_read", retryAfterMs: 0 });
});

test("socket down: nothing counted as sent; the next connect sends it", () => {
  const { r, sent, link } = reporter({ up: false });
  r.saw(4);
  assert.deepEqual(sent, []);
  link.up = true;
  r.reconnected();
  assert.deepEqual(sent, [4]);
  r.reconnected(); // the ack died with the old socket: sent again on the new one
  assert.deepEqual(sent, [4, 4]);
});

test("not a party, an error, a stop: no more frames", () => {
  const a = reporter();
  a.r.saw(1);
  a.r.acked({ seq: 1, outcome: "not_a_party", retryAfterMs: 0 });
  a.r.saw(9);
  assert.deepEqual(a.sent, [1]);
  const b = reporter();
  b.r.saw(2);
  b.r.failed();
  b.r.saw(2);
  assert.deepEqual(b.sent, [2]);
  b.r.saw(3);
  assert.deepEqual(b.sent, [2, 3]);
  const c = reporter();
  c.r.saw(1);
  c.r.acked({ seq: 1, outcome: "deferred", retryAfterMs: 500 });
  c.r.stop();
  c.advance(1000);
  assert.deepEqual(c.sent, [1]);
});

test("읽음 goes on the customer's last message at or below the agent's receipt", () => {
  assert.equal(readMarkSeq([2, 4, 7], 0), 0);
  assert.equal(readMarkSeq([2, 4, 7], 5), 4);
  assert.equal(readMarkSeq([7, 2, 4], 7), 7);
  assert.equal(readMarkSeq([], 9), 0);
});
