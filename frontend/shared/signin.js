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

export const SIGNIN_STRINGS = {
  ko: {
    email: "이메일",
    password: "비밀번호",
    signIn: "로그인",
    signingIn: "로그인 중…",
    required: "이메일과 비밀번호를 모두 입력해 주세요.",
    newPasswordTitle: "새 비밀번호 설정",
    newPasswordHelp: "처음 로그인하셨습니다. 사용할 새 비밀번호를 정해 주세요 (12자 이상, 대문자·소문자·숫자·기호 포함).",
    newPassword: "새 비밀번호",
    newPasswordAgain: "새 비밀번호 확인",
    setPassword: "비밀번호 저장",
    passwordsDiffer: "두 비밀번호가 다릅니다.",
    passwordWeak: "12자 이상, 대문자·소문자·숫자·기호를 모두 넣어 주세요.",
    mfaTitle: "2단계 인증",
    mfaHelp: "인증 앱에 표시된 6자리 코드를 입력해 주세요.",
    mfaCode: "인증 코드 (6자리)",
    verify: "확인",
    mfaSetupTitle: "인증 앱 등록",
    mfaSetupHelp: "이 계정은 2단계 인증을 써야 합니다. 인증 앱(Google Authenticator, Microsoft Authenticator 등)에 아래 비밀 키를 직접 입력하거나 otpauth 주소를 붙여 넣어 계정을 추가한 뒤, 앱에 표시된 6자리 코드를 입력해 주세요.",
    mfaSecret: "비밀 키",
    mfaUri: "otpauth 주소",
    mfaSetupCode: "앱에 표시된 코드 (6자리)",
    mfaRegister: "등록하고 로그인",
    mfaPreparing: "인증 앱 등록을 준비하는 중…",
    codeFormat: "숫자 6자리를 입력해 주세요.",
    backToSignIn: "처음부터 다시 로그인",
    error_wrongCredentials: "이메일 또는 비밀번호가 맞지 않습니다.",
    error_disabled: "사용이 중지된 계정입니다. 관리자에게 문의해 주세요.",
    error_tooManyAttempts: "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
    error_network: "로그인 서버에 연결할 수 없습니다. 네트워크 연결을 확인한 뒤 다시 시도해 주세요.",
    error_notConfirmed: "아직 확인되지 않은 계정입니다. 관리자에게 문의해 주세요.",
    error_resetRequired: "비밀번호를 다시 정해야 하는 계정입니다. 관리자에게 문의해 주세요.",
    error_sessionExpired: "로그인 단계가 만료되었습니다. 처음부터 다시 로그인해 주세요.",
    error_codeMismatch: "인증 코드가 맞지 않습니다. 앱에 지금 표시된 코드를 입력해 주세요.",
    error_codeExpired: "인증 코드가 만료되었습니다. 새 코드를 입력해 주세요.",
    error_passwordPolicy: "비밀번호가 규칙에 맞지 않습니다. 12자 이상, 대문자·소문자·숫자·기호를 모두 넣어 주세요.",
    error_unsupportedChallenge: "이 로그인 방식은 지원하지 않습니다. 관리자에게 문의해 주세요.",
    error_unavailable: "로그인 서비스를 잠시 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.",
    error_forbidden: "이 계정으로는 이 화면을 쓸 수 없습니다. 관리자에게 문의해 주세요.",
    error_sessionEnded: "로그인이 끝났습니다. 다시 로그인해 주세요.",
    error_unknown: "로그인하지 못했습니다. 잠시 후 다시 시도하거나 관리자에게 문의해 주세요.",
  },
  en: {
    email: "Email",
    password: "Password",
    signIn: "Sign in",
    signingIn: "Signing in…",
    required: "Enter both your email and your password.",
    newPasswordTitle: "Choose a new password",
    newPasswordHelp: "This is your first sign-in. Choose a new password (12+ characters with upper and lower case, a digit and a symbol).",
    newPassword: "New password",
    newPasswordAgain: "New password again",
    setPassword: "Save password",
    passwordsDiffer: "The two passwords differ.",
    passwordWeak: "Use 12+ characters with upper and lower case letters, a digit and a symbol.",
    mfaTitle: "Two-step verification",
    mfaHelp: "Enter the 6-digit code your authenticator app shows.",
    mfaCode: "Verification code (6 digits)",
    verify: "Verify",
    mfaSetupTitle: "Set up your authenticator app",
    mfaSetupHelp: "This account needs two-step verification. Add it to an authenticator app (Google Authenticator, Microsoft Authenticator, …) by typing the secret key below or pasting the otpauth address, then enter the 6-digit code the app shows.",
    mfaSecret: "Secret key",
    mfaUri: "otpauth address",
    mfaSetupCode: "Code from the app (6 digits)",
    mfaRegister: "Register and sign in",
    mfaPreparing: "Preparing the authenticator setup…",
    codeFormat: "Enter 6 digits.",
    backToSignIn: "Start the sign-in again",
    error_wrongCredentials: "Wrong email or password.",
    error_disabled: "This account is disabled. Please contact your administrator.",
    error_tooManyAttempts: "Too many sign-in attempts. Please wait a moment and try again.",
    error_network: "Cannot reach the sign-in server. Check your network connection and try again.",
    error_notConfirmed: "This account is not confirmed yet. Please contact your administrator.",
    error_resetRequired: "This account must set a new password. Please contact your administrator.",
    error_sessionExpired: "This sign-in step has expired. Please sign in again from the start.",
    error_codeMismatch: "That code is not right. Enter the code your app shows now.",
    error_codeExpired: "That code has expired. Enter a new one.",
    error_passwordPolicy: "The password does not meet the rules: 12+ characters with upper and lower case, a digit and a symbol.",
    error_unsupportedChallenge: "This sign-in method is not supported. Please contact your administrator.",
    error_unavailable: "The sign-in service is unavailable right now. Please try again shortly.",
    error_forbidden: "This account cannot use this page. Please contact your administrator.",
    error_sessionEnded: "Your session has ended. Please sign in again.",
    error_unknown: "Could not sign in. Please try again shortly or contact your administrator.",
  },
};

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
    if (result.challenge === "NEW_PASSWORD_REQUIRED") return newPasswordForm(result);
    if (result.challenge === "SOFTWARE_TOKEN_MFA") return mfaForm(result);
    return mfaSetupForm(result);
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

  function newPasswordForm(challenge) {
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

  function mfaForm(challenge) {
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

  async function mfaSetupForm(challenge) {
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

  if (enrol) mfaSetupForm({ challenge: "MFA_SETUP", username: auth.user()?.email || "", signedIn: true });
  else signInForm();
}
