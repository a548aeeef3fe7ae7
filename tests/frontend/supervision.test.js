// node --test tests/frontend/supervision.test.js: the 모니터링 view's pure parts (issue #24): the
// waiting time in words, and every supervision string in both languages.
import assert from "node:assert/strict";
import { test } from "node:test";

import { waitedText } from "../../frontend/console/monitor.js";
import { SUPERVISION_STRINGS } from "../../frontend/console/supervision-strings.js";
import { CONSOLE_STRINGS } from "../../frontend/console/strings.js";
import { translator } from "../../frontend/shared/i18n.js";

test("the waiting time in minutes and seconds, in the screen's language", () => {
  const ko = translator(SUPERVISION_STRINGS, "ko");
  const en = translator(SUPERVISION_STRINGS, "en");
  assert.equal(waitedText(125_000, ko), "2분 5초");
  assert.equal(waitedText(125_000, en), "2 min 5 s");
  assert.equal(waitedText(4_400, ko), "4초");
  assert.equal(waitedText(undefined, en), "0 s");
  assert.equal(waitedText(-5, en), "0 s");
});

test("every supervision string exists in Korean and English, and they differ", () => {
  const ko = Object.keys(SUPERVISION_STRINGS.ko).sort();
  assert.deepEqual(Object.keys(SUPERVISION_STRINGS.en).sort(), ko);
  for (const key of ko) assert.ok(SUPERVISION_STRINGS.en[key].trim(), key);
  assert.notEqual(SUPERVISION_STRINGS.en.readOnly, SUPERVISION_STRINGS.ko.readOnly);
  assert.equal(CONSOLE_STRINGS.ko.navMonitor, "모니터링");
  assert.equal(CONSOLE_STRINGS.en.navMonitor, "Monitoring");
});
