// The one sign-in of the staff pages (console and admin): e-mail and password, then every challenge
// the user pool may ask for — NEW_PASSWORD_REQUIRED (invited users), SOFTWARE_TOKEN_MFA (a 6-digit
// code from the authenticator app) and MFA_SETUP (register an app: the secret and its otpauth URI
// shown as text, then the first code). Every Cognito failure is told in the page's language; a
// server's English text never reaches the screen.
//
//   showSignIn(root, { auth, lang, title, onSignedIn, message, footer, issuer });
//
// `auth` is shared/auth.js's CognitoAuth, `title` the page's heading ("상담원 로그인"), `onSignedIn(user)`
// runs once signed in, `message` an optional notice shown above the form (e.g. after a sign-out),
// `footer()` builds the page's language switch, `issuer` names the service in authenticator apps.
import { ApiError } from "./api.js";
import { AuthError } from "./auth.js";
import { clear, el } from "./dom.js";
import { createI18n } from "./i18n.js";
import { SIGNIN_STRINGS } from "./signin-strings.js";

export { SIGNIN_STRINGS };

// Cognito's policy for the staff pool (infra/aws/template.py): 12+, upper, lower, digit, symbol.
const PASSWORD_POLICY = [/.{12,}/, /[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/];
const CODE = /^[0-9]{6}$/;
const SUPPORTED = new Set(["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "MFA_SETUP"]);

/** Which message a sign-in failure gets (a key of SIGNIN_STRINGS without `error_`). */
export function signInErrorKind(error) {
  if (error instanceof ApiError) {
    if (error.status === 0) return "network";
    if (error.status === 401) return "sessionEnded";
    if (error.status === 403) return "forbidden";
    return error.status >= 500 ? "unavailable" : "unknown";
  }
  if (!(error instanceof AuthError)) return "unknown";
  const text = String(error.message || "").toLowerCase();
  switch (error.code) {
    case "NetworkError":
      return "network";
    case "NotAuthorizedException":
      // One code for several causes: Cognito's message is the only thing that tells them apart.
      if (text.includes("disabled")) return "disabled";
      if (text.includes("attempts exceeded")) return "tooManyAttempts";
      if (text.includes("session")) return "sessionExpired";
      return "wrongCredentials";
    case "UserNotFoundException":
      return "wrongCredentials"; // the same words as a wrong password: who has an account is not told
    case "TooManyRequestsException":
    case "LimitExceededException":
    case "TooManyFailedAttemptsException":
      return "tooManyAttempts";
    case "UserNotConfirmedException":
      return "notConfirmed";
    case "PasswordResetRequiredException":
      return "resetRequired";
    case "CodeMismatchException":
    case "EnableSoftwareTokenMFAException":
      return "codeMismatch";
    case "ExpiredCodeException":
      return "codeExpired";
    case "InvalidPasswordException":
      return "passwordPolicy";
    case "ResourceNotFoundException":
      return text.includes("session") || !text ? "sessionExpired" : "unavailable";
    case "InternalErrorException":
    case "ServiceUnavailableException":
      return "unavailable";
    default:
      return "unknown";
  }
}

/** The translated sentence for a sign-in failure. */
export function describeSignInError(error, lang) {
  const { t } = createI18n(SIGNIN_STRINGS, lang);
  return t(`error_${signInErrorKind(error)}`);
}

/** `otpauth://totp/…` for an authenticator app (the standard key-URI format). */
export function otpauthUri(issuer, account, secret) {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(issuer)}&digits=6&period=30`;
}

/**
 * The sign-in screens. With `enrol`, the user is signed in already and the API answered
 * `mfa_required` (admins must have an authenticator app): start at registering one.
 */
export function showSignIn(root, { auth, lang, title, onSignedIn, message = "", footer = null, issuer = "livechat", enrol = false }) {
  const { t } = createI18n(SIGNIN_STRINGS, lang);

  function alertBox(id) {
    const box = el("p", { id, class: "notice error hidden", role: "alert" });
    return {
      box,
      show(text) {
        box.textContent = text || "";
        box.classList.toggle("hidden", !text);
      },
    };
  }
  function page(form, focus) {
    clear(root).append(el("main", { class: "signin-page" }, form));
    focus?.focus();
  }
  function report(error) {
    // Cognito's own words go to the developer console only.
    console.warn("sign-in:", error?.code || error?.status || "", error?.message || error);
    return t(`error_${signInErrorKind(error)}`);
  }
  function codeInput(id) {
    return el("input", { id, name: "code", type: "text", inputMode: "numeric", autocomplete: "one-time-code", maxLength: 6, required: true, pattern: "[0-9]{6}" });
  }

  /** After each step: signed in, or the next challenge. */
  function next(result) {
    if (!result?.challenge) return onSignedIn(result);
    if (!SUPPORTED.has(result.challenge)) return signInForm(t("error_unsupportedChallenge"));
    if (result.challenge === "NEW_PASSWORD_REQUIRED") return newPasswordForm(steps, result);
    if (result.challenge === "SOFTWARE_TOKEN_MFA") return mfaForm(steps, result);
    return mfaSetupForm(steps, result);
  }
  /** A failed challenge step: an expired session starts over, anything else stays on the form. */
  function failed(error, alert) {
    const text = report(error);
    if (signInErrorKind(error) === "sessionExpired") signInForm(text);
    else alert.show(text);
  }
  /** A 6-digit code form: checked here first, then `send(code)` → the next step, or its error on the form. */
  function onCode(form, code, alert, button, send) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      alert.show("");
      const value = code.value.replace(/\s/g, "");
      if (!CODE.test(value)) {
        code.setAttribute("aria-invalid", "true");
        return alert.show(t("codeFormat"));
      }
      code.setAttribute("aria-invalid", "false");
      button.disabled = true;
      try {
        next(await send(value));
      } catch (error) {
        failed(error, alert);
        button.disabled = false;
        code.select();
      }
    });
  }
  const restart = () => el("p", { class: "signin-restart" }, el("button", { type: "button", class: "link", onclick: () => signInForm() }, t("backToSignIn")));

  function signInForm(notice = message) {
    const email = el("input", { id: "signin-email", name: "email", type: "email", autocomplete: "username", required: true });
    const password = el("input", { id: "signin-password", name: "password", type: "password", autocomplete: "current-password", required: true });
    const alert = alertBox("signin-error");
    const button = el("button", { type: "submit", class: "primary" }, t("signIn"));
    const form = el(
      "form",
      { class: "signin", "aria-labelledby": "signin-title", novalidate: true },
      el("h1", { id: "signin-title" }, title),
      el("label", { for: email.id }, t("email")),
      email,
      el("label", { for: password.id }, t("password")),
      password,
      alert.box,
      button,
      footer ? footer() : null,
    );
    alert.show(notice);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      alert.show("");
      if (!email.value.trim() || !password.value) return alert.show(t("required"));
      button.disabled = true;
      button.textContent = t("signingIn");
      try {
        next(await auth.signIn(email.value.trim(), password.value));
      } catch (error) {
        alert.show(report(error));
        button.disabled = false;
        button.textContent = t("signIn");
        password.focus();
      }
    });
    page(form, email);
  }

  const steps = { t, auth, issuer, page, alertBox, restart, next, failed, onCode, codeInput };
  if (enrol) mfaSetupForm(steps, { challenge: "MFA_SETUP", username: auth.user()?.email || "", signedIn: true });
  else signInForm();
}

// The challenge steps; `steps` is what showSignIn gives them (its translate function, helpers and next()).

/** NEW_PASSWORD_REQUIRED (an invited user): the policy is checked before sending. */
function newPasswordForm(steps, challenge) {
  const { t, auth, page, alertBox, restart, next, failed } = steps;
  const first = el("input", { id: "new-password", type: "password", autocomplete: "new-password", required: true, "aria-describedby": "new-password-help" });
  const second = el("input", { id: "new-password-again", type: "password", autocomplete: "new-password", required: true });
  const alert = alertBox("new-password-error");
  const button = el("button", { type: "submit", class: "primary" }, t("setPassword"));
  const form = el(
    "form",
    { class: "signin", "aria-labelledby": "new-password-title", novalidate: true },
    el("h1", { id: "new-password-title" }, t("newPasswordTitle")),
    el("p", { id: "new-password-help" }, t("newPasswordHelp")),
    el("label", { for: first.id }, t("newPassword")),
    first,
    el("label", { for: second.id }, t("newPasswordAgain")),
    second,
    alert.box,
    button,
    restart(),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.show("");
    if (!PASSWORD_POLICY.every((rule) => rule.test(first.value))) return alert.show(t("passwordWeak"));
    if (first.value !== second.value) return alert.show(t("passwordsDiffer"));
    button.disabled = true;
    try {
      next(await auth.completeNewPassword(challenge, first.value));
    } catch (error) {
      failed(error, alert);
      button.disabled = false;
    }
  });
  page(form, first);
}

/** SOFTWARE_TOKEN_MFA: the 6-digit code of the authenticator app. */
function mfaForm(steps, challenge) {
  const { t, auth, page, alertBox, restart, onCode, codeInput } = steps;
  const code = codeInput("mfa-code");
  const alert = alertBox("mfa-error");
  const button = el("button", { type: "submit", class: "primary" }, t("verify"));
  const form = el(
    "form",
    { class: "signin", "aria-labelledby": "mfa-title", novalidate: true },
    el("h1", { id: "mfa-title" }, t("mfaTitle")),
    el("p", { id: "mfa-help" }, t("mfaHelp")),
    el("label", { for: code.id }, t("mfaCode")),
    code,
    alert.box,
    button,
    restart(),
  );
  code.setAttribute("aria-describedby", "mfa-help");
  onCode(form, code, alert, button, (value) => auth.answerSoftwareToken(challenge, value));
  page(form, code);
}

/** MFA_SETUP: register an authenticator app (secret and otpauth:// URI as text), then its first code. */
async function mfaSetupForm(steps, challenge) {
  const { t, auth, issuer, page, alertBox, restart, failed, onCode, codeInput } = steps;
  const alert = alertBox("mfa-setup-error");
  const status = el("p", { role: "status" }, t("mfaPreparing"));
  page(el("section", { class: "signin", "aria-labelledby": "mfa-setup-title" }, el("h1", { id: "mfa-setup-title" }, t("mfaSetupTitle")), status, alert.box, restart()));
  let token;
  try {
    token = await auth.associateSoftwareToken(challenge);
  } catch (error) {
    status.textContent = "";
    return failed(error, alert);
  }
  const code = codeInput("mfa-setup-code");
  const button = el("button", { type: "submit", class: "primary" }, t("mfaRegister"));
  const form = el(
    "form",
    { class: "signin", "aria-labelledby": "mfa-setup-title", novalidate: true },
    el("h1", { id: "mfa-setup-title" }, t("mfaSetupTitle")),
    el("p", { id: "mfa-setup-help" }, t("mfaSetupHelp")),
    el("p", { class: "mfa-secret-label" }, t("mfaSecret")),
    el("code", { id: "mfa-secret", class: "mfa-secret" }, token.secret),
    el("p", { class: "mfa-secret-label" }, t("mfaUri")),
    el("code", { id: "mfa-uri", class: "mfa-uri" }, otpauthUri(issuer, challenge.username, token.secret)),
    el("label", { for: code.id }, t("mfaSetupCode")),
    code,
    alert.box,
    button,
    restart(),
  );
  code.setAttribute("aria-describedby", "mfa-setup-help");
  onCode(form, code, alert, button, (value) => auth.verifySoftwareToken(challenge, token.session, value, issuer));
  page(form, code);
}
