"""Desktop notifications in the console (issue #22), Chromium against the local stack, ko at 1280 px and
en at 1024 px: the bell asks the browser once (shown only while it has no answer, gone after it, also
after a reload), says the answer and keeps the keyboard focus in the top bar; then a new chat while the
tab is hidden is notified and clicking the notification opens that chat.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import screenshot
from playwright.sync_api import expect
from test_console import Customer
from test_console_productivity import PROBE, SIZES, console, no_live_chats  # noqa: F401 - the fixture

# PROBE's Notification, but with no answer yet: the permission lives in sessionStorage, so it
# survives a reload as a browser's does, and every requestPermission() call is counted.
UNASKED = PROBE.replace(
    'static permission = "granted";\n  static requestPermission() { return Promise.resolve("granted"); }',
    'static get permission() { return sessionStorage.getItem("__permission") || "default"; }\n'
    "  static requestPermission() {\n"
    '    sessionStorage.setItem("__asked", String(Number(sessionStorage.getItem("__asked") || 0) + 1));\n'
    '    sessionStorage.setItem("__permission", "granted");\n'
    '    return Promise.resolve("granted");\n'
    "  }",
)
WORDS = {
    "ko": {"bell": "데스크톱 알림 켜기", "on": "데스크톱 알림을 켰습니다", "new": "새 채팅"},
    "en": {"bell": "Enable desktop notifications", "on": "Desktop notifications are on", "new": "New chat"},
}


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_the_bell_asks_once_and_a_notification_opens_its_chat(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    assert UNASKED != PROBE
    words = WORDS[lang]
    page = console(stack, new_page, lang, width, probe=UNASKED)
    bell = page.get_by_role("button", name=words["bell"])
    expect(bell).to_be_visible()
    screenshot(page, f"console-notifications-bell-{lang}-{width}")
    bell.focus()
    page.keyboard.press("Enter")
    expect(bell).to_be_hidden()
    expect(page.locator(".toast")).to_contain_text(words["on"])
    expect(page.locator(".user-name")).to_be_focused()  # not lost to the page when the bell goes
    assert page.evaluate("sessionStorage.getItem('__asked')") == "1"
    screenshot(page, f"console-notifications-on-{lang}-{width}")
    page.reload()
    expect(page.locator(".status-button")).to_be_visible()
    expect(page.locator(".connection")).to_have_attribute("data-online", "true")
    expect(bell).to_be_hidden()  # answered: never asked again
    assert page.evaluate("sessionStorage.getItem('__asked')") == "1"

    page.evaluate("window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'))")
    name = f"한알림 {lang}"
    customer = Customer(stack, name)
    try:
        expect(page.locator(".chat-item", has_text=name)).to_be_visible()
        titles = page.evaluate("window.__notifications.map(n => n.title)")
        assert f"{words['new']}: {name}" in titles, titles
        page.evaluate("window.__hidden = false; window.__notifications.at(-1).onclick()")
        expect(page.locator(".conv-title")).to_have_text(name)
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        customer.close()
