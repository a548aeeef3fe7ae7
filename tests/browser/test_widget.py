"""The customer chat widget (frontend/widget) in Chromium against the local stack, under the pages'
strict CSP. The agent side is a WebSocket client signed in with Cognito (moto). One stack for the
module; every test starts from no live chats and every agent offline (the `clean` fixture)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from browser_support import screenshot, websocket_gate
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect
from websockets.sync.client import ClientConnection, connect

WIDGET_DIR = Path(__file__).resolve().parents[2] / "frontend" / "widget"
XSS_PAYLOADS = [
    "<img src=x onerror=\"window.__xss='img'\">",
    "<script>window.__xss='script'</script>",
    '"><svg onload="window.__xss=\'svg\'">',
    "<iframe src=\"javascript:window.__xss='iframe'\"></iframe>",
    "<b>굵게</b> &amp; &lt;i&gt; &#x3C;u&#x3E;",
    "javascript:window.__xss='href'",
    "' onmouseover='window.__xss=1' x='",
    "{{constructor.constructor('window.__xss=1')()}}",
    '</li><li class="msg agent">가짜 메시지</li>',
]


# --- the agent side and the stack ------------------------------------------------------------


class Agent:
    """An agent's WebSocket connection, as the console would hold it."""

    def __init__(self, stack: dict[str, Any], username: str, closing: ExitStack) -> None:
        self.token = sign_in(stack, username)
        self.ws: ClientConnection = closing.enter_context(
            connect(f"{stack['websocket']}?token={self.token}", close_timeout=2)
        )
        self.unread: list[dict[str, Any]] = []
        # Set when the page has Playwright route handlers: the sync API runs them only while we call it.
        self.pump: Callable[[], None] | None = None

    def send(self, action: str, **fields: Any) -> None:
        self.ws.send(json.dumps({"action": action, **fields}))

    def wait(
        self, frame_type: str, match: Callable[[dict[str, Any]], bool] = lambda f: True, timeout: float = 10
    ) -> dict:
        for frame in self.unread:
            if frame.get("type") == frame_type and match(frame):
                self.unread.remove(frame)
                return frame
        deadline = time.monotonic() + timeout
        while True:
            if self.pump is None:
                raw = self.ws.recv(timeout=max(0.01, deadline - time.monotonic()))
            else:
                try:
                    raw = self.ws.recv(timeout=0.05)
                except TimeoutError:
                    if time.monotonic() > deadline:
                        raise
                    self.pump()
                    continue
            frame = json.loads(raw)
            if frame.get("type") == frame_type and match(frame):
                return frame
            self.unread.append(frame)

    def online(self) -> None:
        self.send("status.set", status="online")
        self.wait("agent.status", lambda f: f["status"] == "online")

    def new_chat(self) -> str:
        return self.wait("chat.assigned")["conversation"]["conversationId"]

    def say(self, conversation_id: str, text: str) -> dict[str, Any]:
        client_id = f"a-{time.monotonic_ns()}"
        self.send("message.send", conversationId=conversation_id, clientMessageId=client_id, text=text)
        return self.wait("message.ack", lambda f: f["clientMessageId"] == client_id)["message"]

    def customer_says(self, conversation_id: str) -> dict[str, Any]:
        return self.wait(
            "message.new",
            lambda f: f["message"]["conversationId"] == conversation_id and f["message"]["role"] == "customer",
        )["message"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rest(stack: dict[str, Any], method: str, path: str, token: str | None = None, body: Any = None) -> Any:
    status, _, answer = http(method, stack["api"] + path, body, bearer(token) if token else None)
    assert status < 300, (method, path, status, answer)
    return answer


@pytest.fixture(scope="module")
def tokens(stack: dict[str, Any]) -> dict[str, str]:
    users = ["admin@example.com", "agent1@example.com", "agent2@example.com"]
    return {user.split("@")[0]: sign_in(stack, user) for user in users}


@pytest.fixture(scope="module")
def defaults(stack: dict[str, Any], tokens: dict[str, str]) -> dict[str, Any]:
    return rest(stack, "GET", "/settings", tokens["admin"])


@pytest.fixture(autouse=True)
def clean(stack: dict[str, Any], tokens: dict[str, str], defaults: dict[str, Any]) -> Iterator[None]:
    """Before each test: default settings, no waiting or live chats, every agent offline."""
    admin = tokens["admin"]
    keep = ("chatEnabled", "greeting", "maxChatsPerAgent", "absenceMessage", "consentText")
    current = rest(stack, "GET", "/settings", admin)
    changed = {k: defaults[k] for k in keep if current[k] != defaults[k]}
    if changed:
        rest(stack, "PUT", "/settings", admin, changed)
    for agent in ("agent1", "agent2"):
        rest(stack, "PUT", "/me/status", tokens[agent], {"status": "offline"})
        for chat in rest(stack, "GET", "/agent/chats", tokens[agent])["chats"]:
            rest(stack, "POST", f"/chats/{chat['conversationId']}/end", admin)
    for chat in rest(stack, "GET", "/queue", admin)["chats"]:
        rest(stack, "POST", f"/chats/{chat['conversationId']}/end", admin)
    yield


@pytest.fixture
def agents(stack: dict[str, Any]) -> Iterator[Callable[[str], Agent]]:
    with ExitStack() as closing:
        yield lambda username="agent1@example.com": Agent(stack, username, closing)


# --- the page ----------------------------------------------------------------------------------


class Widget:
    """The help-centre page with the widget; every console error and dialog is recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        self.root = page.locator("livechat-widget")
        self.launcher = self.root.locator(".launcher")
        self.panel = self.root.locator(".panel")
        self.log = self.root.locator(".log")
        self.input = self.root.locator(".composer textarea")

    def goto(self, url: str) -> Widget:
        self.page.goto(url)
        return self

    def button(self, name: str) -> Any:
        return self.panel.get_by_role("button", name=name, exact=True)

    def start_chat(self, name: str | None = None) -> None:
        self.launcher.click()
        expect(self.panel.locator(".consent")).to_be_visible()
        if name:
            self.panel.get_by_label("이름 (선택)").fill(name)
        self.button("동의하고 상담 시작").click()
        expect(self.input).to_be_visible()

    def type_and_send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def bubbles(self, css: str = ".msg") -> list[str]:
        return self.log.locator(f"{css} .bubble").all_text_contents()

    def seqs(self) -> list[int]:
        return [int(s) for s in self.log.locator("li[data-seq]").evaluate_all("ns => ns.map(n => n.dataset.seq)")]

    def active(self) -> str:
        """Describes the focused element inside the widget ('' when focus is outside it)."""
        return self.page.evaluate(
            """() => {
                 const r = document.querySelector('livechat-widget').shadowRoot;
                 const a = r.activeElement;
                 if (!a) return '';
                 const name = a.textContent || a.getAttribute('aria-label') || '';
                 return a.tagName.toLowerCase() + '|' + name + '|'
                   + (r.querySelector('.panel').contains(a) ? 'in-panel' : 'outside');
               }"""
        )

    def assert_clean(self) -> None:
        assert self.dialogs == []
        assert [e for e in self.errors if "Content Security Policy" in e or "Refused" in e] == []
        assert self.page.evaluate("window.__xss") is None


@pytest.fixture
def widget(stack: dict[str, Any], new_page: Callable[..., Page]) -> Callable[..., Widget]:
    made: list[Widget] = []

    def make(path: str = "/", **options: Any) -> Widget:
        page = new_page(**options)
        w = Widget(page)
        w.goto(path if path.startswith("http") else stack["base"] + path)
        made.append(w)
        return w

    yield make
    for w in made:
        w.assert_clean()


class CustomerSite:
    """Another origin (a customer's site) embedding the widget from the stack, under its own strict CSP
    that names only the widget's host: the embedding case the issue asks for."""

    def __init__(self, stack: dict[str, Any]) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        origin = stack["base"]
        csp = (
            f"default-src 'self'; script-src 'self' {origin}; style-src 'self' {origin}; "
            f"connect-src 'self' {origin} {stack['websocket'].rsplit('/', 1)[0]}; object-src 'none'; base-uri 'self'"
        )
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                content_type, body = site.pages.get(self.path.split("?")[0], ("text/plain", b"not found"))
                self.send_response(200 if self.path.split("?")[0] in site.pages else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Security-Policy", csp)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path: str, html: str, css: str = "") -> str:
        self.pages[path] = ("text/html; charset=utf-8", html.encode())
        if css:
            self.pages[path + ".css"] = ("text/css; charset=utf-8", css.encode())
        return self.base + path


@pytest.fixture(scope="module")
def site(stack: dict[str, Any]) -> Iterator[CustomerSite]:
    customer_site = CustomerSite(stack)
    yield customer_site
    customer_site.server.shutdown()
    customer_site.server.server_close()


def snippet(stack: dict[str, Any], lang: str | None = None) -> str:
    data_lang = f' data-lang="{lang}"' if lang else ""
    return (
        f'<script src="{stack["base"]}/widget/widget.js" data-api="{stack["api"]}" data-ws="{stack["websocket"]}"'
        f"{data_lang} async></script>"
    )


def page_with(body: str, lang: str) -> str:
    head = '<meta charset="utf-8"><title>Help</title>'
    return f'<!doctype html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def customer_connections(stack: dict[str, Any], conversation_id: str) -> list[str]:
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=stack["awsEndpoint"],
        region_name=stack["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    item = dynamodb.get_item(
        TableName=stack["tablePrefix"] + "conversations",
        Key={"conversation_id": {"S": conversation_id}},
        ConsistentRead=True,
    )["Item"]
    return item.get("customer_connections", {}).get("SS", [])


def drop_customer(stack: dict[str, Any], conversation_id: str) -> None:
    """Close the customer's connections from the server side, as API Gateway does."""
    gateway = boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=stack["managementEndpoint"],
        region_name=stack["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    dropped = 0
    for connection_id in customer_connections(stack, conversation_id):
        try:
            gateway.delete_connection(ConnectionId=connection_id)
            dropped += 1
        except gateway.exceptions.GoneException:
            pass  # an earlier connection whose $disconnect cleanup has not run yet
    assert dropped == 1


# --- S-2: availability, consent, absence, inquiry ---------------------------------------------


def test_consent_then_chat_both_ways_with_typing_and_states(stack, agents, widget, defaults) -> None:
    agent = agents()
    agent.online()
    w = widget()
    expect(w.launcher).to_be_visible()
    expect(w.launcher).to_have_attribute("aria-label", "채팅 상담 열기")
    screenshot(w.page, "widget-launcher")
    w.launcher.click()
    expect(w.panel).to_have_attribute("role", "dialog")
    expect(w.panel.get_by_role("heading", name="고객센터 채팅 상담")).to_be_visible()
    expect(w.panel.locator(".consent")).to_have_text(defaults["consentText"])
    screenshot(w.page, "widget-consent")
    w.panel.get_by_label("이름 (선택)").fill("홍길동")
    w.button("동의하고 상담 시작").click()
    conversation_id = agent.new_chat()
    expect(w.log.locator(".msg.greeting")).to_have_text(defaults["greeting"])
    expect(w.log.locator(".msg.system")).to_contain_text("상담을 시작했습니다")
    expect(w.input).to_be_focused()

    # Shift+Enter breaks the line, Enter sends; the bubble goes from sending to sent.
    w.input.press_sequentially("안녕하세요")
    agent.wait("typing", lambda f: f["isTyping"] is True and f["role"] == "customer")
    w.input.press("Shift+Enter")
    w.input.press_sequentially("주문 문의입니다")
    w.input.press("Enter")
    assert agent.customer_says(conversation_id)["text"] == "안녕하세요\n주문 문의입니다"
    mine = w.log.locator(".msg.mine").last
    expect(mine).to_have_attribute("data-state", "sent")
    expect(mine.locator(".state")).to_have_text("전송됨")
    expect(w.input).to_have_value("")

    agent.send("typing", conversationId=conversation_id, isTyping=True)
    expect(w.root.locator(".typing")).to_have_text("상담원이 입력 중입니다…")
    agent.say(conversation_id, "네, 주문번호를 알려 주세요.\n확인해 드리겠습니다.")
    agent.send("typing", conversationId=conversation_id, isTyping=False)
    expect(w.log.locator(".msg.agent .bubble").last).to_have_text("네, 주문번호를 알려 주세요.\n확인해 드리겠습니다.")
    expect(w.root.locator(".typing")).to_be_hidden()
    # A list for screen readers ("list, N items"), inside the live region (issue 27, item 1).
    expect(w.root.get_by_role("log").get_by_role("list")).to_have_count(1)
    expect(w.root.get_by_role("log").get_by_role("list").get_by_role("listitem")).to_have_count(
        w.log.locator("li").count()
    )
    assert w.seqs() == list(range(1, len(w.seqs()) + 1))
    screenshot(w.page, "widget-chat")
    # What the widget loads is exactly frontend/widget/ (what bench/widget_size.py measures, the
    # code loaded on first use included), and nothing from any other host. The attachments' code
    # waits for the first file: a chat without one never loads it.
    on_first_use = {"attachments.js"}
    widget_urls = {u for u in w.requests if u.startswith(stack["base"] + "/widget/")}
    assert {u.rsplit("/", 1)[1] for u in widget_urls} == {
        p.name for p in WIDGET_DIR.iterdir() if p.is_file() and p.name not in on_first_use
    }
    assert all(u.startswith(stack["base"]) for u in w.requests)


def test_consent_refusal_starts_nothing(stack, agents, widget, tokens) -> None:
    agents().online()
    w = widget()
    w.launcher.click()
    w.button("동의하지 않음").click()
    expect(w.panel.locator(".note")).to_contain_text("동의하지 않으시면")
    screenshot(w.page, "widget-consent-refused")
    assert rest(stack, "GET", "/queue", tokens["admin"])["waiting"] == 0
    assert rest(stack, "GET", "/agent/chats", tokens["agent1"])["counts"]["active"] == 0
    w.button("처음으로").click()
    expect(w.button("동의하고 상담 시작")).to_be_visible()
    assert w.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('livechat.widget'))") == []


def test_consent_text_changed_while_reading_asks_again(stack, agents, widget, tokens) -> None:
    agents().online()
    w = widget()
    w.launcher.click()
    expect(w.panel.locator(".consent")).to_be_visible()
    rest(stack, "PUT", "/settings", tokens["admin"], {"consentText": "개정된 개인정보 수집 동의 안내"})
    w.button("동의하고 상담 시작").click()  # agreed to the old version: refused (409), nothing started
    expect(w.panel.locator(".consent")).to_have_text("개정된 개인정보 수집 동의 안내")
    assert rest(stack, "GET", "/queue", tokens["admin"])["waiting"] == 0
    assert rest(stack, "GET", "/agent/chats", tokens["agent1"])["counts"]["active"] == 0
    w.button("동의하고 상담 시작").click()
    expect(w.input).to_be_visible()
    assert rest(stack, "GET", "/agent/chats", tokens["agent1"])["counts"]["active"] == 1


def test_absence_inquiry_with_validation(stack, widget, tokens, defaults) -> None:
    w = widget()
    w.launcher.click()
    expect(w.panel.get_by_role("heading", name="상담원 부재중")).to_be_visible()
    expect(w.panel.locator(".note")).to_have_text(defaults["absenceMessage"])
    screenshot(w.page, "widget-absent")
    w.button("문의하기").click()
    form = w.panel.locator("form.inquiry")
    expect(form.get_by_label("이름", exact=True)).to_be_focused()

    form.get_by_role("button", name="보내기").click()
    for label in ("이름", "이메일", "문의 유형", "제목", "내용"):
        expect(form.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("개인정보 수집 및 이용에 동의합니다")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("이름", exact=True)).to_be_focused()
    expect(form.locator(".error").first).to_have_text("필수 항목입니다.")
    screenshot(w.page, "widget-inquiry-errors")

    form.get_by_label("이름", exact=True).fill("김고객")
    form.get_by_label("이메일", exact=True).fill("not-an-email")
    form.get_by_label("문의 유형", exact=True).select_option(defaults["inquiryTypes"][0])
    form.get_by_label("제목", exact=True).fill("가" * 201)
    form.get_by_label("내용", exact=True).fill("환불 요청드립니다.\n주문번호 1234")
    form.get_by_role("button", name="보내기").click()
    expect(form.get_by_label("이메일", exact=True)).to_be_focused()
    expect(form.get_by_label("이름", exact=True)).not_to_have_attribute("aria-invalid", "true")
    email_error = form.get_by_label("이메일", exact=True).get_attribute("aria-describedby")
    expect(form.locator(f"#{email_error}")).to_have_text("올바른 이메일 주소를 입력해 주세요.")
    title_error = form.get_by_label("제목", exact=True).get_attribute("aria-describedby")
    expect(form.locator(f"#{title_error}")).to_have_text("200자 이내로 입력해 주세요.")
    before = rest(stack, "GET", "/tickets?channel=inquiry", tokens["admin"])["tickets"]

    form.get_by_label("이메일", exact=True).fill("customer@example.com")
    form.get_by_label("제목", exact=True).fill("환불 문의")
    form.get_by_label("개인정보 수집 및 이용에 동의합니다").check()
    form.get_by_role("button", name="보내기").click()
    expect(w.panel.locator(".note.done")).to_contain_text("문의가 접수되었습니다")
    screenshot(w.page, "widget-inquiry-sent")
    tickets = rest(stack, "GET", "/tickets?channel=inquiry", tokens["admin"])["tickets"]
    assert len(tickets) == len(before) + 1
    ticket = tickets[0]
    assert (ticket["title"], ticket["requesterEmail"], ticket["content"]) == (
        "환불 문의",
        "customer@example.com",
        "환불 요청드립니다.\n주문번호 1234",
    )
    assert ticket["inquiryType"] == defaults["inquiryTypes"][0]


def test_reopening_asks_again_whether_an_agent_is_online(stack, agents, widget, tokens) -> None:
    w = widget()
    w.launcher.click()
    expect(w.panel.get_by_role("heading", name="상담원 부재중")).to_be_visible()
    w.page.keyboard.press("Escape")
    agents().online()  # an agent comes online while the dialog is closed
    w.launcher.click()
    expect(w.panel.locator(".consent")).to_be_visible()
    w.page.keyboard.press("Escape")
    rest(stack, "PUT", "/settings", tokens["admin"], {"absenceMessage": "점심시간입니다 (다시 열면 보이는 문구)."})
    rest(stack, "PUT", "/me/status", tokens["agent1"], {"status": "offline"})
    w.launcher.click()
    expect(w.panel.locator(".note")).to_have_text("점심시간입니다 (다시 열면 보이는 문구).")


def test_chat_turned_off_hides_the_icon(stack, widget, tokens) -> None:
    rest(stack, "PUT", "/settings", tokens["admin"], {"chatEnabled": False})
    w = widget()
    expect(w.root).to_have_attribute("data-ready", "")
    expect(w.launcher).to_be_hidden()
    rest(stack, "PUT", "/settings", tokens["admin"], {"chatEnabled": True})
    w.page.reload()
    expect(w.root).to_have_attribute("data-ready", "")
    expect(w.launcher).to_be_visible()


def test_queue_position_updates_live(stack, agents, widget, tokens) -> None:
    rest(stack, "PUT", "/settings", tokens["admin"], {"maxChatsPerAgent": 1})
    agent = agents()
    agent.online()
    availability = rest(stack, "GET", "/widget/availability")
    start = {"consent": True, "consentVersion": availability["consent"]["version"]}
    first = rest(stack, "POST", "/chats", body=start)
    second = rest(stack, "POST", "/chats", body=start)
    assert (first["state"], second["position"]) == ("active", 1)
    w = widget()
    w.start_chat()
    queue = w.root.locator(".queue")
    expect(queue).to_have_text("상담 대기 중입니다. 대기 순번: 2번")
    expect(w.root.locator(".bar").get_by_role("button", name="평가")).to_be_hidden()
    w.type_and_send("기다리는 동안 남기는 메시지")
    expect(w.log.locator(".msg.mine").last).to_have_attribute("data-state", "sent")
    screenshot(w.page, "widget-queue")

    rest(stack, "POST", f"/chats/{first['conversationId']}/end", tokens["agent1"])
    expect(queue).to_have_text("상담 대기 중입니다. 대기 순번: 1번")
    rest(stack, "POST", f"/chats/{second['conversationId']}/end", tokens["agent1"])
    expect(queue).to_be_hidden()
    expect(w.log.locator(".msg.system").last).to_contain_text("상담을 시작했습니다")
    conversation_id = w.page.evaluate(
        "JSON.parse(Object.entries(localStorage).find(([k]) => k.startsWith('livechat.widget'))[1]).conversationId"
    )
    texts = [
        m["text"] for m in rest(stack, "GET", f"/chats/{conversation_id}/transcript", tokens["agent1"])["messages"]
    ]
    assert "기다리는 동안 남기는 메시지" in texts


# --- never lose a message ---------------------------------------------------------------------


def network_gate(w: Widget, agent: Agent) -> dict[str, bool]:
    """The page's WebSockets go through a gate: while `on`, every connection attempt fails at once."""
    offline = websocket_gate(w.page)
    agent.pump = lambda: w.page.wait_for_timeout(20)
    return offline


def back_online(w: Widget, offline: dict[str, bool]) -> None:
    """The network is back; the browser says so with an `online` event."""
    offline["on"] = False
    w.page.evaluate("window.dispatchEvent(new Event('online'))")


def test_reconnect_after_server_drop_and_offline_outbox(stack, agents, widget, tokens) -> None:
    agent = agents()
    agent.online()
    w = widget()
    offline = network_gate(w, agent)
    w.start_chat()
    conversation_id = agent.new_chat()
    w.type_and_send("첫 메시지")
    agent.customer_says(conversation_id)
    expect(w.log.locator(".msg.mine").last).to_have_attribute("data-state", "sent")

    # The network goes away and API Gateway drops the connection.
    offline["on"] = True
    drop_customer(stack, conversation_id)
    expect(w.root.locator(".link-status")).to_have_text("연결이 끊겼습니다. 다시 연결하는 중…")
    agent.say(conversation_id, "오프라인 동안 보낸 답변")
    w.type_and_send("오프라인에서 쓴 메시지")
    pending = w.log.locator(".msg.mine").last
    expect(pending).to_have_attribute("data-state", "sending")
    expect(pending.locator(".state")).to_have_text("보내는 중")
    screenshot(w.page, "widget-offline")

    # The network is back (the browser says so with an `online` event): the outbox goes out, the
    # missed answer comes in.
    back_online(w, offline)
    expect(pending).to_have_attribute("data-state", "sent", timeout=15_000)
    assert agent.customer_says(conversation_id)["text"] == "오프라인에서 쓴 메시지"
    expect(w.log.locator(".msg.agent .bubble")).to_have_text(["오프라인 동안 보낸 답변"])
    expect(w.root.locator(".link-status")).to_be_hidden()

    # A drop while online: reconnect with backoff, nothing missed, nothing twice.
    drop_customer(stack, conversation_id)
    agent.say(conversation_id, "재연결 직후 답변")
    expect(w.log.locator(".msg.agent .bubble")).to_have_text(["오프라인 동안 보낸 답변", "재연결 직후 답변"])
    w.type_and_send("다시 연결됨")
    assert agent.customer_says(conversation_id)["text"] == "다시 연결됨"
    expect(w.log.locator(".msg.mine .bubble")).to_have_text(["첫 메시지", "오프라인에서 쓴 메시지", "다시 연결됨"])
    seqs = w.seqs()
    assert seqs == list(range(1, len(seqs) + 1))
    stored = rest(stack, "GET", f"/chats/{conversation_id}/transcript", tokens["agent1"])["messages"]
    assert [m["text"] for m in stored if m["role"] == "customer"] == [
        "첫 메시지",
        "오프라인에서 쓴 메시지",
        "다시 연결됨",
    ]


def test_a_push_lost_in_transit_is_fetched_in_order(stack, agents, widget) -> None:
    agent = agents()
    agent.online()
    w = widget()
    lost: list[str] = []

    def lossy(route: Any) -> None:
        # Forward every frame, except that the first push of "유실될 답변" never reaches the page.
        server = route.connect_to_server()
        route.on_message(server.send)

        def to_page(raw: Any) -> None:
            if isinstance(raw, str) and "유실될 답변" in raw and '"message.new"' in raw and not lost:
                lost.append(raw)
                return
            route.send(raw)

        server.on_message(to_page)

    w.page.route_web_socket(re.compile(r".*/ws\?token=.*"), lossy)
    agent.pump = lambda: w.page.wait_for_timeout(20)
    w.start_chat()
    conversation_id = agent.new_chat()
    w.type_and_send("안녕하세요")
    agent.customer_says(conversation_id)
    agent.say(conversation_id, "유실될 답변")
    agent.say(conversation_id, "다음 답변")
    # The gap before "다음 답변" makes the widget sync: both show, in order, once.
    expect(w.log.locator(".msg.agent .bubble")).to_have_text(["유실될 답변", "다음 답변"])
    assert len(lost) == 1
    seqs = w.seqs()
    assert seqs == list(range(1, len(seqs) + 1))


def test_message_typed_before_the_conversation_has_loaded_shows_once(stack, agents, widget) -> None:
    agent = agents()
    agent.online()
    w = widget()
    held: list[Any] = []

    def hold_first_load(route: Any) -> None:
        if route.request.method == "GET" and not held:
            held.append(route)  # answered below, after the customer has typed
        else:
            route.continue_()

    w.page.route(re.compile(r".*/api/chats/[^/?]+$"), hold_first_load)
    w.start_chat()
    w.type_and_send("빠르게 입력한 메시지")
    expect(w.log.locator(".msg.mine")).to_have_count(1)
    assert len(held) == 1
    held[0].continue_()
    conversation_id = agent.new_chat()
    mine = w.log.locator(".msg.mine")
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("data-state", "sent")
    assert agent.customer_says(conversation_id)["text"] == "빠르게 입력한 메시지"
    expect(mine).to_have_count(1)


def test_reload_resumes_the_conversation(stack, agents, widget, tokens) -> None:
    agent = agents()
    agent.online()
    w = widget()
    offline = network_gate(w, agent)
    w.start_chat("이순신")
    conversation_id = agent.new_chat()
    w.type_and_send("새로고침 전 메시지")
    agent.customer_says(conversation_id)
    agent.say(conversation_id, "새로고침 전 답변")
    expect(w.log.locator(".msg.agent")).to_have_count(1)
    before = w.log.locator("li[data-seq]").all_text_contents()

    w.page.reload()
    expect(w.panel).to_be_visible()  # it was open: it opens again
    expect(w.log.locator("li[data-seq]")).to_have_text(before)
    agent.say(conversation_id, "새로고침 후 답변")
    expect(w.log.locator(".msg.agent .bubble")).to_have_text(["새로고침 전 답변", "새로고침 후 답변"])
    w.type_and_send("새로고침 후 메시지")
    message = agent.customer_says(conversation_id)
    assert (message["text"], message["senderName"]) == ("새로고침 후 메시지", "이순신")
    seqs = w.seqs()
    assert seqs == list(range(1, len(seqs) + 1))

    # Closed, reloaded: the icon stays, the conversation is still there behind it.
    w.page.keyboard.press("Escape")
    w.page.reload()
    expect(w.launcher).to_be_visible()
    expect(w.panel).to_be_hidden()
    agent.say(conversation_id, "닫힌 동안 답변")
    expect(w.launcher.locator(".badge")).to_have_text("1")
    w.launcher.click()
    expect(w.log.locator(".msg.agent .bubble").last).to_have_text("닫힌 동안 답변")

    # Written offline, then the page is reloaded before the network is back: the outbox survives
    # the reload and is delivered once, when the connection returns.
    offline["on"] = True
    drop_customer(stack, conversation_id)
    expect(w.root.locator(".link-status")).not_to_be_empty()
    w.type_and_send("오프라인에서 쓰고 새로고침")
    w.page.reload()
    pending = w.log.locator(".msg.mine").last
    expect(pending.locator(".bubble")).to_have_text("오프라인에서 쓰고 새로고침")
    expect(pending).to_have_attribute("data-state", "sending")
    back_online(w, offline)
    expect(pending).to_have_attribute("data-state", "sent", timeout=15_000)
    assert agent.customer_says(conversation_id)["text"] == "오프라인에서 쓰고 새로고침"
    stored = rest(stack, "GET", f"/chats/{conversation_id}/transcript", tokens["agent1"])["messages"]
    assert [m["text"] for m in stored].count("오프라인에서 쓰고 새로고침") == 1
    expect(w.log.locator("li[data-seq]")).to_have_count(len(stored))

    # A stored token the server no longer accepts: forgotten, the intake starts again.
    w.page.evaluate(
        """() => { for (const key of Object.keys(localStorage).filter(k => k.startsWith('livechat.widget'))) {
                   const saved = JSON.parse(localStorage.getItem(key)); saved.token = 'expired.or.forged';
                   localStorage.setItem(key, JSON.stringify(saved)); } }"""
    )
    w.page.reload()
    expect(w.button("동의하고 상담 시작")).to_be_visible()  # it was open: the new intake shows
    assert w.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('livechat.widget'))") == []


# --- security ---------------------------------------------------------------------------------


def test_xss_payloads_render_as_text_both_ways(stack, agents, widget, tokens) -> None:
    greeting = "<img src=x onerror=\"window.__xss='greeting'\">안녕하세요"
    rest(stack, "PUT", "/settings", tokens["admin"], {"greeting": greeting})
    agent = agents()
    agent.online()
    w = widget()
    w.start_chat("<script>window.__xss='name'</script>")
    conversation_id = agent.new_chat()
    expect(w.log.locator(".msg.greeting .bubble")).to_have_text(greeting)
    for payload in XSS_PAYLOADS:
        w.type_and_send(payload)
        assert agent.customer_says(conversation_id)["text"] == payload
        agent.say(conversation_id, payload)
    expect(w.log.locator(".msg.agent .bubble")).to_have_text(XSS_PAYLOADS)
    expect(w.log.locator(".msg.mine .bubble")).to_have_text(XSS_PAYLOADS)
    # Only text inside the bubbles: no element came out of any payload.
    assert w.log.locator(".bubble *").count() == 0
    assert w.root.locator("img, script, iframe, svg:not([aria-hidden]), b, i, u").count() == 0
    assert w.log.locator("li.msg.agent").count() == len(XSS_PAYLOADS)
    assert w.page.evaluate("window.__xss") is None
    screenshot(w.page, "widget-xss-as-text")


def test_host_page_css_and_widget_css_do_not_touch(stack, agents, widget, site) -> None:
    hostile = """
      * { color: rgb(255, 0, 0) !important; font-family: "Courier New", monospace !important;
          letter-spacing: 7px !important; text-transform: uppercase !important; }
      body { font-size: 40px; line-height: 3; }
      livechat-widget, .launcher, .panel, .bubble, button, textarea {
          display: none !important; background: pink !important; }
      .primary { background: rgb(0, 128, 0); border: 9px solid black; }
      li, ol { list-style: square !important; margin: 50px !important; }
    """
    page_html = f"""<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>host</title>
      <link rel="stylesheet" href="/hostile.html.css"></head>
      <body><p class="title">호스트 페이지</p><div class="primary" id="host-primary">host button</div>
      <ol class="log"><li class="msg">host list</li></ol>{snippet(stack)}</body></html>"""
    agents().online()
    w = widget(site.page("/hostile.html", page_html, hostile))
    expect(w.launcher).to_be_visible()
    style = "(n, p) => getComputedStyle(n)[p]"
    assert w.launcher.evaluate(style, "backgroundColor") == "rgb(31, 94, 255)"
    w.start_chat()
    title = w.root.locator(".title")
    assert title.evaluate(style, "color") == "rgb(255, 255, 255)"
    assert title.evaluate(style, "fontSize") == "16px"
    assert title.evaluate(style, "letterSpacing") == "normal"
    assert title.evaluate(style, "textTransform") == "none"
    assert "Courier" not in title.evaluate(style, "fontFamily")
    w.type_and_send("isolated")
    bubble = w.log.locator(".msg.mine .bubble")
    expect(bubble).to_have_text("isolated")
    assert bubble.evaluate(style, "backgroundColor") == "rgb(31, 94, 255)"
    assert w.log.evaluate(style, "listStyleType") == "none"
    # …and the widget's CSS does not reach the host page's elements with the same class names.
    host_primary = w.page.locator("#host-primary")
    assert host_primary.evaluate(style, "backgroundColor") == "rgb(0, 128, 0)"
    assert host_primary.evaluate(style, "borderTopWidth") == "9px"
    assert w.page.locator("p.title").evaluate(style, "fontSize") == "40px"
    assert w.page.locator("body > ol.log").evaluate(style, "listStyleType") == "square"
    screenshot(w.page, "widget-hostile-host-page")


# --- accessibility ----------------------------------------------------------------------------


def test_keyboard_only_focus_trap_and_escape(stack, agents, widget) -> None:
    agent = agents()
    agent.online()
    w = widget()
    expect(w.launcher).to_be_visible()
    keyboard = w.page.keyboard
    keyboard.press("Tab")
    assert w.active().startswith("button|") and w.active().endswith("outside")  # the launcher
    keyboard.press("Enter")
    expect(w.panel).to_be_visible()
    expect(w.panel.locator(".consent")).to_be_focused()
    keyboard.press("Tab")
    expect(w.panel.get_by_label("이름 (선택)")).to_be_focused()
    keyboard.type("키보드")
    keyboard.press("Tab")
    expect(w.button("동의하고 상담 시작")).to_be_focused()
    outline = w.button("동의하고 상담 시작").evaluate("n => getComputedStyle(n).outlineStyle")
    assert outline != "none"  # visible focus
    keyboard.press("Enter")
    conversation_id = agent.new_chat()
    expect(w.input).to_be_focused()
    keyboard.type("키보드로 보냄")
    keyboard.press("Enter")
    assert agent.customer_says(conversation_id)["text"] == "키보드로 보냄"

    # Tab and Shift+Tab never leave the dialog.
    seen = set()
    for key in ["Tab"] * 8 + ["Shift+Tab"] * 8:
        keyboard.press(key)
        active = w.active()
        assert active.endswith("in-panel"), (key, active)
        seen.add(active)
    assert len(seen) >= 4

    # The rating sub-dialog: Esc closes it only; Esc again closes the chat window.
    rate = w.root.locator(".bar").get_by_role("button", name="평가")
    rate.focus()
    keyboard.press("Enter")
    dialog = w.root.locator(".overlay")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("만족", exact=True)).to_be_focused()
    for _ in range(6):
        keyboard.press("Tab")
        assert w.page.evaluate(
            "document.querySelector('livechat-widget').shadowRoot.querySelector('.overlay').contains("
            "document.querySelector('livechat-widget').shadowRoot.activeElement)"
        )
    keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(rate).to_be_focused()
    keyboard.press("Escape")
    expect(w.panel).to_be_hidden()
    expect(w.launcher).to_be_focused()
    keyboard.press("Enter")
    expect(w.input).to_be_focused()


def test_english_page_and_korean_browser(stack, agents, widget, site) -> None:
    agents().online()
    english = page_with(snippet(stack), lang="en")
    w = widget(site.page("/en.html", english), locale="en-US")
    expect(w.launcher).to_have_attribute("aria-label", "Open chat")
    w.launcher.click()
    expect(w.panel.get_by_role("heading", name="Customer Center Chat")).to_be_visible()
    expect(w.button("Agree and start chat")).to_be_visible()
    w.button("Agree and start chat").click()
    expect(w.input).to_have_attribute("placeholder", "Message")
    expect(w.root.locator(".bar").get_by_role("button", name="End chat")).to_be_visible()
    expect(w.log.locator(".msg.system")).to_contain_text("has joined the chat")
    screenshot(w.page, "widget-english")

    # The same English page in a Korean browser: Korean.
    k = widget(site.base + "/en.html", locale="ko-KR")
    expect(k.launcher).to_have_attribute("aria-label", "채팅 상담 열기")
    k.launcher.click()
    expect(k.panel.get_by_role("heading", name="고객센터 채팅 상담")).to_be_visible()
    # A Korean page in an English browser: Korean too.
    korean = page_with(snippet(stack), lang="ko")
    k2 = widget(site.page("/ko.html", korean), locale="en-US")
    expect(k2.launcher).to_have_attribute("aria-label", "채팅 상담 열기")
    # data-lang wins over both.
    forced = page_with(snippet(stack, "en"), lang="ko")
    f = widget(site.page("/forced.html", forced), locale="ko-KR")
    expect(f.launcher).to_have_attribute("aria-label", "Open chat")


def test_phone_width_is_full_screen(stack, agents, widget) -> None:
    agents().online()
    w = widget(viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)
    w.launcher.click()
    expect(w.panel).to_be_visible()
    box = w.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 375, "height": 700}
    screenshot(w.page, "widget-phone")
    wide = widget(viewport={"width": 1024, "height": 700})
    wide.launcher.click()
    assert wide.panel.bounding_box()["width"] < 480


# --- S-6: rating, end, new chat ---------------------------------------------------------------


def test_rating_request_and_rating(stack, agents, widget, tokens, defaults) -> None:
    agent = agents()
    agent.online()
    w = widget()
    w.start_chat()
    conversation_id = agent.new_chat()
    rest(stack, "POST", f"/chats/{conversation_id}/rating-request", tokens["agent1"])
    request = w.log.locator(".msg.rating-request")
    expect(request.locator(".bubble")).to_have_text(defaults["ratingRequestText"])
    w.page.reload()  # an unanswered request is still there after a reload, once
    expect(request.locator(".bubble")).to_have_text(defaults["ratingRequestText"])
    expect(request).to_have_count(1)
    request.get_by_role("button", name="평가하기").click()
    dialog = w.root.locator(".overlay")
    expect(dialog.get_by_role("heading", name="상담 만족도 평가")).to_be_visible()
    dialog.get_by_role("button", name="보내기").click()
    expect(dialog.locator(".error")).to_have_text("만족 또는 불만족을 선택해 주세요.")
    dialog.get_by_label("불만족").check()
    dialog.get_by_label("의견 (선택)").fill("답변이 <b>늦었어요</b>")
    screenshot(w.page, "widget-rating")
    dialog.get_by_role("button", name="보내기").click()
    expect(dialog.locator(".note.done")).to_have_text("평가해 주셔서 감사합니다.")
    submitted = agent.wait("rating.submitted")
    assert (submitted["rating"], submitted["comment"]) == ("dissatisfied", "답변이 <b>늦었어요</b>")
    dialog.get_by_role("button", name="채팅 창 닫기").click()
    expect(dialog).to_be_hidden()
    expect(w.root.locator(".bar").get_by_role("button", name="평가")).to_be_hidden()
    expect(request.get_by_role("button")).to_have_count(0)
    chat = rest(stack, "GET", f"/chats/{conversation_id}", tokens["agent1"])
    assert (chat["rating"], chat["ratingComment"]) == ("dissatisfied", "답변이 <b>늦었어요</b>")


def test_end_by_agent_rate_from_header_new_chat_and_end_by_customer(stack, agents, widget, tokens) -> None:
    agent = agents()
    agent.online()
    w = widget()
    w.start_chat()
    first = agent.new_chat()
    w.type_and_send("감사합니다")
    agent.customer_says(first)
    rest(stack, "POST", f"/chats/{first}/end", tokens["agent1"])
    ended = w.root.locator(".ended")
    expect(ended).to_contain_text("상담이 종료되었습니다.")
    expect(w.log.locator(".msg.system").last).to_have_text("상담이 종료되었습니다.")
    expect(w.input).to_be_disabled()
    expect(w.root.locator(".bar").get_by_role("button", name="상담 종료")).to_be_hidden()
    screenshot(w.page, "widget-ended")

    w.root.locator(".bar").get_by_role("button", name="평가").click()
    dialog = w.root.locator(".overlay")
    dialog.get_by_label("만족", exact=True).check()
    dialog.get_by_role("button", name="보내기").click()
    expect(dialog.locator(".note.done")).to_have_text("평가해 주셔서 감사합니다.")
    w.page.keyboard.press("Escape")
    assert rest(stack, "GET", f"/chats/{first}", tokens["agent1"])["rating"] == "satisfied"

    ended.get_by_role("button", name="새 상담 시작").click()
    w.button("동의하고 상담 시작").click()
    second = agent.new_chat()
    assert second != first
    expect(w.log.locator(".msg.mine")).to_have_count(0)
    w.type_and_send("새 상담입니다")
    assert agent.customer_says(second)["text"] == "새 상담입니다"

    w.root.locator(".bar").get_by_role("button", name="상담 종료").click()
    w.root.locator(".overlay").get_by_role("button", name="종료").click()
    frame = agent.wait("chat.ended", lambda f: f["conversationId"] == second)
    assert frame["endedBy"] == "customer"
    expect(ended).to_be_visible()
    expect(ended.get_by_role("button", name="새 상담 시작")).to_be_focused()
