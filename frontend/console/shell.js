// The console's frame around the views: the top bar (status menu top left, seats `상담 N/M`,
// connection, nav, notifications, profile, language, `?`, sign-out), the status bar at the bottom
// (time zone, toast, the chat widget that blinks on `chat.assigned` and counts unread chats) and
// the server events every view shares (`agent.status`, `settings.changed`, `message.updated`).
import { ApiError } from "../shared/api.js";
import { el } from "../shared/dom.js";
import { timeZoneNote } from "../shared/datetime.js";
import { describeError } from "../shared/errors.js";
import { translator } from "../shared/i18n.js";
import { icon } from "../shared/icons.js";
import { ALERT_EVENT } from "./alerts.js";
import { PRODUCTIVITY_STRINGS } from "./productivity-strings.js";
import { createProfile } from "./profile.js";

const STATUSES = ["online", "break", "offline"];

/** The status menu button and its menu (a menu button: arrows, Esc). */
function statusMenuOf(ctx, { onChosen }) {
  const { t, lang } = ctx;
  const button = el("button", { type: "button", class: "status-button", "aria-haspopup": "menu", "aria-expanded": "false", id: "status-button" });
  const menu = el(
    "ul",
    { class: "status-menu hidden", role: "menu", "aria-labelledby": "status-button" },
    STATUSES.map((status) =>
      el("li", { role: "none" },
        el("button", { type: "button", role: "menuitemradio", class: `status-option status-${status}`, dataset: { status }, onclick: () => choose(status) },
          el("span", { class: "dot", "aria-hidden": "true" }), t(`status_${status}`))),
    ),
  );
  function setMenu(open) {
    menu.classList.toggle("hidden", !open);
    button.setAttribute("aria-expanded", String(open));
    if (open) menu.querySelector(`[data-status="${ctx.me.status}"]`)?.focus();
  }
  button.addEventListener("click", () => setMenu(menu.classList.contains("hidden")));
  menu.addEventListener("keydown", (event) => {
    const options = [...menu.querySelectorAll(".status-option")];
    const at = options.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      options[(at + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length].focus();
    } else if (event.key === "Escape") {
      setMenu(false);
      button.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!menu.contains(event.target) && event.target !== button && !button.contains(event.target)) setMenu(false);
  });
  async function choose(status) {
    setMenu(false);
    button.focus();
    try {
      ctx.me = await ctx.api.put("/me/status", { status });
      onChosen();
    } catch (err) {
      ctx.toast(t("statusFailed", { message: describeError(err, lang) }));
    }
  }
  return { button, menu };
}

/** The chat widget of the status bar: blinks on every alert (a new or transferred chat, a customer
 * message in a chat not on screen) until no chat is unread or it is clicked; the unread count as a
 * badge and in the title. */
function chatWidgetOf(ctx) {
  const { t, bus } = ctx;
  const badge = el("span", { class: "widget-badge hidden" });
  const widget = el("button", { type: "button", class: "chat-widget", "aria-label": t("widgetLabel"), title: t("widgetLabel"), onclick: () => openChatScreen() },
    icon("chat"), badge);
  function stopBlinking() {
    widget.classList.remove("blink");
  }
  function openChatScreen() {
    stopBlinking();
    if (location.hash.startsWith("#/chat")) ctx.emit("open-first-unread");
    else location.hash = "#/chat";
  }
  bus.addEventListener("unread", (event) => {
    const count = event.detail.count;
    document.title = count ? `(${count}) ${t("appTitle")}` : t("appTitle");
    badge.textContent = String(count);
    badge.classList.toggle("hidden", !count);
    widget.setAttribute("aria-label", count ? `${t("widgetLabel")} · ${t("widgetNew", { count })}` : t("widgetLabel"));
    if (!count) stopBlinking();
  });
  bus.addEventListener("assigned", () => {
    widget.classList.add("blink"); // the sound and desktop notification: alerts.js
  });
  // Every alert blinks it too: a chat transferred to you, a customer message in a chat not on screen.
  document.addEventListener(ALERT_EVENT, () => widget.classList.add("blink"));
  return { widget, stopBlinking };
}

/** Builds the frame into `root`; returns its parts and the renderers the shared events use. */
export function createShell(ctx, { root, views, languageButton, toastBox, toggleHelp }) {
  const { t, lang } = ctx;
  const status = statusMenuOf(ctx, { onChosen: () => (renderStatus(), ctx.emit("me", ctx.me)) });
  const seats = el("span", { class: "seats" });
  const connection = el("span", { class: "connection", role: "status" });
  // A bell (named for assistive tech and on hover): the sentence would push the top bar onto two rows.
  // Asked once: the bell shows only while the browser has no answer (permission "default"); the answer
  // is said, and focus moves on to the next control of the bar, since the bell itself goes away.
  const notifyButton = el("button", { type: "button", class: "notify-enable icon-button hidden", "aria-label": t("notifyEnable"), title: t("notifyEnable"), onclick: () => askNotifications() }, icon("bell"));
  async function askNotifications() {
    const answer = await Notification.requestPermission();
    renderNotify();
    ctx.toast(translator(PRODUCTIVITY_STRINGS, lang)(answer === "granted" ? "notifyOn" : "notifyBlocked"));
    if (notifyButton.classList.contains("hidden")) profile.button.focus();
  }
  const navLinks = Object.entries(views).map(([name, view]) =>
    el("a", { href: `#/${name}`, class: "nav-link", dataset: { view: name } }, t(view.label)),
  );
  const adminLink = ctx.user.isAdmin || ctx.me.role === "admin" ? el("a", { href: "/admin/", class: "nav-link admin-link" }, t("navAdmin")) : null;
  const helpButton = el("button", { type: "button", class: "help-button", "aria-label": `? ${t("shortcuts")}`, title: t("shortcuts"), onclick: () => toggleHelp() }, "?");
  const profile = createProfile(ctx); // the display name customers see, editable by the agent
  const topbar = el(
    "header",
    { class: "topbar" },
    el("div", { class: "status-area" }, status.button, status.menu, seats, connection),
    el("nav", { "aria-label": t("nav") }, navLinks, adminLink),
    el("div", { class: "user-area" }, notifyButton, profile.button, languageButton(), helpButton,
      el("button", { type: "button", class: "sign-out", onclick: ctx.signOut }, t("signOut"))),
  );
  const viewsHost = el("main", { class: "views", id: "views" });
  const { widget, stopBlinking } = chatWidgetOf(ctx);
  // The widget sits in a bar of its own at the bottom right: it never covers a view's content.
  // The toast shows in the same bar, between the time zone and the widget: it covers nothing either.
  const statusbar = el("footer", { class: "statusbar" }, el("p", { class: "tz-note", id: "tz-note" }, timeZoneNote(lang)), toastBox, widget);

  function renderStatus() {
    const current = ctx.me.status || "offline";
    status.button.replaceChildren(el("span", { class: `dot dot-${current}`, "aria-hidden": "true" }), t(`status_${current}`), el("span", { "aria-hidden": "true" }, " ▾"));
    status.button.setAttribute("aria-label", t("statusMenu", { status: t(`status_${current}`) }));
    status.button.dataset.status = current;
    for (const option of status.menu.querySelectorAll(".status-option")) {
      option.setAttribute("aria-checked", String(option.dataset.status === current));
    }
    seats.textContent = t("seats", { active: ctx.me.activeChats ?? 0, max: ctx.me.maxChats ?? 0 });
    const allowed = ctx.me.chatPermission !== false; // S-1.1: the widget only with chat permission
    widget.classList.toggle("hidden", !allowed);
    if (!allowed) stopBlinking();
  }
  function renderConnection(online) {
    connection.textContent = t(online ? "connection_online" : "connection_offline");
    connection.dataset.online = String(online);
  }
  function renderNotify() {
    const ask = "Notification" in window && Notification.permission === "default";
    notifyButton.classList.toggle("hidden", !ask);
  }
  return { topbar, viewsHost, statusbar, widget, navLinks, profile, root, renderStatus, renderConnection, renderNotify, stopBlinking };
}

/** The server events every view shares, and the chat view's seat count. */
export function listenToSharedEvents(ctx, shell) {
  const { socket, bus, api, masking } = ctx;
  const { renderStatus, renderConnection } = shell;
  socket.on("agent.status", (frame) => {
    ctx.me = { ...ctx.me, ...frame };
    delete ctx.me.type;
    renderStatus();
    ctx.emit("me", ctx.me);
  });
  function applySettings(settings) {
    ctx.settings = settings;
    masking.setEnabled(settings.securityService);
    ctx.emit("settings", ctx.settings);
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
      ctx.emit("me", ctx.me);
      if (settings.version !== ctx.settings.version) applySettings(settings);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) ctx.signOut();
    }
  });
  // The chat view tells how many chats this agent holds: the seat count stays live between pushes.
  bus.addEventListener("active-chats", (event) => {
    if (ctx.me.activeChats === event.detail.count) return;
    ctx.me = { ...ctx.me, activeChats: event.detail.count };
    renderStatus();
  });
}
