"""What the customer's widget shows of masking (docs/protocol.md#masking), in Chromium.

The agent masks part of the customer's message: the widget shows the masked text at once
(message.updated) and after a reload (sync serves the stored, masked text; the page caches no
messages). With autoMaskPii, the customer's personal data is stored masked; their widget shows
the stored text once the message is acknowledged, and after a reload.
"""

from __future__ import annotations

from typing import Any

from browser_support import screenshot
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect

SECRET_NAME = "김비밀"
TEXT = f"안녕하세요 😀 제 이름은 {SECRET_NAME}입니다"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_widget_shows_masked_text_after_reload_and_auto_masked_text_at_once(
    stack: dict[str, Any], new_page: Any
) -> None:
    api = stack["api"]
    admin = sign_in(stack, "admin@example.com")
    agent = sign_in(stack, "agent1@example.com")
    assert http("PUT", f"{api}/settings", {"securityService": True}, _bearer(admin))[0] == 200
    assert http("PUT", f"{api}/me/status", {"status": "online"}, _bearer(agent))[0] == 200

    page: Page = new_page()
    page.goto(stack["base"] + "/")
    root = page.locator("livechat-widget")
    panel = root.locator(".panel")
    root.locator(".launcher").click()
    panel.get_by_role("button", name="동의하고 상담 시작", exact=True).click()
    composer = root.locator(".composer textarea")
    expect(composer).to_be_visible()
    composer.fill(TEXT)
    composer.press("Enter")
    log = root.locator(".log")
    expect(log).to_contain_text(SECRET_NAME)

    # The agent masks the name.
    chats = http("GET", f"{api}/agent/chats", None, _bearer(agent))[2]["chats"]
    cid = chats[0]["conversationId"]
    message = None
    for _ in range(100):  # until the widget's message is stored (it shows as sending before that)
        messages = http("GET", f"{api}/chats/{cid}/messages", None, _bearer(agent))[2]["messages"]
        message = next((m for m in messages if m["role"] == "customer"), None)
        if message:
            break
        page.wait_for_timeout(100)
    assert message is not None and message["text"] == TEXT
    at = TEXT.index(SECRET_NAME)
    span = {"spans": [{"start": at, "end": at + len(SECRET_NAME)}]}
    code, masked = http("POST", f"{api}/chats/{cid}/messages/{message['seq']}/masks", span, _bearer(agent))[::2]
    assert code == 200, masked

    # The widget replaces the message at once (message.updated) ...
    expect(log).to_contain_text(TEXT.replace(SECRET_NAME, "***"))
    expect(log).not_to_contain_text(SECRET_NAME)
    # ... and after a reload it shows what is stored: the masked text.
    page.reload()
    expect(composer).to_be_visible()  # the open conversation comes back by itself
    expect(log).to_contain_text(TEXT.replace(SECRET_NAME, "***"))
    expect(log).not_to_contain_text(SECRET_NAME)
    screenshot(page, "widget-masked-after-reload")

    # autoMaskPii: a resident registration number is stored masked; once acknowledged the
    # customer's own screen shows the stored, masked text too, and so after a reload.
    assert http("PUT", f"{api}/settings", {"autoMaskPii": True}, _bearer(admin))[0] == 200
    composer.fill("주민번호는 900101-1234568 입니다")
    composer.press("Enter")
    expect(log.locator("li").last).to_contain_text("전송됨")  # acknowledged: stored
    expect(log.locator("li").last).to_contain_text("주민번호는 " + "*" * 14 + " 입니다")
    expect(log).not_to_contain_text("900101-1234568")
    stored = http("GET", f"{api}/chats/{cid}/messages", None, _bearer(agent))[2]["messages"][-1]
    assert stored["text"] == "주민번호는 " + "*" * 14 + " 입니다"
    page.reload()
    expect(composer).to_be_visible()
    expect(log).to_contain_text("주민번호는 " + "*" * 14 + " 입니다")
    expect(log).not_to_contain_text("900101-1234568")
