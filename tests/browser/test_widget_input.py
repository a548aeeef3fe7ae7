"""Issue 17 in the widget: long unbroken text wraps (#2), the 2,000-character limit is counted and
refused with its reason instead of cut (#5), a whitespace-only message says why it is not sent
(#10), the ko/en switch in the header is remembered per site (#12), and the agent shows by display
name, never by e-mail (#7). Chromium against the local stack; the agent is a WebSocket client."""

# ruff: noqa: F811 - test_widget's fixtures are imported, then requested by name as arguments

from __future__ import annotations

import json
import re
from typing import Any

from browser_support import screenshot
from playwright.sync_api import expect

# The shared pieces of the widget's browser tests (fixtures included: one stack for this module).
from test_widget import (  # noqa: F401 - fixtures are used by name
    Widget,
    agents,
    clean,
    defaults,
    rest,
    tokens,
    widget,
)

UNBROKEN = "가나다라마바사아자차" * 200  # 2,000 characters, not one space
LAPTOP = {"viewport": {"width": 1280, "height": 720}}
SMALL = {"viewport": {"width": 1024, "height": 768}}


def _switch_to_english(w: Widget) -> None:
    w.panel.get_by_role("button", name="English", exact=True).click()
    w.panel = w.root.locator(".panel")  # a new widget element, same locators
    expect(w.panel.get_by_role("heading", name="Customer Center Chat")).to_be_visible()


def _chatting(w: Widget, agent: Any, english: bool = False) -> str:
    w.launcher.click()
    if english:
        _switch_to_english(w)
        w.panel.get_by_role("button", name="Agree and start chat", exact=True).click()
    else:
        w.button("동의하고 상담 시작").click()
    expect(w.input).to_be_visible()
    return agent.new_chat()


def _inside(box: dict[str, float], outer: dict[str, float]) -> bool:
    return box["x"] >= outer["x"] - 0.5 and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5


def _assert_wrapped(w: Widget) -> None:
    """Nothing in the chat is wider than the panel: no sideways scrolling, every bubble inside."""
    overflow = w.log.evaluate("log => log.scrollWidth - log.clientWidth")
    assert overflow <= 0, f"the log scrolls sideways by {overflow}px"
    panel = w.panel.bounding_box()
    for item in w.log.locator("li").all():
        assert _inside(item.bounding_box(), panel), item.text_content()[:40]


def test_an_unbroken_2000_character_message_wraps_both_ways(stack, agents, widget) -> None:
    """Messages both ways, and the agent's name (100 Latin letters, no space: Hangul breaks between
    syllables anyway, Latin does not) in the system line and above the agent's bubble: every one
    wraps inside the panel."""
    long_name = "Kim" + "x" * 97
    for lang, options in (("ko", LAPTOP), ("en", SMALL)):
        agent = agents()
        rest(stack, "PUT", "/me/profile", agent.token, {"displayName": long_name})
        try:
            agent.online()
            w = widget(**options)
            conversation_id = _chatting(w, agent, english=lang == "en")
            w.input.fill(UNBROKEN)
            w.input.press("Enter")
            assert agent.customer_says(conversation_id)["text"] == UNBROKEN
            agent.say(conversation_id, UNBROKEN)
            expect(w.log.locator(".msg.agent .bubble")).to_have_text(UNBROKEN)
            expect(w.log.locator(".msg.agent .who")).to_have_text(long_name)
            expect(w.log.locator(".msg.system")).to_contain_text(long_name)
            _assert_wrapped(w)
            w.log.evaluate("log => log.scrollTop = 0")
            screenshot(w.page, f"widget-unbroken-2000-{lang}")
            rest(stack, "POST", f"/chats/{conversation_id}/end", agent.token)
        finally:
            rest(stack, "PUT", "/me/profile", agent.token, {"displayName": "김상담"})


def test_the_counter_shows_near_the_limit_and_a_longer_message_is_refused_not_cut(stack, agents, widget) -> None:
    agent = agents()
    agent.online()
    w = widget(**LAPTOP)
    conversation_id = _chatting(w, agent)
    counter = w.panel.locator(".counter")
    note = w.panel.locator(".composer-note")
    w.input.fill("가" * 1000)
    expect(counter).to_be_hidden()  # far from the limit: no counter
    w.input.fill("가" * 1900)
    expect(counter).to_have_text("1,900 / 2,000자")
    expect(counter).not_to_have_class(re.compile(r"\bover\b"))

    w.input.fill("나" * 3000)  # a long paste is kept whole: no maxlength cuts it
    expect(w.input).to_have_value("나" * 3000)
    expect(counter).to_have_text("3,000 / 2,000자")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    expect(w.input).to_have_attribute("aria-invalid", "true")
    w.input.press("Enter")
    expect(note).to_have_text("메시지는 2,000자까지 보낼 수 있습니다. 1,000자를 줄여 주세요.")
    expect(w.input).to_have_value("나" * 3000)  # refused, not cut, not sent
    assert w.log.locator(".msg.mine").count() == 0
    screenshot(w.page, "widget-message-too-long-ko")

    # Emoji are one character each, as the server counts them (code points, not UTF-16 units).
    w.input.fill("😀" * 2000)
    expect(counter).to_have_text("2,000 / 2,000자")
    expect(note).to_have_text("")
    w.input.press("Enter")
    assert agent.customer_says(conversation_id)["text"] == "😀" * 2000
    expect(w.input).to_have_value("")
    expect(counter).to_be_hidden()


def test_the_servers_too_long_is_shown_on_the_message(stack, agents, widget) -> None:
    """Should the server ever refuse a message as too long, the customer reads why on it."""
    agent = agents()
    agent.online()
    w = widget(**LAPTOP)

    def lengthen(ws_route: Any) -> None:
        server = ws_route.connect_to_server()

        def to_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame.get("action") == "message.send":
                frame["text"] += "!" * 2000  # what a client with another count might send
            server.send(json.dumps(frame))

        ws_route.on_message(to_server)

    w.page.route_web_socket(re.compile(r".*/ws\?token=.*"), lengthen)
    _chatting(w, agent)
    w.input.fill("안녕하세요")
    w.input.press("Enter")
    mine = w.log.locator(".msg.mine").last
    expect(mine).to_have_attribute("data-state", "failed")
    expect(mine.locator(".state")).to_have_text("전송 실패: 2,000자를 넘었습니다")
    screenshot(w.page, "widget-server-too-long-ko")


def test_a_whitespace_only_message_is_not_sent_and_says_why(stack, agents, widget) -> None:
    agent = agents()
    agent.online()
    w = widget(**LAPTOP)
    conversation_id = _chatting(w, agent)
    note = w.panel.locator(".composer-note")
    w.input.fill("   \n\t  ")
    w.input.press("Enter")
    expect(note).to_have_text("공백만 있는 메시지는 보낼 수 없습니다. 내용을 입력해 주세요.")
    expect(w.input).to_have_value("")
    expect(w.input).to_be_focused()
    assert w.log.locator(".msg.mine").count() == 0
    screenshot(w.page, "widget-whitespace-only-ko")
    w.input.press_sequentially("네")
    expect(note).to_have_text("")  # typing something takes the reason away

    _switch_to_english(w)
    w.input = w.root.locator(".composer textarea")
    note = w.panel.locator(".composer-note")
    w.input.fill("     ")
    w.panel.get_by_role("button", name="Send", exact=True).click()
    expect(note).to_have_text("A message of only spaces cannot be sent. Please type something.")
    screenshot(w.page, "widget-whitespace-only-en")
    stored = rest(stack, "GET", f"/chats/{conversation_id}/messages", agent.token)["messages"]
    assert [m for m in stored if m["role"] == "customer"] == []  # nothing reached the server


def test_the_language_switch_is_remembered_per_site_and_keeps_the_chat(stack, agents, widget) -> None:
    agent = agents()
    agent.online()
    w = widget(**LAPTOP)  # the help page's embed says data-lang="ko"
    w.launcher.click()
    expect(w.panel.get_by_role("heading", name="고객센터 채팅 상담")).to_be_visible()
    switch = w.panel.get_by_role("button", name="English", exact=True)  # its name is its visible text (2.5.3)
    expect(switch).to_have_attribute("title", "English로 보기")
    _switch_to_english(w)
    expect(w.panel.get_by_role("button", name="Agree and start chat", exact=True)).to_be_visible()
    expect(w.panel.get_by_role("button", name="한국어", exact=True)).to_be_focused()
    expect(w.root).to_have_attribute("lang", "en")
    assert w.page.evaluate("Object.entries(localStorage).filter(([k]) => k.startsWith('livechat.widget.lang'))") == [
        [f"livechat.widget.lang:{stack['base']}/api", "en"]
    ]
    screenshot(w.page, "widget-language-en-consent")

    w.page.reload()  # remembered: the embed's data-lang is only the default
    w.launcher.click()
    expect(w.panel.get_by_role("heading", name="Customer Center Chat")).to_be_visible()
    w.panel.get_by_role("button", name="Agree and start chat", exact=True).click()
    conversation_id = agent.new_chat()
    expect(w.log.locator(".msg.system")).to_have_text("김상담 has joined the chat.")
    w.input.fill("Hello")
    w.input.press("Enter")
    agent.customer_says(conversation_id)
    agent.say(conversation_id, "안녕하세요, 무엇을 도와드릴까요?")
    expect(w.log.locator(".msg.agent .who")).to_have_text("김상담")
    screenshot(w.page, "widget-language-en-chat")

    # Back to Korean in the middle of the chat: the conversation is still there, in Korean.
    w.panel.get_by_role("button", name="한국어", exact=True).click()
    w.panel = w.root.locator(".panel")
    expect(w.panel.get_by_role("heading", name="고객센터 채팅 상담")).to_be_visible()
    expect(w.log.locator(".msg.system")).to_have_text("상담원 김상담님이 상담을 시작했습니다.")
    expect(w.log.locator(".msg.mine .bubble")).to_have_text("Hello")
    expect(w.log.locator(".msg.agent .bubble")).to_have_text("안녕하세요, 무엇을 도와드릴까요?")
    expect(w.panel.get_by_role("button", name="상담 종료", exact=True)).to_be_visible()
    screenshot(w.page, "widget-language-ko-chat")

    # Another site (origin) keeps its own choice: a fresh context has none and follows data-lang.
    other = widget(**LAPTOP)
    other.launcher.click()
    expect(other.panel.get_by_role("heading", name="고객센터 채팅 상담")).to_be_visible()


def test_customers_see_the_display_name_never_the_e_mail(stack, agents, widget) -> None:
    agent = agents()
    agent.online()
    w = widget(**LAPTOP)
    conversation_id = _chatting(w, agent)
    expect(w.log.locator(".msg.system")).to_have_text("상담원 김상담님이 상담을 시작했습니다.")
    agent.say(conversation_id, "안녕하세요")
    expect(w.log.locator(".msg.agent .who")).to_have_text("김상담")
    assert "@example.com" not in w.root.evaluate("host => host.shadowRoot.textContent")
    screenshot(w.page, "widget-display-name-ko")
