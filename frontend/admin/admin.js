// The admin page: sign-in (with the new-password challenge of invited users), chat settings,
// agent accounts and the live presence view. Plain ES module, text only (dom.js el()), strict CSP.
// The sections: settings.js (with types.js), agents.js, presence.js; page.js what they share.
import { loadConfig } from "/shared/config.js";
import { CognitoAuth } from "/shared/auth.js";
import { showSignIn as showSharedSignIn } from "/shared/signin.js";
import { setServiceTimeZone, timeZoneNote } from "/shared/datetime.js";
import { ApiError, createApi } from "/shared/api.js";
import { ChatSocket } from "/shared/socket.js";
import { clear, el } from "/shared/dom.js";
import { agentsSection } from "./agents.js";
import { extensions } from "./extensions.js";
import { errorText, i18n, languageSwitch, t } from "./page.js";
import { presenceSection } from "./presence.js";
import { settingsSection } from "./settings.js";

const root = document.getElementById("app");
document.documentElement.lang = i18n.lang;
document.title = t("title");

// --- sign-in (shared/signin.js: the same screens and messages as the console) -------------------

function showSignIn(auth, onSignedIn, enrol = false) {
  showSharedSignIn(root, { auth, lang: i18n.lang, title: t("signInTitle"), onSignedIn, enrol, footer: languageSwitch });
}

function showNotAdmin(auth, user, restart) {
  clear(root);
  root.append(
    el(
      "section",
      { class: "signin", "aria-labelledby": "not-admin-title" },
      el("h1", { id: "not-admin-title" }, t("title")),
      el("p", { id: "not-admin", role: "alert" }, t("notAdmin", { email: user.email })),
      el("p", {}, el("a", { href: "/console/", id: "console-link" }, t("openConsole"))),
      el("button", { type: "button", onclick: () => (auth.signOut(), restart()) }, t("signOut")),
    ),
  );
}

// --- the page ---------------------------------------------------------------------------------

function extensionSections(ctx) {
  // frontend/admin/extensions.js lists sections other features add (see README.md).
  return extensions.map((extension) => {
    const container = el("div", { class: "extension-body" });
    const title = extension.title?.[i18n.lang] || extension.title?.ko || t(`${extension.id}Title`);
    const node = el(
      "section",
      { id: extension.id, class: "card extension", "aria-labelledby": `${extension.id}-title` },
      el("h2", { id: `${extension.id}-title` }, title),
      container,
    );
    try {
      extension.mount(container, ctx);
    } catch (error) {
      console.error(error);
    }
    return { node, extension, title };
  });
}

function showAdmin(auth, config, user, restart) {
  clear(root);
  const api = createApi(config.api, async () => {
    const token = await auth.token();
    if (!token) restart();
    return token;
  });
  const socket = new ChatSocket(config.websocket, () => auth.token());
  const ctx = { api, auth, socket, user, t, lang: i18n.lang, el };
  const connection = el("span", { id: "connection", class: "connection", role: "status" }, "");
  socket.on("state", ({ online }) => {
    connection.textContent = online ? t("connectionOnline") : t("connectionOffline");
    connection.className = online ? "connection online" : "connection offline";
  });
  const presence = presenceSection(ctx);
  const settings = settingsSection(ctx);
  const agents = agentsSection(ctx, () => presence.refresh());
  const extra = extensionSections(ctx);
  const signOut = () => {
    presence.stop();
    socket.close();
    auth.signOut();
    restart();
  };
  const nav = el(
    "nav",
    { "aria-label": t("title") },
    el(
      "ul",
      {},
      el("li", {}, el("a", { href: "#settings" }, t("navSettings"))),
      el("li", {}, el("a", { href: "#agents" }, t("navAgents"))),
      el("li", {}, el("a", { href: "#presence" }, t("navPresence"))),
      ...extra.map(({ extension, title }) => el("li", {}, el("a", { href: `#${extension.id}` }, title))),
    ),
  );
  root.append(
    el("a", { href: "#main", class: "skip" }, t("skipToContent")),
    el(
      "header",
      { class: "topbar" },
      el("h1", {}, t("title")),
      connection,
      el("span", { class: "tz-note", id: "tz-note" }, timeZoneNote(i18n.lang)),
      el("span", { class: "who", id: "who" }, user.email),
      el("a", { href: "/console/" }, t("openConsole")),
      languageSwitch(),
      el("button", { type: "button", id: "sign-out", onclick: signOut }, t("signOut")),
    ),
    nav,
    el("main", { id: "main", tabindex: "-1" }, settings.node, presence.node, agents.node, ...extra.map((x) => x.node)),
  );
  settings.load();
  agents.load();
  presence.start();
  socket.connect();
}

// A supervisor (issue #24) gets the wallboard alone: 실시간 현황, whatever its transport; every other
// section (and every other /admin route: the server's ADMIN audience) stays admins'.
function showSupervisor(auth, config, user, restart) {
  clear(root);
  const api = createApi(config.api, async () => (await auth.token()) || restart());
  const socket = new ChatSocket(config.websocket, () => auth.token());
  const ctx = { api, auth, socket, user, t, lang: i18n.lang, el };
  const presence = presenceSection(ctx);
  const signOut = () => {
    presence.stop();
    socket.close();
    auth.signOut();
    restart();
  };
  root.append(
    el("a", { href: "#main", class: "skip" }, t("skipToContent")),
    el(
      "header",
      { class: "topbar" },
      el("h1", {}, t("navPresence")),
      el("span", { class: "tz-note", id: "tz-note" }, timeZoneNote(i18n.lang)),
      el("span", { class: "who", id: "who" }, user.email),
      el("a", { href: "/console/" }, t("openConsole")),
      languageSwitch(),
      el("button", { type: "button", id: "sign-out", onclick: signOut }, t("signOut")),
    ),
    el("main", { id: "main", tabindex: "-1" }, el("p", { class: "help", id: "supervisor-note" }, t("supervisorNote")), presence.node),
  );
  presence.start();
  socket.connect();
}

async function start() {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    root.append(el("p", { class: "notice error", role: "alert" }, t("loadFailed", { message: errorText(error) })));
    return;
  }
  setServiceTimeZone(config.timeZone);
  const auth = new CognitoAuth(config.cognito);
  const restart = () => start();
  const proceed = async () => {
    if (!(await auth.token())) return showSignIn(auth, proceed);
    const user = auth.user();
    // The agent id is the Cognito username (ASCII: the e-mail), used to spot the signed-in admin's own row.
    const claims = JSON.parse(atob(auth.session.idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    user.username = claims["cognito:username"] || user.email;
    if (!user.isAdmin && user.supervises) return showSupervisor(auth, config, user, restart);
    if (!user.isAdmin) return showNotAdmin(auth, user, restart);
    // Where admins must have an authenticator app, every API call answers mfa_required until one is set up.
    try {
      await createApi(config.api, () => auth.token()).get("/me");
    } catch (error) {
      if (error instanceof ApiError && error.code === "mfa_required") return showSignIn(auth, proceed, true);
    }
    showAdmin(auth, config, user, restart);
  };
  proceed();
}

start();
