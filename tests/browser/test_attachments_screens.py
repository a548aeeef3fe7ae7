"""Attachments in Chromium against the local stack (issue #23): the file goes from the browser to
moto's S3 with the presigned form, S3's notification reaches the checking function through the
local SQS poller, and the checked message is pushed to both sides.

A customer pastes a screenshot; the agent sees the thumbnail and opens the full image in the
lightbox. The agent sends a PDF; the customer downloads it. A Windows program renamed `.png` is
refused and the customer is told why. Korean at 1280 px, English at 1024 px.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from axe_support import assert_accessible
from browser_support import screenshot
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect

AGENT = ("agent1@example.com", "Agent1-Passw0rd!")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200

# A screenshot on the clipboard: a canvas drawn in the page, pasted into the widget's message box.
PASTE_SCREENSHOT = """async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 640; canvas.height = 400;
  const g = canvas.getContext('2d');
  g.fillStyle = '#1f5eff'; g.fillRect(0, 0, 640, 400);
  g.fillStyle = '#ffffff'; g.fillRect(40, 40, 300, 120);
  const blob = await new Promise((done) => canvas.toBlob(done, 'image/png'));
  const data = new DataTransfer();
  data.items.add(new File([blob], '', { type: 'image/png' }));
  const box = document.querySelector('livechat-widget').shadowRoot.querySelector('.composer textarea');
  box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
}"""

TEXTS = {
    "ko": {"agree": "동의하고 상담 시작", "refused": "보낼 수 없는 형식의 파일입니다", "open": "screenshot.png 열기",
           "close": "닫기", "download": "안내서.pdf 1 KB 내려받기"},
    "en": {"agree": "Agree and start chat", "refused": "This type of file cannot be sent",
           "open": "Open screenshot.png", "close": "Close", "download": "안내서.pdf 1 KB download"},
}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _console(page: Page, base: str) -> None:
    page.goto(base + "/console/")
    page.fill("input[name=email]", AGENT[0])
    page.fill("input[name=password]", AGENT[1])
    page.keyboard.press("Enter")
    expect(page.locator(".status-button")).to_be_visible()


def _image_loaded(locator: Any) -> None:
    """Shown and decoded: its signed URL was asked for, and S3 (moto) served the bytes."""
    expect(locator).to_be_visible()
    for _ in range(150):
        if locator.evaluate("img => !!img.getAttribute('src') && img.complete && img.naturalWidth > 0"):
            return
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"image never loaded: {locator.evaluate('img => img.src')}")


@pytest.mark.parametrize(("lang", "width"), [("ko", 1280), ("en", 1024)])
def test_files_both_ways_and_a_refusal_with_its_reason(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    texts = TEXTS[lang]
    locale = "ko-KR" if lang == "ko" else "en-US"
    api = stack["api"]
    agent_token = sign_in(stack, AGENT[0])
    console: Page = new_page(locale=locale, viewport={"width": width, "height": 860})
    console.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")  # the staff pages' choice
    _console(console, stack["base"])
    assert http("PUT", f"{api}/me/status", {"status": "online"}, _bearer(agent_token))[0] == 200
    problems: list[str] = []
    customer: Page = new_page(locale=locale, viewport={"width": width, "height": 860})
    customer.on("pageerror", lambda e: problems.append(str(e)))
    console.on("pageerror", lambda e: problems.append(str(e)))

    # The customer's language choice, as the widget's switch stores it (the help centre page is Korean).
    customer.add_init_script(f"localStorage.setItem('livechat.widget.lang:{api}', '{lang}')")
    customer.goto(stack["base"] + "/")
    root = customer.locator("livechat-widget")
    root.locator(".launcher").click()
    root.locator(".panel").get_by_role("button", name=texts["agree"], exact=True).click()
    box = root.locator(".composer textarea")
    expect(box).to_be_visible()
    box.fill("화면을 보내 드릴게요")
    box.press("Enter")
    stored = customer.evaluate(f"localStorage.getItem('livechat.widget:{api}')")
    conversation_id = json.loads(stored)["conversationId"]
    console.locator(f'.chat-item[data-conversation-id="{conversation_id}"]').click()
    expect(console.locator(".messages .msg-customer .msg-text").first).to_contain_text("화면을")

    # The customer pastes a screenshot: their widget and the agent's console show the thumbnail.
    customer.evaluate(PASTE_SCREENSHOT)
    _image_loaded(root.locator(".log .attachment-thumb"))
    expect(root.locator(".uploads .upload-row")).to_have_count(0)  # the row goes once the message is in
    thumb = console.locator(".messages .attachment-thumb")
    _image_loaded(thumb)
    console.get_by_role("button", name=texts["open"], exact=True).click()
    full = console.locator("dialog.lightbox img")
    _image_loaded(full)
    assert full.evaluate("img => img.naturalWidth") == 640  # the full image, not the thumbnail
    screenshot(console, f"attachments-console-lightbox-{lang}-{width}")
    assert_accessible(console, f"console lightbox {lang} {width}")
    console.get_by_role("button", name=texts["close"], exact=True).click()
    expect(console.locator("dialog.lightbox")).to_have_count(0)

    # The agent sends a PDF; the customer downloads it (S3 says Content-Disposition: attachment).
    console.locator(".composer input[type=file]").set_input_files(
        files=[{"name": "안내서.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    card = root.locator(".log .msg.agent .attachment-download")
    expect(card).to_be_visible()
    expect(card).to_contain_text("안내서.pdf")
    expect(card).to_have_accessible_name(texts["download"])
    with customer.expect_download() as downloading:
        card.click()
    download = downloading.value
    assert download.suggested_filename == "안내서.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF
    expect(console.locator(".messages .attachment-download")).to_contain_text("안내서.pdf")

    # A Windows program renamed .png: refused by the checker, deleted, and the customer told why.
    root.locator(".composer input[type=file]").set_input_files(
        files=[{"name": "setup.png", "mimeType": "image/png", "buffer": EXE}]
    )
    refused = root.locator(".uploads .upload-row.failed")
    expect(refused).to_contain_text(texts["refused"])
    expect(refused).to_contain_text("setup.png")
    screenshot(customer, f"attachments-widget-{lang}-{width}")
    screenshot(console, f"attachments-console-{lang}-{width}")
    assert_accessible(customer, f"widget with attachments {lang} {width}")
    assert_accessible(console, f"console with attachments {lang} {width}")
    expect(console.locator(".messages .msg")).not_to_contain_text(["setup.png"])
    assert problems == []
    # The agent's seat back for the next case (the stack is the module's).
    assert http("POST", f"{api}/chats/{conversation_id}/end", {}, _bearer(agent_token))[0] == 200
