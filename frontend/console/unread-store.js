// Unread customer messages per chat, kept in localStorage["livechat.unread.<agentId>"] as
// {conversationId: [seq…]}: the seqs of customer messages that arrived, pruned up to the seq the
// agent has seen (chat-side.js's marks). Seqs, not a counter: every tab of the agent gets the same
// push and records the same seq, so two tabs or a reload never count a message twice.
// Why the browser and not the server: the seen marks this counts against are already there and
// shared by the agent's tabs; counting costs no request or write on the message path.
const MAX_SEQS = 200; // per chat: beyond this the badge says 99+ anyway

export function createUnreadStore(agentId, storage = globalThis.localStorage) {
  const key = `livechat.unread.${agentId}`;
  const read = () => {
    try {
      return JSON.parse(storage.getItem(key) || "{}");
    } catch {
      return {};
    }
  };
  const write = (all) => storage.setItem(key, JSON.stringify(all));

  return {
    key,
    /** A customer message arrived (seq), unless already seen (seenSeq). */
    add(conversationId, seq, seenSeq = 0) {
      if (seq <= seenSeq) return;
      const all = read();
      const seqs = new Set(all[conversationId] || []);
      if (seqs.has(seq)) return;
      seqs.add(seq);
      all[conversationId] = [...seqs].sort((a, b) => a - b).slice(-MAX_SEQS);
      write(all);
    },
    /** How many customer messages after seenSeq (0 when none were recorded). */
    count(conversationId, seenSeq = 0) {
      return (read()[conversationId] || []).filter((s) => s > seenSeq).length;
    },
    /** Forget what was seen (and chats no longer held, when `live` is given). */
    prune(seen, live = null) {
      const all = read();
      let changed = false;
      for (const [id, seqs] of Object.entries(all)) {
        const left = live && !live.has(id) ? [] : seqs.filter((s) => s > (seen[id] || 0));
        if (left.length !== seqs.length) changed = true;
        if (left.length) all[id] = left;
        else delete all[id];
      }
      if (changed) write(all);
    },
  };
}

/** The badge's text: the count, 99+ above 99. */
export const badgeText = (n) => (n > 99 ? "99+" : String(n));
