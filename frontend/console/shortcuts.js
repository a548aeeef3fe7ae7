// The console's keyboard: Alt+↓ / Alt+↑ next / previous chat, Alt+M the message input, Alt+1/2/3/4
// the views, `?` (outside text fields) the help overlay, Esc closes it.
import { el, keepTabInside } from "../shared/dom.js";

const ROWS = [
  ["Alt + ↓", "shortcutNext"],
  ["Alt + ↑", "shortcutPrev"],
  ["Alt + M", "shortcutInput"],
  ["Alt + 1 … 5", "shortcutViews"],
  ["?", "shortcutHelp"],
  ["Esc", "shortcutClose"],
];

/** The help overlay (a modal dialog); toggle(open) shows or hides it, making `behind()` inert. */
export function createHelp(t, behind) {
  const help = keepTabInside(
    el(
      "div",
      { class: "help-overlay hidden", role: "dialog", "aria-modal": "true", "aria-labelledby": "help-title", tabindex: "-1" },
      el("div", { class: "help-box" },
        el("h2", { id: "help-title" }, t("shortcuts")),
        el("dl", {}, ROWS.map(([keys, label]) => [el("dt", {}, el("kbd", {}, keys)), el("dd", {}, t(label))])),
        el("button", { type: "button", class: "help-close", onclick: () => toggle(false) }, t("close"))),
    ),
  );
  let helpReturn = null;
  function toggle(open = help.classList.contains("hidden")) {
    help.classList.toggle("hidden", !open);
    // A modal dialog: what is behind it is out of reach (Tab never leaves the dialog).
    for (const node of behind()) node.inert = open;
    if (open) {
      helpReturn = document.activeElement;
      help.querySelector(".help-close").focus();
    } else helpReturn?.focus?.();
  }
  return { element: help, toggle, isOpen: () => !help.classList.contains("hidden") };
}

const typingIn = (target) => target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/** views: the console's VIEWS (route → {key}); emit: the page bus's emit. */
export function listenToShortcuts({ views, help, emit }) {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && help.isOpen()) {
      event.preventDefault();
      help.toggle(false);
      return;
    }
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      const view = Object.entries(views).find(([, v]) => event.code === `Digit${v.key}`);
      if (view) {
        event.preventDefault();
        location.hash = `#/${view[0]}`;
        return;
      }
      const shortcut = { ArrowDown: "next", ArrowUp: "previous", KeyM: "focus-input" }[event.code];
      if (shortcut) {
        event.preventDefault();
        if (!location.hash.startsWith("#/chat") && location.hash !== "") location.hash = "#/chat";
        emit("shortcut", shortcut);
      }
      return;
    }
    if (event.key === "?" && !typingIn(event.target)) {
      event.preventDefault();
      help.toggle();
    }
  });
}
