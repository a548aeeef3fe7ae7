// The customer chat widget: a launcher at the bottom right and a chat dialog, inside a Shadow DOM so
// the host page's CSS and ours never meet. Flows (SPEC S-2, S-6): availability → consent → chat, or
// absence → 1:1 inquiry; rating; end; new chat. The conversation survives reloads (localStorage).
// This module: the frame (host, launcher, dialog, storage, language); intake.js, chat-view.js and
// dialogs.js hold the Widget's other methods; session.js the conversation's rules.
import { h, icon, focusables } from "./dom.js";
import { createApi } from "./session.js";
import { localized, pickWidgetLanguage, translator } from "./i18n.js";
import { STRINGS } from "./strings.js";
import { ChatSteps } from "./chat-view.js";
import { AttachSteps } from "./attach-steps.js";
import { DialogSteps } from "./dialogs.js";
import { IntakeSteps } from "./intake.js";

const ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";
const ICON_CLOSE = "M6 6l12 12M18 6L6 18";

export function mount(options) {
  const start = () => new Widget(options).mount();
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
}

class Widget {
  constructor(options) {
    this.options = options;
    this.langKey = `livechat.widget.lang:${options.api}`;
    // The customer's own choice (the header's switch) wins over the embed's data-lang, per site.
    this.lang = pickWidgetLanguage(this.savedLang() || options.lang);
    this.t = translator(STRINGS, this.lang);
    this.request = createApi(options.api);
    this.storageKey = `livechat.widget:${options.api}`;
    this.session = null;
    this.chat = null; // the chat view's parts while a conversation is shown
    this.overlay = null;
    this.unread = 0;
    this.uid = 0;
    this.listening = new AbortController(); // the page-wide listeners of this one widget element
  }

  // --- storage: {conversationId, token, greeting, open, seen, outbox} -------------------------------

  loadSaved() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.storageKey) || "null");
      return saved?.conversationId && saved?.token ? saved : null;
    } catch {
      return null;
    }
  }

  /** 1,900: digits grouped for the widget's language, not the browser's. */
  num(n) {
    return n.toLocaleString(this.lang === "ko" ? "ko-KR" : "en-US");
  }

  savedLang() {
    try {
      return localStorage.getItem(this.langKey);
    } catch {
      return null;
    }
  }

  /** Redraw everything in the other language; a chat in progress resumes as after a reload. */
  switchLanguage() {
    const lang = this.lang === "ko" ? "en" : "ko";
    try {
      localStorage.setItem(this.langKey, lang);
    } catch {
      /* storage blocked: the switch lasts until the page is left */
    }
    const open = !this.panel.hidden;
    if (this.session) {
      this.session.saved.open = open;
      this.session.persist();
      this.session.close();
    }
    this.listening.abort();
    this.host.remove();
    new Widget({ ...this.options, lang, reopen: open }).mount();
  }

  store(saved) {
    try {
      if (saved) localStorage.setItem(this.storageKey, JSON.stringify(saved));
      else localStorage.removeItem(this.storageKey);
    } catch {
      /* storage blocked: the chat still works, only a reload cannot resume it */
    }
  }

  /** A settings text in the widget's current language: {text, lang} where lang is set only when the
   * text falls back to the other language (the one place that picks; the language may change). */
  pick(texts) {
    const shown = localized(texts, this.lang);
    return { text: shown.text, lang: shown.lang === this.lang ? undefined : shown.lang };
  }

  id(prefix) {
    this.uid += 1;
    return `lc-${prefix}-${this.uid}`;
  }

  // --- frame: host, launcher, dialog ----------------------------------------------------------

  mount() {
    const t = this.t;
    this.host = h("livechat-widget", { lang: this.lang });
    this.root = this.host.attachShadow({ mode: "open" });
    const css = h("link", { rel: "stylesheet", href: `${this.options.base}widget.css` });
    this.launcher = h(
      "button",
      { class: "launcher", type: "button", "aria-label": t("open"), "aria-expanded": "false", hidden: true, onclick: () => this.openPanel() },
      icon(ICON_CHAT),
    );
    this.badge = h("span", { class: "badge", hidden: true });
    this.launcher.append(this.badge);
    this.title = h("h2", { id: "lc-title", class: "title" }, t("title"));
    const other = this.lang === "ko" ? "en" : "ko";
    // The other language's own name is the visible text and so the accessible name (WCAG 2.5.3);
    // what it does is the title.
    this.langButton = h(
      "button",
      { type: "button", class: "ghost lang", lang: other, title: t("switchLanguage"), onclick: () => this.switchLanguage() },
      other === "en" ? "English" : "한국어",
    );
    this.rateButton = h("button", { type: "button", class: "ghost", hidden: true, onclick: () => this.openRating() }, t("rate"));
    this.endButton = h("button", { type: "button", class: "ghost", hidden: true, onclick: () => this.confirmEnd() }, t("end"));
    const closeButton = h(
      "button",
      { type: "button", class: "icon", "aria-label": t("close"), onclick: () => this.closePanel() },
      icon(ICON_CLOSE),
    );
    this.linkStatus = h("p", { class: "link-status", role: "status" });
    this.body = h("div", { class: "body" });
    this.panel = h(
      "section",
      { class: "panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "lc-title", hidden: true },
      h("header", { class: "bar" }, this.title, h("div", { class: "actions" }, this.rateButton, this.endButton, this.langButton, closeButton)),
      this.linkStatus,
      this.body,
    );
    this.root.append(css, this.launcher, this.panel);
    this.root.addEventListener("keydown", (event) => this.onKey(event));
    document.body.append(this.host);
    // The customer comes back to the tab or the window: what the chat shows now counts as read.
    const seen = () => this.reportSeen();
    document.addEventListener("visibilitychange", seen, { signal: this.listening.signal });
    window.addEventListener("focus", seen, { signal: this.listening.signal });
    // Nothing shows before our stylesheet: no flash of unstyled widget on the host page.
    const ready = new Promise((resolve) => {
      css.addEventListener("load", resolve, { once: true });
      css.addEventListener("error", resolve, { once: true });
    });
    ready.then(() => this.start());
  }

  async start() {
    await this.decideLauncher();
    if (this.options.reopen && this.panel.hidden && !this.launcher.hidden) this.openPanel();
    if (this.options.reopen && !this.panel.hidden) this.langButton.focus();
    this.host.setAttribute("data-ready", ""); // for embedders and tests: the icon's fate is decided
  }

  async decideLauncher() {
    const saved = this.loadSaved();
    if (saved) {
      this.launcher.hidden = false;
      this.resume(saved);
      if (saved.open) this.openPanel();
      return;
    }
    try {
      this.availability = await this.request("GET", "/widget/availability");
    } catch {
      return; // no API, no icon
    }
    this.launcher.hidden = !this.availability.enabled;
  }

  openPanel() {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.setUnread(0);
    if (this.session) {
      this.session.saved.open = true;
      this.markSeen(Math.max(0, ...this.session.messages.keys()));
      this.focusView();
      this.reportSeen();
    } else if (!this.body.firstChild || ["error", "absent", "closed", "consent", "inquiry-sent"].includes(this.body.dataset.view)) {
      // Ask again on every open: an agent may have come online, or the texts changed, since the
      // last look. A half-filled inquiry form is kept.
      this.startFlow();
    } else {
      this.focusView();
    }
  }

  closePanel() {
    this.closeOverlay();
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    if (this.session) {
      this.session.saved.open = false;
      this.session.persist();
    }
    this.launcher.focus();
  }

  /** The highest seq shown while the dialog was open, kept so a reload counts only what is new. */
  markSeen(seq) {
    const saved = this.session.saved;
    if (seq > (saved.seen || 0)) saved.seen = seq;
    this.session.persist();
  }

  setUnread(count) {
    this.unread = count;
    this.badge.hidden = count === 0;
    this.badge.textContent = count > 9 ? "9+" : String(count);
    this.launcher.setAttribute("aria-label", count ? `${this.t("open")} (${this.t("unread", { n: count })})` : this.t("open"));
  }

  /** Keyboard: Tab stays inside the dialog (or the open sub-dialog); Esc closes the innermost. */
  onKey(event) {
    if (this.panel.hidden) return;
    if (event.key === "Escape") {
      event.preventDefault();
      if (this.overlay) this.closeOverlay();
      else this.closePanel();
      return;
    }
    if (event.key !== "Tab") return;
    const items = focusables(this.overlay || this.panel);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = this.root.activeElement;
    if (event.shiftKey && (active === first || !items.includes(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !items.includes(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  show(view, ...nodes) {
    this.closeOverlay();
    this.body.dataset.view = view;
    this.body.replaceChildren(...nodes);
    this.updateHeader();
    // Right after a language switch focus stays on the switch, where the customer left it.
    if (!this.panel.hidden && this.root.activeElement !== this.langButton) this.focusView();
  }

  focusView() {
    const target = this.overlay || this.body;
    const preferred = target.querySelector("[data-autofocus]");
    const node = preferred && !preferred.disabled && preferred.getClientRects().length ? preferred : focusables(target)[0];
    node?.focus();
  }

  updateHeader() {
    const session = this.session;
    const chatting = !!session && this.body.dataset.view === "chat";
    // Nothing to rate in a chat nobody served (waiting, or ended unserved at closing time).
    this.rateButton.hidden = !chatting || session.state === "waiting" || session.endReason === "closed" || !!session.rating;
    this.endButton.hidden = !chatting || session.state === "ended";
  }

}

// The widget's other rooms, as methods of the one Widget (they share its state through `this`).
for (const part of [IntakeSteps, ChatSteps, DialogSteps, AttachSteps]) {
  for (const name of Object.getOwnPropertyNames(part.prototype)) {
    if (name !== "constructor") Object.defineProperty(Widget.prototype, name, Object.getOwnPropertyDescriptor(part.prototype, name));
  }
}
