// 채팅 설정 (GET/PUT /settings): chat on/off, the customer-facing texts in Korean and English side by
// side, default maximum chats, security service, auto-masking, agents may export, and the type
// catalogues. Validated in the page and by the server; only changed fields are sent; a newer version
// saved elsewhere (push, or read after a reconnect) is taken unless this form holds unsaved edits.
import { el } from "/shared/dom.js";
import { ALL_TEXTS, BOOLEANS, ENGLISH, TEXT_LIMITS, TYPE_KINDS, checkbox, errorText, field, t } from "./page.js";
import { typeEditor } from "./types.js";
import { attachmentSettings } from "./attachment-settings.js";

/** The settings form's controls (filled and checked by settingsSection). */
function settingsForm() {
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
  const attachments = attachmentSettings();
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
    attachments.node,
    el("div", { class: "type-editors" }, editors.inquiry.node, editors.processing.node),
    el("div", { class: "actions" }, saveButton, resetButton, status),
  );
  return { status, consentInfo, texts, max, checks, attachments, editors, saveButton, resetButton, form };
}

export function settingsSection(ctx) {
  let saved = null;
  let pendingRemote = null;
  const { status, consentInfo, texts, max, checks, attachments, editors, saveButton, resetButton, form } = settingsForm();

  function fill(settings) {
    saved = settings;
    pendingRemote = null;
    for (const name of Object.keys(ALL_TEXTS)) texts[name].control.value = settings[name] ?? "";
    max.control.value = String(settings.maxChatsPerAgent);
    for (const name of BOOLEANS) checks[name].control.checked = !!settings[name];
    attachments.fill(settings);
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
    attachments.changes(saved, body);
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
    attachments.clear();
  }

  function mark(fieldName, message) {
    const target = texts[fieldName] || (fieldName === "maxChatsPerAgent" ? max : fieldName === "attachmentMaxMb" ? attachments.size : null);
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
    first = first || attachments.validate();
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

