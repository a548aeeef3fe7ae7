"""WCAG 2.1 A/AA with axe-core on every screen and dialog of the widget, console and admin page, in
Korean and English, at 1280, 1024 and 390 px wide: zero violations (exceptions: axe_support.EXCEPTIONS).

Each test walks one front end through its states and checks each one; screenshots of the states
go to tests/artifacts/a11y-*.png.
"""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from typing import Any

import pytest
from axe_support import assert_accessible
from browser_support import screenshot
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect
from websockets.sync.client import ClientConnection, connect

VIEWS = [("ko", 1280), ("en", 1280), ("ko", 1024), ("en", 1024), ("ko", 390), ("en", 390)]
VIEW_IDS = [f"{lang}-{width}" for lang, width in VIEWS]


def rest(stack: dict[str, Any], method: str, path: str, token: str, body: Any = None) -> Any:
    status, _, answer = http(method, stack["api"] + path, body, {"Authorization": f"Bearer {token}"})
    assert status < 300, (method, path, status, answer)
    return answer


class Agent:
    """An agent's WebSocket, as the console holds it."""

    def __init__(self, stack: dict[str, Any], username: str, closing: ExitStack) -> None:
        self.token = sign_in(stack, username)
        self.ws: ClientConnection = closing.enter_context(connect(f"{stack['websocket']}?token={self.token}"))

    def send(self, action: str, **fields: Any) -> None:
        self.ws.send(json.dumps({"action": action, **fields}))

    def wait(self, frame_type: str, timeout: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if frame.get("type") == frame_type:
                return frame

    def status(self, status: str) -> None:
        self.send("status.set", status=status)
        self.wait("agent.status")


def end_everything(stack: dict[str, Any]) -> None:
    """No waiting or live chats, every agent offline: each test starts from the same place."""
    admin = sign_in(stack, "admin@example.com")
    for username in ("agent1@example.com", "agent2@example.com"):
        token = sign_in(stack, username)
        rest(stack, "PUT", "/me/status", token, {"status": "offline"})
        for chat in rest(stack, "GET", "/agent/chats", token)["chats"]:
            rest(stack, "POST", f"/chats/{chat['conversationId']}/end", admin)
    for chat in rest(stack, "GET", "/queue", admin)["chats"]:
        rest(stack, "POST", f"/chats/{chat['conversationId']}/end", admin)


def view_page(new_page: Any, lang: str, width: int) -> Page:
    """A page in its own context: the language chosen as a user would (stored choice, browser locale)."""
    page = new_page(
        locale="ko-KR" if lang == "ko" else "en-US",
        viewport={"width": width, "height": 800 if width > 500 else 760},
        **({"is_mobile": True, "has_touch": True} if width < 500 else {}),
    )
    page.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")
    return page


# --- the widget ----------------------------------------------------------------------------------


def widget_page(stack: dict[str, Any], new_page: Any, lang: str, width: int) -> tuple[Page, Any]:
    """The help centre with the widget in `lang` (the snippet's data-lang, as an embedder sets it)."""
    page = view_page(new_page, lang, width)
    base = stack["base"]
    # The embedder's choice: the snippet's data-lang, set before widget.js reads it. (A rewritten
    # document would count as public address space, and Chromium would refuse its 127.0.0.1 socket.)
    page.add_init_script(
        "new MutationObserver((_, watch) => { const s = document.querySelector('script[data-lang]');"
        f" if (s) {{ s.dataset.lang = '{lang}'; watch.disconnect(); }} }})"
        ".observe(document, { childList: true, subtree: true });"
    )
    page.goto(base + "/")
    root = page.locator("livechat-widget")
    expect(root.locator(".launcher")).to_be_visible()
    return page, root


# Text written by people (messages, names) is not ours to translate; everything else in an English widget
# must be English or marked with the language it is in.
WRONG_LANGUAGE = """() => {
  const root = document.querySelector("livechat-widget").shadowRoot;
  const hostLang = document.querySelector("livechat-widget").getAttribute("lang");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const shown = parent.tagName === "OPTION" || parent.getClientRects().length;
    if (!/[\\uac00-\\ud7a3]/.test(node.data) || !shown) continue;
    // People's words and names are theirs: messages, sender names, an agent's name in a system line.
    if (parent.closest(".msg.agent .bubble, .msg.mine .bubble, .who, .name, .sr-only")) continue;
    const lang = parent.closest("[lang]")?.getAttribute("lang") || hostLang;
    if (lang !== "ko") found.push(node.data.trim().slice(0, 40));
  }
  return found;
}"""


def assert_language_of_parts(page: Page, state: str) -> None:
    """WCAG 3.1.2, the part axe cannot see: no Korean text in the widget unless marked lang="ko"."""
    assert page.evaluate(WRONG_LANGUAGE) == [], state


def check_widget(page: Page, state: str) -> None:
    assert_accessible(page, state)
    assert_language_of_parts(page, state)


WIDGET_TEXT = {
    "ko": {
        "inquire": "문의하기",
        "submit": "보내기",
        "agree": "동의하고 상담 시작",
        "disagree": "동의하지 않음",
        "back": "처음으로",
        "rate": "평가",
        "cancel": "취소",
        "end": "상담 종료",
        "endYes": "종료",
        "close": "채팅 창 닫기",
    },
    "en": {
        "inquire": "Leave an inquiry",
        "submit": "Send",
        "agree": "Agree and start chat",
        "disagree": "Disagree",
        "back": "Back",
        "rate": "Rate",
        "cancel": "Cancel",
        "end": "End chat",
        "endYes": "End",
        "close": "Close chat window",
    },
}


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_widget_every_state(stack: dict[str, Any], new_page: Any, lang: str, width: int) -> None:
    end_everything(stack)
    text = WIDGET_TEXT[lang]
    name = f"a11y-widget-{lang}-{width}"
    page, root = widget_page(stack, new_page, lang, width)
    panel = root.locator(".panel")
    check_widget(page, "widget launcher")

    # Nobody online: absence, the inquiry form (empty, with errors), sent.
    root.locator(".launcher").click()
    expect(panel.locator('.body[data-view="absent"]')).to_be_visible()
    check_widget(page, "widget absent")
    panel.get_by_role("button", name=text["inquire"], exact=True).click()
    panel.locator('form.inquiry button[type="submit"]').click()
    expect(panel.locator('[aria-invalid="true"]').first).to_be_visible()
    screenshot(page, f"{name}-inquiry-errors")
    check_widget(page, "widget inquiry with errors")
    panel.locator("form.inquiry input[autocomplete=name]").fill("고객")
    panel.locator("form.inquiry input[type=email]").fill("customer@example.com")
    panel.locator("form.inquiry select").select_option(index=1)
    panel.locator("form.inquiry .field:nth-of-type(4) input").fill("제목")
    panel.locator("form.inquiry textarea").fill("내용")
    panel.locator("form.inquiry input[type=checkbox]").check()
    panel.locator('form.inquiry button[type="submit"]').click()
    expect(panel.locator('.body[data-view="inquiry-sent"]')).to_be_visible()
    check_widget(page, "widget inquiry sent")
    panel.get_by_role("button", name=text["close"], exact=True).first.click()

    with ExitStack() as closing:
        agent = Agent(stack, "agent1@example.com", closing)
        agent.status("online")
        root.locator(".launcher").click()
        expect(panel.locator(".consent")).to_be_visible()
        screenshot(page, f"{name}-consent")
        check_widget(page, "widget consent")
        panel.get_by_role("button", name=text["disagree"], exact=True).click()
        check_widget(page, "widget consent refused")
        panel.get_by_role("button", name=text["back"], exact=True).click()
        panel.get_by_role("button", name=text["agree"], exact=True).click()
        conversation_id = agent.wait("chat.assigned")["conversation"]["conversationId"]
        composer = panel.locator(".composer textarea")
        composer.fill("안녕하세요, 문의드립니다")
        composer.press("Enter")
        agent.send("message.send", conversationId=conversation_id, clientMessageId="a-1", text="네, 말씀하세요.")
        expect(panel.locator(".msg.agent .bubble")).to_have_text("네, 말씀하세요.")
        expect(panel.locator(".msg.mine[data-state=sent]")).to_have_count(1)
        screenshot(page, f"{name}-chat")
        check_widget(page, "widget chat")

        rest(stack, "POST", f"/chats/{conversation_id}/rating-request", agent.token)
        expect(panel.locator(".msg.rating-request")).to_be_visible()
        check_widget(page, "widget chat with a rating request")
        panel.locator(".bar").get_by_role("button", name=text["rate"], exact=True).click()
        expect(panel.locator(".overlay")).to_be_visible()
        panel.locator(".overlay").get_by_role("button", name=text["submit"], exact=True).click()
        expect(panel.locator(".overlay .error")).not_to_be_empty()
        screenshot(page, f"{name}-rating")
        check_widget(page, "widget rating dialog with an error")
        panel.locator(".overlay").get_by_role("button", name=text["cancel"], exact=True).click()

        panel.locator(".bar").get_by_role("button", name=text["end"], exact=True).click()
        expect(panel.locator(".overlay")).to_be_visible()
        check_widget(page, "widget end confirmation")
        panel.locator(".overlay").get_by_role("button", name=text["endYes"], exact=True).click()
        expect(panel.locator(".ended")).to_be_visible()
        screenshot(page, f"{name}-ended")
        check_widget(page, "widget ended")
        agent.status("offline")


# --- the console ---------------------------------------------------------------------------------

CONSOLE_TEXT = {
    "ko": {"email": "이메일", "password": "비밀번호", "signIn": "로그인", "online": "온라인", "ticket": "티켓 만들기",
           "joined": "상담원 김상담님이 상담을 시작했습니다."},
    "en": {
        "email": "Email",
        "password": "Password",
        "signIn": "Sign in",
        "online": "Online",
        "ticket": "Create ticket",
        "joined": "김상담 started the chat.",
    },
}


def customer_chat(stack: dict[str, Any], name: str) -> dict[str, Any]:
    """A customer consents and starts a chat over REST (assigned to an online agent at once)."""
    _, _, availability = http("GET", f"{stack['api']}/widget/availability")
    body = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": name}
    code, _, chat = http("POST", f"{stack['api']}/chats", body)
    assert code == 201, chat
    return chat


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_console_every_screen(stack: dict[str, Any], new_page: Any, lang: str, width: int) -> None:
    end_everything(stack)
    text = CONSOLE_TEXT[lang]
    name = f"a11y-console-{lang}-{width}"
    page = view_page(new_page, lang, width)
    page.goto(stack["base"] + "/console/")
    expect(page.locator(".signin")).to_be_visible()
    page.get_by_role("button", name=text["signIn"], exact=True).click()  # empty: the browser refuses
    assert_accessible(page, "console sign-in")
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == "agent1@example.com")
    page.get_by_label(text["email"]).fill("agent1@example.com")
    page.get_by_label(text["password"]).fill(password)
    page.get_by_role("button", name=text["signIn"], exact=True).click()
    status_button = page.locator(".status-button")
    expect(status_button).to_be_visible()
    expect(page.locator(".connection")).to_have_attribute("data-online", "true")
    screenshot(page, f"{name}-empty")
    assert_accessible(page, "console chat screen, no chat")

    status_button.click()
    expect(page.get_by_role("menuitemradio").first).to_be_visible()
    assert_accessible(page, "console status menu open")
    page.get_by_role("menuitemradio", name=text["online"]).click()
    expect(status_button).to_have_attribute("data-status", "online")

    chat = customer_chat(stack, "김고객")
    item = page.locator(".chat-item", has_text="김고객")
    expect(item).to_be_visible()
    # Label in Name for the icon buttons too: the names begin with, or hold as a word, what they show.
    badge = page.locator(".widget-badge")
    expect(badge).to_have_text("1")
    assert "1" in page.locator(".chat-widget").get_attribute("aria-label").split()
    assert page.locator(".help-button").get_attribute("aria-label").startswith("? ")
    assert_accessible(page, "console, a new chat announced on the widget button")
    item.click()
    expect(page.locator(".conv-title")).to_have_text("김고객")
    page.locator(".composer textarea").fill("안녕하세요")
    page.locator(".composer textarea").press("Enter")
    expect(page.locator(".messages li.msg-agent")).to_have_count(1)
    page.locator(".customer-form input[name=email]").fill("not-an-email")
    page.locator(".customer-form button[type=submit]").click()
    expect(page.locator(".customer-form [aria-invalid=true]").first).to_be_visible()
    screenshot(page, f"{name}-chat")
    assert_accessible(page, "console chat open, an invalid field")
    # Type names are the Korean ones records keep: marked as Korean on an English screen (3.1.2).
    type_langs = page.locator(".counsel-form select option:not([value=''])").evaluate_all(
        "options => options.map((o) => o.getAttribute('lang'))"
    )
    assert type_langs and set(type_langs) == {"ko"}, type_langs
    # System lines are the console's own text, in the console's language (no Korean line on an English screen).
    expect(page.locator(".messages .msg-system .msg-text").first).to_have_text(text["joined"])

    page.get_by_role("button", name=text["ticket"], exact=True).click()
    expect(page.locator("dialog.ticket-dialog")).to_be_visible()
    assert_accessible(page, "console ticket dialog")
    page.keyboard.press("Escape")

    page.locator(".help-button").click()
    expect(page.locator(".help-overlay")).to_be_visible()
    assert_accessible(page, "console shortcuts help")
    page.keyboard.press("Escape")

    rest(stack, "POST", f"/chats/{chat['conversationId']}/end", sign_in(stack, "admin@example.com"))
    for view in ("tickets", "history"):
        page.locator(f'.nav-link[data-view="{view}"]').click()
        expect(page.locator(f".view-{view}")).to_be_visible()
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{name}-{view}")
        assert_accessible(page, f"console {view}")
    rows = page.locator(".history-table tbody tr[data-conversation-id]")
    if rows.count():
        rows.first.get_by_role("button").click()
        expect(page.locator("dialog.history-dialog .history-transcript")).to_be_visible()
        assert_accessible(page, "console history dialog")
        page.keyboard.press("Escape")


# --- the admin page ------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "width"), VIEWS, ids=VIEW_IDS)
def test_admin_every_section(stack: dict[str, Any], new_page: Any, lang: str, width: int) -> None:
    name = f"a11y-admin-{lang}-{width}"
    page = view_page(new_page, lang, width)
    page.goto(stack["base"] + "/admin/")
    expect(page.locator("#signin-email")).to_be_focused()
    assert_accessible(page, "admin sign-in")
    page.fill("#signin-email", "admin@example.com")
    page.fill("#signin-password", "wrong-Passw0rd!")
    page.keyboard.press("Enter")
    expect(page.locator("#signin-error")).to_be_visible()
    assert_accessible(page, "admin sign-in failed")
    page.fill("#signin-password", "Admin-Passw0rd!")
    page.keyboard.press("Enter")
    expect(page.locator("#settings-status")).to_have_attribute("class", "status saved")
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{name}-page")
    assert_accessible(page, "admin page, settings saved")
    page.fill("#set-greeting", "")
    page.click("#settings-save")
    expect(page.locator("#set-greeting")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "admin settings with an invalid field")


# --- item 4: every customer-facing settings text in both languages ------------------------------


def test_admin_edits_both_languages_side_by_side_and_the_widget_shows_the_customers(
    stack: dict[str, Any], new_page: Any
) -> None:
    end_everything(stack)
    admin_token = sign_in(stack, "admin@example.com")
    before = rest(stack, "GET", "/settings", admin_token)
    page = view_page(new_page, "en", 1280)
    page.goto(stack["base"] + "/admin/")
    page.fill("#signin-email", "admin@example.com")
    page.fill("#signin-password", "Admin-Passw0rd!")
    page.keyboard.press("Enter")
    expect(page.locator("#settings-status")).to_have_attribute("class", "status saved")
    # Side by side: the Korean and the English field of each text share a row.
    for name in ("consentText", "absenceMessage", "greeting", "ratingRequestText"):
        korean, english = page.locator(f"#set-{name}"), page.locator(f"#set-{name}En")
        expect(korean).to_have_attribute("lang", "ko")
        expect(english).to_have_attribute("lang", "en")
        assert abs(korean.bounding_box()["y"] - english.bounding_box()["y"]) < 1, name
        assert english.bounding_box()["x"] > korean.bounding_box()["x"], name
    expect(page.locator("#set-greetingEn")).to_have_value(before["greetingEn"])
    # Only the English consent changes, and the English greeting is removed (Korean shown instead).
    page.fill("#set-consentTextEn", "We collect your name and email to answer you.")
    page.fill("#set-greetingEn", "")
    page.locator("#settings ol.types").first.locator("input.type-name-en").first.fill("Questions")
    screenshot(page, "a11y-admin-bilingual-texts")
    page.click("#settings-save")
    expect(page.locator("#settings-status")).to_have_attribute("class", "status saved")
    try:
        after = rest(stack, "GET", "/settings", admin_token)
        assert after["consentVersion"] == before["consentVersion"] + 1
        assert (after["greetingEn"], after["greeting"]) == ("", before["greeting"])
        assert after["inquiryTypeCatalog"][0]["nameEn"] == "Questions"

        with ExitStack() as closing:
            agent = Agent(stack, "agent1@example.com", closing)
            agent.status("online")
            widget, root = widget_page(stack, new_page, "en", 390)
            panel = root.locator(".panel")
            root.locator(".launcher").click()
            consent = panel.locator(".consent")
            expect(consent).to_have_text("We collect your name and email to answer you.")
            assert consent.get_attribute("lang") is None  # in the widget's own language
            check_widget(widget, "widget consent, English")
            panel.get_by_role("button", name=WIDGET_TEXT["en"]["agree"], exact=True).click()
            conversation_id = agent.wait("chat.assigned")["conversation"]["conversationId"]
            greeting = panel.locator(".msg.greeting .bubble")
            expect(greeting).to_have_text(before["greeting"])  # no English greeting: the Korean one…
            expect(greeting).to_have_attribute("lang", "ko")  # …marked as Korean
            rest(stack, "POST", f"/chats/{conversation_id}/rating-request", agent.token)
            request = panel.locator(".msg.rating-request .bubble")
            expect(request).to_have_text(before["ratingRequestTextEn"])
            assert request.get_attribute("lang") is None
            screenshot(widget, "a11y-widget-en-fallback")
            check_widget(widget, "widget chat, English with a Korean greeting")
            agent.status("offline")
        rest(stack, "POST", f"/chats/{conversation_id}/end", admin_token)

        # Nobody online: the absence message and the inquiry types in English.
        widget, root = widget_page(stack, new_page, "en", 390)  # a new customer
        panel = root.locator(".panel")
        root.locator(".launcher").click()
        panel.get_by_role("button", name=WIDGET_TEXT["en"]["inquire"], exact=True).click()
        expect(panel.locator("form.inquiry select option").nth(1)).to_have_text("Questions")
        assert panel.locator("form.inquiry select option").nth(1).get_attribute("value") == "일반 문의"
        check_widget(widget, "widget inquiry, English type names")
    finally:
        restore = {k: before[k] for k in ("consentTextEn", "greetingEn", "inquiryTypeCatalog")}
        rest(stack, "PUT", "/settings", admin_token, restore)
