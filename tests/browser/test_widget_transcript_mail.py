"""The transcript by e-mail in Chromium: after the end, the rating dialog's checkbox, the address
prefilled from the chat's customer info, a bad address refused at the field, and the mail (masked
text, no note) visible at the local stack's /_local/mail page. Then, ko at 1280 px and en at 1024 px: a
note added while the real widget is open never shows in it (pushes, nor the sync after a reload), and
a customer who rated during the chat is offered the transcript after the end on its own, by keyboard.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
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
    # Not rated yet: 평가하기 and the transcript on its own, side by side (no rating needed for the mail).
    offer = root.locator(".ended").get_by_role("button", name="상담 내용을 이메일로 받기")
    expect(offer).to_be_visible()
    expect(root.locator(".ended").get_by_role("button", name="평가하기")).to_be_visible()

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
    expect(offer).to_have_count(0)  # asked in the rating dialog: not offered again

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


RATED = {
    "ko": {
        "agree": "동의하고 상담 시작",
        "sent": "전송됨",
        "rateNow": "평가하기",
        "satisfied": "만족",
        "submit": "보내기",
        "close": "채팅 창 닫기",
        "ended": "상담이 종료되었습니다.",
        "mail": "상담 내용을 이메일로 받기",
        "address": "받을 이메일 주소",
        "done": "상담 내용을 {email}(으)로 보내 드립니다.",
        "subject": "상담 내용",
    },
    "en": {
        "agree": "Agree and start chat",
        "sent": "Sent",
        "rateNow": "Rate this chat",
        "satisfied": "Satisfied",
        "submit": "Send",
        "close": "Close chat window",
        "ended": "The chat has ended.",
        "mail": "Email me this chat",
        "address": "Your email address",
        "done": "We are sending this chat to {email}.",
        "subject": "Your chat transcript",
    },
}


@pytest.mark.parametrize(("lang", "width"), [("ko", 1280), ("en", 1024)])
def test_a_note_never_shows_in_the_widget_and_a_rated_customer_still_gets_the_transcript(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    """A note added while the widget is open never shows there (pushes, nor the sync after a reload);
    a customer who rated during the chat is still offered the transcript after the end, by keyboard."""
    words = RATED[lang]
    email = f"rated.{lang}@example.com"
    note = f"{NOTE} ({lang})"
    agent_token = sign_in(stack, "agent1@example.com")
    page: Page = new_page(viewport={"width": width, "height": 800}, locale="ko-KR" if lang == "ko" else "en-US")
    page.add_init_script(
        "new MutationObserver((_, watch) => { const s = document.querySelector('script[data-lang]');"
        f" if (s) {{ s.dataset.lang = '{lang}'; watch.disconnect(); }} }})"
        ".observe(document, { childList: true, subtree: true });"
    )
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    root = page.locator("livechat-widget")
    panel = root.locator(".panel")  # (a locator reaches into the widget's shadow root; inner_text() does not)
    log = root.locator(".log")
    with connect(f"{stack['websocket']}?token={agent_token}", close_timeout=2) as ws:
        ws.send(json.dumps({"action": "status.set", "status": "online"}))
        page.goto(stack["base"] + "/")
        root.locator(".launcher").click()
        root.locator(".panel").get_by_role("button", name=words["agree"], exact=True).click()
        composer = root.locator(".composer textarea")
        expect(composer).to_be_enabled()
        composer.fill("영수증을 메일로 받을 수 있나요?")
        composer.press("Enter")
        expect(root.locator(".msg.mine .state").last).to_have_text(words["sent"])
        [chat] = _rest(stack, "GET", "/agent/chats", agent_token)["chats"]
        cid = chat["conversationId"]
        _rest(stack, "PUT", f"/chats/{cid}/customer", agent_token, {"email": email})

        # A note, then a reply: the widget draws the reply (pushed after the note) and never the note.
        _rest(stack, "POST", f"/chats/{cid}/notes", agent_token, {"text": note, "clientMessageId": f"n-{lang}"})
        ws.send(
            json.dumps(
                {
                    "action": "message.send",
                    "conversationId": cid,
                    "clientMessageId": f"a-{lang}",
                    "text": "네, 종료 후 보내 드릴게요.",
                }
            )
        )
        expect(log).to_contain_text("네, 종료 후 보내 드릴게요.")
        expect(panel).not_to_contain_text(note)
        # After a reload the widget reads the chat again (sync): still no note.
        page.reload()
        expect(log).to_contain_text("네, 종료 후 보내 드릴게요.")  # the whole batch is drawn at once
        expect(panel).not_to_contain_text(note)

        # Rated during the chat, when the agent asks.
        _rest(stack, "POST", f"/chats/{cid}/rating-request", agent_token)
        log.get_by_role("button", name=words["rateNow"]).click()
        dialog = root.locator(".overlay")
        dialog.get_by_label(words["satisfied"], exact=True).check()
        dialog.get_by_role("button", name=words["submit"]).click()
        dialog.get_by_role("button", name=words["close"], exact=True).click()
        _rest(stack, "POST", f"/chats/{cid}/end", agent_token)

    # After the end: no rating any more, but the transcript by e-mail on its own, keyboard only.
    ended = root.locator(".ended")
    expect(ended).to_contain_text(words["ended"])
    # The end's system line in the widget's language, and nothing after it (no agent name appended).
    expect(log.locator(".msg.system").last).to_have_text(words["ended"])
    expect(ended.get_by_role("button", name=words["rateNow"])).to_have_count(0)
    offer = ended.get_by_role("button", name=words["mail"])
    offer.focus()
    page.keyboard.press("Enter")
    dialog = root.locator(".overlay")
    address = dialog.get_by_label(words["address"])
    expect(address).to_be_focused()
    expect(address).to_have_value(email)
    assert axe_violations(page) == []
    screenshot(page, f"widget-transcript-rated-{lang}-{width}")
    page.keyboard.press("Enter")
    expect(dialog.locator(".note.done")).to_have_text(words["done"].format(email=email))
    screenshot(page, f"widget-transcript-rated-sent-{lang}-{width}")
    dialog.get_by_role("button", name=words["close"], exact=True).click()
    expect(ended.get_by_role("button", name=words["mail"])).to_have_count(0)  # asked once: no second offer
    expect(panel).not_to_contain_text(note)

    outbox = new_page(viewport={"width": 1024, "height": 800})
    outbox.goto(stack["base"] + "/_local/mail")
    expect(outbox.locator("article").filter(has_text=email)).to_have_count(1, timeout=45_000)
    [sent] = [m for m in _mail(stack) if email in m["to"]]
    assert words["subject"] in sent["subject"] and note not in sent["body"] and NOTE not in sent["body"]
    assert problems == []
