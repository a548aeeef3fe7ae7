// frontend/widget/system-lines.js: the widget's system lines (issue #21) in the customer's language,
// and the new agent's name after a live transfer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { translator } from "../../frontend/shared/i18n.js";
import { STRINGS } from "../../frontend/widget/strings.js";
import { systemLineParts } from "../../frontend/widget/system-lines.js";

const line = (systemCode, text) => ({ kind: "system", systemCode, text });
const parts = (message, lang, newAgent) => systemLineParts(message, lang, translator(STRINGS, lang), newAgent);

test("the idle, transfer and closing-time lines read in English on an English widget", () => {
  assert.deepEqual(parts(line("idle_warning", "답변이 없으시면 5분 후 상담이 자동으로 종료됩니다."), "en"), [
    "If there is no reply, the chat will end automatically in 5 min.",
  ]);
  assert.deepEqual(parts(line("idle_warning", "답변이 없으셔서 상담원이 기다리고 있습니다."), "en"), [
    "You have not replied; the agent is waiting for you.",
  ]);
  assert.deepEqual(parts(line("idle_closed", "답변이 없어 상담이 자동으로 종료되었습니다."), "en"), [
    "There was no reply, so the chat ended automatically.",
  ]);
  assert.deepEqual(parts(line("agent_changed", "상담원이 변경되었습니다."), "en"), ["The agent has changed."]);
  assert.match(parts(line("closed_waiting", "운영시간이 끝나 상담 연결을 마칩니다."), "en")[0], /leave an inquiry/);
});

test("a Korean widget shows the stored line; unknown codes stay as stored in either language", () => {
  const warning = line("idle_warning", "답변이 없으시면 5분 후 상담이 자동으로 종료됩니다.");
  assert.deepEqual(parts(warning, "ko"), [warning.text]);
  assert.deepEqual(parts(line("something_new", "새 안내"), "en"), ["새 안내"]);
});

test("a joined line keeps the name it was written with, whoever has the chat now", () => {
  assert.deepEqual(parts(line("agent_joined", "상담원 김상담님이 상담을 시작했습니다."), "en"), [{ name: "김상담" }, " has joined the chat."]);
  assert.deepEqual(parts(line("agent_joined", "상담원이 상담을 시작했습니다."), "en"), ["An agent has joined the chat."]);
});

test("after a live transfer the agent_changed line names the new agent, in both languages", () => {
  const changed = line("agent_changed", "상담원이 변경되었습니다.");
  assert.deepEqual(parts(changed, "ko", "이상담"), ["상담원이 변경되었습니다. 새 상담원: ", { name: "이상담" }]);
  assert.deepEqual(parts(changed, "en", "이상담"), ["The agent has changed. Your agent now: ", { name: "이상담" }]);
  assert.deepEqual(parts(changed, "ko", null), [changed.text]); // no display name: the line as stored
});
