"""Admins must have an authenticator app (ADMIN_MFA_REQUIRED, the template's default): an admin who has
none is signed in, the API answers `mfa_required`, and the console and the admin page show the
registration screen of the shared sign-in module (AssociateSoftwareToken / VerifySoftwareToken /
SetUserMFAPreference with the access token); once registered, the page opens. Codes are computed from
the secret the page shows (RFC 6238), as an authenticator app would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import screenshot
from e2e_support import aws_client, local_stack
from playwright.sync_api import Page, expect
from test_staff_signin import attempt, totp

PASSWORD = "Mfa-Admin-Passw0rd!"


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack(extra_env={"LOCAL_ADMIN_MFA_REQUIRED": "true"}) as running:
        yield running


def new_admin(stack: dict[str, Any], email: str) -> None:
    cognito = aws_client(stack, "cognito-idp")
    pool = stack["userPoolId"]
    attributes = [{"Name": "email", "Value": email}, {"Name": "name", "Value": "보안 관리자"}]
    cognito.admin_create_user(UserPoolId=pool, Username=email, MessageAction="SUPPRESS", UserAttributes=attributes)
    cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=PASSWORD, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName="admins")


def register_app(page: Page, title: str) -> str:
    expect(page.locator("#mfa-setup-title")).to_have_text(title, timeout=15_000)
    secret = page.locator("#mfa-secret").inner_text().strip()
    page.fill("#mfa-setup-code", totp(secret))
    page.locator("#mfa-setup-code").press("Enter")
    return secret


def test_an_admin_without_an_app_registers_one_in_the_console(stack: dict[str, Any], new_page: Any) -> None:
    new_admin(stack, "secure.admin@example.com")
    page = new_page(locale="en-GB", viewport={"width": 1024, "height": 768})
    page.add_init_script("localStorage.setItem('livechat.lang', 'en')")
    page.goto(stack["base"] + "/console/")
    attempt(page, "secure.admin@example.com", PASSWORD)
    expect(page.locator("#mfa-setup-title")).to_have_text("Set up your authenticator app", timeout=15_000)
    screenshot(page, "mfa-admin-console-en-1024-setup")
    register_app(page, "Set up your authenticator app")
    expect(page.locator(".status-button")).to_be_visible(timeout=15_000)  # the console opened
    cognito = aws_client(stack, "cognito-idp")
    user = cognito.admin_get_user(UserPoolId=stack["userPoolId"], Username="secure.admin@example.com")
    assert "SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", []), user


def test_the_admin_page_asks_the_same_and_opens_once_registered(stack: dict[str, Any], new_page: Any) -> None:
    page = new_page(locale="ko-KR", viewport={"width": 1280, "height": 720})
    page.goto(stack["base"] + "/admin/")
    attempt(page, "admin@example.com", "Admin-Passw0rd!")
    expect(page.locator("#mfa-setup-title")).to_have_text("인증 앱 등록", timeout=15_000)
    screenshot(page, "mfa-admin-page-ko-1280-setup")
    register_app(page, "인증 앱 등록")
    expect(page.locator("#agents-rows tr").first).to_be_visible(timeout=15_000)  # the admin page opened
    screenshot(page, "mfa-admin-page-ko-1280-open")
