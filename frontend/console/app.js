// The agent console's shell: sign-in, the top bar (status menu top left, navigation, language,
// sign-out), the chat widget at the bottom right (blinks on a new chat, counts in the tab title),
// hash routing between view modules, keyboard shortcuts with a help overlay.
//
// View modules (README.md): `mount(container, ctx)` → optional {show(params), hide()}; mounted once
// on first visit (the chat view at start: it tracks new chats while another view is shown) and
// kept, so their state and socket listeners survive navigation.
import { createApi, ApiError } from "../shared/api.js";
import { CognitoAuth } from "../shared/auth.js";
import { loadConfig } from "../shared/config.js";
import { clear, el, keepTabInside } from "../shared/dom.js";
import { setServiceTimeZone, timeZoneNote } from "../shared/datetime.js";
import { describeError } from "../shared/errors.js";
import { icon } from "../shared/icons.js";
import { createI18n } from "../shared/i18n.js";
import { describeSignInError, showSignIn as showSharedSignIn } from "../shared/signin.js";
import { ChatSocket } from "../shared/socket.js";
import { createMasking } from "./masking.js";
import { createProfile } from "./profile.js";
import { CONSOLE_STRINGS } from "./strings.js";

const i18n = createI18n(CONSOLE_STRINGS);
const { t, lang } = i18n;
const root = document.getElementById("app");
document.documentElement.lang = lang;
document.title = t("appTitle");

const STATUSES = ["online", "break", "offline"];

// Route name → how to mount it. history.js (helper module) is a factory: adapted here.
const VIEWS = {
  chat: { label: "navChat", key: "1", load: async () => (await import("./chat.js")).mount },
  tickets: { label: "navTickets", key: "2", load: async () => (await import("./tickets.js")).mount },
  history: { label: "navHistory", key: "3", load: async () => mountHistory },
};

async function mountHistory(container, ctx) {
  const { createHistory } = await import("./history.js");
  const history = createHistory({
    api: ctx.api,
    socket: ctx.socket,
    lang: ctx.lang,
    role: ctx.me.role === "admin" || ctx.user.isAdmin ? "admin" : "agent",
    settings: ctx.settings,
    masking: ctx.masking,
  });
  container.append(history.element);
  let searched = false;
  return {
    show() {
      if (!searched) history.search();
      searched = true;
    },
  };
}

// --- sign-in (shared/signin.js: the same screens and messages as the admin page) -----------------

function showSignIn(auth, onSignedIn, message = "", enrol = false) {
  showSharedSignIn(root, { auth, lang, title: t("signInTitle"), onSignedIn, message, enrol, footer: () => el("p", { class: "lang-switch" }, languageButton()) });
}

function languageButton() {
  return el(
    "button",
    // Named by what it shows (the other language, in that language): 2.5.3 Label in Name.
    { type: "button", class: "lang", lang: lang === "ko" ? "en" : "ko", title: t("languageLabel"), onclick: () => i18n.setLanguage(lang === "ko" ? "en" : "ko") },
    t("language"),
  );
}

// --- the console ----------------------------------------------------------------------------------

async function startConsole(config, auth) {
  // A 401 means the session is gone (refresh refused, account disabled…): back to sign-in.
  const raw = createApi(config.api, () => auth.token());
  const api = {};
  for (const [name, call] of Object.entries(raw)) {
    api[name] = async (...args) => {
      try {
        return await call(...args);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401 && started) signOut();
        throw err;
      }
    };
  }
  let started = false;
  const signOut = () => {
    socket.close();
    auth.signOut();
    location.hash = "";
    location.reload();
  };
  let me;
  let settings;
  try {
    [me, settings] = await Promise.all([api.get("/me"), api.get("/settings")]);
  } catch (err) {
    // An admin without an authenticator app where admins must have one: register it, then start.
    if (err instanceof ApiError && err.code === "mfa_required") return showSignIn(auth, () => startConsole(config, auth), "", true);
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      auth.signOut();
      return showSignIn(auth, () => startConsole(config, auth), describeSignInError(err, lang));
    }
    throw err;
  }
  const socket = new ChatSocket(config.websocket, () => auth.token());
  const bus = new EventTarget();
  const emit = (type, detail) => bus.dispatchEvent(new CustomEvent(type, { detail }));
  const toastBox = el("div", { class: "toast", role: "status", "aria-live": "polite" });
  let toastTimer = null;
  const toast = (text) => {
    toastBox.textContent = text;
    toastBox.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => toastBox.classList.remove("show"), 5000);
  };
  const masking = createMasking({
    api,
    lang,
    securityService: settings.securityService,
    onUpdated: (message) => emit("message-updated", message),
    onError: toast,
  });
  const ctx = { config, auth, api, socket, t, lang, user: auth.user(), me, settings, masking, bus, emit, toast, signOut };
  window.consoleContext = ctx; // for modules loaded later and for debugging; holds no secret beyond the page's own

  // --- top bar ---
  const statusButton = el("button", { type: "button", class: "status-button", "aria-haspopup": "menu", "aria-expanded": "false", id: "status-button" });
  const statusMenu = el(
    "ul",
    { class: "status-menu hidden", role: "menu", "aria-labelledby": "status-button" },
    STATUSES.map((status) =>
      el("li", { role: "none" },
        el("button", { type: "button", role: "menuitemradio", class: `status-option status-${status}`, dataset: { status }, onclick: () => chooseStatus(status) },
          el("span", { class: "dot", "aria-hidden": "true" }), t(`status_${status}`))),
    ),
  );
  const seats = el("span", { class: "seats" });
  const connection = el("span", { class: "connection", role: "status" });
  // A bell (named for assistive tech and on hover): the sentence would push the top bar onto two rows.
  const notifyButton = el("button", { type: "button", class: "notify-enable icon-button hidden", "aria-label": t("notifyEnable"), title: t("notifyEnable"), onclick: () => Notification.requestPermission().then(renderNotify) }, icon("bell"));
  const navLinks = Object.entries(VIEWS).map(([name, view]) =>
    el("a", { href: `#/${name}`, class: "nav-link", dataset: { view: name } }, t(view.label)),
  );
  const adminLink = ctx.user.isAdmin || me.role === "admin" ? el("a", { href: "/admin/", class: "nav-link admin-link" }, t("navAdmin")) : null;
  const helpButton = el("button", { type: "button", class: "help-button", "aria-label": `? ${t("shortcuts")}`, title: t("shortcuts"), onclick: () => toggleHelp() }, "?");
  const profile = createProfile(ctx); // the display name customers see, editable by the agent
  const topbar = el(
    "header",
    { class: "topbar" },
    el("div", { class: "status-area" }, statusButton, statusMenu, seats, connection),
    el("nav", { "aria-label": t("nav") }, navLinks, adminLink),
    el("div", { class: "user-area" }, notifyButton, profile.button, languageButton(), helpButton,
      el("button", { type: "button", class: "sign-out", onclick: signOut }, t("signOut"))),
  );
  const viewsHost = el("main", { class: "views", id: "views" });
  const badge = el("span", { class: "widget-badge hidden" });
  const widget = el("button", { type: "button", class: "chat-widget", "aria-label": t("widgetLabel"), title: t("widgetLabel"), onclick: () => openChatScreen() },
    icon("chat"), badge);
  const help = keepTabInside(helpOverlay());
  // The widget sits in a bar of its own at the bottom right: it never covers a view's content.
  // The toast shows in the same bar, between the time zone and the widget: it covers nothing either.
  const statusbar = el("footer", { class: "statusbar" }, el("p", { class: "tz-note", id: "tz-note" }, timeZoneNote(lang)), toastBox, widget);
  root.classList.add("console-shell");
  clear(root).append(topbar, viewsHost, statusbar, help, profile.dialog);

  function renderStatus() {
    const status = ctx.me.status || "offline";
    statusButton.replaceChildren(el("span", { class: `dot dot-${status}`, "aria-hidden": "true" }), t(`status_${status}`), el("span", { "aria-hidden": "true" }, " ▾"));
    statusButton.setAttribute("aria-label", t("statusMenu", { status: t(`status_${status}`) }));
    statusButton.dataset.status = status;
    for (const option of statusMenu.querySelectorAll(".status-option")) {
      option.setAttribute("aria-checked", String(option.dataset.status === status));
    }
    seats.textContent = t("seats", { active: ctx.me.activeChats ?? 0, max: ctx.me.maxChats ?? 0 });
    const allowed = ctx.me.chatPermission !== false; // S-1.1: the widget only with chat permission
    widget.classList.toggle("hidden", !allowed);
    if (!allowed) stopBlinking();
  }
  function setMenu(open) {
    statusMenu.classList.toggle("hidden", !open);
    statusButton.setAttribute("aria-expanded", String(open));
    if (open) statusMenu.querySelector(`[data-status="${ctx.me.status}"]`)?.focus();
  }
  statusButton.addEventListener("click", () => setMenu(statusMenu.classList.contains("hidden")));
  statusMenu.addEventListener("keydown", (event) => {
    const options = [...statusMenu.querySelectorAll(".status-option")];
    const at = options.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      options[(at + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length].focus();
    } else if (event.key === "Escape") {
      setMenu(false);
      statusButton.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!statusMenu.contains(event.target) && event.target !== statusButton && !statusButton.contains(event.target)) setMenu(false);
  });
  async function chooseStatus(status) {
    setMenu(false);
    statusButton.focus();
    try {
      ctx.me = await api.put("/me/status", { status });
      renderStatus();
      emit("me", ctx.me);
    } catch (err) {
      toast(t("statusFailed", { message: describeError(err, lang) }));
    }
  }
  function renderConnection(online) {
    connection.textContent = t(online ? "connection_online" : "connection_offline");
    connection.dataset.online = String(online);
  }
  function renderNotify() {
    const ask = "Notification" in window && Notification.permission === "default";
    notifyButton.classList.toggle("hidden", !ask);
  }

  // --- server events shared by all views ---
  socket.on("agent.status", (frame) => {
    ctx.me = { ...ctx.me, ...frame };
    delete ctx.me.type;
    renderStatus();
    emit("me", ctx.me);
  });
  function applySettings(settings) {
    ctx.settings = settings;
    masking.setEnabled(settings.securityService);
    emit("settings", ctx.settings);
  }
  socket.on("settings.changed", (frame) => applySettings(frame.settings));
  socket.on("message.updated", (frame) => masking.updated(frame.message));
  // Signed out in another tab (the shared session was removed): this tab follows.
  window.addEventListener("storage", (event) => {
    if (event.key === "livechat.session" && !event.newValue) {
      socket.close();
      location.reload();
    }
  });
  socket.on("state", ({ online }) => renderConnection(online));
  socket.on("open", async () => {
    // After any (re)connect the server's view wins: status or settings may have changed while no
    // push could reach this tab (offline, or still connecting).
    try {
      const [me, settings] = await Promise.all([api.get("/me"), api.get("/settings")]);
      ctx.me = me;
      renderStatus();
      emit("me", ctx.me);
      if (settings.version !== ctx.settings.version) applySettings(settings);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) signOut();
    }
  });

  // The chat view tells how many chats this agent holds: the seat count stays live between pushes.
  bus.addEventListener("active-chats", (event) => {
    if (ctx.me.activeChats === event.detail.count) return;
    ctx.me = { ...ctx.me, activeChats: event.detail.count };
    renderStatus();
  });

  // --- the widget: blink on a new chat, counts in the title ---
  let attention = 0;
  bus.addEventListener("unread", (event) => {
    const count = event.detail.count;
    document.title = count ? `(${count}) ${t("appTitle")}` : t("appTitle");
    badge.textContent = String(count);
    badge.classList.toggle("hidden", !count);
    widget.setAttribute("aria-label", count ? `${t("widgetLabel")} · ${t("widgetNew", { count })}` : t("widgetLabel"));
    if (!count) stopBlinking();
  });
  bus.addEventListener("assigned", (event) => {
    attention += 1;
    widget.classList.add("blink");
    const name = event.detail.customer?.name || t("customerFallback");
    if (document.hidden && "Notification" in window && Notification.permission === "granted") {
      try {
        new Notification(t("newChatNotice", { name }), { tag: event.detail.conversationId });
      } catch {
        /* notifications unavailable here */
      }
    }
  });
  function stopBlinking() {
    attention = 0;
    widget.classList.remove("blink");
  }
  function openChatScreen() {
    stopBlinking();
    if (location.hash.startsWith("#/chat")) emit("open-first-unread");
    else location.hash = "#/chat";
  }
  ctx.stopBlinking = stopBlinking;

  // --- routing ---
  const mounted = new Map();
  async function mountView(name) {
    if (!mounted.has(name)) {
      const section = el("section", { class: `view view-${name} hidden`, dataset: { view: name }, "aria-label": t(VIEWS[name].label) });
      viewsHost.append(section);
      const entry = { section, handle: null, ready: null };
      mounted.set(name, entry);
      entry.ready = VIEWS[name].load().then((mount) => mount(section, ctx)).then((handle) => (entry.handle = handle || {}));
    }
    const entry = mounted.get(name);
    await entry.ready;
    return entry;
  }
  let current = null;
  async function route() {
    const [name, ...params] = location.hash.replace(/^#\/?/, "").split("/");
    const target = VIEWS[name] ? name : "chat";
    for (const link of navLinks) link.toggleAttribute("aria-current", link.dataset.view === target);
    if (current && current !== target) {
      const previous = mounted.get(current);
      previous.section.classList.add("hidden");
      previous.handle?.hide?.();
    }
    current = target;
    const entry = await mountView(target);
    if (current !== target) return;
    entry.section.classList.remove("hidden");
    entry.handle?.show?.(params.map(decodeURIComponent));
    if (target === "chat") stopBlinking();
  }
  window.addEventListener("hashchange", route);

  // --- keyboard shortcuts ---
  function helpOverlay() {
    const rows = [
      ["Alt + ↓", "shortcutNext"],
      ["Alt + ↑", "shortcutPrev"],
      ["Alt + M", "shortcutInput"],
      ["Alt + 1 / 2 / 3", "shortcutViews"],
      ["?", "shortcutHelp"],
      ["Esc", "shortcutClose"],
    ];
    return el(
      "div",
      { class: "help-overlay hidden", role: "dialog", "aria-modal": "true", "aria-labelledby": "help-title", tabindex: "-1" },
      el("div", { class: "help-box" },
        el("h2", { id: "help-title" }, t("shortcuts")),
        el("dl", {}, rows.map(([keys, label]) => [el("dt", {}, el("kbd", {}, keys)), el("dd", {}, t(label))])),
        el("button", { type: "button", class: "help-close", onclick: () => toggleHelp(false) }, t("close"))),
    );
  }
  let helpReturn = null;
  function toggleHelp(open = help.classList.contains("hidden")) {
    help.classList.toggle("hidden", !open);
    // A modal dialog: what is behind it is out of reach (Tab never leaves the dialog).
    for (const node of [topbar, viewsHost, widget]) node.inert = open;
    if (open) {
      helpReturn = document.activeElement;
      help.querySelector(".help-close").focus();
    } else helpReturn?.focus?.();
  }
  const typingIn = (target) => target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !help.classList.contains("hidden")) {
      event.preventDefault();
      toggleHelp(false);
      return;
    }
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      const view = Object.entries(VIEWS).find(([, v]) => event.code === `Digit${v.key}`);
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
      toggleHelp();
    }
  });

  renderStatus();
  renderConnection(false);
  renderNotify();
  started = true;
  await mountView("chat"); // always running: new chats blink while another view is shown
  await route();
  socket.connect();
}

async function main() {
  const config = await loadConfig();
  setServiceTimeZone(config.timeZone);
  const auth = new CognitoAuth(config.cognito);
  const start = () => startConsole(config, auth);
  if (auth.session && (await auth.token())) start();
  else showSignIn(auth, start);
}

main().catch((err) => {
  clear(root).append(el("p", { class: "notice error", role: "alert" }, describeError(err, lang)));
  console.error(err);
});
