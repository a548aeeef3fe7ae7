"""The admin page in Chromium against the local stack: settings, an invited agent, presence, a customer.

An admin changes the absence message and the maximum chats, invites an agent; the agent signs in
with the temporary password (new-password challenge) and goes online; the admin sees them online;
a customer sees the new settings through GET /widget/availability and the new maximum at work.
"""

from __future__ import annotations

import re
from typing import Any

from browser_support import drop_staff_connections, screenshot, websocket_gate
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect

NEW_ABSENCE = "지금은 상담 시간이 아닙니다. 문의를 남겨 주세요 (관리자 변경)."
NEW_AGENT = "new.agent@example.com"
NEW_PASSWORD = "Chosen-Passw0rd!"


def _watch(page: Page) -> list[str]:
    """Console errors and CSP violations of a page (there must be none)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/admin/")
    expect(page.locator("#signin-email")).to_be_focused()
    page.fill("#signin-email", email)
    page.fill("#signin-password", password)
    page.keyboard.press("Enter")


def _signed_in_admin(stack: dict[str, Any], new_page: Any) -> tuple[Page, list[str]]:
    """The admin page, signed in as the demo admin with the settings loaded, and its problems."""
    admin = new_page()
    problems = _watch(admin)
    _sign_in(admin, stack["base"], "admin@example.com", "Admin-Passw0rd!")
    expect(admin.locator("#settings-status")).to_contain_text("저장됨", timeout=20_000)
    return admin, problems


def _availability(stack: dict[str, Any]) -> dict[str, Any]:
    status, _, body = http("GET", stack["base"] + "/api/widget/availability")
    assert status == 200
    return body


def test_admin_changes_settings_invites_an_agent_who_goes_online(stack: dict[str, Any], new_page: Any) -> None:
    base = stack["base"]
    admin, admin_problems = _signed_in_admin(stack, new_page)
    expect(admin.locator("#who")).to_have_text("admin@example.com")

    # Bad input is refused in the page and nothing is sent.
    admin.fill("#set-greeting", "")
    admin.click("#settings-save")
    expect(admin.locator("#set-greeting")).to_have_attribute("aria-invalid", "true")
    expect(admin.locator("#set-greeting")).to_be_focused()
    expect(admin.locator("#settings-status")).to_contain_text("고쳐 주세요")
    admin.fill("#set-maxChatsPerAgent", "99")
    admin.click("#settings-reset")
    expect(admin.locator("#set-greeting")).not_to_have_value("")

    # The absence message and the maximum: typed, saved, and the saved state shown.
    admin.fill("#set-absenceMessage", NEW_ABSENCE)
    admin.fill("#set-maxChatsPerAgent", "1")
    expect(admin.locator("#settings-status")).to_contain_text("저장하지 않은")
    admin.click("#settings-save")
    expect(admin.locator("#settings-status")).to_have_text(re.compile(r"저장됨 · 버전 \d+"))
    screenshot(admin, "admin-settings")

    # Invite: the temporary password is shown once.
    admin.fill("#invite-email", NEW_AGENT)
    admin.fill("#invite-name", "신입 상담원")
    admin.click("#invite-submit")
    password = admin.locator("#invite-password").inner_text(timeout=10_000)
    assert len(password) >= 12
    row = admin.locator(f'#agents-rows tr[data-agent="{NEW_AGENT}"]')
    expect(row).to_contain_text("신입 상담원")
    expect(row).to_contain_text("첫 로그인 전")
    screenshot(admin, "admin-agents")

    # No one is online yet: the customer's widget would show the new absence message.
    before = _availability(stack)
    assert before["absenceMessage"] == NEW_ABSENCE
    assert before["agentsOnline"] is False

    # The invited agent signs in to the console with the temporary password, must choose a new
    # one, and goes online from the status menu.
    agent = new_page()
    agent.goto(base + "/console/")
    agent.fill("input[name=email]", NEW_AGENT)
    agent.fill("input[name=password]", password)
    agent.keyboard.press("Enter")
    # The shared sign-in (frontend/shared/signin.js): the new password twice, as on the admin page.
    agent.fill("#new-password", NEW_PASSWORD)
    agent.fill("#new-password-again", NEW_PASSWORD)
    agent.keyboard.press("Enter")
    agent.click("#status-button", timeout=20_000)
    agent.click(".status-option[data-status=online]")
    screenshot(agent, "admin-invited-agent-console")

    # The admin's live view shows them online.
    online_row = admin.locator(f'#presence-rows tr[data-agent="{NEW_AGENT}"]')
    expect(online_row).to_have_attribute("data-status", "online", timeout=15_000)
    expect(admin.locator("#count-online")).to_have_text("1")

    # The customer sees the new settings: an agent online, the new absence text, and a maximum
    # of one chat per agent (the second customer waits).
    after = _availability(stack)
    assert after["agentsOnline"] is True and after["absenceMessage"] == NEW_ABSENCE
    chats = []
    for name in ("고객 하나", "고객 둘"):
        status, _, chat = http(
            "POST",
            base + "/api/chats",
            {"consent": True, "consentVersion": after["consent"]["version"], "customerName": name},
        )
        assert status == 201, chat
        chats.append(chat)
    assert [c["state"] for c in chats] == ["active", "waiting"]
    expect(admin.locator("#count-waiting")).to_have_text("1", timeout=15_000)
    expect(online_row).to_contain_text("1 / 1")
    screenshot(admin, "admin-presence")

    # Chat permission removed from the table: the agent no longer counts for the widget.
    admin.once("dialog", lambda dialog: dialog.accept())
    row.locator(".permission-toggle").click()
    expect(admin.locator("#agents-message")).to_contain_text("변경했습니다")
    expect(row.locator(".permission-toggle")).to_have_text("권한 주기")
    assert _availability(stack)["agentsOnline"] is False
    assert admin_problems == []


def test_a_save_over_another_admins_newer_settings_is_refused(stack: dict[str, Any], new_page: Any) -> None:
    base = stack["base"]
    admin, problems = _signed_in_admin(stack, new_page)
    admin.fill("#set-greeting", "이 화면에서 고친 인사")

    # Another admin saves meanwhile: this tab keeps its edit and says the settings changed.
    token = sign_in(stack, "admin@example.com")
    headers = {"Authorization": f"Bearer {token}"}
    code, _, current = http("GET", base + "/api/settings", None, headers)
    code, _, newer = http(
        "PUT", base + "/api/settings", {"greeting": "다른 관리자의 인사", "version": current["version"]}, headers
    )
    assert code == 200, newer
    expect(admin.locator("#settings-status")).to_contain_text("다른 관리자가 설정을 바꿨습니다")

    admin.click("#settings-save")
    expect(admin.locator("#settings-status")).to_contain_text("저장하지 못했습니다: 다른 관리자가")
    assert http("GET", base + "/api/settings", None, headers)[2]["greeting"] == "다른 관리자의 인사"
    admin.click("#settings-reset")
    expect(admin.locator("#set-greeting")).to_have_value("다른 관리자의 인사")
    admin.click("#settings-save")  # nothing changed: nothing is sent
    expect(admin.locator("#settings-status")).to_contain_text("저장됨")
    assert [p for p in problems if "status of 409" not in p] == [], problems  # the refused save is logged


def test_settings_saved_while_the_page_was_offline_load_on_reconnect(stack: dict[str, Any], new_page: Any) -> None:
    base = stack["base"]
    admin = new_page()
    problems = _watch(admin)
    offline = websocket_gate(admin)
    _sign_in(admin, base, "admin@example.com", "Admin-Passw0rd!")
    expect(admin.locator("#settings-status")).to_contain_text("저장됨", timeout=20_000)
    expect(admin.locator("#connection")).to_have_class(re.compile(r"\bonline\b"))

    # The network goes away and API Gateway drops the page's connection; another admin saves.
    offline["on"] = True
    drop_staff_connections(stack, "admin@example.com")
    expect(admin.locator("#connection")).to_have_class(re.compile(r"\boffline\b"))
    headers = {"Authorization": f"Bearer {sign_in(stack, 'admin@example.com')}"}
    code, _, saved = http("PUT", base + "/api/settings", {"greeting": "연결이 끊긴 동안 바뀐 인사"}, headers)
    assert code == 200, saved
    expect(admin.locator("#set-greeting")).not_to_have_value("연결이 끊긴 동안 바뀐 인사")  # nothing told it

    offline["on"] = False
    expect(admin.locator("#connection")).to_have_class(re.compile(r"\bonline\b"), timeout=20_000)
    expect(admin.locator("#set-greeting")).to_have_value("연결이 끊긴 동안 바뀐 인사")
    expect(admin.locator("#settings-status")).to_contain_text(f"버전 {saved['version']}")
    assert problems == [], problems


def test_an_invited_admin_chooses_a_password_on_the_admin_page(stack: dict[str, Any], new_page: Any) -> None:
    token = sign_in(stack, "admin@example.com")
    status, _, invited = http(
        "POST",
        stack["api"] + "/admin/agents",
        {"email": "second.admin@example.com", "role": "admin"},
        {"Authorization": f"Bearer {token}"},
    )
    assert status == 201, invited
    page = new_page()
    problems = _watch(page)
    _sign_in(page, stack["base"], "second.admin@example.com", invited["temporaryPassword"])
    expect(page.locator("#new-password")).to_be_focused()
    page.fill("#new-password", "short")
    page.fill("#new-password-again", "short")
    page.keyboard.press("Enter")
    expect(page.locator("#new-password-error")).to_contain_text("12자")
    page.fill("#new-password", NEW_PASSWORD)
    page.fill("#new-password-again", NEW_PASSWORD + "x")
    page.keyboard.press("Enter")
    expect(page.locator("#new-password-error")).to_contain_text("다릅니다")
    page.fill("#new-password-again", NEW_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#who")).to_have_text("second.admin@example.com", timeout=20_000)
    expect(page.locator('#agents-rows tr[data-agent="second.admin@example.com"]')).to_contain_text("(나)")
    assert problems == []


def test_english_keyboard_and_a_non_admin(stack: dict[str, Any], new_page: Any) -> None:
    page = new_page(locale="en-GB")
    problems = _watch(page)
    page.goto(stack["base"] + "/admin/")
    page.select_option("#language", "en")
    expect(page.locator("#signin-title")).to_have_text("Admin sign-in")
    # Keyboard only: type, tab, type, Enter.
    page.locator("#signin-email").focus()
    page.keyboard.type("admin@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong-password")
    page.keyboard.press("Enter")
    expect(page.locator("#signin-error")).to_have_text("Wrong email or password.")
    problems.clear()  # Cognito's 400 for the wrong password is logged by the browser, as it should be
    page.fill("#signin-password", "Admin-Passw0rd!")
    page.keyboard.press("Enter")
    expect(page.locator("#settings-title")).to_have_text("Chat settings")
    expect(page.locator("#settings-status")).to_contain_text("Saved", timeout=20_000)
    # Every form control has a label (its own <label for>, or aria-label).
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')].filter((c) =>
             !c.getAttribute('aria-label') && !(c.id && document.querySelector(`label[for="${c.id}"]`))
           ).map((c) => c.outerHTML)"""
    )
    assert unlabelled == []
    # Types: add one with the keyboard, move it up, save; the widget's list follows.
    page.fill("#types-inquiry-new", "Warranty")
    page.keyboard.press("Enter")
    expect(page.locator("#types-inquiry-new")).to_be_focused()
    last = page.locator("#settings ol.types").first.locator("li").last
    expect(last.locator("input[lang=ko]")).to_have_value("Warranty")
    last.get_by_role("button", name="↑ Up (Warranty)").click()
    page.click("#settings-save")
    expect(page.locator("#settings-status")).to_contain_text("Saved · version")
    inquiry_types = _availability(stack)["inquiryTypes"]
    assert inquiry_types[-2] == "Warranty"
    screenshot(page, "admin-english")
    page.click("#sign-out")
    expect(page.locator("#signin-email")).to_be_visible()
    # An agent is refused by the page (and by the API).
    page.fill("#signin-email", "agent1@example.com")
    page.fill("#signin-password", "Agent1-Passw0rd!")
    page.keyboard.press("Enter")
    expect(page.locator("#not-admin")).to_contain_text("agent1@example.com")
    assert problems == []
