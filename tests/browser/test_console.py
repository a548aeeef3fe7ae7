"""The agent console (frontend/console/) in Chromium against the local stack: the whole journey.

Two browser contexts: the agent (two tabs of one signed-in session) and the customer: in the long
journey played over REST (`POST /chats`, rating) and a real WebSocket client (so the test can drop
and count frames), in the second test the real widget on the help-centre page.
Covers sign-in and reload, the server's status in both tabs, the blinking widget and title count,
messages both ways (text from people stays text), typing, customer/counsel info with validation
and after reload, a ticket with its transcript listed with channel 채팅, rating request and rating,
queue visibility, 휴식 stopping assignments, a server-side drop with resync (no gap, no duplicate),
ending with confirmation, history, shortcuts and English. Screenshots: tests/artifacts/console-*.png.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from browser_support import screenshot
from e2e_support import aws_client, http, sign_in
from playwright.sync_api import Page, expect
from websockets.sync.client import ClientConnection, connect

AGENT = "agent1@example.com"


CUSTOMER_1 = "김고객"
CUSTOMER_2 = "이대기"
HTML_TEXT = "<b>굵게</b> & <img src=x onerror=alert(1)>"


# Test instrumentation (added by Playwright, not by the page): a recording Notification and a
# switchable document.hidden, so "notify only while the tab is hidden" can be observed.
NOTIFICATION_PROBE = """
window.__notifications = [];
window.__hidden = false;
Object.defineProperty(document, "hidden", { get: () => window.__hidden });
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title) { window.__notifications.push(title); }
};
"""


class Customer:
    """A customer over REST + WebSocket, as the widget talks to the server."""

    def __init__(self, stack: dict[str, Any], name: str) -> None:
        self.stack = stack
        _, _, availability = http("GET", f"{stack['api']}/widget/availability")
        body = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": name}
        code, _, chat = http("POST", f"{stack['api']}/chats", body)
        assert code == 201, chat
        self.chat = chat
        self.id: str = chat["conversationId"]
        # Entered by hand: the connection lives across the test's steps (closed in close()).
        self.ws: ClientConnection = connect(f"{stack['websocket']}?token={chat['token']}").__enter__()
        self.sent = 0

    def frame(self, frame_type: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if frame.get("type") == frame_type:
                return frame

    def say(self, text: str) -> dict[str, Any]:
        self.sent += 1
        client_id = f"c-{self.id[-6:]}-{self.sent}"
        self.ws.send(
            json.dumps(
                {"action": "message.send", "conversationId": self.id, "clientMessageId": client_id, "text": text}
            )
        )
        return self.frame("message.ack")["message"]

    def typing(self, on: bool) -> None:
        self.ws.send(json.dumps({"action": "typing", "conversationId": self.id, "isTyping": on}))

    def rest(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        code, _, answer = http(
            method,
            f"{self.stack['api']}/chats/{self.id}{path}",
            body,
            {"Authorization": f"Bearer {self.chat['token']}"},
        )
        return code, answer

    def end(self) -> None:
        code, body = self.rest("POST", "/end", {})
        assert code == 200, body
        self.close()

    def close(self) -> None:
        self.ws.close()


def sign_in_page(page: Page, stack: dict[str, Any], username: str) -> None:
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == username)
    page.goto(stack["base"] + "/console/")
    page.get_by_label("이메일").fill(username)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    expect(page.locator(".status-button")).to_be_visible()


def choose_status(page: Page, status: str, label: str) -> None:
    page.locator(".status-button").click()
    page.get_by_role("menuitemradio", name=label).click()
    expect(page.locator(".status-button")).to_have_attribute("data-status", status)


def chat_item(page: Page, name: str) -> Any:
    return page.locator(".chat-item", has_text=name)


def message_seqs(page: Page) -> list[int]:
    seqs = page.locator(".conversation .messages li.msg").evaluate_all("items => items.map(li => li.dataset.seq)")
    return [int(s) for s in seqs]


def test_agent_console_journey(stack: dict[str, Any], new_page: Any) -> None:
    admin = sign_in(stack, "admin@example.com")
    # One seat per agent: a second customer must wait in the queue.
    code, _, body = http(
        "PUT", f"{stack['api']}/settings", {"maxChatsPerAgent": 1}, {"Authorization": f"Bearer {admin}"}
    )
    assert code == 200, body
    failures: list[str] = []
    # A customer's 1:1 inquiry from the help centre: a ticket of channel 문의 in the same list.
    settings = http("GET", f"{stack['api']}/settings", None, {"Authorization": f"Bearer {admin}"})[2]
    inquiry = {
        "consent": True,
        "name": "문의고객",
        "email": "asker@example.com",
        "inquiryType": settings["inquiryTypes"][0],
        "title": "영수증 재발행",
        "content": "영수증을 다시 받고 싶어요.",
    }
    assert http("POST", f"{stack['api']}/inquiries", inquiry)[0] == 201

    # --- sign-in; the session survives a reload; a second tab shares it ---
    agent: Page = new_page()
    agent.on("pageerror", lambda error: failures.append(str(error)))
    # CSP violations reach the console as errors, not as page errors.
    agent.on("console", lambda m: failures.append(m.text) if m.type == "error" and "Refused" in m.text else None)
    agent.goto(stack["base"] + "/console/")
    expect(agent.get_by_role("heading", name="상담원 로그인")).to_be_visible()
    screenshot(agent, "console-sign-in")
    sign_in_page(agent, stack, AGENT)
    agent.reload()
    expect(agent.locator(".status-button")).to_be_visible()
    expect(agent.locator(".signin")).to_have_count(0)
    # The header: the display name customers see, with the e-mail for the agent (issue 17 #7).
    expect(agent.locator(".user-name .user-display-name")).to_have_text("김상담")
    expect(agent.locator(".user-name .user-email")).to_have_text(AGENT)
    expect(agent.locator("nav .admin-link")).to_have_count(0)  # agents see no admin menu
    second = agent.context.new_page()
    second.goto(stack["base"] + "/console/")
    expect(second.locator(".status-button")).to_be_visible()

    # --- status is the server's: both tabs agree ---
    choose_status(agent, "break", "휴식")
    expect(second.locator(".status-button")).to_have_attribute("data-status", "break")
    choose_status(agent, "offline", "오프라인")
    expect(second.locator(".status-button")).to_have_attribute("data-status", "offline")
    choose_status(agent, "online", "온라인")
    expect(second.locator(".status-button")).to_have_attribute("data-status", "online")
    expect(agent.locator(".connection")).to_have_attribute("data-online", "true")

    # --- a customer starts: the widget blinks, the title counts, the chat is listed ---
    first = Customer(stack, CUSTOMER_1)
    assert first.chat["state"] == "active"
    for page in (agent, second):
        expect(page.locator(".chat-widget")).to_have_class(re.compile(r"\bblink\b"))
        expect(chat_item(page, CUSTOMER_1)).to_be_visible()
        expect(page.locator(".count-active")).to_have_attribute("data-count", "1")
    expect(agent).to_have_title(re.compile(r"^\(1\) "))
    expect(agent.locator(".widget-badge")).to_have_text("1")

    # --- messages both ways; text from people stays text ---
    first.say(HTML_TEXT)
    expect(chat_item(agent, CUSTOMER_1).locator(".unread-mark")).to_have_count(1)
    agent.locator(".chat-widget").click()  # opens the chat screen and the unread chat
    expect(agent.locator(".conv-title")).to_have_text(CUSTOMER_1)
    customer_line = agent.locator(".messages li.msg-customer .msg-text", has_text="굵게")
    expect(customer_line).to_have_text(HTML_TEXT)
    assert customer_line.locator("b, img").count() == 0
    expect(agent.locator(".chat-widget")).not_to_have_class(re.compile(r"\bblink\b"))
    expect(agent).to_have_title("상담 콘솔")
    expect(chat_item(second, CUSTOMER_1).locator(".unread-mark")).to_have_count(0)  # seen in the other tab too

    first.typing(True)
    expect(agent.locator(".typing")).to_be_visible()
    agent.get_by_label("메시지 입력").fill("안녕하세요, 무엇을 도와드릴까요?")
    agent.get_by_label("메시지 입력").press("Enter")
    received = first.frame("message.new")["message"]
    assert received["text"] == "안녕하세요, 무엇을 도와드릴까요?" and received["role"] == "agent"
    expect(agent.locator(".messages li.msg-agent", has_text="무엇을 도와드릴까요")).to_have_attribute(
        "data-seq", str(received["seq"])
    )
    # The second tab follows the conversation (the agent's own message arrives as message.new).
    chat_item(second, CUSTOMER_1).click()
    expect(second.locator(".messages li.msg-agent", has_text="무엇을 도와드릴까요")).to_have_count(1)
    first.say("주문한 물건이 아직 안 왔어요")
    expect(second.locator(".messages li.msg-customer", has_text="아직 안 왔어요")).to_have_count(1)

    # --- customer info and counsel info: validation, saved, shown after reload ---
    info = agent.locator(".customer-form")
    info.get_by_label("이름").fill(CUSTOMER_1)
    info.get_by_label("이메일").fill("not-an-email")
    info.get_by_label("전화번호").fill("전화번호")
    info.get_by_role("button", name="저장").click()
    expect(info.get_by_label("이메일")).to_have_attribute("aria-invalid", "true")
    expect(info.get_by_label("전화번호")).to_have_attribute("aria-invalid", "true")
    expect(info.locator(".field-error", has_text="이메일 형식이 아닙니다")).to_be_visible()
    info.get_by_label("이메일").fill("kim@example.com")
    info.get_by_label("전화번호").fill("010-1234-5678")
    info.get_by_label("메모").fill("배송 지연 문의 <script>")
    info.get_by_role("button", name="저장").click()
    expect(info.locator(".form-status")).to_have_attribute("data-state", "saved")
    counsel = agent.locator(".counsel-form")
    settings = http("GET", f"{stack['api']}/settings", None, {"Authorization": f"Bearer {admin}"})[2]
    inquiry_type, processing_type = settings["inquiryTypes"][0], settings["processingTypes"][0]
    counsel.get_by_label("문의 유형").select_option(inquiry_type)
    counsel.get_by_label("처리 유형").select_option(processing_type)
    counsel.get_by_label("상담 내용").fill("택배사 확인 후 안내")
    counsel.get_by_role("button", name="저장").click()
    expect(counsel.locator(".form-status")).to_have_attribute("data-state", "saved")
    agent.reload()
    chat_item(agent, CUSTOMER_1).click()
    expect(info.get_by_label("이메일")).to_have_value("kim@example.com")
    expect(info.get_by_label("전화번호")).to_have_value("010-1234-5678")
    expect(info.get_by_label("메모")).to_have_value("배송 지연 문의 <script>")
    expect(counsel.get_by_label("문의 유형")).to_have_value(inquiry_type)
    expect(counsel.get_by_label("처리 유형")).to_have_value(processing_type)
    expect(counsel.get_by_label("상담 내용")).to_have_value("택배사 확인 후 안내")
    expect(agent.locator(".messages li.msg-customer", has_text="아직 안 왔어요")).to_have_count(1)
    screenshot(agent, "console-chat")

    # --- the server drops the agent's connections: reconnect and resync, no gap, no duplicate ---
    dynamodb = aws_client(stack, "dynamodb")
    item = dynamodb.get_item(
        TableName=f"{stack['tablePrefix']}agents", Key={"agent_id": {"S": AGENT}}, ConsistentRead=True
    )
    connection_ids = item["Item"]["connection_ids"]["SS"]
    assert len(connection_ids) == 2  # the two tabs
    management = aws_client(stack, "apigatewaymanagementapi", endpoint_url=stack["managementEndpoint"])
    for connection_id in connection_ids:
        management.delete_connection(ConnectionId=connection_id)
    missed = [first.say("연결이 끊긴 동안 보낸 메시지 1"), first.say("연결이 끊긴 동안 보낸 메시지 2")]
    for page in (agent, second):
        expect(page.locator(".messages li.msg", has_text="보낸 메시지 2")).to_have_count(1)
        expect(page.locator(".messages li.msg", has_text="보낸 메시지 1")).to_have_count(1)
        expect(page.locator(".connection")).to_have_attribute("data-online", "true")
    after_drop = first.say("다시 연결된 뒤의 메시지")
    expect(agent.locator(".messages li.msg", has_text="다시 연결된 뒤의")).to_have_count(1)
    seqs = message_seqs(agent)
    assert seqs == list(range(1, after_drop["seq"] + 1)), seqs
    assert missed[1]["seq"] in seqs
    item = dynamodb.get_item(
        TableName=f"{stack['tablePrefix']}agents", Key={"agent_id": {"S": AGENT}}, ConsistentRead=True
    )
    assert not set(item["Item"]["connection_ids"]["SS"]) & set(connection_ids)  # new connections

    # --- 티켓 만들기: the form shows the transcript; the ticket is listed with channel 채팅 ---
    agent.get_by_role("button", name="티켓 만들기").click()
    dialog = agent.locator("dialog.ticket-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".transcript li.msg", has_text="아직 안 왔어요")).to_have_count(1)
    expect(dialog.get_by_label("내용", exact=True)).to_have_value("택배사 확인 후 안내")  # the counsel note
    dialog.get_by_label("내용", exact=True).fill("")
    dialog.get_by_label("제목").fill("배송 지연")
    dialog.get_by_role("button", name="제출").click()
    expect(dialog.get_by_label("내용", exact=True)).to_have_attribute("aria-invalid", "true")  # content is required
    dialog.get_by_label("내용", exact=True).fill("택배사 확인 필요")
    expect(dialog.get_by_label("문의 유형")).to_have_value(inquiry_type)  # from the counsel info
    screenshot(agent, "console-ticket-form")
    dialog.get_by_role("button", name="제출").click()
    expect(dialog).to_be_hidden()
    agent.locator(".conv-notice .ticket-link").click()
    expect(agent.locator(".ticket-title")).to_have_text("배송 지연")
    expect(agent.locator(".ticket-detail .ticket-channel")).to_have_text("채팅")
    expect(agent.locator(".ticket-detail .transcript li.msg", has_text="아직 안 왔어요")).to_have_count(1)
    screenshot(agent, "console-ticket")
    agent.get_by_role("link", name="← 목록으로").click()
    row = agent.locator(".tickets-table tbody tr", has_text="배송 지연")
    expect(row.locator(".ticket-channel")).to_have_text("채팅")
    asked = agent.locator(".tickets-table tbody tr", has_text="영수증 재발행")
    expect(asked.locator(".ticket-channel")).to_have_text("문의")
    screenshot(agent, "console-tickets")
    asked.locator(".ticket-open").click()
    expect(agent.locator(".ticket-title")).to_have_text("영수증 재발행")
    expect(agent.locator(".ticket-detail .ticket-channel")).to_have_text("문의")
    expect(agent.locator(".ticket-detail")).to_contain_text("영수증을 다시 받고 싶어요.")
    agent.get_by_role("link", name="← 목록으로").click()
    agent.get_by_role("link", name="채팅", exact=True).click()
    expect(agent.locator(".conv-title")).to_have_text(CUSTOMER_1)  # the chat stays open and editable

    # --- 평가: the customer gets the request; the rating shows when submitted ---
    agent.get_by_role("button", name="평가").click()
    assert first.frame("rating.requested")["conversationId"] == first.id
    expect(agent.locator(".rating-requested")).to_be_visible()
    code, rated = first.rest("POST", "/rating", {"rating": "satisfied", "comment": "친절해요"})
    assert code == 200, rated
    expect(agent.locator(".rating-box .rating-satisfied")).to_have_text("만족")
    expect(agent.locator(".rating-box .rating-comment")).to_contain_text("친절해요")

    # --- queue visibility: with the only seat taken, a second customer waits ---
    waiting = Customer(stack, CUSTOMER_2)
    assert waiting.chat["state"] == "waiting" and waiting.chat["position"] == 1
    for page in (agent, second):
        expect(page.locator(".count-waiting")).to_have_attribute("data-count", "1")
        expect(page.locator(".queue-item", has_text=CUSTOMER_2)).to_be_visible()
    screenshot(agent, "console-queue")

    # --- 휴식 stops new assignments: ending the chat frees the seat but nothing is assigned ---
    choose_status(agent, "break", "휴식")
    expect(second.locator(".status-button")).to_have_attribute("data-status", "break")
    agent.once("dialog", lambda d: d.dismiss())  # first a change of mind: nothing happens
    agent.get_by_role("button", name="대화 종료").click()
    expect(chat_item(agent, CUSTOMER_1)).to_be_visible()
    agent.once("dialog", lambda d: d.accept())
    agent.get_by_role("button", name="대화 종료").click()
    assert first.frame("chat.ended")["endedBy"] == "agent"
    for page in (agent, second):
        expect(chat_item(page, CUSTOMER_1)).to_have_count(0)
        expect(page.locator(".count-active")).to_have_attribute("data-count", "0")
    expect(agent.locator(".conv-notice")).to_contain_text("채팅기록")
    # POST /end assigns waiting chats before it answers, and the console drops the chat only after the answer.
    assert (
        http("GET", f"{stack['api']}/chats/{waiting.id}", None, {"Authorization": f"Bearer {admin}"})[2]["state"]
        == "waiting"
    )
    expect(chat_item(agent, CUSTOMER_2)).to_have_count(0)

    # --- back online: the waiting chat is assigned; shortcuts move between chats ---
    choose_status(agent, "online", "온라인")
    expect(chat_item(agent, CUSTOMER_2)).to_be_visible()
    expect(agent.locator(".chat-widget")).to_have_class(re.compile(r"\bblink\b"))
    expect(agent.locator(".count-waiting")).to_have_attribute("data-count", "0")
    agent.locator("body").press("Alt+ArrowDown")
    expect(agent.locator(".conv-title")).to_have_text(CUSTOMER_2)
    agent.keyboard.press("Alt+m")
    expect(agent.get_by_label("메시지 입력")).to_be_focused()
    agent.locator(".conv-title").click()
    agent.keyboard.press("?")
    expect(agent.get_by_role("dialog", name="키보드 단축키")).to_be_visible()
    screenshot(agent, "console-shortcuts")
    agent.keyboard.press("Escape")
    expect(agent.get_by_role("dialog", name="키보드 단축키")).to_be_hidden()

    # --- the ended chat is found in 채팅기록 ---
    agent.keyboard.press("Alt+3")
    expect(agent.locator(".history-table tbody", has_text=CUSTOMER_1).first).to_be_visible()
    screenshot(agent, "console-history")

    # --- English ---
    agent.get_by_role("button", name="English").click()
    expect(agent.get_by_role("link", name="Tickets")).to_be_visible()
    expect(agent.locator(".status-button")).to_contain_text("Online")

    first.close()
    waiting.close()
    assert failures == []


def test_admin_sees_the_admin_menu(stack: dict[str, Any], new_page: Any) -> None:
    page: Page = new_page()
    sign_in_page(page, stack, "admin@example.com")
    expect(page.get_by_role("link", name="관리")).to_have_attribute("href", "/admin/")
    page.get_by_role("button", name="로그아웃").click()
    expect(page.get_by_role("heading", name="상담원 로그인")).to_be_visible()
    assert page.evaluate("localStorage.getItem('livechat.session')") is None


def test_widget_customer_with_console_agent(stack: dict[str, Any], new_page: Any) -> None:
    """The same journey's core with the real customer widget (help-centre page) in its own context."""
    admin = sign_in(stack, "admin@example.com")
    api = stack["api"]
    assert http("PUT", f"{api}/settings", {"maxChatsPerAgent": 3}, {"Authorization": f"Bearer {admin}"})[0] == 200
    # Start from a quiet stack whatever ran before: agent1's chats ended, agent1 offline.
    agent1 = {"Authorization": f"Bearer {sign_in(stack, AGENT)}"}
    for chat in http("GET", f"{api}/agent/chats", None, agent1)[2]["chats"]:
        assert http("POST", f"{api}/chats/{chat['conversationId']}/end", None, agent1)[0] == 200
    assert http("PUT", f"{api}/me/status", {"status": "offline"}, agent1)[0] == 200

    agent: Page = new_page()
    # Desktop notifications: permission granted, the tab reported hidden, the Notification API recorded.
    agent.context.grant_permissions(["notifications"])
    agent.add_init_script(NOTIFICATION_PROBE)
    sign_in_page(agent, stack, "agent2@example.com")
    choose_status(agent, "online", "온라인")
    agent.evaluate("window.__hidden = true")

    customer: Page = new_page()
    customer.goto(stack["base"] + "/")
    widget = customer.locator("livechat-widget")
    widget.locator(".launcher").click()
    widget.locator(".panel").get_by_label("이름 (선택)").fill("위젯고객")
    widget.locator(".panel").get_by_role("button", name="동의하고 상담 시작", exact=True).click()
    composer = widget.locator(".composer textarea")
    expect(composer).to_be_visible()

    expect(agent.locator(".chat-widget")).to_have_class(re.compile(r"\bblink\b"))
    expect(agent).to_have_title(re.compile(r"^\(1\) "))
    assert agent.evaluate("window.__notifications") == ["새 채팅: 위젯고객"]
    agent.evaluate("window.__hidden = false")
    agent.locator(".chat-widget").click()
    expect(agent.locator(".conv-title")).to_have_text("위젯고객")

    composer.fill("위젯에서 보낸 <i>문의</i>")
    composer.press("Enter")
    expect(agent.locator(".messages li.msg-customer .msg-text")).to_have_text("위젯에서 보낸 <i>문의</i>")
    composer.press_sequentially("입력 중")
    expect(agent.locator(".typing")).to_be_visible()
    agent.get_by_label("메시지 입력").fill("콘솔에서 보낸 답변")
    agent.get_by_role("button", name="보내기").click()
    expect(widget.locator(".log .msg.agent .bubble").last).to_have_text("콘솔에서 보낸 답변")
    screenshot(customer, "console-widget-customer")

    agent.get_by_role("button", name="평가").click()
    request = widget.locator(".log .msg.rating-request")
    request.get_by_role("button", name="평가하기").click()
    dialog = widget.locator(".overlay")
    dialog.get_by_label("만족", exact=True).check()
    dialog.get_by_label("의견 (선택)").fill("빨라요")
    dialog.get_by_role("button", name="보내기").click()
    expect(agent.locator(".rating-box .rating-satisfied")).to_have_text("만족")
    expect(agent.locator(".rating-box .rating-comment")).to_contain_text("빨라요")
    dialog.get_by_role("button", name="채팅 창 닫기").click()

    # The customer ends the chat: it leaves the agent's live list.
    widget.locator(".bar").get_by_role("button", name="상담 종료").click()
    widget.locator(".overlay").get_by_role("button", name="종료").click()
    expect(chat_item(agent, "위젯고객")).to_have_count(0)
    expect(agent.locator(".conv-notice")).to_contain_text("고객이 대화를 종료했습니다")
    screenshot(agent, "console-ended-by-customer")

    # S-1.1: without chat permission the console shows no chat widget.
    target = "/admin/agents/agent2%40example.com/chat-permission"
    assert http("PUT", f"{api}{target}", {"chatPermission": False}, {"Authorization": f"Bearer {admin}"})[0] == 200
    expect(agent.locator(".chat-widget")).to_be_hidden()
    expect(agent.locator(".chat-side .notice")).to_contain_text("채팅 권한이 없습니다")
    assert http("PUT", f"{api}{target}", {"chatPermission": True}, {"Authorization": f"Bearer {admin}"})[0] == 200
    expect(agent.locator(".chat-widget")).to_be_visible()

    # Signing out in one tab signs out the other.
    other = agent.context.new_page()
    other.goto(stack["base"] + "/console/")
    expect(other.locator(".status-button")).to_be_visible()
    agent.get_by_role("button", name="로그아웃").click()
    expect(other.get_by_role("heading", name="상담원 로그인")).to_be_visible()
