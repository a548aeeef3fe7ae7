"""Issue #21 in the widget after the chat has started: a live transfer names the new agent (the line
`상담원이 변경되었습니다` and the receiver's display name), the sweep's lines read in the customer's
language, and a chat still waiting at closing time (`waitingAtClosing: close`) ends with 문의하기,
which opens the 1:1 inquiry form; axe-core on each. Chromium against a local stack of its own whose schedules run
every few seconds (the sweep closes waiting chats without a two-minute wait); the agents are
WebSocket clients. Screenshots in ko at 1280 px and en at 1024 px."""

# ruff: noqa: F811 - test_widget's fixtures are imported, then requested by name as arguments

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_support import screenshot
from e2e_support import local_stack
from playwright.sync_api import expect
from test_widget import (  # noqa: F401 - fixtures are used by name
    agents,
    clean,
    defaults,
    rest,
    tokens,
)
from test_widget_hours import EVERY_DAY_9_TO_6, SERVICE_ZONE, TEXT, VIEW_IDS, VIEWS, Widget, axe, widget_in

SCHEDULE_SECONDS = 2
RESET = {"hours": None, "teams": [], "waitingAtClosing": "keep", "acceptWindowSeconds": 60}
LINES = {
    "ko": {
        "changed": "상담원이 변경되었습니다. 새 상담원: 이상담",
        "joined": "상담원 김상담님이 상담을 시작했습니다.",
        "closed": "운영시간이 끝나 상담 연결을 마칩니다. 문의하기로 남겨 주시면 답변드리겠습니다.",
        "ended": "상담이 종료되었습니다.",
        "rate": "평가하기",
        "rateHeader": "평가",
    },
    "en": {
        "changed": "The agent has changed. Your agent now: 이상담",
        "joined": "김상담 has joined the chat.",
        "closed": "Chat is closed for today (outside opening hours). Please leave an inquiry and we will answer.",
        "ended": "The chat has ended.",
        "rate": "Rate this chat",
        "rateHeader": "Rate",
    },
}


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack(extra_env={"LOCAL_SCHEDULE_SECONDS": str(SCHEDULE_SECONDS)}) as running:
        yield running


@pytest.fixture(autouse=True)
def routing_reset(stack: dict[str, Any], tokens: dict[str, str]) -> Iterator[None]:
    """No hours, no teams, no accept window (the agents here never open the chat in a console)."""
    rest(stack, "PUT", "/settings/routing", tokens["admin"], {**RESET, "acceptWindowSeconds": 0})
    yield
    for agent in ("agent1", "agent2"):
        rest(stack, "PUT", "/me/status", tokens[agent], {"status": "offline"})
        for chat in rest(stack, "GET", "/agent/chats", tokens[agent])["chats"]:
            rest(stack, "POST", f"/chats/{chat['conversationId']}/end", tokens["admin"])
    for chat in rest(stack, "GET", "/queue", tokens["admin"])["chats"]:
        rest(stack, "POST", f"/chats/{chat['conversationId']}/end", tokens["admin"])
    rest(stack, "PUT", "/settings/routing", tokens["admin"], RESET)


def start_in(w: Widget, lang: str) -> None:
    w.launcher.click()
    w.button(TEXT[lang]["agree"]).click()
    expect(w.input).to_be_visible()


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_a_transfer_names_the_new_agent_and_older_lines_keep_theirs(
    stack, new_page, agents, lang: str, width: int
) -> None:
    first = agents("agent1@example.com")
    first.online()
    w = widget_in(stack, new_page, lang, width)
    start_in(w, lang)
    conversation_id = first.new_chat()
    second = agents("agent2@example.com")
    second.online()
    first.send("chat.transfer", conversationId=conversation_id, agentId="agent2@example.com")
    first.wait("chat.transfer.ack")
    changed = w.log.locator('.msg.system[data-code="agent_changed"]')
    expect(changed).to_have_text(LINES[lang]["changed"])
    expect(changed.locator("bdi.name")).to_have_text("이상담")
    # The first agent's line still names the first agent, in either language.
    expect(w.log.locator('.msg.system[data-code="agent_joined"]')).to_have_text(LINES[lang]["joined"])
    second.say(conversation_id, "이어서 도와드리겠습니다.")
    expect(w.log.locator(".msg.agent .who").last).to_have_text("이상담")
    axe(w, f"widget transferred ({lang})")
    screenshot(w.page, f"widget-transferred-{lang}-{width}")
    w.assert_clean()


def close_today_keeping_nobody_waiting(stack: dict[str, Any], tokens: dict[str, str]) -> None:
    today = datetime.now(ZoneInfo(SERVICE_ZONE)).date().isoformat()
    hours = {"timeZone": SERVICE_ZONE, "weekly": EVERY_DAY_9_TO_6, "holidays": [{"date": today}]}
    rest(stack, "PUT", "/settings/routing", tokens["admin"], {"hours": hours, "waitingAtClosing": "close"})


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_a_chat_waiting_at_closing_time_ends_with_an_inquiry_link(
    stack, new_page, agents, tokens, lang: str, width: int
) -> None:
    team = {"id": "general", "name": "일반", "memberAgentIds": ["agent1@example.com"], "maxChatsPerAgent": 1}
    rest(stack, "PUT", "/settings/routing", tokens["admin"], {"teams": [team]})
    agent = agents("agent1@example.com")
    agent.online()
    version = rest(stack, "GET", "/widget/availability")["consent"]["version"]
    live = rest(stack, "POST", "/chats", None, {"consent": True, "consentVersion": version, "customerName": "먼저"})
    assert live["state"] == "active"  # the one seat: the widget's chat waits
    w = widget_in(stack, new_page, lang, width)
    start_in(w, lang)
    expect(w.panel.locator(".queue")).to_be_visible()
    close_today_keeping_nobody_waiting(stack, tokens)  # the next sweep (seconds away) ends the waiting chat
    ended = w.panel.locator(".ended")
    expect(ended).to_be_visible(timeout=30_000)
    expect(ended.locator("p")).to_have_text(LINES[lang]["ended"])
    expect(w.log.locator('.msg.system[data-code="closed_waiting"]')).to_have_text(LINES[lang]["closed"])
    for rate in (LINES[lang]["rate"], LINES[lang]["rateHeader"]):
        expect(w.button(rate)).to_have_count(0)  # nobody served it: nothing to rate
    axe(w, f"widget closed while waiting ({lang})")
    screenshot(w.page, f"widget-closed-waiting-{lang}-{width}")
    assert rest(stack, "GET", f"/chats/{live['conversationId']}", tokens["admin"])["state"] == "active"
    w.button(TEXT[lang]["inquire"]).click()
    expect(w.panel.get_by_role("heading", name=TEXT[lang]["inquiryHeading"])).to_be_visible()
    w.assert_clean()
