// 상담원 계정 (/admin/agents…): invite, display name, chat permission, per-agent maximum, role,
// disable/enable. Role and disable are not offered on your own row (the API refuses those too).
import { clear, el } from "/shared/dom.js";
import { NAME_MAX, checkbox, displayNameProblem, errorText, field, t } from "./page.js";

/** 상담원 초대 (POST /admin/agents): the temporary password is shown once, in #invite-password. */
function createInviteForm(ctx, { load, onChanged }) {
  const inviteEmail = field("invite-email", t("email"), el("input", { type: "email", autocomplete: "off", required: true }));
  const inviteName = field("invite-name", t("displayName"), el("input", { maxlength: String(NAME_MAX) }), t("displayNameHelp"));
  const inviteRole = field(
    "invite-role",
    t("role"),
    el("select", {}, el("option", { value: "agent" }, t("roleAgent")), el("option", { value: "supervisor" }, t("roleSupervisor")), el("option", { value: "admin" }, t("roleAdmin"))),
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
  return inviteForm;
}

/** The name cell: the display name customers see (or that there is none), the e-mail, and 이름 변경. */
function nameCell(account, name, self, staff, act) {
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

function accountRow(ctx, account, { defaultMax, message, act }) {
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
    nameCell(account, name, self, staff, act),
    el("td", {}, { admin: t("roleAdmin"), supervisor: t("roleSupervisor"), agent: t("roleAgent") }[account.role] || t("roleNone")),
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

export function agentsSection(ctx, onChanged) {
  let defaultMax = 3;
  const message = el("p", { id: "agents-message", class: "status", role: "status", "aria-live": "polite" });
  const body = el("tbody", { id: "agents-rows" });
  const inviteForm = createInviteForm(ctx, { load: () => load(), onChanged });

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

  async function load() {
    try {
      const data = await ctx.api.get("/admin/agents");
      defaultMax = data.defaultMaxChats;
      clear(body);
      body.append(...data.accounts.map((account) => accountRow(ctx, account, { defaultMax, message, act })));
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

