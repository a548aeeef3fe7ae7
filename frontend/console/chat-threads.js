// The chat view's messages per conversation, kept by seq (pure logic, no DOM: node --test covers it).
// A seq already held is replaced, not added; `contiguous` is the highest seq with no hole before it;
// sync() reads everything after it (GET /chats/{id}/messages?afterSeq=N, page by page), and a sync
// asked while one runs makes it read once more. The agent's own unsent messages wait in `pending`
// until their ack (same clientMessageId) arrives.
import { ApiError, query } from "../shared/api.js";

const PAGE = 500;

/**
 * chats: the view's Map conversationId → summary (lastSeq/lastMessageAt follow the messages);
 * onSynced(id) runs after each sync (redraw).
 */
export function createThreads({ api, chats, onSynced = () => {} }) {
  const threads = new Map(); // conversationId → {messages: Map<seq, message>, pending: Map, contiguous, loaded, syncing, again}

  function thread(id) {
    if (!threads.has(id)) threads.set(id, { messages: new Map(), pending: new Map(), contiguous: 0, loaded: false, syncing: null, again: false });
    return threads.get(id);
  }

  function addMessage(message) {
    const th = thread(message.conversationId);
    if (message.clientMessageId) th.pending.delete(message.clientMessageId);
    th.messages.set(message.seq, message);
    while (th.messages.has(th.contiguous + 1)) th.contiguous += 1;
    const conv = chats.get(message.conversationId);
    if (conv && message.seq > (conv.lastSeq || 0)) {
      conv.lastSeq = message.seq;
      conv.lastMessageAt = message.createdAt;
    }
  }

  /** Read everything after the last contiguous seq (again, if asked while already reading). */
  function sync(id) {
    const th = thread(id);
    if (th.syncing) {
      th.again = true;
      return th.syncing;
    }
    th.syncing = (async () => {
      try {
        do {
          th.again = false;
          let more = true;
          while (more) {
            const data = await api.get(`/chats/${encodeURIComponent(id)}/messages${query({ afterSeq: th.contiguous, limit: PAGE })}`);
            data.messages.forEach(addMessage);
            more = data.hasMore && data.messages.length > 0;
          }
        } while (th.again);
        th.loaded = true;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500 || err.status === 0) throw err;
      } finally {
        th.syncing = null;
      }
      onSynced(id);
    })();
    return th.syncing;
  }

  /** The messages in seq order, then the pending ones. */
  function ordered(id, withPending = true) {
    const th = thread(id);
    const stored = [...th.messages.values()].sort((a, b) => a.seq - b.seq);
    return withPending ? [...stored, ...th.pending.values()] : stored;
  }

  return { threads, thread, addMessage, sync, ordered };
}
