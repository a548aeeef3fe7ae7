// The admin page: sign-in (with the new-password challenge of invited users), chat settings,
// agent accounts and the live presence view. Plain ES module, text only (dom.js el()), strict CSP.
import { loadConfig } from "/shared/config.js";
import { CognitoAuth } from "/shared/auth.js";
import { showSignIn as showSharedSignIn } from "/shared/signin.js";
import { setServiceTimeZone, timeZoneNote } from "/shared/datetime.js";
import { describeError } from "/shared/errors.js";
import { ApiError, createApi } from "/shared/api.js";
import { ChatSocket } from "/shared/socket.js";
import { createI18n } from "/shared/i18n.js";
import { clear, el, formatTime } from "/shared/dom.js";
import { strings } from "./strings.js";
import { extensions } from "./extensions.js";

const i18n = createI18n(strings);
const { t } = i18n;
const root = document.getElementById("app");
const PRESENCE_POLL_MS = 5000;
const NAME_MAX = 100;
const TEXT_LIMITS = { consentText: 5000, absenceMessage: 1000, greeting: 1000, ratingRequestText: 500 };
// Customer-facing texts: Korean (required) and English (`…En`, optional: empty shows the Korean one).
const ENGLISH = Object.fromEntries(Object.entries(TEXT_LIMITS).map(([name, limit]) => [`${name}En`, limit]));
const ALL_TEXTS = { ...TEXT_LIMITS, ...ENGLISH };
const BOOLEANS = ["chatEnabled", "securityService", "autoMaskPii", "agentsMayExport"];
const TYPE_KINDS = [
  { key: "inquiry", names: "inquiryTypes", catalog: "inquiryTypeCatalog" },
  { key: "processing", names: "processingTypes", catalog: "processingTypeCatalog" },
];

document.documentElement.lang = i18n.lang;
document.title = t("title");

// Server codes and Cognito failures in the page's language (shared/errors.js); never the server's English.
function errorText(error) {
  return describeError(error, i18n.lang);
}

function languageSwitch() {
  const select = el(
    "select",
    { id: "language", onchange: (event) => i18n.setLanguage(event.target.value) },
    el("option", { value: "ko", selected: i18n.lang === "ko" }, "한국어"),
    el("option", { value: "en", selected: i18n.lang === "en" }, "English"),
  );
  return el("div", { class: "language" }, el("label", { for: "language" }, t("language")), select);
}

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

// --- settings ---------------------------------------------------------------------------------

function field(id, labelText, control, help) {
  const error = el("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" });
  control.id = id;
  control.setAttribute("aria-describedby", [help ? `${id}-help` : "", `${id}-error`].join(" ").trim());
  return {
    node: el(
      "div",
      { class: "field" },
      el("label", { for: id }, labelText),
      control,
      help ? el("p", { class: "help", id: `${id}-help` }, help) : null,
      error,
    ),
    control,
    error,
  };
}

// What customers see: never an e-mail address, at most 100 characters (the server refuses the same).
function displayNameProblem(value) {
  if ([...value].length > NAME_MAX) return t("tooLong", { max: NAME_MAX });
  if (/[^@\s]@[^@\s]/.test(value)) return t("displayNameEmail");
  return "";
}

function checkbox(id, labelText) {
  const control = el("input", { id, type: "checkbox" });
  return { node: el("div", { class: "check" }, control, el("label", { for: id }, labelText)), control };
}

function typeEditor(kind, legend) {
  let items = [];
  const list = el("ol", { class: "types" });
  const error = el("p", { class: "field-error", id: `types-${kind}-error`, "aria-live": "polite" });
  const addInput = el("input", { id: `types-${kind}-new`, maxlength: String(NAME_MAX) });
  const editor = { onchange: () => {} };

  function render(focusSelector) {
    clear(list);
    items.forEach((item, index) => {
      const name = item.name || "…";
      const input = el("input", {
        value: item.name,
        lang: "ko",
        maxlength: String(NAME_MAX),
        "aria-label": t("typeName", { kind: legend, n: index + 1 }),
        dataset: { index: String(index) },
        oninput: (event) => {
          item.name = event.target.value;
          editor.onchange();
        },
      });
      const inputEn = el("input", {
        class: "type-name-en",
        value: item.nameEn || "",
        lang: "en",
        maxlength: String(NAME_MAX),
        "aria-label": t("typeNameEn", { kind: legend, n: index + 1 }),
        dataset: { indexEn: String(index) },
        oninput: (event) => {
          item.nameEn = event.target.value;
          editor.onchange();
        },
      });
      const move = (delta) => () => {
        const target = index + delta;
        if (target < 0 || target >= items.length) return;
        [items[index], items[target]] = [items[target], items[index]];
        render(`[data-move="${delta}"][data-index="${target}"]`);
        editor.onchange();
      };
      list.append(
        el(
          "li",
          { class: item.retired ? "retired" : "" },
          input,
          inputEn,
          item.retired ? el("span", { class: "badge" }, t("retired")) : null,
          item.formerNames?.length
            ? el("span", { class: "former" }, t("formerNames", { names: item.formerNames.join(", ") }))
            : null,
          el(
            "span",
            { class: "type-actions" },
            el(
              "button",
              {
                type: "button",
                "aria-label": t("moveUpLabel", { name }),
                disabled: index === 0,
                dataset: { move: "-1", index: String(index) },
                onclick: move(-1),
              },
              t("moveUp"),
            ),
            el(
              "button",
              {
                type: "button",
                "aria-label": t("moveDownLabel", { name }),
                disabled: index === items.length - 1,
                dataset: { move: "1", index: String(index) },
                onclick: move(1),
              },
              t("moveDown"),
            ),
            el(
              "button",
              {
                type: "button",
                "aria-label": t(item.retired ? "restoreLabel" : "retireLabel", { name }),
                dataset: { retire: String(index) },
                onclick: () => {
                  item.retired = !item.retired;
                  render(`[data-retire="${index}"]`);
                  editor.onchange();
                },
              },
              t(item.retired ? "restore" : "retire"),
            ),
          ),
        ),
      );
    });
    if (focusSelector) list.querySelector(focusSelector)?.focus();
  }

  function add() {
    const name = addInput.value.trim();
    if (!name) return;
    items.push({ name, retired: false, formerNames: [] });
    addInput.value = "";
    render();
    editor.onchange();
    addInput.focus();
  }
  addInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      add();
    }
  });

  editor.node = el(
    "fieldset",
    { class: "type-editor", "aria-describedby": `types-${kind}-error` },
    el("legend", {}, legend),
    list,
    el(
      "div",
      { class: "add-type" },
      el("label", { for: `types-${kind}-new` }, t("newType", { kind: legend })),
      addInput,
      el("button", { type: "button", id: `types-${kind}-add`, onclick: add }, t("addType")),
    ),
    error,
  );
  editor.set = (catalog) => {
    items = catalog.map((entry) => ({ ...entry, formerNames: [...(entry.formerNames || [])] }));
    render();
  };
  editor.value = () =>
    items.map(({ id, name, nameEn, retired }) => {
      const entry = { name: name.trim(), nameEn: (nameEn || "").trim(), retired };
      return id ? { id, ...entry } : entry;
    });
  editor.validate = () => {
    const names = items.map((item) => item.name.trim());
    let message = "";
    if (names.some((n) => !n)) message = t("required");
    else if (names.some((n) => n.length > NAME_MAX)) message = t("tooLong", { max: NAME_MAX });
    else if (new Set(names).size !== names.length) message = t("duplicateType");
    else if (!items.some((item) => !item.retired)) message = t("noActiveType");
    error.textContent = message;
    for (const input of list.querySelectorAll("input")) {
      const name = input.value.trim();
      const bad = message && (!name || name.length > NAME_MAX || names.filter((n) => n === name).length > 1);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
    }
    return message ? list.querySelector('[aria-invalid="true"]') || addInput : null;
  };
  editor.clearError = () => {
    error.textContent = "";
  };
  return editor;
}

function settingsSection(ctx) {
  let saved = null;
  let pendingRemote = null;
  const status = el("p", { id: "settings-status", class: "status", role: "status", "aria-live": "polite" });
  const consentInfo = el("p", { class: "help", id: "set-consentText-version" });
  const textarea = (name, lang) => el("textarea", { rows: name.startsWith("consentText") ? 6 : 3, lang });
  const texts = Object.fromEntries([
    ...Object.keys(TEXT_LIMITS).map((name) => [name, field(`set-${name}`, t("inKorean", { name: t(name) }), textarea(name, "ko"))]),
    ...Object.keys(TEXT_LIMITS).map((name) => [
      `${name}En`,
      field(`set-${name}En`, t("inEnglish", { name: t(name) }), textarea(name, "en"), t("englishHelp")),
    ]),
  ]);
  // Korean and English side by side: one row per text.
  const pair = (name) => el("div", { class: "bilingual" }, texts[name].node, texts[`${name}En`].node);
  texts.consentText.node.insertBefore(consentInfo, texts.consentText.error);
  texts.consentText.control.setAttribute("aria-describedby", "set-consentText-version set-consentText-error");
  const max = field(
    "set-maxChatsPerAgent",
    t("maxChatsPerAgent"),
    el("input", { type: "number", min: "1", max: "50", step: "1", inputmode: "numeric" }),
  );
  const checks = Object.fromEntries(BOOLEANS.map((name) => [name, checkbox(`set-${name}`, t(name))]));
  const editors = Object.fromEntries(
    TYPE_KINDS.map((kind) => [kind.key, typeEditor(kind.key, t(`${kind.key}Types`))]),
  );
  const saveButton = el("button", { type: "submit", class: "primary", id: "settings-save" }, t("save"));
  const resetButton = el("button", { type: "button", id: "settings-reset" }, t("reset"));
  const form = el(
    "form",
    { id: "settings-form", novalidate: true, "aria-labelledby": "settings-title" },
    checks.chatEnabled.node,
    pair("consentText"),
    pair("absenceMessage"),
    pair("greeting"),
    pair("ratingRequestText"),
    max.node,
    checks.securityService.node,
    checks.autoMaskPii.node,
    checks.agentsMayExport.node,
    el("div", { class: "type-editors" }, editors.inquiry.node, editors.processing.node),
    el("div", { class: "actions" }, saveButton, resetButton, status),
  );

  function fill(settings) {
    saved = settings;
    pendingRemote = null;
    for (const name of Object.keys(ALL_TEXTS)) texts[name].control.value = settings[name] ?? "";
    max.control.value = String(settings.maxChatsPerAgent);
    for (const name of BOOLEANS) checks[name].control.checked = !!settings[name];
    for (const kind of TYPE_KINDS) editors[kind.key].set(settings[kind.catalog] || []);
    consentInfo.textContent = t("consentVersion", { version: settings.consentVersion });
    clearErrors();
  }

  function changes() {
    const body = {};
    for (const name of Object.keys(ALL_TEXTS)) {
      if (texts[name].control.value.trim() !== (saved[name] ?? "").trim()) body[name] = texts[name].control.value;
    }
    if (max.control.value.trim() !== String(saved.maxChatsPerAgent)) body.maxChatsPerAgent = Number(max.control.value);
    for (const name of BOOLEANS) if (checks[name].control.checked !== !!saved[name]) body[name] = checks[name].control.checked;
    for (const kind of TYPE_KINDS) {
      const value = editors[kind.key].value();
      const before = (saved[kind.catalog] || []).map(({ id, name, nameEn, retired }) => ({ id, name, nameEn: nameEn || "", retired }));
      if (JSON.stringify(value) !== JSON.stringify(before)) body[kind.catalog] = value;
    }
    return body;
  }

  function clearErrors() {
    for (const { control, error } of [...Object.values(texts), max]) {
      control.setAttribute("aria-invalid", "false");
      error.textContent = "";
    }
    for (const editor of Object.values(editors)) editor.clearError();
  }

  function mark(fieldName, message) {
    const target = texts[fieldName] || (fieldName === "maxChatsPerAgent" ? max : null);
    if (target) {
      target.control.setAttribute("aria-invalid", "true");
      target.error.textContent = message;
      return target.control;
    }
    return null;
  }

  function validate() {
    clearErrors();
    let first = null;
    for (const [name, limit] of Object.entries(ALL_TEXTS)) {
      const value = texts[name].control.value.trim();
      const problem = !value && !(name in ENGLISH) ? t("required") : value.length > limit ? t("tooLong", { max: limit }) : "";
      if (problem) first = first || mark(name, problem);
    }
    const number = max.control.value.trim();
    if (!/^\d+$/.test(number) || Number(number) < 1 || Number(number) > 50) {
      first = first || mark("maxChatsPerAgent", t("range", { min: 1, max: 50 }));
    }
    for (const editor of Object.values(editors)) first = first || editor.validate();
    return first;
  }

  function refreshStatus() {
    if (!saved) return;
    const dirty = Object.keys(changes()).length > 0;
    status.className = dirty ? "status dirty" : "status saved";
    if (pendingRemote && dirty) status.textContent = `${t("unsaved")} ${t("changedElsewhere")}`;
    else status.textContent = dirty ? t("unsaved") : t("saved", { version: saved.version });
    return dirty;
  }
  form.addEventListener("input", refreshStatus);
  form.addEventListener("change", refreshStatus);
  for (const editor of Object.values(editors)) editor.onchange = refreshStatus;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const invalid = validate();
    if (invalid) {
      status.className = "status error";
      status.textContent = t("fixErrors");
      invalid.focus();
      return;
    }
    const body = changes();
    if (!Object.keys(body).length) return refreshStatus();
    // The version this form was filled from: the server refuses (409) a save over a newer one.
    if (saved) body.version = saved.version;
    saveButton.disabled = true;
    status.className = "status";
    status.textContent = t("saving");
    try {
      fill(await ctx.api.put("/settings", body));
      refreshStatus();
    } catch (failure) {
      const named = /'(\w+)'/.exec(failure.message || "")?.[1];
      const control = named && mark(named, errorText(failure));
      status.className = "status error";
      const message = failure.code === "conflict" ? t("changedElsewhere") : errorText(failure);
      status.textContent = t("saveFailed", { message });
      control?.focus();
    } finally {
      saveButton.disabled = false;
    }
  });
  resetButton.addEventListener("click", () => load());

  async function load() {
    try {
      fill(await ctx.api.get("/settings"));
      refreshStatus();
    } catch (failure) {
      status.className = "status error";
      status.textContent = t("loadFailed", { message: errorText(failure) });
    }
  }

  // Another admin (or tab) saved: take it at once unless this form holds unsaved edits. Pushes
  // are not replayed, so after every reconnect the server's settings are read again.
  ctx.socket.on("settings.changed", ({ settings }) => takeNewer(settings));
  ctx.socket.on("open", () => {
    if (saved) ctx.api.get("/settings").then(takeNewer, () => {});
  });
  function takeNewer(settings) {
    if (!saved || !settings || settings.version <= saved.version) return;
    if (Object.keys(changes()).length) {
      pendingRemote = settings;
      refreshStatus();
    } else {
      fill(settings);
      status.className = "status saved";
      status.textContent = t("reloadedElsewhere", { version: settings.version });
    }
  }

  const node = el(
    "section",
    { id: "settings", class: "card", "aria-labelledby": "settings-title" },
    el("h2", { id: "settings-title" }, t("settingsTitle")),
    form,
  );
  return { node, load };
}

// --- agent accounts ---------------------------------------------------------------------------

function agentsSection(ctx, onChanged) {
  let defaultMax = 3;
  const message = el("p", { id: "agents-message", class: "status", role: "status", "aria-live": "polite" });
  const body = el("tbody", { id: "agents-rows" });
  const inviteEmail = field("invite-email", t("email"), el("input", { type: "email", autocomplete: "off", required: true }));
  const inviteName = field("invite-name", t("displayName"), el("input", { maxlength: String(NAME_MAX) }), t("displayNameHelp"));
  const inviteRole = field(
    "invite-role",
    t("role"),
    el("select", {}, el("option", { value: "agent" }, t("roleAgent")), el("option", { value: "admin" }, t("roleAdmin"))),
  );
  const inviteMax = field("invite-max", t("maxChats"), el("input", { type: "number", min: "1", max: "50", step: "1" }), t("inviteMaxHelp"));
  const invitePermission = checkbox("invite-permission", t("chatPermission"));
  invitePermission.control.checked = true;
  const inviteResult = el("div", { id: "invite-result", "aria-live": "polite" });
  const inviteButton = el("button", { type: "submit", class: "primary", id: "invite-submit" }, t("invite"));
  const inviteForm = el(
    "form",
    { id: "invite-form", novalidate: true, "aria-labelledby": "invite-title" },
    el("h3", { id: "invite-title" }, t("inviteTitle")),
    el("div", { class: "invite-grid" }, inviteEmail.node, inviteName.node, inviteRole.node, inviteMax.node),
    invitePermission.node,
    el("div", { class: "actions" }, inviteButton),
    inviteResult,
  );

  inviteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(inviteResult);
    for (const f of [inviteEmail, inviteName, inviteMax]) {
      f.control.setAttribute("aria-invalid", "false");
      f.error.textContent = "";
    }
    const email = inviteEmail.control.value.trim();
    const maxValue = inviteMax.control.value.trim();
    let invalid = null;
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      inviteEmail.control.setAttribute("aria-invalid", "true");
      inviteEmail.error.textContent = t("required");
      invalid = inviteEmail.control;
    }
    const nameProblem = displayNameProblem(inviteName.control.value.trim());
    if (nameProblem) {
      inviteName.control.setAttribute("aria-invalid", "true");
      inviteName.error.textContent = nameProblem;
      invalid = invalid || inviteName.control;
    }
    if (maxValue && (!/^\d+$/.test(maxValue) || Number(maxValue) < 1 || Number(maxValue) > 50)) {
      inviteMax.control.setAttribute("aria-invalid", "true");
      inviteMax.error.textContent = t("range", { min: 1, max: 50 });
      invalid = invalid || inviteMax.control;
    }
    if (invalid) return invalid.focus();
    const request = { email, role: inviteRole.control.value, chatPermission: invitePermission.control.checked };
    if (inviteName.control.value.trim()) request.displayName = inviteName.control.value.trim();
    if (maxValue) request.maxChats = Number(maxValue);
    inviteButton.disabled = true;
    inviteButton.textContent = t("inviting");
    try {
      const account = await ctx.api.post("/admin/agents", request);
      const [before, after] = t("invited", { email: account.agentId, password: "\u0000" }).split("\u0000");
      inviteResult.append(
        el("p", { class: "notice", role: "status" }, before, el("code", { id: "invite-password" }, account.temporaryPassword), after),
      );
      inviteForm.reset();
      invitePermission.control.checked = true;
      await load();
      onChanged();
    } catch (failure) {
      inviteResult.append(el("p", { class: "notice error", role: "alert" }, t("saveFailed", { message: errorText(failure) })));
    } finally {
      inviteButton.disabled = false;
      inviteButton.textContent = t("invite");
    }
  });

  async function act(account, method, suffix, payload, confirmKey) {
    const name = account.displayName || account.agentId;
    if (confirmKey && !window.confirm(t(confirmKey, { name }))) return;
    try {
      await ctx.api.request(method, `/admin/agents/${encodeURIComponent(account.agentId)}/${suffix}`, payload);
      message.className = "status saved";
      message.textContent = t("actionDone", { name });
      await load();
      onChanged();
    } catch (failure) {
      message.className = "status error";
      message.textContent = t("actionFailed", { name, message: errorText(failure) });
    }
  }

  /** The name cell: the display name customers see (or that there is none), the e-mail, and 이름 변경. */
  function nameCell(account, name, self, staff) {
    const cell = el("th", { scope: "row" });
    const show = () =>
      cell.replaceChildren(
        ...[
          el("span", { class: "name" }, name, self ? ` ${t("you")}` : ""),
          account.displayName ? null : el("span", { class: "sub no-name" }, t("noDisplayName")),
          el("span", { class: "sub" }, account.email || account.agentId),
          staff ? el("button", { type: "button", class: "rename", "aria-label": t("renameLabel", { name }), onclick: edit }, t("rename")) : null,
        ].filter(Boolean), // replaceChildren would show a null as the text "null"
      );
    function edit() {
      const input = el("input", { value: account.displayName || "", "aria-label": t("displayNameFor", { name }), class: "rename-input" });
      const error = el("p", { class: "field-error", role: "alert" });
      const form = el(
        "form",
        { class: "rename-form", novalidate: true },
        input,
        el("p", { class: "help" }, t("displayNameHelp")),
        error,
        el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t("saveName")), el("button", { type: "button", onclick: show }, t("cancel"))),
      );
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const value = input.value.trim();
        const problem = displayNameProblem(value);
        input.setAttribute("aria-invalid", String(!!problem));
        error.textContent = problem;
        if (problem) return input.focus();
        act(account, "PUT", "display-name", { displayName: value || null });
      });
      input.addEventListener("keydown", (event) => {
        if (event.key === "Escape") show();
      });
      cell.replaceChildren(el("span", { class: "sub" }, account.email || account.agentId), form);
      input.focus();
    }
    show();
    return cell;
  }

  function row(account) {
    const name = account.displayName || account.agentId;
    const self = account.agentId === ctx.user.username;
    const staff = account.role !== null;
    const maxInput = el("input", {
      type: "number",
      min: "1",
      max: "50",
      step: "1",
      class: "max-input",
      value: account.maxChatsOverride ?? "",
      placeholder: t("maxChatsHelp", { n: defaultMax }),
      "aria-label": t("maxChatsFor", { name }),
      disabled: !staff,
    });
    const applyMax = () => {
      const raw = maxInput.value.trim();
      if (raw && (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 50)) {
        maxInput.setAttribute("aria-invalid", "true");
        message.className = "status error";
        message.textContent = `${name}: ${t("range", { min: 1, max: 50 })}`;
        return maxInput.focus();
      }
      act(account, "PUT", "max-chats", { maxChats: raw ? Number(raw) : null });
    };
    maxInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") applyMax();
    });
    const accountState = !account.enabled
      ? t("disabledAccount")
      : account.accountStatus === "FORCE_CHANGE_PASSWORD"
        ? t("mustChangePassword")
        : t("enabled");
    return el(
      "tr",
      { dataset: { agent: account.agentId }, class: account.enabled ? "" : "disabled" },
      nameCell(account, name, self, staff),
      el("td", {}, account.role === "admin" ? t("roleAdmin") : account.role === "agent" ? t("roleAgent") : t("roleNone")),
      el("td", {}, accountState),
      el(
        "td",
        {},
        el("span", { class: account.chatPermission ? "badge ok" : "badge off" }, t(account.chatPermission ? "permissionOn" : "permissionOff")),
        " ",
        staff
          ? el(
              "button",
              {
                type: "button",
                class: "permission-toggle",
                "aria-label": t(account.chatPermission ? "revokeLabel" : "grantLabel", { name }),
                onclick: () =>
                  account.chatPermission
                    ? act(account, "PUT", "chat-permission", { chatPermission: false }, "confirmRevoke")
                    : act(account, "PUT", "chat-permission", { chatPermission: true }),
              },
              t(account.chatPermission ? "revoke" : "grant"),
            )
          : null,
      ),
      el(
        "td",
        { class: "max-cell" },
        maxInput,
        el("button", { type: "button", class: "max-apply", "aria-label": t("setMaxLabel", { name }), disabled: !staff, onclick: applyMax }, t("setMax")),
      ),
      el("td", {}, el("span", { class: `badge status-${account.status}` }, t(account.status))),
      el("td", {}, t("chatsOf", { active: account.activeChats, max: account.maxChats })),
      el(
        "td",
        { class: "row-actions" },
        staff && !self
          ? el(
              "button",
              {
                type: "button",
                class: "role-toggle",
                "aria-label": t(account.role === "admin" ? "makeAgentLabel" : "makeAdminLabel", { name }),
                onclick: () => act(account, "PUT", "role", { role: account.role === "admin" ? "agent" : "admin" }),
              },
              t(account.role === "admin" ? "makeAgent" : "makeAdmin"),
            )
          : null,
        staff && !self
          ? el(
              "button",
              {
                type: "button",
                class: account.enabled ? "danger account-toggle" : "account-toggle",
                "aria-label": t(account.enabled ? "disableLabel" : "enableLabel", { name }),
                onclick: () =>
                  account.enabled ? act(account, "POST", "disable", undefined, "confirmDisable") : act(account, "POST", "enable"),
              },
              t(account.enabled ? "disable" : "enable"),
            )
          : null,
      ),
    );
  }

  async function load() {
    try {
      const data = await ctx.api.get("/admin/agents");
      defaultMax = data.defaultMaxChats;
      clear(body);
      body.append(...data.accounts.map(row));
    } catch (failure) {
      message.className = "status error";
      message.textContent = t("loadFailed", { message: errorText(failure) });
    }
  }

  const node = el(
    "section",
    { id: "agents", class: "card", "aria-labelledby": "agents-title" },
    el("h2", { id: "agents-title" }, t("agentsTitle")),
    inviteForm,
    message,
    el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        { id: "agents-table", "aria-labelledby": "agents-title" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ...["colName", "colRole", "colAccount", "colPermission", "colMax", "colStatus", "colChats", "colActions"].map((key) =>
              el("th", { scope: "col" }, t(key)),
            ),
          ),
        ),
        body,
      ),
    ),
  );
  return { node, load };
}

// --- live presence ----------------------------------------------------------------------------

function presenceSection(ctx) {
  const counts = el("dl", { id: "presence-counts", class: "counts" });
  const updated = el("p", { class: "help", id: "presence-updated" });
  const body = el("tbody", { id: "presence-rows" });
  const error = el("p", { class: "status error hidden", role: "alert" });
  let timer = null;
  let inFlight = false;

  function count(id, label, value) {
    return el("div", { class: `count count-${id}` }, el("dt", {}, label), el("dd", { id: `count-${id}` }, String(value)));
  }

  async function refresh() {
    if (inFlight) return;
    inFlight = true;
    try {
      const data = await ctx.api.get("/admin/presence");
      error.classList.add("hidden");
      clear(counts);
      counts.append(
        count("online", t("online"), data.counts.online),
        count("break", t("break"), data.counts.break),
        count("offline", t("offline"), data.counts.offline),
        count("waiting", t("waiting"), data.queue.waiting),
        count("active", t("activeChatsTotal"), data.activeChats),
      );
      clear(body);
      if (!data.agents.length) body.append(el("tr", {}, el("td", { colspan: "3" }, t("noAgents"))));
      for (const agent of data.agents) {
        body.append(
          el(
            "tr",
            { dataset: { agent: agent.agentId, status: agent.status } },
            el("th", { scope: "row" }, agent.displayName, agent.chatPermission ? "" : el("span", { class: "sub" }, t("noPermission"))),
            el("td", {}, el("span", { class: `badge status-${agent.status}` }, t(agent.status))),
            el("td", {}, t("chatsOf", { active: agent.activeChats, max: agent.maxChats })),
          ),
        );
      }
      updated.textContent = t("updatedAt", { time: formatTime(data.at, i18n.lang, true) });
    } catch (failure) {
      error.textContent = t("loadFailed", { message: errorText(failure) });
      error.classList.remove("hidden");
    } finally {
      inFlight = false;
    }
  }

  // No presence push reaches admins, so poll while the page is visible; the events an online
  // admin does receive (queue.changed, agent.status) refresh at once.
  function schedule() {
    clearInterval(timer);
    timer = document.visibilityState === "visible" ? setInterval(refresh, PRESENCE_POLL_MS) : null;
  }
  document.addEventListener("visibilitychange", () => {
    schedule();
    if (document.visibilityState === "visible") refresh();
  });
  ctx.socket.on("queue.changed", refresh);
  ctx.socket.on("agent.status", refresh);

  const node = el(
    "section",
    { id: "presence", class: "card", "aria-labelledby": "presence-title" },
    el("h2", { id: "presence-title" }, t("presenceTitle")),
    counts,
    updated,
    error,
    el(
      "table",
      { id: "presence-table", "aria-labelledby": "presence-title" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("colName")), el("th", { scope: "col" }, t("colStatus")), el("th", { scope: "col" }, t("colChats")))),
      body,
    ),
  );
  return {
    node,
    start() {
      refresh();
      schedule();
    },
    refresh,
    stop: () => clearInterval(timer),
  };
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
