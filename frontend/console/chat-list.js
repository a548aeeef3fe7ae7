// The console's chat list: conversationId → summary, fed by GET /agent/chats and by pushes.
// A read of the list can be overtaken by a push (the chat moved away or arrived while the GET was on
// the wire): every change is stamped, and a read applies only to the chats nothing changed since it
// started, so a late answer never brings back a chat that was just taken away, nor drops a new one.
export class ChatList extends Map {
  #version = 0;
  #changed = new Map(); // conversationId → version of its last change

  set(id, summary) {
    this.#changed.set(id, ++this.#version);
    return super.set(id, summary);
  }

  delete(id) {
    this.#changed.set(id, ++this.#version);
    return super.delete(id);
  }

  /** A mark to hand to apply(): taken before the list is read. */
  mark() {
    return this.#version;
  }

  /** Replaces the list with `summaries` (read after `mark`), except for the chats changed since. */
  apply(mark, summaries, { forget }) {
    const untouched = (id) => (this.#changed.get(id) ?? 0) <= mark;
    const live = new Set(summaries.map((c) => c.conversationId));
    for (const id of [...this.keys()]) if (!live.has(id) && untouched(id)) forget(id);
    // Not stamped: a second read started at the same time still applies its (newer) answer.
    for (const c of summaries) if (untouched(c.conversationId)) super.set(c.conversationId, c);
  }
}
