"""실시간 현황판 (the wallboard, issue #24) in Chromium against the local stack: pushed, never polled.

The admin page subscribes over its WebSocket; an agent going online (a status change) and customers
starting chats (the conversations' stream → the wallboard queue → the wallboard function) reach the
page without one GET /admin/presence. With the socket down the page reads it once and says so; back
online it resubscribes and is live again. Screenshots in Korean at 1280 px and English at 1024 px.
"""

from __future__ import annotations

import re
from typing import Any

from axe_support import assert_accessible
from browser_support import drop_staff_connections, screenshot, websocket_gate
from e2e_support import http, sign_in
from playwright.sync_api import Page, Request, expect
from staff_checks import assert_screen, values_of

AGENT = "agent1@example.com"
# The demo accounts' names and e-mails and this test's team, shown as typed in any language.
NAMES = {"관리자", "김상담", "이상담", "최감독", AGENT, "결제팀"}
NAMES |= {"admin@example.com", "agent2@example.com", "supervisor1@example.com"}


def _presence_reads(page: Page) -> list[str]:
    """Every request the page makes to GET /admin/presence (the poll this feature replaces)."""
    reads: list[str] = []

    def seen(request: Request) -> None:
        if "/api/admin/presence" in request.url:
            reads.append(request.url)

    page.on("request", seen)
    return reads


def _open_admin(stack: dict[str, Any], page: Page, lang: str = "ko") -> None:
    page.goto(stack["base"] + "/admin/")
    if lang == "en":  # the language switch's stored choice
        page.evaluate("localStorage.setItem('livechat.lang', 'en')")
        page.reload()
    page.fill("#signin-email", "admin@example.com")
    page.fill("#signin-password", "Admin-Passw0rd!")
    page.keyboard.press("Enter")
    expect(page.locator("#connection")).to_have_class(re.compile(r"\bonline\b"), timeout=20_000)
    expect(page.locator("#presence-updated")).not_to_be_empty()  # the subscribe's answer is drawn
    expect(page.locator("#wallboard-notice")).to_be_hidden()


def _data(stack: dict[str, Any]) -> set[str]:
    """What people typed, shown as typed in either language: the settings' texts and types, the names."""
    token = sign_in(stack, "admin@example.com")
    status, _, settings = http("GET", stack["api"] + "/settings", None, {"Authorization": f"Bearer {token}"})
    assert status == 200
    return values_of(settings) | NAMES


def _start_chat(stack: dict[str, Any], name: str) -> dict[str, Any]:
    _, _, availability = http("GET", stack["api"] + "/widget/availability")
    body = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": name}
    status, _, chat = http("POST", stack["api"] + "/chats", body)
    assert status == 201, chat
    return chat


def test_the_wallboard_updates_live_without_polling(stack: dict[str, Any], new_page: Any) -> None:
    admin = new_page(viewport={"width": 1280, "height": 900})
    reads = _presence_reads(admin)
    offline = websocket_gate(admin)
    _open_admin(stack, admin)
    row = admin.locator(f'#presence-rows tr[data-agent="{AGENT}"]')
    expect(admin.locator("#count-online")).to_have_text("0")

    # An agent goes online (their console's status menu calls the same service).
    agent = {"Authorization": f"Bearer {sign_in(stack, AGENT)}"}
    assert http("PUT", stack["api"] + "/me/status", {"status": "online"}, agent)[0] == 200
    expect(row).to_have_attribute("data-status", "online", timeout=15_000)
    expect(admin.locator("#count-online")).to_have_text("1")

    # One seat: the first customer is served, the second waits (chats arrive by the stream).
    admin_auth = {"Authorization": f"Bearer {sign_in(stack, 'admin@example.com')}"}
    code, _, _ = http("PUT", stack["api"] + "/admin/agents/agent1%40example.com/max-chats", {"maxChats": 1}, admin_auth)
    assert code == 200
    expect(row).to_contain_text("0 / 1", timeout=15_000)
    _start_chat(stack, "고객 하나")
    _start_chat(stack, "고객 둘")
    expect(row).to_contain_text("1 / 1", timeout=15_000)
    expect(admin.locator("#count-waiting")).to_have_text("1", timeout=15_000)
    expect(admin.locator("#count-today-in")).to_have_text("2", timeout=15_000)
    expect(admin.locator("#count-longest")).to_have_text(re.compile(r"^\d+초$"))  # ticking locally
    expect(admin.locator("#count-capacity")).to_have_text("1 / 1")
    assert reads == [], f"the wallboard polled: {reads}"

    problems = assert_screen(admin, "ko", _data(stack), "wallboard ko 1280")
    assert problems == [], problems
    assert_accessible(admin, "admin wallboard (ko, 1280)")
    screenshot(admin, "wallboard-ko-1280-page")
    admin.locator("#presence").screenshot(path="tests/artifacts/wallboard-ko-1280.png")

    # The socket goes down: one read of GET /admin/presence, said so on screen, and no more.
    offline["on"] = True
    drop_staff_connections(stack, "admin@example.com")
    expect(admin.locator("#wallboard-notice")).to_be_visible(timeout=15_000)
    expect(admin.locator("#wallboard-notice")).to_contain_text("실시간 연결이 끊겼습니다")
    expect(admin.locator("#count-waiting")).to_have_text("1")
    admin.wait_for_timeout(3000)  # reconnect attempts fail meanwhile: still only the one read
    assert len(reads) == 1, reads
    problems = assert_screen(admin, "ko", _data(stack), "wallboard fallback ko 1280")
    assert problems == [], problems
    assert_accessible(admin, "admin wallboard, socket down (ko, 1280)")
    admin.locator("#presence").screenshot(path="tests/artifacts/wallboard-fallback-ko-1280.png")

    # Back online: resubscribed, the whole snapshot again, live.
    offline["on"] = False
    expect(admin.locator("#wallboard-notice")).to_be_hidden(timeout=30_000)
    expect(admin.locator("#count-today-in")).to_have_text("2")
    assert http("PUT", stack["api"] + "/me/status", {"status": "break"}, agent)[0] == 200
    expect(row).to_have_attribute("data-status", "break", timeout=15_000)
    assert len(reads) == 1, reads


def test_the_wallboard_in_english_at_1024(stack: dict[str, Any], new_page: Any) -> None:
    page = new_page(viewport={"width": 1024, "height": 900})
    reads = _presence_reads(page)
    _open_admin(stack, page, "en")
    expect(page.locator("#presence-title")).to_have_text("Live status")
    expect(page.locator("#wallboard-today-title")).to_contain_text("Today")
    expect(page.locator("#presence-rows tr").first).to_be_visible()
    expect(page.locator("#wallboard-teams")).to_be_hidden()  # no teams yet

    # A team is saved (another admin, REST): the page shows it at once, by name, pushed.
    auth = {"Authorization": f"Bearer {sign_in(stack, 'admin@example.com')}"}
    team = {"id": "billing", "name": "결제팀", "memberAgentIds": [AGENT], "inquiryTypes": []}
    code, _, saved = http("PUT", stack["api"] + "/settings/routing", {"teams": [team]}, auth)
    assert code == 200, saved
    expect(page.locator('#wallboard-team-rows tr[data-team="billing"] th')).to_have_text("결제팀", timeout=15_000)
    expect(page.locator("#count-team-billing")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#wallboard-teams thead")).to_contain_text("Longest wait")
    page.locator("#presence").scroll_into_view_if_needed()
    problems = assert_screen(page, "en", _data(stack), "wallboard en 1024")
    assert problems == [], problems
    assert_accessible(page, "admin wallboard (en, 1024)")
    screenshot(page, "wallboard-en-1024-page")
    page.locator("#presence").screenshot(path="tests/artifacts/wallboard-en-1024.png")
    assert reads == [], reads
