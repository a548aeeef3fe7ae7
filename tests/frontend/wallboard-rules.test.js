import { test } from "node:test";
import assert from "node:assert/strict";
import { translator } from "../../frontend/shared/i18n.js";
import { strings } from "../../frontend/admin/strings.js";
import { csatText, longestWaitText, snapshotOfPresence, waitText } from "../../frontend/admin/wallboard-rules.js";

const ko = translator(strings, "ko");
const en = translator(strings, "en");

test("waits read as seconds, minutes and seconds, or hours and minutes, in both languages", () => {
  assert.equal(waitText(42_500, ko), "42초");
  assert.equal(waitText(125_000, ko), "2분 5초");
  assert.equal(waitText(3_780_000, ko), "1시간 3분");
  assert.equal(waitText(125_000, en), "2 min 5 s");
  assert.equal(waitText(-5, en), "0 s"); // a clock a little ahead of the server's
  assert.equal(longestWaitText(null, 1000, ko), "—");
  assert.equal(longestWaitText(1000, 61_000, en), "1 min 0 s");
});

test("CSAT is the satisfied share of today's ratings", () => {
  assert.equal(csatText({ satisfied: 5, dissatisfied: 1 }, ko), "83% (5/6)");
  assert.equal(csatText({ satisfied: 0, dissatisfied: 0 }, en), "—");
  assert.equal(csatText(null, en), "—");
});

test("the fallback read has the snapshot's shape, without what only the push carries", () => {
  const shown = snapshotOfPresence({
    at: 5,
    counts: { online: 1, break: 0, offline: 1 },
    activeChats: 1,
    queue: { waiting: 2, teams: { t1: 2 }, teamNames: { t1: "결제팀" } },
    agents: [
      { agentId: "a", status: "online", chatPermission: true, maxChats: 3, activeChats: 1 },
      { agentId: "b", status: "offline", chatPermission: true, maxChats: 3, activeChats: 0 },
    ],
  });
  assert.deepEqual(shown.queue, { waiting: 2, longestWaitSince: undefined, teams: [{ teamId: "t1", name: "결제팀", waiting: 2, longestWaitSince: undefined }] });
  assert.equal(shown.capacity, 3);
  assert.equal(shown.today, null);
});
