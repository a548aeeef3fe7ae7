// Read receipts on the customer's side (issue #22). Pure: no DOM, no socket; the widget passes
// `send` and timers in, so tests/frontend drives it with a fake clock.
//
// ReadReporter sends `read` with the highest agent message seq the customer has seen, only when it
// is new, never while one is unanswered, and not again inside the server's 2 s window (the server
// would answer `deferred`; should it anyway, one timer sends the highest seq after `retryAfterMs`).
// Only agent messages count: a receipt for the customer's own words tells the agent nothing.

export const READ_WINDOW_MS = 2000; // the server's window per side (docs/protocol.md#read-receipts)

export class ReadReporter {
  /** send(seq) → true when the frame went out; timers: {now, setTimeout, clearTimeout}. */
  constructor({ send, now = () => Date.now(), setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (t) => clearTimeout(t) }) {
    // (Wrapped: the browser's setTimeout called as this.setTimer would throw "Illegal invocation".)
    this.sendFrame = send;
    this.now = now;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.seen = 0; // the highest agent seq shown while the customer could see it
    this.stored = 0; // the highest the server has confirmed (or had stored before a reload)
    this.inFlight = 0; // the seq of the unanswered `read`, 0 when none
    this.lastWriteAt = -Infinity;
    this.timer = null;
    this.stopped = false;
  }

  /** The receipt the server already holds (GET /chats/{id} `reads.customer`): nothing below it is sent. */
  known(seq) {
    if (seq > this.stored) this.stored = seq;
  }

  /** The customer has seen agent messages up to `seq`. */
  saw(seq) {
    if (seq > this.seen) this.seen = seq;
    this.flush();
  }

  flush() {
    if (this.stopped || this.timer || this.inFlight || this.seen <= this.stored) return;
    const wait = this.lastWriteAt + READ_WINDOW_MS - this.now();
    if (wait > 0) {
      this.schedule(wait);
      return;
    }
    const seq = this.seen;
    if (this.sendFrame(seq)) this.inFlight = seq;
    // Not sent (socket down): the next connect calls reconnected(), which tries again.
  }

  schedule(ms) {
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.flush();
    }, ms);
  }

  /** The server's `read.ack`: {seq, outcome, retryAfterMs}. */
  acked({ seq, outcome, retryAfterMs }) {
    this.inFlight = 0;
    if (outcome === "not_a_party") {
      this.stop(); // nothing we send would ever be stored
      return;
    }
    if (outcome === "deferred") {
      // Inside the window (another tab of ours wrote, or our clock ran fast): once, after the wait.
      if (!this.timer && !this.stopped) this.schedule(Math.max(0, retryAfterMs || READ_WINDOW_MS));
      return;
    }
    if (typeof seq === "number") this.known(seq); // written, or already_read (as stored)
    if (outcome === "written") this.lastWriteAt = this.now();
    this.flush();
  }

  /** An error frame for our `read` (the chat ended, say): try again only when something new is seen. */
  failed() {
    this.inFlight = 0;
    this.stored = Math.max(this.stored, this.seen);
  }

  /** A new socket: an unanswered `read` died with the old one. */
  reconnected() {
    this.inFlight = 0;
    this.flush();
  }

  stop() {
    this.stopped = true;
    if (this.timer) this.clearTimer(this.timer);
    this.timer = null;
  }
}

/**
 * Which of the customer's messages shows 읽음: the last one at or below the agent's receipt.
 * mine: the customer's stored seqs (any order); agentRead: the agent's receipt (0: none).
 */
export function readMarkSeq(mine, agentRead) {
  let best = 0;
  for (const seq of mine) if (seq <= agentRead && seq > best) best = seq;
  return best;
}
