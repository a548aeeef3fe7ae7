// node --test tests/frontend/chat-list.test.js: a list read overtaken by pushes (issue #21's missed chat).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ChatList } from "../../frontend/console/chat-list.js";

const chat = (id, extra = {}) => ({ conversationId: id, state: "active", ...extra });

function list(...ids) {
  const chats = new ChatList();
  for (const id of ids) chats.set(id, chat(id));
  return chats;
}

test("a read replaces the list: new chats in, gone chats forgotten", () => {
  const chats = list("a", "b");
  const forgotten = [];
  chats.apply(chats.mark(), [chat("b", { seq: 2 }), chat("c")], { forget: (id) => forgotten.push(id) && chats.delete(id) });
  assert.deepEqual(forgotten, ["a"]);
  assert.deepEqual([...chats.keys()].sort(), ["b", "c"]);
  assert.equal(chats.get("b").seq, 2);
});

test("a chat taken away while the read was on the wire does not come back", () => {
  const chats = list("a");
  const mark = chats.mark();
  chats.delete("a"); // chat.unassigned arrives before the GET's answer, which still lists it
  chats.apply(mark, [chat("a")], { forget: () => assert.fail("nothing to forget") });
  assert.equal(chats.has("a"), false);
});

test("a chat assigned while the read was on the wire is not dropped", () => {
  const chats = list();
  const mark = chats.mark();
  chats.set("n", chat("n")); // chat.assigned arrives before the GET's answer, which predates it
  chats.apply(mark, [], { forget: (id) => chats.delete(id) });
  assert.equal(chats.has("n"), true);
});

test("a push's newer summary is not overwritten by the older read", () => {
  const chats = list("a");
  const mark = chats.mark();
  chats.set("a", chat("a", { agentOpenedAt: 5 }));
  chats.apply(mark, [chat("a")], { forget: () => {} });
  assert.equal(chats.get("a").agentOpenedAt, 5);
});

test("a read started after the push sees it and applies in full", () => {
  const chats = list("a");
  chats.delete("a");
  chats.apply(chats.mark(), [chat("a")], { forget: () => {} }); // e.g. transferred back meanwhile
  assert.equal(chats.has("a"), true);
});
