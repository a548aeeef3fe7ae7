// Read receipts in the console (issue #22, docs/protocol.md#read-receipts): the console sends
// `read` with the highest seq shown of the chat on screen while the tab is visible, one frame in
// flight per chat; a `deferred` answer is retried once after `retryAfterMs` with the highest seq
// by then (the server writes at most once per 2 s per side). The customer's receipt (the summary's
// `reads.customer`, then `read` pushes) puts 읽음 on the agent's last message at or below it.
import { el } from "../shared/dom.js";
import { translator } from "../shared/i18n.js";
import { MESSAGES_RENDERED } from "./messages.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";

/** view: the chat view's state; list: the conversation's message list; thread(id) its messages. */
export function createReadMarks(view, { list, thread }) {
  const { ctx, chats } = view;
  const t = translator(PRODUCTIVITY_STRINGS, ctx.lang);
  const sides = new Map(); // conversationId → {want, done, inFlight, timer}
  const stateOf = (id) => {
    if (!sides.has(id)) sides.set(id, { want: 0, done: 0, inFlight: 0, timer: null });
    return sides.get(id);
  };

  function pump(id) {
    const s = stateOf(id);
    if (s.inFlight || s.timer || s.want <= s.done) return;
    s.inFlight = s.want;
    ctx.socket.send("read", { conversationId: id, seq: s.want });
  }
  /** The agent has this chat on screen up to `seq`. */
  function saw(id, seq) {
    if (!id || !seq || !view.visible || document.hidden || !chats.has(id)) return;
    const s = stateOf(id);
    s.want = Math.max(s.want, seq);
    pump(id);
  }
  const shownSeq = (id) => thread(id).contiguous;

  ctx.socket.on("read.ack", ({ conversationId: id, seq, outcome, retryAfterMs }) => {
    if (!sides.has(id)) return;
    const s = stateOf(id);
    const asked = s.inFlight;
    s.inFlight = 0;
    if (outcome === "deferred") {
      clearTimeout(s.timer);
      s.timer = setTimeout(() => {
        s.timer = null;
        pump(id);
      }, Math.max(100, Number(retryAfterMs) || 2000));
    } else if (outcome === "not_a_party") {
      s.done = Number.MAX_SAFE_INTEGER; // an admin looking on moves no receipt: stop asking
    } else {
      s.done = Math.max(s.done, Number(seq) || 0, asked); // clamped lower by the server: asked is still done
      pump(id);
    }
  });
  ctx.socket.on("open", () => {
    // Acks of frames sent into a dying connection never come: ask again.
    for (const [id, s] of sides) {
      s.inFlight = 0;
      pump(id);
    }
  });
  ctx.socket.on("read", ({ conversationId: id, side, seq }) => {
    const conv = chats.get(id);
    if (!conv || side !== "customer") return;
    const reads = conv.reads || {};
    if ((reads.customer || 0) >= seq) return;
    conv.reads = { ...reads, customer: seq };
    if (id === view.selectedId) drawMark();
  });

  /** 읽음 on the agent's last message the customer has read. */
  function drawMark() {
    for (const old of list.querySelectorAll(".msg-read")) old.remove();
    const upTo = chats.get(view.selectedId)?.reads?.customer || 0;
    if (!upTo) return;
    const mine = [...list.querySelectorAll("li.msg-agent[data-seq]")].filter((li) => li.dataset.seq && Number(li.dataset.seq) <= upTo);
    const last = mine[mine.length - 1];
    if (last) last.append(el("span", { class: "msg-read" }, t("readMark")));
  }

  document.addEventListener(MESSAGES_RENDERED, ({ detail }) => {
    if (detail.list !== list) return;
    drawMark();
    saw(detail.conversationId, shownSeq(detail.conversationId));
  });
  document.addEventListener("visibilitychange", () => {
    if (view.selectedId) saw(view.selectedId, shownSeq(view.selectedId));
  });
  return { saw, drawMark };
}
