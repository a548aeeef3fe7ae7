// Pure parts of the console's issue #22 modules: unread counts per chat, {{today}}, a note's check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { badgeText, createUnreadStore } from "../../frontend/console/unread-store.js";
import { todayText } from "../../frontend/console/chat-canned.js";
import { checkNote, NOTE_MAX } from "../../frontend/console/chat-notes.js";

function memoryStorage() {
  const items = new Map();
  return { getItem: (k) => (items.has(k) ? items.get(k) : null), setItem: (k, v) => items.set(k, String(v)) };
}

test("unread store: seqs, not a counter: two tabs recording one push count it once, and a reload keeps it", () => {
  const storage = memoryStorage();
  const tabA = createUnreadStore("agent1", storage);
  const tabB = createUnreadStore("agent1", storage);
  tabA.add("c1", 3);
  tabB.add("c1", 3);
  tabB.add("c1", 5);
  tabA.add("c1", 2, 2); // already seen: not counted
  assert.equal(tabA.count("c1"), 2);
  assert.equal(createUnreadStore("agent1", storage).count("c1"), 2); // a new page reads the same
  assert.equal(createUnreadStore("agent2", storage).count("c1"), 0); // another agent's are apart
  assert.equal(tabA.count("c1", 3), 1);
  tabA.prune({ c1: 3 });
  assert.equal(tabB.count("c1"), 1);
  tabA.add("c2", 1);
  tabA.prune({ c1: 5 }, new Set(["c2"]));
  assert.equal(tabA.count("c1"), 0);
  assert.equal(tabA.count("c2"), 1);
  assert.equal(badgeText(7), "7");
  assert.equal(badgeText(100), "99+");
});

test("unread store: a broken stored value counts as nothing instead of breaking the list", () => {
  const storage = memoryStorage();
  storage.setItem("livechat.unread.a", "{not json");
  const store = createUnreadStore("a", storage);
  assert.equal(store.count("c1"), 0);
  store.add("c1", 1);
  assert.equal(store.count("c1"), 1);
});

test("{{today}} is the service zone's date written out as the server writes it", () => {
  const lateUtc = Date.UTC(2026, 11, 1, 20, 0); // 2 December 05:00 in Seoul
  assert.equal(todayText("ko", lateUtc, "Asia/Seoul"), "2026년 12월 2일");
  assert.equal(todayText("en", lateUtc, "Asia/Seoul"), "December 2, 2026");
  assert.equal(todayText("en", lateUtc, "UTC"), "December 1, 2026");
});

test("a note: trimmed, refused blank or over the limit in code points", () => {
  assert.deepEqual(checkNote("  메모  "), { text: "메모" });
  assert.deepEqual(checkNote(" \n "), { reason: "blank" });
  assert.deepEqual(checkNote("가".repeat(NOTE_MAX)), { text: "가".repeat(NOTE_MAX) });
  assert.deepEqual(checkNote("😀".repeat(NOTE_MAX + 1)), { reason: "long" });
});
