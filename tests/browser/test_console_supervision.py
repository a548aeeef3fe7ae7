"""Issue #24 in Chromium against the local stack: a supervisor (supervisor1, 최감독) watches a live
chat between a customer (over REST + WebSocket, as the widget talks) and agent1's console in the
모니터링 view, read-only; whispers (the agent's console shows it as a whisper, the customer gets
nothing: pushes and REST); takes the chat over after a confirmation (the customer sees the agent
change to 최감독, the chat moves to the supervisor's 채팅 view); and reaches the wallboard (the admin
page's 실시간 현황, alone). Korean at 1280 px, English at 1024 px; screenshots in tests/artifacts/."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from axe_support import assert_accessible
from browser_support import screenshot
from e2e_support import http, local_stack, sign_in
from playwright.sync_api import expect
from staff_checks import assert_screen
from test_console import Customer
from test_console_routing import console

AGENT1, SUPERVISOR, ADMIN = "agent1@example.com", "supervisor1@example.com", "admin@example.com"
WHISPER = "환불 규정 3조를 안내해 주세요"
# What people typed or named (shown as typed in either language), for staff_checks' language check.
DATA = {"홍고객", "김상담", "최감독", WHISPER, "환불하고 싶어요", "주문번호는 123입니다", "확인해 드리겠습니다",
        SUPERVISOR, AGENT1, "관리자"}  # 관리자: the demo admin's display name
TEXTS = {
    "ko": {
        "nav": "모니터링",
        "watch": "홍고객 상담 모니터링",
        "banner": "모니터링 중 · 읽기 전용",
        "whisper": "귓속말 (담당 상담원에게만 보임)",
        "send": "귓속말 보내기",
        "tag": "감독자 귓속말",
        "takeOver": "인수",
        "confirm": "인수하기",
        "taken": "상담을 인수했습니다. 채팅 화면에서 이어서 상담하세요.",
        "break": "휴식",
        "presence": "실시간 현황",
        "agentChanged": "상담원이 변경되었습니다.",
    },
    "en": {
        "nav": "Monitoring",
        "watch": "Monitor the chat with 홍고객",
        "banner": "Monitoring · read-only",
        "whisper": "Whisper (only the assigned agent sees it)",
        "send": "Send whisper",
        "tag": "Supervisor whisper",
        "takeOver": "Take over",
        "confirm": "Take over",
        "taken": "You took the chat over. Continue it in Chat.",
        "break": "Break",
        "presence": "Live status",
        "agentChanged": "The agent has changed.",
    },
}
CASES = [("ko", 1280), ("en", 1024)]


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack() as running:
        yield running


@pytest.fixture(autouse=True)
def clean_slate(stack: dict[str, Any]) -> Iterator[None]:
    yield
    admin = {"Authorization": f"Bearer {sign_in(stack, ADMIN)}"}
    for username in (AGENT1, SUPERVISOR):
        staff = {"Authorization": f"Bearer {sign_in(stack, username)}"}
        http("PUT", f"{stack['api']}/me/status", {"status": "offline"}, staff)
        for chat in http("GET", f"{stack['api']}/agent/chats", None, staff)[2]["chats"]:
            http("POST", f"{stack['api']}/chats/{chat['conversationId']}/end", {}, admin)


def frames_until(customer: Customer, frame_type: str, timeout: float = 10) -> list[dict[str, Any]]:
    """Every frame the customer gets up to and including the first of `frame_type`."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(customer.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        seen.append(frame)
        if frame.get("type") == frame_type:
            return seen


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_a_supervisor_watches_whispers_and_takes_over(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    words = TEXTS[lang]
    agent = console(stack, new_page, AGENT1, lang, width)
    customer = Customer(stack, "홍고객")  # agent1 is the only one online: theirs
    try:
        customer.say("환불하고 싶어요")
        agent.locator(".chat-item", has_text="홍고객").click()
        supervisor = console(stack, new_page, SUPERVISOR, lang, width, online=False)
        supervisor.locator(".status-button").click()
        supervisor.get_by_role("menuitemradio", name=words["break"]).click()  # the queue offers nothing on break
        expect(supervisor.locator(".status-button")).to_have_attribute("data-status", "break")
        supervisor.get_by_role("link", name=words["nav"], exact=True).click()
        row = supervisor.locator(".monitor-table tbody tr", has_text="홍고객")
        expect(row).to_contain_text("김상담")
        row.get_by_role("button", name=words["watch"]).focus()
        supervisor.keyboard.press("Enter")  # keyboard: the row's button
        expect(supervisor.locator(".monitor-banner")).to_contain_text(words["banner"])
        log = supervisor.locator(".monitor-messages")
        expect(log.locator(".msg-customer .msg-text", has_text="환불하고 싶어요")).to_be_visible()

        # Both sides, live.
        customer.say("주문번호는 123입니다")
        expect(log.locator(".msg-customer .msg-text", has_text="주문번호는 123입니다")).to_be_visible()
        composer = agent.locator(".composer textarea")
        composer.fill("확인해 드리겠습니다")
        composer.press("Enter")
        expect(log.locator(".msg-agent .msg-text", has_text="확인해 드리겠습니다")).to_be_visible()
        assert customer.frame("message.new")["message"]["text"] == "확인해 드리겠습니다"

        # The whisper: the agent sees it marked as one; the supervisor too; the customer nothing.
        supervisor.get_by_label(words["whisper"]).fill(WHISPER)
        supervisor.get_by_role("button", name=words["send"]).click()
        heard = agent.locator(".conversation .msg-whisper", has_text=WHISPER)
        expect(heard).to_be_visible()
        expect(heard.locator(".msg-note-label")).to_have_text(words["tag"])
        expect(log.locator(".msg-whisper", has_text=WHISPER)).to_be_visible()
        screenshot(supervisor, f"console-monitor-{lang}-{width}")
        screenshot(agent, f"console-whisper-received-{lang}-{width}")
        assert_accessible(supervisor, f"the monitoring view ({lang})")
        problems = assert_screen(supervisor, lang, DATA, f"monitoring {lang}-{width}")

        # Take over, after a confirmation.
        supervisor.get_by_role("button", name=words["takeOver"], exact=True).click()
        dialog = supervisor.locator("dialog.takeover-dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("김상담")
        screenshot(supervisor, f"console-takeover-dialog-{lang}-{width}")
        assert_accessible(supervisor, f"the take-over dialog ({lang})")
        problems += assert_screen(supervisor, lang, DATA, f"take-over dialog {lang}-{width}")
        dialog.get_by_role("button", name=words["confirm"], exact=True).click()
        expect(supervisor.locator(".toast")).to_have_text(words["taken"])
        expect(supervisor.locator(".chat-item", has_text="홍고객")).to_be_visible()
        seen = frames_until(customer, "chat.transferred")
        assert seen[-1]["agentName"] == "최감독"
        lines = [f["message"] for f in seen if f.get("type") == "message.new"]
        assert [m.get("systemCode") for m in lines] == ["agent_changed"], lines
        blob = json.dumps(seen, ensure_ascii=False)
        assert WHISPER not in blob and SUPERVISOR not in blob and "whisper" not in blob
        code, page_of_messages = customer.rest("GET", "/messages?afterSeq=0")
        assert code == 200 and WHISPER not in json.dumps(page_of_messages, ensure_ascii=False)
        supervisor.locator(".chat-item", has_text="홍고객").click()
        changed = supervisor.locator(".conversation .msg-system .msg-text", has_text=words["agentChanged"])
        expect(changed).to_be_visible()
        expect(supervisor.locator(".transfer-info")).to_be_hidden()  # their own take-over: no "transferred to you"
        screenshot(supervisor, f"console-taken-over-{lang}-{width}")

        # The wallboard: the admin page's 실시간 현황, and nothing else of it.
        supervisor.goto(stack["base"] + "/admin/")
        expect(supervisor.locator("#presence")).to_be_visible()
        expect(supervisor.locator("h1")).to_have_text(words["presence"])
        expect(supervisor.locator("#settings")).to_have_count(0)
        expect(supervisor.locator("#agents")).to_have_count(0)
        expect(supervisor.locator("#presence-rows")).to_contain_text("최감독")
        screenshot(supervisor, f"admin-supervisor-{lang}-{width}")
        assert_accessible(supervisor, f"the supervisor's admin page ({lang})")
        problems += assert_screen(supervisor, lang, DATA, f"admin page {lang}-{width}", clip=False)

        # Admins supervise too: their console has 모니터링 (the top bar holds one more link), the chat now 최감독's.
        admin = console(stack, new_page, ADMIN, lang, width, online=False)
        admin.get_by_role("link", name=words["nav"], exact=True).click()
        expect(admin.locator(".monitor-table tbody tr", has_text="홍고객")).to_contain_text("최감독")
        problems += assert_screen(admin, lang, DATA | {ADMIN}, f"admin's monitoring {lang}-{width}")
        screenshot(admin, f"console-monitor-admin-{lang}-{width}")
        assert problems == [], "\n".join(problems)
    finally:
        customer.close()
