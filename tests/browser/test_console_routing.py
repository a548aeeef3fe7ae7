"""Issue #21 in the agent console: team badges, the 전환 dialog (to an agent with a note, to a team's
queue, refused targets), the accept countdown and a missed chat. Two agent consoles (agent1, agent2),
the customer over REST + WebSocket (test_console.Customer); Chromium against the local stack, whose
scheduled sweep runs every second here (LOCAL_SCHEDULE_SECONDS) so a short accept window runs out
while the test waits, and whose app clock the idle test moves forward (LOCAL_CLOCK_CONTROL,
infra/local/clock.py) instead of waiting through real minutes. In Korean at 1280 px and English at
1024 px; screenshots in tests/artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_support import assert_accessible
from browser_support import screenshot
from e2e_support import http, local_stack, sign_in
from playwright.sync_api import Page, expect
from test_console import Customer

AGENT1, AGENT2, ADMIN = "agent1@example.com", "agent2@example.com", "admin@example.com"
LABELS = {
    "ko": {"email": "이메일", "password": "비밀번호", "signIn": "로그인", "online": "온라인", "break": "휴식"},
    "en": {"email": "Email", "password": "Password", "signIn": "Sign in", "online": "Online", "break": "Break"},
}
TEXTS = {
    "ko": {
        "transfer": "전환",
        "submit": "전환하기",
        "self": "본인",
        "notOnline": "온라인 아님",
        "load0": "상담 0/",
        "movedTo": "채팅을 이상담(으)로 전환했습니다.",
        "noteIn": "전환 메모: 환불 요청 · 주문번호 확인함",
        "fromIn": "agent1@example.com님이 전환한 채팅입니다.",
        "unavailable": "전환하지 못했습니다: 그 상담원은 지금 온라인이 아닙니다. 다른 상담원을 고르세요.",
        "countdown": re.compile(r"^\d:\d\d 안에 열기$"),
        "missed": "고객의 채팅을 8초 안에 열지 않아 다른 상담원에게 넘어갔습니다. 내 상태가 휴식으로 바뀌었습니다.",
        "waiting": re.compile(r"대기 \d+명"),
        "team": "부서",
    },
    "en": {
        "transfer": "Transfer",
        "submit": "Transfer",
        "self": "yourself",
        "notOnline": "not online",
        "load0": "Chats 0/",
        "movedTo": "Transferred the chat to 이상담.",
        "noteIn": "Transfer note: 환불 요청 · 주문번호 확인함",
        "fromIn": "Transferred to you by agent1@example.com.",
        "unavailable": "Not transferred: That agent is not online now. Choose another agent.",
        "countdown": re.compile(r"^Open within \d:\d\d$"),
        "missed": "'s chat within 8 seconds, so it went to another agent. Your status is now Break.",
        "waiting": re.compile(r"\d+ waiting"),
        "team": "Team",
    },
}
NOTE = "환불 요청 · 주문번호 확인함"
CASES = [("ko", 1280), ("en", 1024)]


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    # The sweep every second: an accept window of a few seconds runs out while the test waits.
    with local_stack(extra_env={"LOCAL_SCHEDULE_SECONDS": "1", "LOCAL_CLOCK_CONTROL": "true"}) as running:
        yield running


def advance_clock(stack: dict[str, Any], ms: int) -> None:
    """The app's clock in the stack moves `ms` forward (it only ever moves forward: tests after this
    one see a server clock ahead of the browser's)."""
    code, _, body = http("POST", f"{stack['base']}/_local/clock", {"advanceMs": ms})
    assert code == 200 and body["offsetMs"] >= ms, body


def _auth(stack: dict[str, Any], username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in(stack, username)}"}


def put_routing(stack: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    for username in (AGENT1, AGENT2):  # team members must be staff the service knows (signed in once)
        assert http("GET", f"{stack['api']}/me", None, _auth(stack, username))[0] == 200
    code, _, saved = http("PUT", f"{stack['api']}/settings/routing", body, _auth(stack, ADMIN))
    assert code == 200, saved
    return saved


@pytest.fixture(autouse=True)
def clean_slate(stack: dict[str, Any]) -> Iterator[None]:
    """Every test starts with both agents offline, no chat live or waiting, no teams, the accept window off."""
    put_routing(stack, {"teams": [], "acceptWindowSeconds": 0, "idleWarningMinutes": 10, "idleCloseMinutes": 5})
    yield
    admin = _auth(stack, ADMIN)
    put_routing(stack, {"acceptWindowSeconds": 0})
    for username in (AGENT1, AGENT2):
        agent = _auth(stack, username)
        http("PUT", f"{stack['api']}/me/status", {"status": "offline"}, agent)
        for chat in http("GET", f"{stack['api']}/agent/chats", None, agent)[2]["chats"]:
            http("POST", f"{stack['api']}/chats/{chat['conversationId']}/end", {}, admin)
    for chat in http("GET", f"{stack['api']}/queue", None, admin)[2]["chats"]:
        http("POST", f"{stack['api']}/chats/{chat['conversationId']}/end", {}, admin)
    put_routing(stack, {"teams": []})


def console(stack: dict[str, Any], new_page: Any, username: str, lang: str, width: int, online: bool = True) -> Page:
    page: Page = new_page(viewport={"width": width, "height": 720 if width == 1280 else 768})
    page.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == username)
    page.goto(stack["base"] + "/console/")
    words = LABELS[lang]
    page.get_by_label(words["email"]).fill(username)
    page.get_by_label(words["password"]).fill(password)
    page.get_by_role("button", name=words["signIn"]).click()
    expect(page.locator(".status-button")).to_be_visible()
    # status.set goes over the socket: choose once it is connected (a frame sent earlier may be lost).
    expect(page.locator(".connection")).to_have_attribute("data-online", "true")
    if online:
        page.locator(".status-button").click()
        page.get_by_role("menuitemradio", name=words["online"]).click()
        expect(page.locator(".status-button")).to_have_attribute("data-status", "online")
    return page


def system_line(customer: Customer, code: str) -> dict[str, Any]:
    while True:
        message = customer.frame("message.new")["message"]
        if message.get("systemCode") == code:
            return message


def open_transfer(page: Page, name: str, lang: str) -> Any:
    page.locator(".chat-item", has_text=name).click()
    page.get_by_role("button", name=TEXTS[lang]["transfer"], exact=True).click()
    dialog = page.locator("dialog.transfer-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".transfer-agents .transfer-target").first).to_be_visible()
    return dialog


def agent_option(dialog: Any, display_name: str) -> Any:
    return dialog.locator(".transfer-agents .transfer-target", has_text=display_name)


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_a_transfer_to_an_agent_with_a_note(stack: dict[str, Any], new_page: Any, lang: str, width: int) -> None:
    words = TEXTS[lang]
    first = console(stack, new_page, AGENT1, lang, width)
    customer = Customer(stack, "홍길동")  # agent1 is the only one online: theirs
    try:
        second = console(stack, new_page, AGENT2, lang, width)
        dialog = open_transfer(first, "홍길동", lang)
        me = agent_option(dialog, "김상담")
        expect(me.locator("input")).to_be_disabled()
        expect(me.locator(".transfer-refusal")).to_have_text(words["self"])
        other = agent_option(dialog, "이상담")
        expect(other.locator("input")).to_be_enabled()
        expect(other.locator(".transfer-target-details")).to_contain_text(words["load0"])
        expect(dialog.locator(".transfer-team-set")).to_be_hidden()  # no teams configured
        other.locator("label").click()
        dialog.locator("textarea").fill(NOTE)
        screenshot(first, f"console-transfer-dialog-{lang}-{width}")
        assert_accessible(first, f"the transfer dialog ({lang})")
        dialog.get_by_role("button", name=words["submit"], exact=True).click()
        expect(dialog).to_be_hidden()
        expect(first.locator(".chat-item", has_text="홍길동")).to_have_count(0)  # it left the sender's list
        expect(first.locator(".conv-notice")).to_have_text(words["movedTo"])

        expect(second.locator(".chat-item", has_text="홍길동")).to_be_visible()
        second.locator(".chat-item", has_text="홍길동").click()
        expect(second.locator(".transfer-info .transfer-note")).to_have_text(words["noteIn"])
        expect(second.locator(".transfer-info .transfer-from")).to_have_text(words["fromIn"])
        screenshot(second, f"console-transfer-received-{lang}-{width}")

        line = system_line(customer, "agent_changed")
        assert line["text"] == "상담원이 변경되었습니다."
        assert customer.frame("chat.transferred")["agentName"] == "이상담"
        code, view = customer.rest("GET", "")
        assert code == 200, view
        assert NOTE not in str(view)  # the internal note never reaches the customer
        # The receiver's conversation shows the system line in the screen's language.
        expected = "상담원이 변경되었습니다." if lang == "ko" else "The agent has changed."
        expect(second.locator(".conversation .msg-system .msg-text", has_text=expected)).to_be_visible()
    finally:
        customer.close()


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_refused_targets_are_disabled_with_the_reason_and_a_late_refusal_is_said(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    words = TEXTS[lang]
    first = console(stack, new_page, AGENT1, lang, width)
    customer = Customer(stack, "박고객")
    try:
        agent2 = _auth(stack, AGENT2)
        assert http("PUT", f"{stack['api']}/me/status", {"status": "break"}, agent2)[0] == 200
        dialog = open_transfer(first, "박고객", lang)
        other = agent_option(dialog, "이상담")
        expect(other.locator("input")).to_be_disabled()
        expect(other.locator(".transfer-refusal")).to_have_text(words["notOnline"])
        dialog.get_by_role("button", name="취소" if lang == "ko" else "Cancel", exact=True).click()
        expect(dialog).to_be_hidden()

        # Online when the list is read, offline by the time the transfer is sent: the server's 409, in words.
        assert http("PUT", f"{stack['api']}/me/status", {"status": "online"}, agent2)[0] == 200
        dialog = open_transfer(first, "박고객", lang)
        other = agent_option(dialog, "이상담")
        expect(other.locator("input")).to_be_enabled()
        other.locator("label").click()
        assert http("PUT", f"{stack['api']}/me/status", {"status": "offline"}, agent2)[0] == 200
        dialog.get_by_role("button", name=words["submit"], exact=True).click()
        expect(dialog.locator(".field-error")).to_have_text(words["unavailable"])
        expect(other.locator("input")).to_be_disabled()  # the list was read again
        expect(other.locator(".transfer-refusal")).to_have_text(words["notOnline"])
        screenshot(first, f"console-transfer-refused-{lang}-{width}")
        assert_accessible(first, f"the transfer dialog with a refusal ({lang})")
        code, view = customer.rest("GET", "")
        assert code == 200 and view.get("agentName") == "김상담", view  # nothing moved
    finally:
        customer.close()


def _inquiry_type_id(stack: dict[str, Any]) -> str:
    code, _, settings = http("GET", f"{stack['api']}/settings", None, _auth(stack, ADMIN))
    assert code == 200, settings
    return next(t["id"] for t in settings["inquiryTypeCatalog"] if not t.get("retired"))


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_team_badges_and_a_transfer_to_a_team_queue(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    words = TEXTS[lang]
    put_routing(
        stack,
        {
            "teams": [
                {"id": "general", "name": "일반상담", "memberAgentIds": [AGENT1, AGENT2], "inquiryTypes": []},
                {
                    "id": "billing",
                    "name": "결제",
                    "memberAgentIds": [AGENT2],
                    "inquiryTypes": [_inquiry_type_id(stack)],
                },
            ]
        },
    )
    first = console(stack, new_page, AGENT1, lang, width)
    customer = Customer(stack, "최고객")  # no inquiry type: the catch-all team 일반상담, agent1's
    try:
        item = first.locator(".chat-item", has_text="최고객")
        expect(item.locator(".team-badge")).to_have_text(f"{words['team']}: 일반상담")
        item.click()
        expect(first.locator(".conv-header .team-badge")).to_contain_text("일반상담")
        second = console(stack, new_page, AGENT2, lang, width)
        dialog = open_transfer(first, "최고객", lang)
        teams = dialog.locator(".transfer-teams .transfer-target")
        expect(teams).to_have_count(2)
        billing = teams.filter(has_text="결제")
        expect(billing.locator(".transfer-target-details")).to_have_text(words["waiting"])
        billing.locator("label").click()
        dialog.locator("textarea").fill("결제팀 확인 필요")
        screenshot(first, f"console-transfer-team-{lang}-{width}")
        dialog.get_by_role("button", name=words["submit"], exact=True).click()
        expect(dialog).to_be_hidden()
        expect(first.locator(".chat-item", has_text="최고객")).to_have_count(0)

        # The billing queue's only member online with room takes it at once, badge and note with it.
        moved = second.locator(".chat-item", has_text="최고객")
        expect(moved.locator(".team-badge")).to_have_text(f"{words['team']}: 결제")
        moved.click()
        expect(second.locator(".conv-header .team-badge")).to_contain_text("결제")
        expect(second.locator(".transfer-info .transfer-note")).to_contain_text("결제팀 확인 필요")
        screenshot(second, f"console-team-badges-{lang}-{width}")
        assert_accessible(second, f"the chat with team badges ({lang})")
        assert system_line(customer, "agent_changed")["text"] == "상담원이 변경되었습니다."
    finally:
        customer.close()


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_the_accept_countdown_and_a_missed_chat(stack: dict[str, Any], new_page: Any, lang: str, width: int) -> None:
    words = TEXTS[lang]
    put_routing(stack, {"acceptWindowSeconds": 8})
    first = console(stack, new_page, AGENT1, lang, width)
    customer = Customer(stack, "정고객")  # agent1's: the only one online
    try:
        item = first.locator(".chat-item", has_text="정고객")
        expect(item.locator(".accept-countdown")).to_have_text(words["countdown"])
        screenshot(first, f"console-accept-countdown-{lang}-{width}")
        second = console(stack, new_page, AGENT2, lang, width)
        # agent1 does not open it: the window runs out, the chat goes to agent2, agent1 to 휴식.
        expect(first.locator(".conv-notice")).to_contain_text(words["missed"])
        expect(first.locator(".status-button")).to_have_attribute("data-status", "break")
        expect(first.locator(".chat-item", has_text="정고객")).to_have_count(0)
        screenshot(first, f"console-accept-missed-{lang}-{width}")
        assert_accessible(first, f"the missed-chat notice ({lang})")

        moved = second.locator(".chat-item", has_text="정고객")
        expect(moved.locator(".accept-countdown")).to_have_text(words["countdown"])
        moved.click()  # showing it sends chat.open: the countdown stops
        expect(moved.locator(".accept-countdown")).to_have_count(0)
        code, view = customer.rest("GET", "")
        assert code == 200 and view.get("agentName") == "이상담", view
        code, _, staff_view = http("GET", f"{stack['api']}/chats/{customer.id}", None, _auth(stack, AGENT2))
        assert code == 200 and staff_view["agentOpenedAt"] >= staff_view["assignedAt"], staff_view
    finally:
        customer.close()


def test_the_idle_warning_and_the_idle_close_in_both_languages(stack: dict[str, Any], new_page: Any) -> None:
    """The sweep's idle lines in the conversation (one agent, a Korean and an English tab: both get every
    push) and the end reason when the chat closes. The shortest settings: warned after 1 minute, closed 1
    minute later, the stack's clock moved forward a minute at a time (the sweep runs every second)."""
    put_routing(stack, {"idleWarningMinutes": 1, "idleCloseMinutes": 1})
    for bad in ({"advanceMs": -60_000}, {"advanceMs": "61000"}, {}):  # forward only, whole ms: else nothing moves
        code, _, refused = http("POST", f"{stack['base']}/_local/clock", bad)
        assert (code, refused["field"]) == (400, "advanceMs"), refused
    assert http("GET", f"{stack['base']}/_local/clock")[2]["offsetMs"] == 0
    korean = console(stack, new_page, AGENT1, "ko", 1280)
    customer = Customer(stack, "윤고객")
    try:
        english = console(stack, new_page, AGENT1, "en", 1024, online=False)
        lines = {
            korean: (
                "답변이 없으시면 1분 후 상담이 자동으로 종료됩니다.",
                "고객이 답하지 않아 대화가 자동으로 종료되었습니다. 채팅기록에서 볼 수 있습니다.",
            ),
            english: (
                "If there is no reply, the chat will end automatically in 1 min.",
                "The chat was closed automatically: the customer did not answer. It is in history.",
            ),
        }
        for page in lines:
            page.locator(".chat-item", has_text="윤고객").click()
        advance_clock(stack, 61_000)
        for page, (warning, _) in lines.items():
            expect(page.locator(".conversation .msg-system .msg-text", has_text=warning)).to_be_visible()
        assert system_line(customer, "idle_warning")["text"] == lines[korean][0]
        screenshot(korean, "console-idle-warning-ko-1280")
        screenshot(english, "console-idle-warning-en-1024")
        advance_clock(stack, 61_000)
        for page, (_, ended) in lines.items():
            expect(page.locator(".conv-notice")).to_have_text(ended)
            expect(page.locator(".chat-item", has_text="윤고객")).to_have_count(0)
        screenshot(english, "console-idle-closed-en-1024")
        code, _, record = http("GET", f"{stack['api']}/chats/{customer.id}", None, _auth(stack, AGENT1))
        assert code == 200 and (record["endedBy"], record["endReason"]) == ("system", "idle"), record
    finally:
        customer.close()
