"""The transcript by e-mail in Chromium: after the end, the rating dialog's checkbox, the address
prefilled from the chat's customer info, a bad address refused at the field, and the mail (masked
text, no note) visible at the local stack's /_local/mail page.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from axe_support import axe_violations
from browser_support import screenshot
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect
from websockets.sync.client import connect

EMAIL = "hong.customer@example.com"
NOTE = "내부 메모: 고객에게 보이면 안 됨"


def _rest(stack: dict[str, Any], method: str, path: str, token: str, body: Any = None) -> Any:
    status, _, answer = http(method, stack["api"] + path, body, {"Authorization": f"Bearer {token}"})
    assert status < 300, (method, path, status, answer)
    return answer


def _mail(stack: dict[str, Any]) -> list[dict[str, Any]]:
    with urllib.request.urlopen(stack["base"] + "/_local/mail.json", timeout=10) as answer:
        return json.loads(answer.read())["messages"]


def test_the_customer_asks_for_the_transcript_and_it_arrives(stack: dict[str, Any], new_page: Any) -> None:
    agent_token = sign_in(stack, "agent1@example.com")
    with connect(f"{stack['websocket']}?token={agent_token}", close_timeout=2) as ws:
        ws.send(json.dumps({"action": "status.set", "status": "online"}))
        page: Page = new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(stack["base"] + "/")
        root = page.locator("livechat-widget")
        root.locator(".launcher").click()
        panel = root.locator(".panel")
        panel.get_by_role("button", name="동의하고 상담 시작", exact=True).click()
        composer = root.locator(".composer textarea")
        expect(composer).to_be_enabled()
        composer.fill("주문 내역을 메일로 받고 싶어요")
        composer.press("Enter")
        expect(root.locator(".msg.mine .state").last).to_have_text("전송됨")
        admin = sign_in(stack, "admin@example.com")
        [chat] = _rest(stack, "GET", "/agent/chats", agent_token)["chats"]
        cid = chat["conversationId"]
        # The agent adds the customer's e-mail to the customer info and a note, then ends the chat.
        _rest(stack, "PUT", f"/chats/{cid}/customer", agent_token, {"email": EMAIL})
        _rest(stack, "POST", f"/chats/{cid}/notes", agent_token, {"text": NOTE, "clientMessageId": "n-1"})
        _rest(stack, "POST", f"/chats/{cid}/end", agent_token)
        expect(root.locator(".ended")).to_contain_text("상담이 종료되었습니다.")

    # Keyboard only: the rating dialog, its checkbox, the prefilled address.
    rate = root.locator(".bar").get_by_role("button", name="평가")
    rate.focus()
    page.keyboard.press("Enter")
    dialog = root.locator(".overlay")
    dialog.get_by_label("만족", exact=True).check()
    wanted = dialog.get_by_label("상담 내용을 이메일로 받기")
    wanted.focus()
    page.keyboard.press("Space")
    address = dialog.get_by_label("받을 이메일 주소")
    expect(address).to_be_focused()
    expect(address).to_have_value(EMAIL)
    violations = axe_violations(page)
    assert not violations, violations
    screenshot(page, "widget-transcript-ko-1280")

    # A bad address is refused in the page: nothing is rated or sent.
    address.fill("hong@")
    dialog.get_by_role("button", name="보내기").click()
    expect(dialog.locator(".transcript .error")).to_have_text("올바른 이메일 주소를 입력해 주세요.")
    expect(address).to_have_attribute("aria-invalid", "true")
    assert _rest(stack, "GET", f"/chats/{cid}", admin)["rating"] is None

    address.fill(EMAIL)
    dialog.get_by_role("button", name="보내기").click()
    expect(dialog.locator(".note.done")).to_contain_text(f"상담 내용을 {EMAIL}(으)로 보내 드립니다.")
    screenshot(page, "widget-transcript-sent-ko-1280")

    # The export function sent it through (moto's) SES: the local outbox page shows it.
    outbox = new_page(viewport={"width": 1024, "height": 800})
    outbox.goto(stack["base"] + "/_local/mail")
    expect(outbox.locator("article").filter(has_text=EMAIL)).to_have_count(1, timeout=45_000)
    article = outbox.locator("article").filter(has_text=EMAIL)
    expect(article.locator("h2")).to_contain_text("상담 내용")
    expect(article.locator("pre")).to_contain_text("주문 내역을 메일로 받고 싶어요")
    assert NOTE not in article.inner_text() and "내부 메모" not in article.inner_text()
    screenshot(outbox, "local-mail-outbox")
    [sent] = [m for m in _mail(stack) if EMAIL in m["to"]]
    assert NOTE not in sent["body"]
    assert problems == []
