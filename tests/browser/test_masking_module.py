"""frontend/console/masking.js in Chromium against the local stack: a real text selection (UTF-16)
becomes a code-point span, the server masks it, asterisks show; one-click masking of detected
personal data; a masked region restores its original after confirmation; a reload keeps masks."""

from __future__ import annotations

import json
import re
from typing import Any

import websockets
from browser_support import customer_consents_and_writes, run_scenario, screenshot
from e2e_support import http, next_frame, sign_in
from playwright.sync_api import Page, expect

SECRET_NAME = "김비밀"
SECRET_PHONE = "010-9876-5432"
TEXT = f"😀 제 이름은 {SECRET_NAME}, 번호는 {SECRET_PHONE} 입니다"


def live_chat_with_message(stack: dict[str, Any], text: str) -> dict[str, Any]:
    """Security service on; agent1 online takes a new chat; the customer writes `text`."""
    admin = sign_in(stack, "admin@example.com")
    api = stack["api"]
    code, _, body = http("PUT", f"{api}/settings", {"securityService": True}, {"Authorization": f"Bearer {admin}"})
    assert code == 200, body
    agent = sign_in(stack, "agent1@example.com")

    async def scenario() -> dict[str, Any]:
        async with websockets.connect(f"{stack['websocket']}?token={agent}") as agent_ws:
            await agent_ws.send(json.dumps({"action": "status.set", "status": "online"}))
            await next_frame(agent_ws, "agent.status")
            return {"agent": agent, **await customer_consents_and_writes(stack, text)}

    return run_scenario(scenario())


# Renders one message with the module (it re-renders itself on every update) and a masking icon.
MOUNT = """async ([token, message]) => {
  const { createMasking } = await import('/console/masking.js');
  const { createApi } = await import('/shared/api.js');
  const config = await (await fetch('/config.json')).json();
  const api = createApi(config.api, async () => token);
  const host = document.createElement('div');
  host.id = 'masking-host';
  document.body.replaceChildren(host);
  const masking = createMasking({ api, lang: 'ko', securityService: true,
                                  onUpdated: (m) => { window.shownMessage = m; },
                                  onError: (text) => { window.lastError = text; } });
  host.replaceChildren(masking.renderText(message), masking.createButton());
}"""

# Selects `needle` inside the rendered message with a DOM Range (UTF-16 offsets, as a mouse drag makes).
SELECT = """(needle) => {
  for (const node of document.querySelectorAll('#masking-host .masking-text span')) {
    const text = node.firstChild;
    const at = text ? text.data.indexOf(needle) : -1;
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(text, at);
    range.setEnd(text, at + needle.length);
    document.getSelection().removeAllRanges();
    document.getSelection().addRange(range);
    return true;
  }
  return false;
}"""


def _mount(page: Page, stack: dict[str, Any], token: str, message: dict[str, Any]) -> None:
    page.goto(stack["base"] + "/console/")
    page.evaluate(MOUNT, [token, message])


def _last_message(stack: dict[str, Any], token: str, conversation_id: str) -> dict[str, Any]:
    url = f"{stack['api']}/chats/{conversation_id}/messages"
    _, _, body = http("GET", url, None, {"Authorization": f"Bearer {token}"})
    return body["messages"][-1]


def _stored_text(stack: dict[str, Any], token: str, conversation_id: str) -> str:
    return _last_message(stack, token, conversation_id)["text"]


def test_select_mask_reload_unmask(stack: dict[str, Any], new_page: Any) -> None:
    setup = live_chat_with_message(stack, TEXT)
    token, message, cid = setup["agent"], setup["message"], setup["chat"]["conversationId"]
    page: Page = new_page()
    _mount(page, stack, token, message)
    text = page.locator("#masking-host .masking-text")
    expect(text).to_have_text(TEXT)
    # The mask button beside it is an inline SVG lock (no emoji glyph), named for assistive tech.
    expect(page.locator(".pii-mask svg.icon-lock")).to_have_count(1)
    expect(page.locator(".pii-mask")).to_have_accessible_name(re.compile(r"가리기"))
    # The phone number is underlined as likely personal data.
    expect(page.locator(".pii")).to_have_text(SECRET_PHONE)

    # Select the name after an emoji (2 UTF-16 units, 1 code point) and press the masking icon.
    assert page.evaluate(SELECT, SECRET_NAME)
    page.locator(".masking-icon").click()
    expect(page.locator(".masked")).to_have_text("***")
    assert SECRET_NAME not in text.inner_text()
    assert _stored_text(stack, token, cid) == TEXT.replace(SECRET_NAME, "***")

    # One click masks the detected phone number.
    page.get_by_role("button", name="가리기: 전화번호").click()
    expect(page.locator(".masked")).to_have_count(2)
    masked_text = TEXT.replace(SECRET_NAME, "***").replace(SECRET_PHONE, "*" * 13)
    expect(text).to_have_text(masked_text)
    screenshot(page, "masking-module-masked")

    # Reload: the served message is masked.
    page.reload()
    _mount(page, stack, token, _last_message(stack, token, cid))
    expect(text).to_have_text(masked_text)

    # Clicking a masked region asks first; dismissing changes nothing, accepting restores it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(".masked").first.click()
    expect(page.locator(".masked")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".masked").first.click()
    expect(page.locator(".masked")).to_have_count(1)
    expect(text).to_contain_text(SECRET_NAME)
    assert _stored_text(stack, token, cid) == TEXT.replace(SECRET_PHONE, "*" * 13)
    assert page.evaluate("window.lastError || null") is None
