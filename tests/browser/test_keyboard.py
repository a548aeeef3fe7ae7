"""Keyboard only, as a person without a mouse works: the agent's core path in the console and the
customer's in the widget. No clicks: Tab, Shift+Tab, Enter, Space, arrows, Esc and the console's
shortcuts. At every stop the focused element shows a visible focus indicator; a dialog keeps focus
inside it while open and gives it back to what opened it when it closes.
"""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from typing import Any

from browser_support import screenshot
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect
from websockets.sync.client import connect

# The focused element, through the widget's shadow root: what it is called and whether its focus
# is drawn (the :focus-visible outline of base.css / widget.css).
FOCUSED = """() => {
  let node = document.activeElement;
  while (node && node.shadowRoot && node.shadowRoot.activeElement) node = node.shadowRoot.activeElement;
  if (!node || node === document.body) return null;
  const style = getComputedStyle(node);
  const label = node.labels && node.labels[0] ? node.labels[0].textContent : "";
  const name = (node.getAttribute("aria-label") || label || node.textContent || "").trim().slice(0, 60);
  const dialog = node.closest("dialog[open], [role=dialog]:not(.hidden):not([hidden])");
  return {
    tag: node.tagName.toLowerCase(),
    name,
    visible: node.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    dialog: dialog ? dialog.className : null,
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    state = page.evaluate(FOCUSED)
    assert state is not None, "focus was lost (on the body)"
    assert state["visible"], f"no visible focus on {state}"
    return state


def tab_to(page: Page, name: str, *, back: bool = False, limit: int = 60) -> dict[str, Any]:
    """Tab (or Shift+Tab) until the focused element's name starts with `name`; every stop must show focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        state = focused(page)
        seen.append(state["name"])
        if state["name"].startswith(name):
            return state
    raise AssertionError(f"{name!r} not reached by keyboard; stops: {seen}")


def rest(stack: dict[str, Any], method: str, path: str, token: str, body: Any = None) -> Any:
    status, _, answer = http(method, stack["api"] + path, body, {"Authorization": f"Bearer {token}"})
    assert status < 300, (method, path, status, answer)
    return answer


def test_agent_core_path_by_keyboard(stack: dict[str, Any], new_page: Any) -> None:
    page: Page = new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())  # the end confirmation (window.confirm): Enter
    page.goto(stack["base"] + "/console/")
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == "agent1@example.com")

    # Sign in: the email field has focus; type, Tab, type, Enter.
    expect(page.locator("input[name=email]")).to_be_focused()
    page.keyboard.type("agent1@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    status_button = page.locator(".status-button")
    expect(status_button).to_be_visible()
    expect(page.locator(".connection")).to_have_attribute("data-online", "true")

    # Go online: the status menu from its button, arrows, Enter; focus comes back to the button.
    tab_to(page, "오프라인")
    page.keyboard.press("Enter")
    expect(page.get_by_role("menuitemradio", name="오프라인")).to_be_focused()
    page.keyboard.press("ArrowDown")  # wraps to 온라인
    expect(page.get_by_role("menuitemradio", name="온라인")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status_button).to_have_attribute("data-status", "online")
    expect(status_button).to_be_focused()

    # The shortcuts help is a dialog: focus inside, Tab stays inside, Esc returns focus.
    page.keyboard.press("?")
    help_dialog = page.locator(".help-overlay")
    expect(help_dialog).to_be_visible()
    for _ in range(3):
        page.keyboard.press("Tab")
        assert focused(page)["dialog"] == "help-overlay", "Tab left the help dialog"
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    expect(status_button).to_be_focused()

    # A customer arrives: open the chat from the list with the keyboard, reply with Alt+M.
    _, _, availability = http("GET", f"{stack['api']}/widget/availability")
    start = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": "키보드고객"}
    code, _, chat = http("POST", f"{stack['api']}/chats", start)
    assert code == 201, chat
    with ExitStack() as closing:
        customer = closing.enter_context(connect(f"{stack['websocket']}?token={chat['token']}"))
        expect(page.locator(".chat-item", has_text="키보드고객")).to_be_visible()
        tab_to(page, "키보드고객")
        page.keyboard.press("Enter")
        expect(page.locator(".conv-title")).to_have_text("키보드고객")
        page.keyboard.press("Alt+KeyM")
        expect(page.locator(".composer textarea")).to_be_focused()
        focused(page)
        page.keyboard.type("키보드로 답합니다")
        page.keyboard.press("Enter")
        deadline = time.monotonic() + 15
        while True:
            frame = json.loads(customer.recv(timeout=max(0.1, deadline - time.monotonic())))
            if frame.get("type") == "message.new" and frame["message"]["role"] == "agent":
                break
        assert frame["message"]["text"] == "키보드로 답합니다"

        # Save the customer info: Tab to the field, type, Enter submits its form.
        tab_to(page, "이름")
        page.keyboard.type("김키보")
        page.keyboard.press("Enter")
        expect(page.locator(".customer-form .form-status")).to_have_attribute("data-state", "saved")

        # Create a ticket: the dialog takes focus, keeps it, and gives it back to its button.
        tab_to(page, "티켓 만들기", back=True)
        page.keyboard.press("Enter")
        dialog = page.locator("dialog.ticket-dialog")
        expect(dialog).to_be_visible()
        assert focused(page)["tag"] == "select"
        page.keyboard.press("ArrowDown")  # the first inquiry type
        page.keyboard.press("Tab")
        page.keyboard.type("키보드 티켓")
        page.keyboard.press("Tab")
        page.keyboard.type("키보드로 만든 티켓")
        for _ in range(8):
            page.keyboard.press("Tab")
            assert focused(page)["dialog"] == "ticket-dialog", "Tab left the ticket dialog"
        tab_to(page, "제출", back=True)
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(page.locator(".create-ticket")).to_be_focused()
        tickets = rest(stack, "GET", "/tickets?channel=chat", sign_in(stack, "admin@example.com"))["tickets"]
        assert [t["title"] for t in tickets if t.get("conversationId") == chat["conversationId"]] == ["키보드 티켓"]

        # Ask for a rating, then end the chat (the confirmation is accepted with Enter).
        tab_to(page, "평가", back=True)
        page.keyboard.press("Enter")
        while True:
            frame = json.loads(customer.recv(timeout=15))
            if frame.get("type") == "rating.requested":
                break
        tab_to(page, "대화 종료")
        screenshot(page, "keyboard-console-before-end")
        page.keyboard.press("Enter")
        expect(page.locator(".chat-item", has_text="키보드고객")).to_have_count(0)
        state = page.evaluate(FOCUSED)
        assert state is not None, "ending the chat dropped focus on the body"


def test_customer_path_by_keyboard(stack: dict[str, Any], new_page: Any) -> None:
    rest(stack, "PUT", "/me/status", sign_in(stack, "agent1@example.com"), {"status": "offline"})  # agent2 takes it
    with ExitStack() as closing:
        token = sign_in(stack, "agent2@example.com")
        agent = closing.enter_context(connect(f"{stack['websocket']}?token={token}"))
        agent.send(json.dumps({"action": "status.set", "status": "online"}))

        def frame_of(kind: str) -> dict[str, Any]:
            while True:
                frame = json.loads(agent.recv(timeout=15))
                if frame.get("type") == kind:
                    return frame

        frame_of("agent.status")
        page: Page = new_page(viewport={"width": 390, "height": 760}, is_mobile=True, has_touch=True)
        page.goto(stack["base"] + "/")
        root = page.locator("livechat-widget")
        expect(root.locator(".launcher")).to_be_visible()

        # Open, read the consent, agree.
        tab_to(page, "채팅 상담 열기")
        page.keyboard.press("Enter")
        expect(root.locator(".consent")).to_be_focused()
        focused(page)
        tab_to(page, "동의하고 상담 시작")
        page.keyboard.press("Enter")
        conversation_id = frame_of("chat.assigned")["conversation"]["conversationId"]

        # Chat.
        expect(root.locator(".composer textarea")).to_be_focused()
        page.keyboard.type("키보드로 씁니다")
        page.keyboard.press("Enter")
        assert frame_of("message.new")["message"]["text"] == "키보드로 씁니다"

        # Rate: the request's button opens the dialog; a radio by Space; focus returns to the opener.
        rest(stack, "POST", f"/chats/{conversation_id}/rating-request", token)
        expect(root.locator(".msg.rating-request button")).to_be_visible()
        tab_to(page, "평가하기")
        page.keyboard.press("Enter")
        overlay = root.locator(".overlay")
        expect(overlay).to_be_visible()
        assert focused(page)["tag"] == "input"
        page.keyboard.press("Space")
        expect(overlay.get_by_label("만족", exact=True)).to_be_checked()
        tab_to(page, "보내기")
        page.keyboard.press("Enter")
        expect(overlay.locator(".note.done")).to_be_visible()
        assert frame_of("rating.submitted")["rating"] == "satisfied"
        page.keyboard.press("Enter")  # the focused 닫기 button
        expect(overlay).to_be_hidden()
        assert focused(page)["name"] != ""

        # End: the header's button, the confirmation's 종료 (focused), then 새 상담 시작 has focus.
        tab_to(page, "상담 종료")
        page.keyboard.press("Enter")
        expect(overlay).to_be_visible()
        assert focused(page)["name"] == "종료"
        page.keyboard.press("Enter")
        expect(root.locator(".ended")).to_be_visible()
        expect(root.locator(".ended").get_by_role("button", name="새 상담 시작")).to_be_focused()
        focused(page)
        screenshot(page, "keyboard-widget-ended")
        agent.send(json.dumps({"action": "status.set", "status": "offline"}))
