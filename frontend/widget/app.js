// The customer chat widget: a launcher at the bottom right and a chat dialog, inside a Shadow DOM so
// the host page's CSS and ours never meet. Flows (SPEC S-2, S-6): availability → consent → chat, or
// absence → 1:1 inquiry; rating; end; new chat. The conversation survives reloads (localStorage).
import { h, icon, focusables } from "./dom.js";
import { Session, createApi } from "./session.js";
import { localized, pickWidgetLanguage, translator } from "./i18n.js";
import { STRINGS } from "./strings.js";

const ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";
const ICON_CLOSE = "M6 6l12 12M18 6L6 18";
const TYPING_HIDE_MS = 8000;
const TYPING_IDLE_MS = 3000;
const LIMITS = { name: 100, email: 254, title: 200, content: 10000, message: 2000 };
// The counter shows from here on; the server counts Unicode code points of the trimmed text, so do we.
const COUNTER_FROM = 1800;
const codePoints = (text) => [...text].length;
const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;

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
    } else if (!this.body.firstChild || ["error", "absent", "consent", "inquiry-sent"].includes(this.body.dataset.view)) {
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
    this.rateButton.hidden = !chatting || session.state === "waiting" || !!session.rating;
    this.endButton.hidden = !chatting || session.state === "ended";
  }

  // --- before a chat: availability, consent, absence, inquiry ---------------------------------

  async startFlow() {
    this.show("loading", h("p", { class: "note", role: "status" }, this.t("loading")));
    try {
      this.availability = await this.request("GET", "/widget/availability");
    } catch {
      this.showError(() => this.startFlow());
      return;
    }
    if (this.availability.enabled && this.availability.agentsOnline) this.showConsent();
    else this.showAbsent();
  }

  showError(retry) {
    this.show(
      "error",
      h("p", { class: "note", role: "alert" }, this.t("loadFailed")),
      h("button", { type: "button", class: "primary", onclick: retry, "data-autofocus": true }, this.t("retry")),
    );
  }

  consentBox() {
    const { consent } = this.availability;
    const shown = this.pick(consent.texts || consent.text);
    return h(
      "div",
      { class: "consent", tabindex: "0", role: "region", "aria-label": this.t("consentText"), "data-autofocus": true, lang: shown.lang },
      shown.text,
    );
  }

  showConsent() {
    const t = this.t;
    const nameId = this.id("name");
    const name = h("input", { id: nameId, type: "text", maxlength: LIMITS.name, autocomplete: "name" });
    const error = h("p", { class: "error", role: "alert" });
    const agree = h("button", { type: "button", class: "primary" }, t("agree"));
    agree.addEventListener("click", async () => {
      agree.disabled = true;
      error.textContent = "";
      const body = { consent: true, consentVersion: this.availability.consent.version };
      if (name.value.trim()) body.customerName = name.value.trim();
      try {
        const started = await this.request("POST", "/chats", body);
        this.beginChat(started);
      } catch (failure) {
        agree.disabled = false;
        if (failure.status === 409) this.startFlow(); // nobody online any more, chat off, or new consent text
        else error.textContent = t("failed");
      }
    });
    this.show(
      "consent",
      h("h3", {}, t("consentHeading")),
      this.consentBox(),
      h("div", { class: "field" }, h("label", { for: nameId }, t("nameOptional")), name),
      error,
      h("div", { class: "row" }, agree, h("button", { type: "button", onclick: () => this.showRefused() }, t("disagree"))),
    );
  }

  showRefused() {
    this.show(
      "refused",
      h("p", { class: "note", role: "status" }, this.t("refused")),
      h("div", { class: "row" }, h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.startFlow() }, this.t("back"))),
    );
  }

  showAbsent() {
    const t = this.t;
    this.show(
      "absent",
      h("h3", {}, t("absentHeading")),
      ((shown) => h("p", { class: "note", lang: shown.lang }, shown.text))(
        this.pick(this.availability.texts?.absenceMessage || this.availability.absenceMessage),
      ),
      h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.showInquiry() }, t("inquire")),
    );
  }

  field(label, control, kind) {
    const error = h("p", { class: "error", id: this.id("err") });
    control.id = this.id(kind);
    control.setAttribute("aria-describedby", error.id);
    control.required = kind !== "consent";
    const row =
      kind === "consent"
        ? h("div", { class: "field check" }, control, h("label", { for: control.id }, label), error)
        : h("div", { class: "field" }, h("label", { for: control.id }, label), control, error);
    return { row, control, error, kind };
  }

  showInquiry() {
    const t = this.t;
    // The value is the Korean name a record keeps; the label is the customer's language.
    const types = this.availability.inquiryTypeNames || (this.availability.inquiryTypes || []).map((name) => ({ name, ko: name }));
    const option = (type) => ((shown) => h("option", { value: type.name, lang: shown.lang }, shown.text))(this.pick(type));
    const select = h("select", {}, h("option", { value: "" }, t("choose")), types.map(option));
    const fields = {
      name: this.field(t("name"), h("input", { type: "text", autocomplete: "name" }), "name"),
      email: this.field(t("email"), h("input", { type: "email", autocomplete: "email" }), "email"),
      inquiryType: this.field(t("inquiryType"), select, "inquiryType"),
      title: this.field(t("subject"), h("input", { type: "text" }), "title"),
      content: this.field(t("content"), h("textarea", { rows: "5" }), "content"),
      consent: this.field(t("consentAgree"), h("input", { type: "checkbox" }), "consent"),
    };
    const summary = h("p", { class: "error", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary" }, t("submit"));
    const form = h(
      "form",
      { class: "inquiry", novalidate: true },
      Object.values(fields).map((f) => (f.kind === "consent" ? [this.consentBox(), f.row] : f.row)),
      summary,
      submit,
    );
    form.querySelector(".consent").removeAttribute("data-autofocus");
    fields.name.control.setAttribute("data-autofocus", "");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      summary.textContent = "";
      const body = this.validateInquiry(fields);
      if (!body) {
        summary.textContent = t("formErrors");
        Object.values(fields).find((f) => f.control.getAttribute("aria-invalid") === "true")?.control.focus();
        return;
      }
      submit.disabled = true;
      try {
        await this.request("POST", "/inquiries", body);
      } catch (failure) {
        submit.disabled = false;
        const target = fields[failure.field];
        if (failure.status === 400 && target) {
          this.markField(target, t("failed"));
          target.control.focus();
        }
        summary.textContent = t("failed");
        return;
      }
      this.show(
        "inquiry-sent",
        h("p", { class: "note done", role: "status" }, t("inquirySent")),
        h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.closePanel() }, t("close")),
      );
    });
    this.show("inquiry", h("h3", {}, t("inquiryHeading")), form);
  }

  markField(field, message) {
    field.error.textContent = message || "";
    if (message) field.control.setAttribute("aria-invalid", "true");
    else field.control.removeAttribute("aria-invalid");
  }

  /** The inquiry body, or null after marking every invalid field (the server checks the same). */
  validateInquiry(fields) {
    const t = this.t;
    const values = {};
    let ok = true;
    for (const [name, field] of Object.entries(fields)) {
      let message = "";
      if (name === "consent") {
        if (!field.control.checked) message = t("mustConsent");
      } else {
        const value = field.control.value.trim();
        values[name] = value;
        if (!value) message = t("required");
        else if (LIMITS[name] && value.length > LIMITS[name]) message = t("tooLong", { max: LIMITS[name] });
        else if (name === "email" && !EMAIL.test(value)) message = t("badEmail");
      }
      this.markField(field, message);
      ok = ok && !message;
    }
    return ok ? { consent: true, ...values } : null;
  }

  // --- the chat ---------------------------------------------------------------------------------

  beginChat(started) {
    const saved = {
      conversationId: started.conversationId,
      token: started.token,
      greeting: started.greetings || started.greeting || "", // {ko, en} (a string from an older server)
      open: !this.panel.hidden,
      outbox: [],
    };
    this.store(saved);
    this.resume(saved);
  }

  resume(saved) {
    const session = new Session({
      request: this.request,
      wsUrl: this.options.ws,
      saved,
      persist: (value) => this.store(value),
      emit: (type, detail) => this.onSession(type, detail),
    });
    this.session = session;
    this.showChat(saved.greeting);
    session.open().catch((failure) => {
      if (this.session !== session) return;
      if ([401, 403, 404].includes(failure.status)) this.onSession("lost");
      else this.showError(() => this.resume(saved));
    });
  }

  showChat(greeting) {
    const t = this.t;
    const inputId = this.id("input");
    const chat = {
      queue: h("p", { class: "queue", role: "status", hidden: true }),
      // The list stays a list ("list, N items", message by message); the live region wraps it.
      log: h("ol", { class: "log", tabindex: "0" }),
      typing: h("p", { class: "typing", hidden: true }, t("typing")),
      ended: h("div", { class: "ended", hidden: true }),
      // No maxlength: it would cut a long paste silently. The counter and the refusal say why instead.
      input: h("textarea", {
        id: inputId,
        rows: "2",
        "data-autofocus": true,
        placeholder: t("message"),
        "aria-describedby": `${inputId}-count ${inputId}-note`,
      }),
      counter: h("p", { id: `${inputId}-count`, class: "counter", hidden: true }),
      note: h("p", { id: `${inputId}-note`, class: "composer-note", role: "alert" }),
      send: h("button", { type: "submit", class: "primary" }, t("send")),
      items: new Map(),
      typingSent: false,
    };
    const shownGreeting = this.pick(greeting);
    if (shownGreeting.text) {
      chat.log.append(h("li", { class: "msg greeting" }, h("p", { class: "bubble", lang: shownGreeting.lang }, shownGreeting.text)));
    }
    const composer = h(
      "form",
      { class: "composer" },
      h("label", { for: inputId, class: "sr-only" }, t("message")),
      chat.input,
      chat.send,
      h("div", { class: "composer-status" }, chat.note, chat.counter),
    );
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendTyped();
    });
    chat.input.addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter breaks the line; never while an IME (Korean) is composing.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.sendTyped();
      }
    });
    chat.input.addEventListener("input", () => {
      this.noteTyping();
      this.countTyped();
    });
    this.chat = chat;
    const live = h("div", { class: "log-region", role: "log", "aria-live": "polite", "aria-label": t("log") }, chat.log);
    this.show("chat", h("div", { class: "chat" }, chat.queue, live, chat.typing, chat.ended, composer));
  }

  /** The counter near the limit; over it, the box is marked and says by how much. */
  countTyped() {
    const { input, counter, note } = this.chat;
    const count = codePoints(input.value.trim());
    const over = count > LIMITS.message;
    counter.hidden = count < COUNTER_FROM;
    counter.textContent = this.t("counter", { n: this.num(count), max: this.num(LIMITS.message) });
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", String(over));
    // A reason shown for a refused send goes once the text is fixed.
    if ((!over && note.dataset.reason === "messageTooLong") || (count && note.dataset.reason === "blank")) this.setNote("");
  }

  setNote(reason, vars) {
    const { note } = this.chat;
    note.dataset.reason = reason;
    note.textContent = reason ? this.t(reason, vars) : "";
  }

  sendTyped() {
    const { input } = this.chat;
    if (!this.session || this.session.state === "ended") return;
    const text = input.value.trim();
    if (!text) {
      // Only spaces or line breaks: nothing to send; empty the box and say so.
      input.value = "";
      this.countTyped();
      this.setNote("blank");
      input.focus();
      return;
    }
    const count = codePoints(text);
    if (count > LIMITS.message) {
      // Refused whole, never cut: the customer decides what to shorten.
      this.setNote("messageTooLong", { max: this.num(LIMITS.message), over: this.num(count - LIMITS.message) });
      input.focus();
      return;
    }
    input.value = "";
    this.setNote("");
    this.countTyped();
    this.stopTyping();
    this.session.send(text);
  }

  noteTyping() {
    const chat = this.chat;
    if (!chat.typingSent) {
      chat.typingSent = true;
      this.session?.typing(true);
    }
    clearTimeout(chat.typingTimer);
    chat.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    const chat = this.chat;
    clearTimeout(chat.typingTimer);
    if (chat.typingSent) {
      chat.typingSent = false;
      this.session?.typing(false);
    }
  }

  onSession(type, detail) {
    const chat = this.chat;
    if (type === "lost") {
      this.session?.close();
      this.session = null;
      this.chat = null;
      this.store(null);
      this.linkStatus.textContent = "";
      if (!this.panel.hidden) this.startFlow();
      else this.body.replaceChildren();
      return;
    }
    if (!chat) return;
    switch (type) {
      case "message":
        this.showMessage(detail);
        break;
      case "updated":
        this.showText(chat.items.get(`s:${detail.seq}`), detail.text);
        break;
      case "pending":
        this.placeItem(`p:${detail.clientMessageId}`, this.messageItem({ ...detail, role: "customer" }, "sending"));
        break;
      case "failed":
        this.setItemState(chat.items.get(`p:${detail.clientMessageId}`), "failed", detail.code);
        break;
      case "state":
        this.showState(detail);
        break;
      case "typing":
        chat.typing.hidden = !detail;
        clearTimeout(chat.typingHide);
        if (detail) chat.typingHide = setTimeout(() => (chat.typing.hidden = true), TYPING_HIDE_MS);
        break;
      case "rating":
        this.showRatingRequest(detail);
        break;
      case "link":
        this.linkStatus.textContent = detail ? "" : this.t("offline");
        this.linkStatus.classList.toggle("down", !detail);
        break;
      default:
    }
  }

  showState({ state, position }) {
    const { queue, ended, input, send } = this.chat;
    queue.hidden = state !== "waiting";
    queue.textContent = position > 0 ? this.t("queue", { n: position }) : this.t("queueWaiting");
    if (state === "ended" && ended.hidden) {
      const hadFocus = this.root.activeElement === input;
      const again = h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.newChat() }, this.t("newChat"));
      ended.replaceChildren(h("p", {}, this.t("ended")), again);
      if (!this.session.rating) ended.append(h("button", { type: "button", onclick: () => this.openRating() }, this.t("rateNow")));
      ended.hidden = false;
      input.disabled = true;
      send.disabled = true;
      if (hadFocus || this.root.activeElement === null) again.focus();
    }
    this.updateHeader();
  }

  newChat() {
    this.session?.close();
    this.session = null;
    this.chat = null;
    this.store(null);
    this.linkStatus.textContent = "";
    this.startFlow();
  }

  messageItem(message, state) {
    const t = this.t;
    const mine = message.role === "customer";
    if (message.kind === "system") {
      return h("li", { class: "msg system", "data-seq": message.seq }, h("p", {}, this.systemText(message)));
    }
    const time = new Intl.DateTimeFormat(this.lang === "ko" ? "ko-KR" : "en-GB", { hour: "2-digit", minute: "2-digit" }).format(
      new Date(message.createdAt || Date.now()),
    );
    const who = mine ? t("you") : message.senderName || t("agent");
    const li = h(
      "li",
      { class: `msg ${mine ? "mine" : "agent"}` },
      mine ? h("span", { class: "sr-only" }, `${who}: `) : h("p", { class: "who" }, who),
      h("p", { class: "bubble" }, message.text),
      h("p", { class: "meta" }, h("span", {}, time), mine ? h("span", { class: "state" }) : null),
    );
    if (message.seq) li.dataset.seq = message.seq;
    if (mine) this.setItemState(li, state);
    return li;
  }

  setItemState(li, state, code) {
    if (!li) return;
    li.dataset.state = state;
    const label = li.querySelector(".state");
    // The server's reason, translated: a message over the limit says so rather than just "not sent".
    const key = state === "failed" && code === "too_long" ? "notSentTooLong" : { sending: "sending", sent: "sent", failed: "notSent" }[state];
    if (label) label.textContent = this.t(key, { max: this.num(LIMITS.message) });
  }

  // The line's text: the server's Korean one, or ours in English with the agent's name in a <bdi>
  // of its own (a person's name is in no one language: WCAG 3.1.2 leaves proper names alone).
  systemText(message) {
    if (this.lang === "ko") return [message.text];
    const name = this.session?.agentName; // a display name, or none: never an e-mail (docs/api.md)
    const codes = { agent_joined: name ? "agentJoined" : "agentJoinedUnnamed", chat_ended: "ended", returned_to_queue: "returnedToQueue" };
    const key = codes[message.systemCode];
    if (!key) return [message.text];
    const [before, after = ""] = this.t(key, { name: "\u0000" }).split("\u0000");
    return name ? [before, h("bdi", { class: "name" }, name), after] : [before];
  }

  showMessage(message) {
    const { items } = this.chat;
    const pendingKey = `p:${message.clientMessageId}`;
    let li = message.role === "customer" && items.get(pendingKey);
    if (li) {
      items.delete(pendingKey);
      li.dataset.seq = message.seq;
      this.setItemState(li, "sent");
      this.showText(li, message.text); // as stored: autoMaskPii may have masked what was typed
    } else {
      li = this.messageItem(message, "sent");
      const seen = this.session.saved.seen || 0;
      if (!this.panel.hidden) this.markSeen(message.seq);
      else if (message.role === "agent" && message.seq > seen) this.setUnread(this.unread + 1);
    }
    this.placeItem(`s:${message.seq}`, li, message.seq);
  }

  showText(li, text) {
    const bubble = li?.querySelector(".bubble");
    if (bubble && bubble.textContent !== text) bubble.textContent = text;
  }

  /** Stored messages in seq order; unsent ones after them; everything else where it happened. */
  placeItem(key, li, seq) {
    const { log, items } = this.chat;
    const previous = items.get(key);
    if (previous && previous !== li) previous.remove(); // one element per message, whatever happens
    items.set(key, li);
    let before = null;
    for (const node of log.children) {
      if (node === li) continue;
      if (seq !== undefined && node.dataset.seq && Number(node.dataset.seq) > seq) {
        before = node;
        break;
      }
      if (seq !== undefined && node.dataset.state === "sending" && !node.dataset.seq) {
        before = node;
        break;
      }
    }
    if (before) log.insertBefore(li, before);
    else if (li.parentNode !== log || li.nextSibling) log.append(li);
    log.scrollTop = log.scrollHeight;
  }

  /** texts: the settings' rating request ({ko, en}, or a Korean string), or null for our own. */
  showRatingRequest(texts) {
    if (!this.chat || this.session.rating) return;
    const picked = texts ? this.pick(texts) : { text: "" };
    const shown = this.chat.log.querySelector(".rating-request .bubble");
    if (shown) {
      if (picked.text) {
        shown.textContent = picked.text;
        if (picked.lang) shown.setAttribute("lang", picked.lang);
        else shown.removeAttribute("lang");
      }
      return;
    }
    const li = h(
      "li",
      { class: "msg rating-request" },
      h("p", { class: "bubble", lang: picked.text ? picked.lang : undefined }, picked.text || this.t("ratingHeading")),
      h("button", { type: "button", class: "primary", onclick: () => this.openRating() }, this.t("rateNow")),
    );
    this.chat.log.append(li);
    this.chat.log.scrollTop = this.chat.log.scrollHeight;
  }

  // --- sub-dialogs: rating, end ---------------------------------------------------------------

  openOverlay(label, ...nodes) {
    this.closeOverlay();
    const headingId = this.id("dlg");
    this.overlayOpener = this.root.activeElement;
    this.overlay = h(
      "div",
      { class: "overlay", role: "dialog", "aria-modal": "true", "aria-labelledby": headingId },
      h("div", { class: "sheet" }, h("h3", { id: headingId }, label), ...nodes),
    );
    // What the dimmed overlay covers is inactive (inert): out of reach and, being incidental text,
    // outside the contrast rule (WCAG 1.4.3) while the sub-dialog is open.
    this.setBackgroundInert(true);
    this.panel.append(this.overlay);
    this.focusView();
  }

  closeOverlay() {
    if (!this.overlay) return;
    this.overlay.remove();
    this.overlay = null;
    this.setBackgroundInert(false);
    const opener = this.overlayOpener;
    this.overlayOpener = null;
    if (opener?.isConnected && opener.getClientRects().length && !opener.disabled) opener.focus();
    else if (!this.panel.hidden) this.focusView();
  }

  setBackgroundInert(on) {
    for (const node of this.panel.children) if (node !== this.overlay) node.inert = on;
  }

  openRating() {
    const t = this.t;
    const session = this.session;
    if (!session) return;
    const group = this.id("rating");
    const choice = (value) => {
      const id = this.id("r");
      return h("span", { class: "choice" }, h("input", { type: "radio", name: group, id, value }), h("label", { for: id }, t(value)));
    };
    const commentId = this.id("comment");
    const comment = h("textarea", { id: commentId, rows: "3", maxlength: "1000" });
    const error = h("p", { class: "error", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary" }, t("submit"));
    const form = h(
      "form",
      { class: "rating" },
      h("fieldset", { onchange: () => (error.textContent = "") }, h("legend", { class: "sr-only" }, t("ratingHeading")), h("div", { class: "row" }, choice("satisfied"), choice("dissatisfied"))),
      h("div", { class: "field" }, h("label", { for: commentId }, t("comment")), comment),
      error,
      h("div", { class: "row" }, submit, h("button", { type: "button", onclick: () => this.closeOverlay() }, t("cancel"))),
    );
    form.querySelector("input").setAttribute("data-autofocus", "");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const picked = form.querySelector("input:checked");
      if (!picked) {
        error.textContent = t("chooseRating");
        form.querySelector("input").focus();
        return;
      }
      submit.disabled = true;
      let text = t("thanks");
      try {
        await session.rate(picked.value, comment.value.trim());
      } catch (failure) {
        if (failure.status !== 409) {
          submit.disabled = false;
          error.textContent = t("failed");
          return;
        }
        session.rating = session.rating || "rated";
        text = t("alreadyRated");
      }
      this.afterRating(text);
    });
    this.openOverlay(t("ratingHeading"), form);
  }

  afterRating(text) {
    for (const node of this.chat?.log.querySelectorAll(".rating-request button") || []) node.remove();
    this.chat?.ended.querySelectorAll("button:not(.primary)").forEach((node) => node.remove());
    this.updateHeader();
    const sheet = this.overlay.querySelector(".sheet");
    sheet.replaceChildren(
      h("h3", { id: sheet.firstChild.id }, this.t("ratingHeading")),
      h("p", { class: "note done", role: "status" }, text),
      h("button", { type: "button", class: "primary", "data-autofocus": true, onclick: () => this.closeOverlay() }, this.t("close")),
    );
    this.focusView();
  }

  confirmEnd() {
    const t = this.t;
    const error = h("p", { class: "error", role: "alert" });
    const yes = h("button", { type: "button", class: "primary", "data-autofocus": true }, t("endYes"));
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        await this.session.end();
      } catch (failure) {
        if (failure.status !== 409) {
          yes.disabled = false;
          error.textContent = t("failed");
          return;
        }
        this.session.setState("ended");
      }
      this.overlayOpener = null;
      this.closeOverlay();
    });
    this.openOverlay(t("endConfirm"), error, h("div", { class: "row" }, yes, h("button", { type: "button", onclick: () => this.closeOverlay() }, t("cancel"))));
  }
}
