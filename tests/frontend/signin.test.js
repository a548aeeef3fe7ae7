// frontend/shared/signin.js: which sentence each sign-in failure gets, and the authenticator URI.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../frontend/shared/api.js";
import { AuthError } from "../../frontend/shared/auth.js";
import { SIGNIN_STRINGS, describeSignInError, otpauthUri, signInErrorKind } from "../../frontend/shared/signin.js";

const cognito = (code, message = "") => new AuthError(code, message);

test("Cognito's codes and messages map to the page's sentences", () => {
  assert.equal(signInErrorKind(cognito("NotAuthorizedException", "Incorrect username or password.")), "wrongCredentials");
  assert.equal(signInErrorKind(cognito("UserNotFoundException")), "wrongCredentials", "who has an account is not told");
  assert.equal(signInErrorKind(cognito("NotAuthorizedException", "User is disabled.")), "disabled");
  assert.equal(signInErrorKind(cognito("NotAuthorizedException", "Password attempts exceeded")), "tooManyAttempts");
  assert.equal(signInErrorKind(cognito("NotAuthorizedException", "Invalid session for the user.")), "sessionExpired");
  assert.equal(signInErrorKind(cognito("CodeMismatchException")), "codeMismatch");
  assert.equal(signInErrorKind(cognito("SomethingNew")), "unknown");
  assert.equal(signInErrorKind(new Error("boom")), "unknown");
});

test("REST failures while starting", () => {
  assert.equal(signInErrorKind(new ApiError(0, "network", "")), "network");
  assert.equal(signInErrorKind(new ApiError(401, "unauthorized", "")), "sessionEnded");
  assert.equal(signInErrorKind(new ApiError(503, "unavailable", "")), "unavailable");
});

test("every kind has a Korean and an English sentence", () => {
  const kinds = ["network", "sessionEnded", "forbidden", "unavailable", "unknown", "disabled", "tooManyAttempts", "sessionExpired", "wrongCredentials", "notConfirmed", "resetRequired", "codeMismatch", "codeExpired", "passwordPolicy"];
  for (const kind of kinds) {
    assert.ok(SIGNIN_STRINGS.ko[`error_${kind}`], kind);
    assert.ok(SIGNIN_STRINGS.en[`error_${kind}`], kind);
  }
  assert.equal(describeSignInError(cognito("UserNotFoundException"), "en"), SIGNIN_STRINGS.en.error_wrongCredentials);
});

test("otpauth URI: label and issuer encoded, 6 digits every 30 s", () => {
  assert.equal(
    otpauthUri("livechat", "admin@example.com", "ABC DEF"),
    "otpauth://totp/livechat%3Aadmin%40example.com?secret=ABC%20DEF&issuer=livechat&digits=6&period=30",
  );
});
