// 상용구 view (`#/canned`, issue #22): the agent's own canned responses (create, edit, reorder,
// categorise, delete, CSV export and import; at most 200) and the shared ones read-only, with the
// admin page's editor (../shared/canned-editor.js, scope "personal": /canned-responses). The
// composer's "/" search (chat-canned.js) reads the list again at every opening, so what is saved
// here is there at once. Reached from the top bar (Alt+4) and from the chat view's composer.
import { el } from "../shared/dom.js";
import { mountCannedEditor } from "../shared/canned-editor.js";

export function mount(container, ctx) {
  const { t } = ctx;
  const body = el("div", { class: "canned-view-body" });
  container.append(
    el("header", { class: "view-header" }, el("h2", { id: "canned-view-title" }, t("cannedViewTitle")),
      el("a", { href: "#/chat", class: "canned-back" }, t("cannedBackToChat"))),
    el("p", { class: "canned-intro" }, t("cannedViewIntro")),
    body,
  );
  const editor = mountCannedEditor(body, ctx, "personal");
  let shown = false;
  return {
    // Read again when shown again: another tab of the agent, or an admin, may have changed the lists.
    show() {
      if (shown) editor.reload();
      shown = true;
    },
  };
}
