// The agent console's shell: sign-in, the top bar (status menu top left, navigation, language,
// sign-out), the chat widget at the bottom right (blinks on a new chat, counts in the tab title),
// hash routing between view modules, keyboard shortcuts with a help overlay. Its parts: shell.js
// (top bar, status bar, widget, shared server events), router.js (hash routing), shortcuts.js.
//
// View modules (README.md): `mount(container, ctx)` → optional {show(params), hide()}; mounted once
// on first visit (the chat view at start: it tracks new chats while another view is shown) and
// kept, so their state and socket listeners survive navigation.
import { createApi, ApiError } from "../shared/api.js";
import { CognitoAuth } from "../shared/auth.js";
import { loadConfig } from "../shared/config.js";
import { clear, el } from "../shared/dom.js";
import { setServiceTimeZone } from "../shared/datetime.js";
import { describeError } from "../shared/errors.js";
import { createI18n } from "../shared/i18n.js";
import { describeSignInError, showSignIn as showSharedSignIn } from "../shared/signin.js";
import { ChatSocket } from "../shared/socket.js";
import { createMasking } from "./masking.js";
import { createRouter } from "./router.js";
import { createShell, listenToSharedEvents } from "./shell.js";
import { createHelp, listenToShortcuts } from "./shortcuts.js";
import { CONSOLE_STRINGS } from "./strings.js";

const i18n = createI18n(CONSOLE_STRINGS);
const { t, lang } = i18n;
const root = document.getElementById("app");
document.documentElement.lang = lang;
document.title = t("appTitle");

// Route name → how to mount it. history.js (helper module) is a factory: adapted here.
const VIEWS = {
  chat: { label: "navChat", key: "1", load: async () => (await import("./chat.js")).mount },
  tickets: { label: "navTickets", key: "2", load: async () => (await import("./tickets.js")).mount },
  history: { label: "navHistory", key: "3", load: async () => mountHistory },
  canned: { label: "navCanned", key: "4", load: async () => (await import("./canned-view.js")).mount },
};
// Supervisors and admins only (issue #24): added once the caller is known, before the shell is built.
const MONITOR_VIEW = { label: "navMonitor", key: "5", load: async () => (await import("./monitor.js")).mount };

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

/** The REST client; a 401 once the console runs means the session is gone (refresh refused, account disabled…): back to sign-in. */
function guardedApi(config, auth, session) {
  const raw = createApi(config.api, () => auth.token());
  const api = {};
  for (const [name, call] of Object.entries(raw)) {
    api[name] = async (...args) => {
      try {
        return await call(...args);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401 && session.started) session.signOut();
        throw err;
      }
    };
  }
  return api;
}

function createToast() {
  const box = el("div", { class: "toast", role: "status", "aria-live": "polite" });
  let timer = null;
  const toast = (text) => {
    box.textContent = text;
    box.classList.add("show");
    clearTimeout(timer);
    timer = setTimeout(() => box.classList.remove("show"), 5000);
  };
  return { box, toast };
}

async function startConsole(config, auth) {
  const session = { started: false, signOut: null };
  const api = guardedApi(config, auth, session);
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
  const signOut = () => {
    socket.close();
    auth.signOut();
    location.hash = "";
    location.reload();
  };
  session.signOut = signOut;
  const bus = new EventTarget();
  const emit = (type, detail) => bus.dispatchEvent(new CustomEvent(type, { detail }));
  const { box: toastBox, toast } = createToast();
  const masking = createMasking({
    api,
    lang,
    securityService: settings.securityService,
    onUpdated: (message) => emit("message-updated", message),
    onError: toast,
  });
  const ctx = { config, auth, api, socket, t, lang, user: auth.user(), me, settings, masking, bus, emit, toast, signOut };
  window.consoleContext = ctx; // for modules loaded later and for debugging; holds no secret beyond the page's own

  if (ctx.user.supervises || ["supervisor", "admin"].includes(me.role)) VIEWS.monitor = MONITOR_VIEW;
  const help = createHelp(t, () => [shell.topbar, shell.viewsHost, shell.widget]);
  const shell = createShell(ctx, { root, views: VIEWS, languageButton, toastBox, toggleHelp: () => help.toggle() });
  root.classList.add("console-shell");
  clear(root).append(shell.topbar, shell.viewsHost, shell.statusbar, help.element, shell.profile.dialog);
  listenToSharedEvents(ctx, shell);
  ctx.stopBlinking = shell.stopBlinking;
  const router = createRouter({ ctx, views: VIEWS, host: shell.viewsHost, navLinks: shell.navLinks, onChat: shell.stopBlinking });
  listenToShortcuts({ views: VIEWS, help, emit });

  shell.renderStatus();
  shell.renderConnection(false);
  shell.renderNotify();
  session.started = true;
  await router.mountView("chat"); // always running: new chats blink while another view is shown
  await router.route();
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
