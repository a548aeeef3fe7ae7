"""Masking in the real console (S-5) in Chromium against the local stack.

The masking icon shows only once an admin turns the security service on (live, settings.changed).
The agent drag-selects a name inside the customer's message and presses the icon: asterisks at
once, in the agent's other tab too (message.updated). After a reload the message is still masked.
Clicking the masked region asks for confirmation; on confirm the original is back, in both tabs
and in what the server serves.
"""

from __future__ import annotations

from typing import Any

from browser_support import (
    customer_consents_and_writes,
    drop_staff_connections,
    run_scenario,
    screenshot,
    websocket_gate,
)
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect

SECRET_NAME = "김비밀"
TEXT = f"😀 안녕하세요, 제 이름은 {SECRET_NAME}입니다. 010-9876-5432 로 연락 주세요"
AGENT = ("agent2@example.com", "Agent2-Passw0rd!")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/console/")
    page.fill("input[name=email]", AGENT[0])
    page.fill("input[name=password]", AGENT[1])
    page.keyboard.press("Enter")
    expect(page.locator(".status-button")).to_be_visible()


def _open_chat(page: Page) -> None:
    page.locator(".chat-item").first.click()
    expect(page.locator(".messages .msg-customer .msg-text")).to_contain_text("안녕하세요")


# Where `needle` is drawn inside the customer's message: the rectangle of its text.
LOCATE = """([needle, selector]) => {
  const message = document.querySelector(selector);
  const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + needle.length);
    const box = range.getBoundingClientRect();
    return { left: box.left, right: box.right, y: box.top + box.height / 2 };
  }
  return null;
}"""


def _drag_select(page: Page, needle: str, selector: str = ".messages .msg-customer .msg-text") -> None:
    """Select `needle` with the mouse, from its first character's left edge to its last one's right."""
    box = page.evaluate(LOCATE, [needle, selector])
    assert box is not None, needle
    page.mouse.move(box["left"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move((box["left"] + box["right"]) / 2, box["y"], steps=3)
    page.mouse.move(box["right"] - 1, box["y"], steps=3)
    page.mouse.up()
    assert page.evaluate("document.getSelection().toString()") == needle


def _console_on_a_new_chat(stack: dict[str, Any], tab: Page) -> tuple[str, str, dict[str, Any]]:
    """Security service off; the agent signs in on `tab`, goes online, takes a customer's new chat
    and opens it. Returns the admin's and the agent's tokens and the customer's chat."""
    admin = sign_in(stack, "admin@example.com")
    agent = sign_in(stack, AGENT[0])
    api = stack["api"]
    assert http("PUT", f"{api}/settings", {"securityService": False}, _bearer(admin))[0] == 200
    _sign_in(tab, stack["base"])
    assert http("PUT", f"{api}/me/status", {"status": "online"}, _bearer(agent))[0] == 200
    setup = run_scenario(customer_consents_and_writes(stack, TEXT))  # the only online agent takes the chat
    _open_chat(tab)
    expect(tab.locator(".conv-actions .masking-icon")).to_be_hidden()  # security service off: no icon
    return admin, agent, setup["chat"]


def test_console_mask_reload_unmask(stack: dict[str, Any], new_page: Any) -> None:
    api = stack["api"]
    tab1: Page = new_page()
    problems: list[str] = []
    tab1.on("pageerror", lambda e: problems.append(str(e)))
    admin, agent, chat = _console_on_a_new_chat(stack, tab1)
    cid = chat["conversationId"]
    icon = tab1.locator(".conv-actions .masking-icon")
    expect(tab1.locator(".messages .pii")).to_have_count(0)  # and no underlines

    # The admin turns the security service on: the open console follows at once.
    assert http("PUT", f"{api}/settings", {"securityService": True}, _bearer(admin))[0] == 200
    expect(icon).to_be_visible()
    expect(tab1.locator(".messages .msg-customer .pii")).to_have_text("010-9876-5432")

    # A second tab of the same agent (same session) on the same chat.
    tab2 = tab1.context.new_page()
    tab2.goto(stack["base"] + "/console/")
    _open_chat(tab2)

    # Drag-select the name (after an emoji: UTF-16 and code points differ) and press the icon.
    _drag_select(tab1, SECRET_NAME)
    icon.click()
    masked_region = tab1.locator(".messages .msg-customer .masked")
    expect(masked_region).to_have_text("***")
    customer_text = tab1.locator(".messages .msg-customer .msg-text")
    expect(customer_text).not_to_contain_text(SECRET_NAME)
    # Live in the other tab.
    expect(tab2.locator(".messages .msg-customer .masked")).to_have_text("***")
    expect(tab2.locator(".messages .msg-customer .msg-text")).not_to_contain_text(SECRET_NAME)
    screenshot(tab1, "console-masking-masked")

    # What the server serves (sync/history, the widget after a reload) is masked.
    served = http("GET", f"{api}/chats/{cid}/messages", None, _bearer(chat["token"]))[2]
    assert served["messages"][-1]["text"] == TEXT.replace(SECRET_NAME, "***")

    # Reload: still masked.
    tab1.reload()
    _open_chat(tab1)
    expect(masked_region).to_have_text("***")
    expect(customer_text).not_to_contain_text(SECRET_NAME)

    # Click the masked region: a confirmation first; dismissed changes nothing, accepted restores.
    tab1.once("dialog", lambda dialog: dialog.dismiss())
    masked_region.click()
    expect(masked_region).to_have_count(1)
    tab1.once("dialog", lambda dialog: dialog.accept())
    masked_region.click()
    expect(customer_text).to_contain_text(SECRET_NAME)
    expect(masked_region).to_have_count(0)
    expect(tab2.locator(".messages .msg-customer .msg-text")).to_contain_text(SECRET_NAME)
    served = http("GET", f"{api}/chats/{cid}/messages", None, _bearer(agent))[2]
    assert served["messages"][-1]["text"] == TEXT

    # One click on the underlined phone number's lock button masks it.
    tab1.get_by_role("button", name="가리기: 전화번호").click()
    expect(masked_region).to_have_text("*" * 13)
    screenshot(tab1, "console-masking-pii")
    assert problems == []

    # From history, after the end, another agent masks in the chat dialog.
    assert http("POST", f"{api}/chats/{cid}/end", {}, _bearer(agent))[0] == 200
    other: Page = new_page()
    other.goto(stack["base"] + "/console/")
    other.fill("input[name=email]", "agent1@example.com")
    other.fill("input[name=password]", "Agent1-Passw0rd!")
    other.keyboard.press("Enter")
    expect(other.locator(".status-button")).to_be_visible()
    other.goto(stack["base"] + "/console/#/history")
    other.locator(f"tr[data-conversation-id='{cid}'] button.link").click()
    dialog = other.locator(".history-dialog")
    customer_line = ".history-dialog .history-message.customer .masking-text"
    expect(other.locator(customer_line)).to_contain_text(SECRET_NAME)
    _drag_select(other, SECRET_NAME, customer_line)
    dialog.locator(".masking-icon").click()
    expect(other.locator(customer_line)).not_to_contain_text(SECRET_NAME)
    expect(dialog.locator(".masked")).to_have_count(2)
    screenshot(other, "console-masking-history")
    # The security service turned off: the open history dialog drops its masking icon at once.
    assert http("PUT", f"{api}/settings", {"securityService": False}, _bearer(admin))[0] == 200
    expect(dialog.locator(".masking-icon")).to_be_hidden()
    assert http("PUT", f"{api}/settings", {"securityService": True}, _bearer(admin))[0] == 200
    expect(dialog.locator(".masking-icon")).to_be_visible()
    served = http("GET", f"{api}/chats/{cid}/messages", None, _bearer(agent))[2]
    assert served["messages"][1]["text"] == TEXT.replace(SECRET_NAME, "***").replace("010-9876-5432", "*" * 13)

    # The admin reads the audit log on the admin page: who, what, which chat and message, no text.
    admin_page: Page = new_page()
    # The page's first look (this month) is held back until after the admin's own search.
    held: list[Any] = []
    admin_page.route(
        "**/masking/audit?*", lambda route: held.append(route) if "month=" in route.request.url else route.continue_()
    )
    admin_page.goto(stack["base"] + "/admin/")
    admin_page.fill("#signin-email", "admin@example.com")
    admin_page.fill("#signin-password", "Admin-Passw0rd!")
    admin_page.keyboard.press("Enter")
    section = admin_page.locator("section#masking-audit")
    admin_page.fill("#audit-conversation", cid)
    section.get_by_role("button", name="조회").click()
    rows = section.locator("tbody tr")
    # The local REST proxy runs one request at a time (as one Lambda container does) and the admin
    # page opens with several (settings, accounts through Cognito, presence): the search can wait
    # behind them longer than the default 5 s on a busy CI machine.
    expect(rows).to_have_count(4, timeout=20_000)  # newest first: history mask, PII mask, unmask, first mask
    assert len(held) == 1
    with admin_page.expect_response(lambda response: "month=" in response.url):
        held[0].continue_()
    admin_page.wait_for_timeout(300)  # the late answer is dropped, not appended
    expect(rows).to_have_count(4)
    assert [r.get_attribute("data-action") for r in rows.all()] == ["mask", "mask", "unmask", "mask"]
    expect(rows.nth(0)).to_contain_text("agent1@example.com")
    expect(rows.nth(3)).to_contain_text(AGENT[0])
    assert SECRET_NAME not in section.inner_text()
    screenshot(admin_page, "admin-masking-audit")


def test_console_applies_a_settings_change_it_could_not_hear(stack: dict[str, Any], new_page: Any) -> None:
    """While the console's connection is down no push reaches it: it reads the settings again on reconnect."""
    tab: Page = new_page()
    offline = websocket_gate(tab)
    admin, _, _ = _console_on_a_new_chat(stack, tab)
    api = stack["api"]
    icon = tab.locator(".conv-actions .masking-icon")

    # The network goes away and API Gateway drops the connection; meanwhile the admin turns masking on.
    offline["on"] = True
    drop_staff_connections(stack, AGENT[0])
    connection = tab.locator(".connection")
    expect(connection).to_have_attribute("data-online", "false")
    assert http("PUT", f"{api}/settings", {"securityService": True}, _bearer(admin))[0] == 200
    expect(icon).to_be_hidden()  # nothing could tell this tab

    offline["on"] = False
    expect(connection).to_have_attribute("data-online", "true", timeout=20_000)
    expect(icon).to_be_visible()
    expect(tab.locator(".messages .msg-customer .pii")).to_have_text("010-9876-5432")
