// The signed-in agent in the top bar: their display name (what customers see; never the e-mail),
// with the e-mail beside it for the agent, and a dialog to change the name (PUT /me/profile).
import { el } from "../shared/dom.js";

const NAME_MAX = 100;
const EMAIL_LIKE = /[^@\s]@[^@\s]/;

export function createProfile(ctx) {
  const { t, api } = ctx;
  const name = el("span", { class: "user-display-name" });
  const email = el("span", { class: "user-email" });
  const button = el("button", { type: "button", class: "user-name", onclick: () => open() }, name, email);

  const input = el("input", { id: "profile-name", name: "displayName", autocomplete: "off", "aria-describedby": "profile-help profile-error" });
  const error = el("p", { id: "profile-error", class: "field-error", role: "alert" });
  const save = el("button", { type: "submit", class: "primary" }, t("save"));
  const dialog = el("dialog", { class: "profile-dialog", "aria-labelledby": "profile-title" });
  const form = el(
    "form",
    { novalidate: true },
    el("h2", { id: "profile-title" }, t("profileTitle")),
    el("label", { for: input.id }, t("displayName")),
    input,
    el("p", { id: "profile-help", class: "hint" }, t("displayNameHelp")),
    error,
    el("div", { class: "form-actions" }, save, el("button", { type: "button", onclick: () => dialog.close() }, t("cancel"))),
  );
  dialog.append(form);

  function render() {
    const display = ctx.me.displayName;
    name.textContent = display || t("noDisplayName");
    name.classList.toggle("unset", !display);
    email.textContent = ctx.me.email || ctx.user.email || "";
    // The visible name and e-mail are the accessible name (WCAG 2.5.3); what the button does is its title.
    button.title = t("profileButton");
  }

  function open() {
    input.value = ctx.me.displayName || "";
    input.setAttribute("aria-invalid", "false");
    error.textContent = "";
    dialog.showModal();
    input.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    // The server refuses the same (docs/api.md): said here before the round trip, never cut.
    const problem = [...value].length > NAME_MAX ? t("displayNameTooLong", { max: NAME_MAX }) : EMAIL_LIKE.test(value) ? t("displayNameEmail") : "";
    input.setAttribute("aria-invalid", String(!!problem));
    error.textContent = problem;
    if (problem) return input.focus();
    save.disabled = true;
    try {
      ctx.me = await api.put("/me/profile", { displayName: value || null });
      ctx.emit("me", ctx.me);
      render();
      dialog.close();
      ctx.toast(t("profileSaved"));
    } catch (err) {
      // The server's reason in the page's language, never its English message.
      const key = { too_long: "displayNameTooLong", invalid_field: "displayNameInvalid" }[err.code] || "profileFailed";
      error.textContent = t(key, { max: NAME_MAX });
      input.setAttribute("aria-invalid", String(key !== "profileFailed"));
    } finally {
      save.disabled = false;
    }
  });

  ctx.bus.addEventListener("me", render);
  render();
  return { button, dialog };
}
