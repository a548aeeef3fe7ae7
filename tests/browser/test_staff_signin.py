"""Staff sign-in (frontend/shared/signin.js), in Chromium against the local stack (issue 17 item 3).

The console and the admin page sign in through the one shared module, so every Cognito failure reads
the same, translated, in Korean and English: wrong password, unknown user, disabled account (disabled
through the admin API, refused by moto's Cognito), an invited user's new password, too many attempts
and no network. moto never throttles, so "too many attempts" is Cognito's real answer
(`NotAuthorizedException: Password attempts exceeded`) served at the network edge; "network" is the
request aborted by the browser. TOTP MFA (MFA_SETUP after the new password, then SOFTWARE_TOKEN_MFA at
the next sign-in) runs against moto's Cognito with MFA turned ON for the pool, codes computed here
(RFC 6238) from the secret the page shows. Screenshots: tests/artifacts/signin-*.png.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import time
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from browser_support import screenshot
from e2e_support import aws_client, http, sign_in
from playwright.sync_api import Page, Route, expect

KO = {
    "wrong": "이메일 또는 비밀번호가 맞지 않습니다.",
    "disabled": "사용이 중지된 계정입니다. 관리자에게 문의해 주세요.",
    "tooMany": "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
    "network": "로그인 서버에 연결할 수 없습니다. 네트워크 연결을 확인한 뒤 다시 시도해 주세요.",
    "newPassword": "새 비밀번호 설정",
}
EN = {
    "wrong": "Wrong email or password.",
    "disabled": "This account is disabled. Please contact your administrator.",
    "tooMany": "Too many sign-in attempts. Please wait a moment and try again.",
    "network": "Cannot reach the sign-in server. Check your network connection and try again.",
    "newPassword": "Choose a new password",
}
PAGES = {"console": "/console/", "admin": "/admin/"}
NEW_PASSWORD = "Fresh-Passw0rd!x"
# Words of Cognito's own messages: none may reach the screen.
COGNITO_WORDS = re.compile(
    r"Incorrect|username|User is disabled|does not exist|attempts exceeded|Failed to fetch|Exception"
)


def admin_rest(stack: dict[str, Any], method: str, path: str, body: Any = None) -> Any:
    token = sign_in(stack, "admin@example.com")
    code, _, answer = http(method, f"{stack['api']}{path}", body, {"Authorization": f"Bearer {token}"})
    assert code < 300, (code, answer)
    return answer


def invite(stack: dict[str, Any], email: str) -> str:
    """An agent invited through the admin API; returns the temporary password."""
    return admin_rest(stack, "POST", "/admin/agents", {"email": email, "displayName": email.split("@")[0]})[
        "temporaryPassword"
    ]


def open_page(new_page: Any, stack: dict[str, Any], which: str, lang: str) -> Page:
    page = new_page(locale="ko-KR" if lang == "ko" else "en-GB")
    page.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")
    page.goto(stack["base"] + PAGES[which])
    expect(page.locator("#signin-email")).to_be_visible()
    return page


def attempt(page: Page, email: str, password: str) -> None:
    page.fill("#signin-email", email)
    page.fill("#signin-password", password)
    page.locator("#signin-password").press("Enter")


def cognito_route(stack: dict[str, Any]) -> re.Pattern[str]:
    return re.compile("^" + re.escape(stack["awsEndpoint"].rstrip("/")) + "/?$")


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238: the 6-digit code an authenticator app shows for this secret now."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_sign_in_failure_is_translated_on_both_pages(stack: dict[str, Any], new_page: Any, lang: str) -> None:
    words = KO if lang == "ko" else EN
    disabled = f"disabled.{lang}@example.com"
    temporary = invite(stack, disabled)
    admin_rest(stack, "POST", f"/admin/agents/{disabled}/disable")
    invited = f"invited.{lang}@example.com"
    invited_password = invite(stack, invited)
    shown: dict[str, dict[str, str]] = {}
    for which in PAGES:
        page = open_page(new_page, stack, which, lang)
        error = page.locator("#signin-error")
        seen = shown.setdefault(which, {})

        attempt(page, "agent1@example.com", "wrong-password")
        expect(error).to_have_text(words["wrong"])
        seen["wrong"] = error.inner_text()
        screenshot(page, f"signin-{which}-{lang}-wrong-password")

        attempt(page, "nobody@example.com", "Whatever-Passw0rd!")
        expect(error).to_have_text(words["wrong"])  # the same words: who has an account is not told

        attempt(page, disabled, temporary)
        expect(error).to_have_text(words["disabled"])
        seen["disabled"] = error.inner_text()
        screenshot(page, f"signin-{which}-{lang}-disabled")

        # Cognito's lock-out answer after repeated failures (moto never sends it).
        def locked_out(route: Route) -> None:
            route.fulfill(
                status=400,
                headers={"Access-Control-Allow-Origin": "*", "Content-Type": "application/x-amz-json-1.1"},
                body=json.dumps({"__type": "NotAuthorizedException", "message": "Password attempts exceeded"}),
            )

        page.route(cognito_route(stack), locked_out)
        attempt(page, "agent1@example.com", "wrong-again")
        expect(error).to_have_text(words["tooMany"])
        seen["tooMany"] = error.inner_text()
        page.unroute(cognito_route(stack))

        page.route(cognito_route(stack), lambda route: route.abort("internetdisconnected"))
        attempt(page, "agent1@example.com", "Agent1-Passw0rd!")
        expect(error).to_have_text(words["network"])
        seen["network"] = error.inner_text()
        screenshot(page, f"signin-{which}-{lang}-network")
        page.unroute(cognito_route(stack))

        assert not COGNITO_WORDS.search(page.locator("body").inner_text())

        # An invited user: the new-password form, in the page's language, checked before sending.
        attempt(page, invited, invited_password)
        expect(page.locator("#new-password-title")).to_have_text(words["newPassword"])
        page.fill("#new-password", "short")
        page.fill("#new-password-again", "short")
        page.locator("#new-password-again").press("Enter")
        expect(page.locator("#new-password-error")).not_to_be_empty()
        assert not COGNITO_WORDS.search(page.locator("body").inner_text())
        screenshot(page, f"signin-{which}-{lang}-new-password")
    # One module: both pages say exactly the same.
    assert shown["console"] == shown["admin"]


def test_console_and_admin_load_the_one_shared_sign_in_module(stack: dict[str, Any], new_page: Any) -> None:
    for which in PAGES:
        page = new_page()
        scripts: list[str] = []
        page.on("request", lambda request, seen=scripts: seen.append(urlparse(request.url).path))
        page.goto(stack["base"] + PAGES[which])
        expect(page.locator("#signin-email")).to_be_visible()
        assert "/shared/signin.js" in scripts, scripts
        # The form is the shared module's: the same ids and labels on both pages.
        expect(page.get_by_label("이메일")).to_have_attribute("id", "signin-email")
        expect(page.get_by_label("비밀번호")).to_have_attribute("id", "signin-password")


def test_totp_mfa_setup_then_code_at_the_next_sign_in(stack: dict[str, Any], new_page: Any) -> None:
    cognito = aws_client(stack, "cognito-idp")
    pool = stack["userPoolId"]
    email = "mfa.agent@example.com"
    temporary = invite(stack, email)
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    try:
        for lang in ("ko", "en"):
            page = open_page(new_page, stack, "console", lang)
            if lang == "ko":
                # First sign-in: new password, then MFA_SETUP (associate + verify a software token).
                attempt(page, email, temporary)
                page.fill("#new-password", NEW_PASSWORD)
                page.fill("#new-password-again", NEW_PASSWORD)
                page.locator("#new-password-again").press("Enter")
                expect(page.locator("#mfa-setup-title")).to_have_text("인증 앱 등록")
                secret = page.locator("#mfa-secret").inner_text().strip()
                uri = urlparse(page.locator("#mfa-uri").inner_text().strip())
                assert secret and uri.scheme == "otpauth" and uri.netloc == "totp"
                assert unquote(uri.path) == f"/livechat:{email}" and parse_qs(uri.query)["secret"] == [secret]
                screenshot(page, "signin-console-ko-mfa-setup")
                page.fill("#mfa-setup-code", "12345")  # five digits: refused before anything is sent
                page.locator("#mfa-setup-code").press("Enter")
                expect(page.locator("#mfa-setup-error")).to_have_text("숫자 6자리를 입력해 주세요.")
                page.fill("#mfa-setup-code", totp(secret))
                page.locator("#mfa-setup-code").press("Enter")
                expect(page.locator(".status-button")).to_be_visible()
                page.get_by_role("button", name="로그아웃").click()
                expect(page.locator("#signin-email")).to_be_visible()
            # Every later sign-in: SOFTWARE_TOKEN_MFA, a 6-digit code field.
            attempt(page, email, NEW_PASSWORD)
            title = "2단계 인증" if lang == "ko" else "Two-step verification"
            expect(page.locator("#mfa-title")).to_have_text(title)
            code = page.locator("#mfa-code")
            expect(code).to_be_focused()
            expect(code).to_have_attribute("autocomplete", "one-time-code")
            expect(code).to_have_attribute("inputmode", "numeric")
            code.fill("abcdef")
            code.press("Enter")
            expect(page.locator("#mfa-error")).to_have_text(
                "숫자 6자리를 입력해 주세요." if lang == "ko" else "Enter 6 digits."
            )
            screenshot(page, f"signin-console-{lang}-mfa-code")
            code.fill(totp(secret))
            code.press("Enter")
            expect(page.locator(".status-button")).to_be_visible()
            assert not COGNITO_WORDS.search(page.locator("body").inner_text())
        # The admin page answers the same challenge through the same module.
        page = open_page(new_page, stack, "admin", "ko")
        attempt(page, email, NEW_PASSWORD)
        page.fill("#mfa-code", totp(secret))
        page.locator("#mfa-code").press("Enter")
        expect(page.locator("#not-admin")).to_contain_text(email)  # signed in; an agent, not an admin
    finally:
        cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OFF")


TRANSLATE = """
async (cases) => {
  const { describeSignInError } = await import('/shared/signin.js');
  const { describeError } = await import('/shared/errors.js');
  const { AuthError } = await import('/shared/auth.js');
  const { ApiError } = await import('/shared/api.js');
  const out = {};
  for (const lang of ['ko', 'en']) {
    out[lang] = {
      cognito: cases.map(([code, message]) => describeSignInError(new AuthError(code, message), lang)),
      api: ['not_found', 'conflict', 'rate_limited', 'invalid_field', 'forbidden', 'internal', 'surprise']
        .map((code) => describeError(new ApiError(400, code, 'English from the server'), lang)),
      network: describeError(new ApiError(0, 'network', 'Failed to fetch'), lang),
    };
  }
  return out;
}
"""
# Cognito's failures the local pool cannot produce, each as Cognito names it (code, message).
COGNITO_CASES = [
    ["CodeMismatchException", "Invalid code received for user"],
    ["ExpiredCodeException", "Invalid code provided"],
    ["TooManyRequestsException", "Too many requests"],
    ["LimitExceededException", "Attempt limit exceeded, please try after some time."],
    ["TooManyFailedAttemptsException", "Too many failed attempts."],
    ["UserNotConfirmedException", "User is not confirmed."],
    ["PasswordResetRequiredException", "Password reset required for the user"],
    ["InvalidPasswordException", "Password did not conform with policy"],
    ["NotAuthorizedException", "Invalid session for the user, session is expired."],
    ["EnableSoftwareTokenMFAException", "Code mismatch"],
    ["InternalErrorException", "Internal error"],
    ["SomethingNewException", "Brand new failure"],
]


def test_every_failure_code_has_a_sentence_in_both_languages(stack: dict[str, Any], new_page: Any) -> None:
    page = new_page()
    page.goto(stack["base"] + "/console/")
    result = page.evaluate(TRANSLATE, COGNITO_CASES)
    hangul = re.compile(r"[\uac00-\ud7a3]")
    for lang in ("ko", "en"):
        sentences = result[lang]["cognito"] + result[lang]["api"] + [result[lang]["network"]]
        for sentence in sentences:
            assert sentence and "English from the server" not in sentence and not COGNITO_WORDS.search(sentence)
            assert bool(hangul.search(sentence)) == (lang == "ko"), sentence
        assert len(set(result[lang]["cognito"][:2])) == 2  # a wrong code and an expired one differ
        assert result[lang]["cognito"][2] == result[lang]["cognito"][3]  # throttled: the same advice
    assert result["en"]["cognito"][0] == "That code is not right. Enter the code your app shows now."
    assert result["ko"]["api"][0] == "찾을 수 없습니다. 이미 지워졌거나 바뀌었을 수 있습니다."
