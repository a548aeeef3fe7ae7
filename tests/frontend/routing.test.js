// node --test tests/frontend/routing.test.js: the console's accept countdown, transfer error sentences
// and the English system lines of issue #21 (pure parts of chat-accept.js, chat-transfer.js, messages.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptDeadline, formatLeft } from "../../frontend/console/chat-accept.js";
import { transferErrorText } from "../../frontend/console/chat-transfer.js";
import { systemLine } from "../../frontend/console/messages.js";
import { CONSOLE_STRINGS } from "../../frontend/console/strings.js";
import { translator } from "../../frontend/shared/i18n.js";

const chat = { state: "active", assignedAt: 10_000, agentOpenedAt: null, agentActiveAt: null };

test("the countdown runs until the agent opens or answers the chat of this assignment", () => {
  assert.equal(acceptDeadline(chat, 60), 70_000);
  assert.equal(acceptDeadline(chat, 0), null); // the accept window is off
  assert.equal(acceptDeadline({ ...chat, agentOpenedAt: 10_000 }, 60), null);
  assert.equal(acceptDeadline({ ...chat, agentActiveAt: 12_000 }, 60), null);
  // Opened or answered before this assignment (by the previous agent, before a transfer): still running.
  assert.equal(acceptDeadline({ ...chat, agentOpenedAt: 9_000, agentActiveAt: 9_500 }, 60), 70_000);
  assert.equal(acceptDeadline({ ...chat, state: "waiting" }, 60), null);
  assert.equal(acceptDeadline({ ...chat, assignedAt: null }, 60), null);
});

test("the time left reads m:ss and never goes below zero", () => {
  assert.equal(formatLeft(59_001), "1:00");
  assert.equal(formatLeft(42_000), "0:42");
  assert.equal(formatLeft(125_000), "2:05");
  assert.equal(formatLeft(-3_000), "0:00");
});

test("every transfer refusal has its own sentence in both languages", () => {
  for (const lang of ["ko", "en"]) {
    const t = translator(CONSOLE_STRINGS, lang);
    const seen = new Set();
    for (const code of ["transfer_to_self", "agent_unavailable", "agent_full", "agent_no_chat_permission", "not_found", "conflict"]) {
      const text = transferErrorText(t, { code, status: 409 }, lang);
      assert.equal(text, CONSOLE_STRINGS[lang][`transferError_${code}`], code);
      assert.ok(!seen.has(text), code);
      seen.add(text);
      assert.ok(CONSOLE_STRINGS[lang][`refusal_${code}`] || code === "not_found" || code === "conflict", code);
    }
    assert.equal(transferErrorText(t, { code: "invalid_field", field: "note" }, lang), CONSOLE_STRINGS[lang].transferNoteTooLong);
    assert.equal(transferErrorText(t, { code: "conversation_ended" }, lang).length > 0, true);
  }
});

test("the idle and transfer system lines read in English on an English screen", () => {
  const line = (systemCode, text) => ({ kind: "system", systemCode, text });
  assert.equal(systemLine(line("idle_warning", "답변이 없으시면 5분 후 상담이 자동으로 종료됩니다."), "en"),
    "If there is no reply, the chat will end automatically in 5 min.");
  assert.equal(systemLine(line("idle_closed", "답변이 없어 상담이 자동으로 종료되었습니다."), "en"),
    "There was no reply, so the chat ended automatically.");
  assert.equal(systemLine(line("agent_changed", "상담원이 변경되었습니다."), "en"), "The agent has changed.");
  assert.equal(systemLine(line("idle_warning", "답변이 없으시면 5분 후 상담이 자동으로 종료됩니다."), "ko"),
    "답변이 없으시면 5분 후 상담이 자동으로 종료됩니다.");
});
