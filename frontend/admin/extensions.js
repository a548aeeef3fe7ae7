// Sections other features add to the admin page (see README.md in this folder). Each entry:
//   { id: "exports", title: { ko: "최근 추출", en: "Recent exports" }, mount(container, ctx) { … } }
// mount() builds its content inside `container` (a <div> under the section's <h2>) with ctx =
// { api, auth, socket, user, t, lang, el }. The page adds a nav link and a labelled section.
import { mountCannedEditor } from "/shared/canned-editor.js";
import { mountMaskingAudit } from "./masking-audit.js";
import { mountReports } from "./reports.js";
import { mountRouting } from "./routing.js";

export const extensions = [
  { id: "canned", title: { ko: "상용구", en: "Canned responses" }, mount: (container, ctx) => mountCannedEditor(container, ctx, "shared") },
  { id: "masking-audit", title: { ko: "마스킹 감사 기록", en: "Masking audit log" }, mount: mountMaskingAudit },
  { id: "routing", mount: mountRouting }, // its title: strings.js routingTitle
  { id: "reports", mount: mountReports }, // 리포트 (issue #24); its title: report-strings.js reportsTitle
];
