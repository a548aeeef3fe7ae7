"""Issues #21 and #22 in the widget: the out-of-hours view (the message, when chat opens next in the
customer's and the service's time, 문의하기; also when POST /chats meets closing time and answers 409
`closed`), the required pre-chat inquiry type that puts the chat in its team's queue, and read
receipts (읽음 when the agent has read, the customer's `read` only while the chat is visible).
Chromium against the local stack; the agent is a WebSocket client; hours and teams are set with
`PUT /settings/routing` as an admin. Every view in ko at 1280 px and en at 1024 px, and at phone size."""

# ruff: noqa: F811 - test_widget's fixtures are imported, then requested by name as arguments

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_support import assert_accessible
from browser_support import screenshot
from e2e_support import http
from playwright.sync_api import Page, expect

# The shared pieces of the widget's browser tests (fixtures included: one stack for this module).
from test_widget import (  # noqa: F401 - fixtures are used by name
    Agent,
    Widget,
    agents,
    clean,
    defaults,
    rest,
    tokens,
)

SERVICE_ZONE = "Asia/Seoul"
CUSTOMER_ZONE = "Europe/Berlin"
CLOSED = {
    "ko": "지금은 운영시간이 아닙니다. 평일 09:00-18:00에 상담합니다.",
    "en": "We are closed now. Chat is open 09:00-18:00.",
}
EVERY_DAY_9_TO_6 = {
    day: [{"start": "09:00", "end": "18:00"}] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
VIEWS = [("ko", 1280), ("en", 1024)]
VIEW_IDS = ["ko-1280", "en-1024"]
TEXT = {
    "ko": {
        "closedHeading": "운영시간 외",
        "nextOpening": "다음 상담 가능 시간",
        "yours": "베를린 시간",
        "service": "서울 시간",
        "yourTime": "현재 계신 곳",
        "serviceTime": "고객센터",
        "inquire": "문의하기",
        "inquiryHeading": "1:1 문의",
        "agree": "동의하고 상담 시작",
        "chatType": "문의 유형",
        "chooseType": "문의 유형을 선택해 주세요.",
        "sent": "전송됨",
        "read": "읽음",
        "title": "고객센터 채팅 상담",
    },
    "en": {
        "closedHeading": "Outside opening hours",
        "nextOpening": "Chat opens again",
        "yours": "Berlin time",
        "service": "Seoul time",
        "yourTime": "where you are",
        "serviceTime": "our service",
        "inquire": "Leave an inquiry",
        "inquiryHeading": "1:1 inquiry",
        "agree": "Agree and start chat",
        "chatType": "Inquiry type",
        "chooseType": "Choose an inquiry type.",
        "sent": "Sent",
        "read": "Read",
        "title": "Customer Center Chat",
    },
}


@pytest.fixture(autouse=True)
def always_open(stack: dict[str, Any], tokens: dict[str, str]) -> Iterator[None]:
    """Every test starts and ends with no hours (always open) and no teams."""
    admin = tokens["admin"]
    rest(stack, "PUT", "/settings/routing", admin, {"hours": None, "teams": []})
    yield
    # Chats end while their teams still exist: an agent going offline returns an unanswered chat to
    # its team's queue, which, once the team is gone, GET /queue (one queue again) no longer lists.
    for agent in ("agent1", "agent2"):
        rest(stack, "PUT", "/me/status", tokens[agent], {"status": "offline"})
        for chat in rest(stack, "GET", "/agent/chats", tokens[agent])["chats"]:
            rest(stack, "POST", f"/chats/{chat['conversationId']}/end", admin)
    for chat in rest(stack, "GET", "/queue", admin)["chats"]:
        rest(stack, "POST", f"/chats/{chat['conversationId']}/end", admin)
    rest(stack, "PUT", "/settings/routing", admin, {"hours": None, "teams": []})


def close_for_today(stack: dict[str, Any], tokens: dict[str, str]) -> None:
    """Open 09:00-18:00 every day in Seoul, but today is a holiday: closed now, open tomorrow at 9."""
    today = datetime.now(ZoneInfo(SERVICE_ZONE)).date().isoformat()
    hours = {
        "timeZone": SERVICE_ZONE,
        "weekly": EVERY_DAY_9_TO_6,
        "holidays": [{"date": today, "name": "임시 휴무"}],
        "closedMessage": CLOSED,
    }
    rest(stack, "PUT", "/settings/routing", tokens["admin"], {"hours": hours})


def widget_in(stack: dict[str, Any], new_page: Callable[..., Page], lang: str, width: int, **options: Any) -> Widget:
    """The help centre with the widget in `lang` (the snippet's data-lang, as an embedder sets it), in a
    browser whose clock is in Berlin."""
    page = new_page(
        locale="ko-KR" if lang == "ko" else "en-US",
        timezone_id=CUSTOMER_ZONE,
        viewport={"width": width, "height": 760 if width < 500 else 800},
        **options,
    )
    page.add_init_script(
        "new MutationObserver((_, watch) => { const s = document.querySelector('script[data-lang]');"
        f" if (s) {{ s.dataset.lang = '{lang}'; watch.disconnect(); }} }})"
        ".observe(document, { childList: true, subtree: true });"
    )
    w = Widget(page).goto(stack["base"] + "/")
    expect(w.launcher).to_be_visible()
    return w


def axe(w: Widget, state: str) -> None:
    """axe-core on the page as it is; the inline style axe itself applies (refused by the page's CSP,
    as it should be) is not the widget's fault, so that console error is dropped again."""
    before = len(w.errors)
    assert_accessible(w.page, state)
    w.errors[before:] = [e for e in w.errors[before:] if "Applying inline style" not in e]


def shots(w: Widget, name: str) -> None:
    """The page as a whole and the widget's own box (what a customer looks at)."""
    screenshot(w.page, name)
    # caret="initial": hiding the caret would inject a style element, which the CSP refuses.
    w.panel.screenshot(path=str(screenshot(w.page, name).with_name(f"{name}-panel.png")), caret="initial")


def fits(w: Widget) -> None:
    """Nothing in the dialog sticks out sideways: no horizontal scrolling, every line inside."""
    assert w.panel.evaluate("p => p.querySelector('.body').scrollWidth - p.querySelector('.body').clientWidth") <= 0
    panel = w.panel.bounding_box()
    for node in w.panel.locator(".body > *, .opening dt, .opening dd").all():
        box = node.bounding_box()
        if box is None:
            continue  # not shown (an empty error line)
        assert box["x"] >= panel["x"] - 0.5 and box["x"] + box["width"] <= panel["x"] + panel["width"] + 0.5


def expected_times(stack: dict[str, Any], lang: str) -> list[list[str]]:
    """Pieces the two rows must contain (the next opening in Berlin, then in Seoul), from the API's own
    answer: the day and the time as the widget writes them (ko: 3일, 오전 9:00; en: 3 December, 09:00)."""
    _, _, answer = http("GET", f"{stack['api']}/widget/availability?timeZone={CUSTOMER_ZONE}")
    opening = answer["nextOpening"]
    assert (opening["customerTimeZone"], opening["serviceTimeZone"]) == (CUSTOMER_ZONE, SERVICE_ZONE)

    def pieces(iso: str) -> list[str]:
        t = datetime.fromisoformat(iso)
        if lang == "ko":
            return [
                f"{t.month}월 {t.day}일",
                f"{'오전' if t.hour < 12 else '오후'} {(t.hour % 12) or 12}:{t.minute:02d}",
            ]
        return [f"{t.day} {t:%B}", f"{t:%H:%M}"]

    return [pieces(opening["customerTime"]), pieces(opening["serviceTime"])]


def assert_closed_view(w: Widget, lang: str, stack: dict[str, Any]) -> None:
    text = TEXT[lang]
    expect(w.panel.get_by_role("heading", name=text["closedHeading"])).to_be_visible()
    expect(w.panel.locator(".note").first).to_have_text(CLOSED[lang])
    expect(w.panel.get_by_role("heading", name=text["nextOpening"])).to_be_visible()
    rows = w.panel.locator(".opening dt")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text(f"{text['yours']} (GMT+1, {text['yourTime']})")
    expect(rows.nth(1)).to_have_text(f"{text['service']} (GMT+9, {text['serviceTime']})")
    for row, pieces in enumerate(expected_times(stack, lang)):
        for piece in pieces:
            expect(w.panel.locator(".opening dd").nth(row)).to_contain_text(piece)
    # 문의하기 has the focus: Enter goes on to the inquiry.
    expect(w.button(text["inquire"])).to_be_focused()


# --- out of hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_out_of_hours_shows_both_times_and_leads_to_an_inquiry(
    stack, new_page, agents, tokens, lang: str, width: int
) -> None:
    agents().online()  # someone online, yet closed: the hours win over 상담원 부재중
    close_for_today(stack, tokens)
    w = widget_in(stack, new_page, lang, width)
    w.launcher.click()
    assert_closed_view(w, lang, stack)
    axe(w, f"widget out of hours ({lang})")
    fits(w)
    shots(w, f"widget-hours-closed-{lang}-{width}")

    w.page.keyboard.press("Enter")  # on 문의하기
    form = w.panel.locator("form.inquiry")
    expect(w.panel.get_by_role("heading", name=TEXT[lang]["inquiryHeading"])).to_be_visible()
    types = rest(stack, "GET", "/settings", tokens["admin"])["inquiryTypes"]
    if lang == "ko":
        form.get_by_label("이름", exact=True).fill("김고객")
        form.get_by_label("이메일", exact=True).fill("kim@example.com")
        form.get_by_label("문의 유형", exact=True).select_option(types[0])
        form.get_by_label("제목", exact=True).fill("운영시간 외 문의")
        form.get_by_label("내용", exact=True).fill("내일 연락 부탁드립니다.")
        form.get_by_label("개인정보 수집 및 이용에 동의합니다").check()
        form.get_by_role("button", name="보내기").click()
    else:
        form.get_by_label("Name", exact=True).fill("Kim")
        form.get_by_label("Email", exact=True).fill("kim@example.com")
        form.get_by_label("Inquiry type", exact=True).select_option(types[0])
        form.get_by_label("Title", exact=True).fill("After hours")
        form.get_by_label("Message", exact=True).fill("Please call me tomorrow.")
        form.get_by_label("I agree to the collection and use of my personal information").check()
        form.get_by_role("button", name="Send").click()
    expect(w.panel.locator(".note.done")).to_be_visible()
    tickets = rest(stack, "GET", "/tickets?channel=inquiry", tokens["admin"])["tickets"]
    assert tickets[0]["requesterEmail"] == "kim@example.com"
    # No chat was started out of hours.
    assert rest(stack, "GET", "/queue", tokens["admin"])["waiting"] == 0
    assert rest(stack, "GET", "/agent/chats", tokens["agent1"])["counts"]["active"] == 0
    w.assert_clean()


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_closing_time_between_consent_and_start_shows_the_out_of_hours_view(
    stack, new_page, agents, tokens, lang: str, width: int
) -> None:
    agents().online()
    w = widget_in(stack, new_page, lang, width)
    w.launcher.click()
    expect(w.button(TEXT[lang]["agree"])).to_be_visible()
    close_for_today(stack, tokens)  # closing time, while the customer reads the consent
    w.button(TEXT[lang]["agree"]).click()  # POST /chats: 409 closed, with the next opening
    assert_closed_view(w, lang, stack)
    assert rest(stack, "GET", "/queue", tokens["admin"])["waiting"] == 0
    assert rest(stack, "GET", "/agent/chats", tokens["agent1"])["counts"]["active"] == 0
    w.assert_clean()


def test_inside_hours_with_nobody_online_is_still_absence(stack, new_page, tokens, defaults) -> None:
    hours = {"timeZone": SERVICE_ZONE, "weekly": {d: [{"start": "00:00", "end": "24:00"}] for d in EVERY_DAY_9_TO_6}}
    rest(stack, "PUT", "/settings/routing", tokens["admin"], {"hours": hours})
    w = widget_in(stack, new_page, "ko", 1280)
    w.launcher.click()
    expect(w.panel.get_by_role("heading", name="상담원 부재중")).to_be_visible()
    expect(w.panel.locator(".note")).to_have_text(defaults["absenceMessage"])
    expect(w.panel.locator(".opening")).to_have_count(0)
    w.assert_clean()


def test_out_of_hours_at_phone_size(stack, new_page, tokens) -> None:
    close_for_today(stack, tokens)
    w = widget_in(stack, new_page, "ko", 375, is_mobile=True, has_touch=True)
    w.launcher.click()
    assert_closed_view(w, "ko", stack)
    assert w.panel.bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 760}
    fits(w)
    screenshot(w.page, "widget-hours-closed-ko-375")
    wide = widget_in(stack, new_page, "en", 1024)
    wide.launcher.click()
    assert wide.panel.bounding_box()["width"] < 480  # the widget's own size on a laptop
    fits(wide)
    w.assert_clean()


# --- the pre-chat inquiry type ------------------------------------------------------------------


def two_teams(stack: dict[str, Any], tokens: dict[str, str], billing_max: int | None = None) -> dict[str, str]:
    """billing (agent1, at most `billing_max` chats each) answers 주문/결제; general (agent2) everything
    else. Returns {name: id} of the types."""
    catalog = rest(stack, "GET", "/settings", tokens["admin"])["inquiryTypeCatalog"]
    ids = {entry["name"]: entry["id"] for entry in catalog if not entry["retired"]}
    teams = [
        {
            "id": "billing",
            "name": "결제",
            "memberAgentIds": ["agent1@example.com"],
            "inquiryTypes": [ids["주문/결제"]],
            "maxChatsPerAgent": billing_max,
        },
        {"id": "general", "name": "일반", "memberAgentIds": ["agent2@example.com"], "inquiryTypes": []},
    ]
    rest(stack, "PUT", "/settings/routing", tokens["admin"], {"teams": teams})
    return ids


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_the_inquiry_type_is_required_and_puts_the_chat_in_that_teams_queue(
    stack, new_page, agents, tokens, lang: str, width: int
) -> None:
    billing = agents("agent1@example.com")
    billing.online()
    agents("agent2@example.com").online()
    two_teams(stack, tokens)
    text = TEXT[lang]
    w = widget_in(stack, new_page, lang, width)
    w.launcher.click()
    choice = w.panel.get_by_label(text["chatType"], exact=True)
    expect(choice).to_be_visible()
    expect(choice).to_have_attribute("required", "")
    axe(w, f"widget pre-chat type choice ({lang})")

    # Not chosen: refused on the spot, the error tied to the select, focus on it; nothing started.
    w.button(text["agree"]).click()
    expect(choice).to_have_attribute("aria-invalid", "true")
    expect(choice).to_be_focused()
    error_id = choice.get_attribute("aria-describedby")
    expect(w.panel.locator(f"[id='{error_id}']")).to_have_text(text["chooseType"])
    assert rest(stack, "GET", "/queue", tokens["admin"])["waiting"] == 0
    axe(w, f"widget pre-chat type choice with an error ({lang})")
    fits(w)
    shots(w, f"widget-hours-type-{lang}-{width}")

    # Keyboard only: arrows move through the options of the focused select, Tab reaches 동의하고 상담 시작.
    label = "주문/결제" if lang == "ko" else choice.locator("option[value='주문/결제']").text_content()
    for _ in range(choice.locator("option").count()):
        if choice.evaluate("s => s.selectedOptions[0].textContent") == label:
            break
        w.page.keyboard.press("ArrowDown")
    expect(choice).to_have_value("주문/결제")
    expect(choice).not_to_have_attribute("aria-invalid", "true")  # cleared once chosen (at the next try)
    for _ in range(6):
        w.page.keyboard.press("Tab")
        if w.active().startswith(f"button|{text['agree']}"):
            break
    w.page.keyboard.press("Enter")
    conversation_id = billing.new_chat()  # agent1 (billing), not agent2
    expect(w.input).to_be_visible()
    chat = rest(stack, "GET", f"/chats/{conversation_id}", tokens["admin"])
    assert (chat["teamId"], chat["agentId"], chat["counsel"]["inquiryType"]) == (
        "billing",
        "agent1@example.com",
        "주문/결제",
    )
    w.assert_clean()


def test_a_chosen_type_whose_team_is_busy_waits_in_that_teams_queue(stack, new_page, agents, tokens) -> None:
    billing = agents("agent1@example.com")
    billing.online()
    general = agents("agent2@example.com")
    general.online()
    ids = two_teams(stack, tokens, billing_max=1)
    assert "주문/결제" in ids
    first = widget_in(stack, new_page, "ko", 1280)
    first.launcher.click()
    first.panel.get_by_label("문의 유형", exact=True).select_option("주문/결제")
    first.button("동의하고 상담 시작").click()
    billing.new_chat()
    second = widget_in(stack, new_page, "ko", 1280)
    second.launcher.click()
    second.panel.get_by_label("문의 유형", exact=True).select_option("주문/결제")
    second.button("동의하고 상담 시작").click()
    # agent2 is free but not billing: the chat waits in billing's queue, first in line.
    expect(second.root.locator(".queue")).to_have_text("상담 대기 중입니다. 대기 순번: 1번")
    queue = rest(stack, "GET", "/queue", tokens["admin"])
    assert [(c["teamId"], c["position"]) for c in queue["chats"]] == [("billing", 1)]
    assert rest(stack, "GET", "/agent/chats", tokens["agent2"])["counts"]["active"] == 0
    first.assert_clean()
    second.assert_clean()


# --- read receipts ------------------------------------------------------------------------------


def agent_reads(agent: Agent, conversation_id: str, seq: int) -> dict[str, Any]:
    """The agent's `read`, sent again after `retryAfterMs` when the server defers it (the protocol's rule)."""
    while True:
        agent.send("read", conversationId=conversation_id, seq=seq)
        ack = agent.wait("read.ack", lambda f: f["conversationId"] == conversation_id)
        if ack["outcome"] != "deferred":
            return ack
        time.sleep(ack["retryAfterMs"] / 1000)


def set_visible(w: Widget, visible: bool) -> None:
    """The tab hidden or shown again, as the browser reports it (visibilityState and its event)."""
    w.page.evaluate(
        """(visible) => {
             const value = visible ? "visible" : "hidden";
             Object.defineProperty(document, "visibilityState", { value, configurable: true });
             document.dispatchEvent(new Event("visibilitychange"));
           }""",
        visible,
    )


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_read_shows_when_the_agent_has_read_and_not_before(
    stack, new_page, agents, tokens, lang: str, width: int
) -> None:
    agent = agents()
    agent.online()
    text = TEXT[lang]
    w = widget_in(stack, new_page, lang, width)
    w.launcher.click()
    w.button(text["agree"]).click()
    expect(w.input).to_be_visible()
    conversation_id = agent.new_chat()

    w.type_and_send("첫 번째 질문")
    first = agent.customer_says(conversation_id)
    mine = w.log.locator(".msg.mine")
    expect(mine.nth(0).locator(".state")).to_have_text(text["sent"])
    w.type_and_send("두 번째 질문")
    second = agent.customer_says(conversation_id)
    expect(mine.nth(1).locator(".state")).to_have_text(text["sent"])
    # Not read yet: no 읽음 anywhere.
    expect(w.log.locator(".msg.mine[data-state='read']")).to_have_count(0)

    assert agent_reads(agent, conversation_id, first["seq"])["outcome"] == "written"
    expect(mine.nth(0).locator(".state")).to_have_text(text["read"])
    expect(mine.nth(1).locator(".state")).to_have_text(text["sent"])
    axe(w, f"widget chat with a read receipt ({lang})")
    fits(w)
    shots(w, f"widget-hours-read-{lang}-{width}")

    agent_reads(agent, conversation_id, second["seq"])
    # 읽음 is on the last message read, and only there.
    expect(mine.nth(1).locator(".state")).to_have_text(text["read"])
    expect(mine.nth(0).locator(".state")).to_have_text(text["sent"])
    assert rest(stack, "GET", f"/chats/{conversation_id}", tokens["agent1"])["reads"]["agent"] == second["seq"]

    # After a reload the stored receipt shows again.
    w.page.reload()
    expect(w.log.locator(".msg.mine").nth(1).locator(".state")).to_have_text(text["read"])
    w.assert_clean()


def test_the_customer_reads_only_what_was_visible(stack, new_page, agents, tokens) -> None:
    agent = agents()
    agent.online()
    w = widget_in(stack, new_page, "ko", 1280)
    frames: list[str] = []
    w.page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(str(payload))))
    w.launcher.click()
    w.button("동의하고 상담 시작").click()
    conversation_id = agent.new_chat()
    expect(w.input).to_be_visible()

    # Shown while the tab is visible and focused: the agent is told (a `read` push, side customer).
    shown = agent.say(conversation_id, "안녕하세요, 무엇을 도와드릴까요?")
    pushed = agent.wait("read", lambda f: f["side"] == "customer" and f["seq"] >= shown["seq"])
    assert pushed["conversationId"] == conversation_id

    # The tab hidden: a new agent message arrives and is drawn, but nobody saw it.
    set_visible(w, False)
    unseen = agent.say(conversation_id, "주문번호를 알려 주세요.")
    expect(w.log.locator(".msg.agent .bubble").last).to_have_text("주문번호를 알려 주세요.")
    # A message from the customer after it, acknowledged: a `read` sent earlier on the same socket
    # would have been handled before it.
    w.type_and_send("잠시만요")
    agent.customer_says(conversation_id)
    expect(w.log.locator(".msg.mine").last).to_have_attribute("data-state", "sent")
    assert rest(stack, "GET", f"/chats/{conversation_id}", tokens["agent1"])["reads"]["customer"] < unseen["seq"]
    assert not [f for f in frames if '"action":"read"' in f and f'"seq":{unseen["seq"]}' in f]

    # Back to the tab: now it counts as read.
    set_visible(w, True)
    agent.wait("read", lambda f: f["side"] == "customer" and f["seq"] >= unseen["seq"])
    assert rest(stack, "GET", f"/chats/{conversation_id}", tokens["agent1"])["reads"]["customer"] >= unseen["seq"]
    w.assert_clean()
