"""Issue #22 in the agent console (Chromium against the local stack, ko at 1280 px and en at 1024 px):
the composer's "/" canned search inserted with the keyboard only, variables filled and an empty one
left for the agent; an internal note shown to staff and absent from the customer's socket and REST;
a read receipt shown on the agent's side and the agent's own receipt reaching the customer; a ticket
worked to 완료 by two agents with a 409 in between; alerts, the title count and unread counts per
chat kept across a reload. Screenshots: tests/artifacts/console-productivity-*.png.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_support import axe_violations
from browser_support import screenshot
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect
from test_console import Customer

AGENT, AGENT2 = "agent1@example.com", "agent2@example.com"
SIZES = [("ko", 1280), ("en", 1024)]
LABELS = {
    "ko": {
        "email": "이메일",
        "password": "비밀번호",
        "signIn": "로그인",
        "online": "온라인",
        "send": "보내기",
        "note": "내부 메모",
        "read": "읽음",
        "inquiryLabel": "[문의 유형]",
        "saved": "티켓을 저장했습니다.",
        "conflict": "다른 사람이 먼저",
        "open": "접수",
        "inProgress": "처리중",
        "solved": "완료",
        "save": "저장",
        "assignMe": "나에게 배정",
        "comment": "댓글",
        "status": "상태",
        "newMessage": "새 메시지",
    },
    "en": {
        "email": "Email",
        "password": "Password",
        "signIn": "Sign in",
        "online": "Online",
        "send": "Send",
        "note": "Internal note",
        "read": "Read",
        "inquiryLabel": "[inquiry type]",
        "saved": "Ticket saved.",
        "conflict": "Someone else changed this ticket first",
        "open": "Open",
        "inProgress": "In progress",
        "solved": "Solved",
        "save": "Save",
        "assignMe": "Assign to me",
        "comment": "Comment",
        "status": "Status",
        "newMessage": "New message",
    },
}

# Test instrumentation (added by Playwright, not by the page): a recording Notification whose
# instances the test can click, a switchable document.hidden, and the console's alert events.
PROBE = """
window.__notifications = [];
window.__alerts = [];
window.__hidden = false;
Object.defineProperty(document, "hidden", { get: () => window.__hidden });
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { this.title = title; this.options = options; window.__notifications.push(this); }
  close() {}
};
document.addEventListener("console:alert", (event) => window.__alerts.push(event.detail));
"""


@pytest.fixture(autouse=True)
def no_live_chats(stack: dict[str, Any]) -> Iterator[None]:
    """Every test ends with both agents offline and no live chat."""
    yield
    admin = {"Authorization": f"Bearer {sign_in(stack, 'admin@example.com')}"}
    for username in (AGENT, AGENT2):
        agent = {"Authorization": f"Bearer {sign_in(stack, username)}"}
        for chat in http("GET", f"{stack['api']}/agent/chats", None, agent)[2]["chats"]:
            http("POST", f"{stack['api']}/chats/{chat['conversationId']}/end", {}, admin)
        http("PUT", f"{stack['api']}/me/status", {"status": "offline"}, agent)


class Listening(Customer):
    """A customer that keeps every frame it received, so a test can say what never arrived."""

    def __init__(self, stack: dict[str, Any], name: str) -> None:
        super().__init__(stack, name)
        self.log: list[dict[str, Any]] = []

    def frame(self, frame_type: str, timeout: float = 10) -> dict[str, Any]:
        return self.wait(lambda f: f.get("type") == frame_type, timeout)

    def wait(self, wanted: Callable[[dict[str, Any]], bool], timeout: float = 10) -> dict[str, Any]:
        for frame in self.log:
            if wanted(frame) and not frame.get("_taken"):
                frame["_taken"] = True
                return frame
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            self.log.append(frame)
            if wanted(frame):
                frame["_taken"] = True
                return frame

    def read(self, seq: int) -> dict[str, Any]:
        self.ws.send(json.dumps({"action": "read", "conversationId": self.id, "seq": seq}))
        return self.frame("read.ack")


def console(
    stack: dict[str, Any], new_page: Any, lang: str, width: int, username: str = AGENT, probe: str = PROBE
) -> Page:
    page: Page = new_page(viewport={"width": width, "height": 720 if width == 1280 else 768})
    page.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")
    page.add_init_script(probe)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == username)
    page.goto(stack["base"] + "/console/")
    words = LABELS[lang]
    page.get_by_label(words["email"]).fill(username)
    page.get_by_label(words["password"]).fill(password)
    page.get_by_role("button", name=words["signIn"]).click()
    page.locator(".status-button").click()
    page.get_by_role("menuitemradio", name=words["online"]).click()
    expect(page.locator(".status-button")).to_have_attribute("data-status", "online")
    expect(page.locator(".connection")).to_have_attribute("data-online", "true")
    return page


def bearer(stack: dict[str, Any], username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in(stack, username)}"}


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_canned_response_note_and_receipts(stack: dict[str, Any], new_page: Any, lang: str, width: int) -> None:
    words = LABELS[lang]
    admin = bearer(stack, "admin@example.com")
    shortcut = f"hello-{lang}-{width}"
    code, _, response = http(
        "POST",
        f"{stack['api']}/admin/canned-responses",
        {
            "title": f"첫 인사 {lang}",
            "shortcut": shortcut,
            "category": "인사",
            "text": "안녕하세요 {{customer.name}}님, {{agent.displayName}}입니다. "
            "문의 유형은 {{chat.inquiryType}}입니다.",
        },
        admin,
    )
    assert code == 201, response
    page = console(stack, new_page, lang, width)
    customer = Listening(stack, "김고객")
    try:
        page.locator(".chat-item", has_text="김고객").click()
        expect(page.locator(".conv-title")).to_have_text("김고객")
        box = page.locator(".composer textarea")
        box.focus()

        # --- "/" opens the combobox; Esc closes it and leaves the text ---
        page.keyboard.type("/")
        listbox = page.get_by_role("listbox")
        expect(listbox).to_be_visible()
        expect(box).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(listbox).to_be_hidden()
        expect(box).to_have_attribute("aria-expanded", "false")
        expect(box).to_have_value("/")
        page.keyboard.press("Backspace")

        # --- Korean matched as typed: "첫 이" finds "첫 인사" before 인 is complete; keyboard only ---
        page.keyboard.type("/첫 이")
        option = listbox.get_by_role("option", name=re.compile(f"첫 인사 {lang}"))
        expect(option).to_be_visible()
        page.keyboard.press("Backspace")  # as an IME does when 이 becomes 인
        page.keyboard.type(f"인사 {lang}")
        expect(listbox.get_by_role("option").first).to_contain_text(f"/{shortcut}")
        expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
        active = box.get_attribute("aria-activedescendant")
        assert active and page.locator(f"#{active}").get_attribute("data-response-id") == response["responseId"]
        screenshot(page, f"console-productivity-canned-{lang}-{width}")
        assert axe_violations(page) == []
        with page.expect_response(lambda r: r.url.endswith(f"/canned-responses/{response['responseId']}/use")) as use:
            page.keyboard.press("Enter")
        assert use.value.status == 200
        filled = f"안녕하세요 김고객님, 김상담입니다. 문의 유형은 {words['inquiryLabel']}입니다."
        expect(box).to_have_value(filled)
        expect(listbox).to_be_hidden()
        # The empty variable is selected for the agent to type over, and named under the box.
        selected = box.evaluate("b => b.value.slice(b.selectionStart, b.selectionEnd)")
        assert selected == words["inquiryLabel"]
        expect(page.locator(".canned-fill-note")).to_contain_text(words["inquiryLabel"])
        screenshot(page, f"console-productivity-canned-filled-{lang}-{width}")
        # Inserting sent nothing; Enter with the label still there is refused.
        assert [m for m in customer.rest("GET", "/messages")[1]["messages"] if m["role"] == "agent"] == []
        page.keyboard.press("Enter")
        expect(box).to_have_value(filled)
        assert box.evaluate("b => b.value.slice(b.selectionStart, b.selectionEnd)") == words["inquiryLabel"]
        page.keyboard.type("배송")
        page.keyboard.press("Enter")
        sent = customer.frame("message.new")["message"]
        assert sent["text"] == "안녕하세요 김고객님, 김상담입니다. 문의 유형은 배송입니다.", sent
        expect(page.locator(".messages li.msg-agent:not(.msg-pending)")).to_have_count(1)
        used = http("GET", f"{stack['api']}/admin/canned-responses", None, admin)[2]["responses"]
        assert next(r for r in used if r["responseId"] == response["responseId"])["usageCount"] == 1

        # --- an internal note: shown to staff with its label, never to the customer ---
        note_text = f"환불 요청 고객, 다음 상담 때 확인 ({lang})"
        toggle = page.locator(".note-toggle")
        toggle.focus()
        page.keyboard.press("Space")
        expect(toggle).to_have_attribute("aria-pressed", "true")
        expect(box).to_be_focused()
        page.keyboard.type(note_text)
        page.keyboard.press("Enter")
        note = page.locator(".messages li.msg-note", has_text=note_text)
        expect(note).to_be_visible()
        expect(note.locator(".msg-note-label")).to_have_text(words["note"])
        expect(box).to_have_value("")
        screenshot(page, f"console-productivity-note-{lang}-{width}")
        page.keyboard.press("Tab")  # the toggle follows the box: note mode off
        page.keyboard.press("Space")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        box.focus()
        page.keyboard.type("확인해 드릴게요")
        page.keyboard.press("Enter")
        after = customer.frame("message.new")["message"]
        assert after["text"] == "확인해 드릴게요"
        staff = http("GET", f"{stack['api']}/chats/{customer.id}/transcript", None, admin)[2]["messages"]
        stored = next(m for m in staff if m["kind"] == "note")
        assert stored["text"] == note_text and sent["seq"] < stored["seq"] < after["seq"]
        assert all(note_text not in json.dumps(f, ensure_ascii=False) for f in customer.log)
        code, mine = customer.rest("GET", "/messages")
        assert code == 200 and all(m["kind"] != "note" and m["text"] != note_text for m in mine["messages"])

        # --- read receipts: the customer's shows 읽음 on the agent's last message at or below it ---
        # (up to the note's seq: the first agent message is read, the one after the note is not)
        assert customer.read(stored["seq"])["outcome"] == "written"
        first_line = page.locator(f'.messages li.msg-agent[data-seq="{sent["seq"]}"]')
        expect(first_line.locator(".msg-read")).to_have_text(words["read"])
        expect(page.locator(".msg-read")).to_have_count(1)
        # The console sent its own receipt for what it showed: the customer heard it.
        heard = customer.wait(lambda f: f.get("type") == "read" and f.get("side") == "agent")
        assert heard["seq"] >= 1
        screenshot(page, f"console-productivity-read-{lang}-{width}")
        assert axe_violations(page) == []

        # --- once ended: the note in 채팅기록's transcript, labelled, and a note added to the ended chat ---
        customer.end()
        page.goto(f"{stack['base']}/console/#/history")
        page.locator(".history-table tbody tr button.link").first.click()
        dialog = page.locator(".history-dialog")
        old_note = dialog.locator(".history-message.note", has_text=note_text)
        expect(old_note.locator(".msg-note-label")).to_have_text(words["note"])
        later = f"종료 후 메모 ({lang})"
        dialog.locator(".note-form textarea").fill(later)
        dialog.locator(".note-form button[type=submit]").click()
        expect(dialog.locator(".note-status")).not_to_be_empty()
        expect(dialog.locator(".history-message.note", has_text=later)).to_be_visible()
        dialog.locator(".note-form").scroll_into_view_if_needed()
        screenshot(page, f"console-productivity-history-note-{lang}-{width}")
        assert axe_violations(page) == []
        staff = http("GET", f"{stack['api']}/chats/{customer.id}/transcript", None, admin)[2]["messages"]
        assert [m["text"] for m in staff if m["kind"] == "note"] == [note_text, later]
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        customer.close()


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_a_ticket_worked_to_solved_by_two_agents_with_a_409(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    words = LABELS[lang]
    admin = bearer(stack, "admin@example.com")
    types = http("GET", f"{stack['api']}/settings", None, admin)[2]["inquiryTypes"]
    title = f"영수증 재발행 {lang}-{width}"
    code, _, made = http(
        "POST",
        f"{stack['api']}/inquiries",
        {
            "consent": True,
            "name": "문의고객",
            "email": "asker@example.com",
            "inquiryType": types[0],
            "title": title,
            "content": "영수증을 다시 받고 싶어요.",
        },
    )
    assert code == 201, made
    ticket_id = made["ticketId"]
    one = console(stack, new_page, lang, width)
    two = console(stack, new_page, lang, width, AGENT2)
    for page in (one, two):
        page.goto(f"{stack['base']}/console/#/tickets/{ticket_id}")
        expect(page.locator(".ticket-status")).to_have_text(words["open"])
        expect(page.locator(".ticket-workflow")).to_have_attribute("data-version", "0")
    panel_one, panel_two = one.locator(".ticket-workflow"), two.locator(".ticket-workflow")

    # Agent 2 starts an edit (not saved); agent 1 saves 처리중 first.
    panel_two.get_by_label(words["status"], exact=True).select_option("on_hold")
    panel_one.get_by_label(words["status"], exact=True).select_option("in_progress")
    panel_one.get_by_role("button", name=words["save"], exact=True).click()
    expect(panel_one.locator(".wf-notice")).to_have_text(words["saved"])
    expect(one.locator(".ticket-status")).to_have_text(words["inProgress"])
    expect(panel_one).to_have_attribute("data-version", "1")
    # Agent 2's page heard the push but keeps the unsaved edit; saving it answers 409 with the new state.
    expect(panel_two.locator(".wf-notice")).not_to_be_empty()
    expect(panel_two).to_have_attribute("data-version", "0")
    panel_two.get_by_role("button", name=words["save"], exact=True).click()
    expect(panel_two.locator(".wf-notice")).to_contain_text(words["conflict"])
    expect(panel_two).to_have_attribute("data-version", "1")
    expect(panel_two.get_by_label(words["status"], exact=True)).to_have_value("in_progress")
    expect(two.locator(".ticket-status")).to_have_text(words["inProgress"])
    expect(panel_two.locator(".wf-history .wf-entry")).to_have_count(2)  # status and the assignee it set
    panel_two.scroll_into_view_if_needed()
    screenshot(two, f"console-productivity-ticket-409-{lang}-{width}")

    # Agent 2 takes it over with a comment, then solves it.
    panel_two.get_by_role("button", name=words["assignMe"]).click()
    panel_two.get_by_label(words["comment"]).fill("제가 마무리합니다")
    panel_two.get_by_role("button", name=words["save"], exact=True).click()
    expect(panel_two).to_have_attribute("data-version", "2")
    panel_two.get_by_label(words["status"], exact=True).select_option("solved")
    panel_two.get_by_role("button", name=words["save"], exact=True).click()
    expect(two.locator(".ticket-status")).to_have_text(words["solved"])
    expect(panel_two).to_have_attribute("data-version", "3")
    # Agent 1's untouched page follows the pushes on its own.
    expect(one.locator(".ticket-status")).to_have_text(words["solved"])
    expect(panel_one.locator(".wf-history .wf-entry")).to_have_count(5)
    expect(panel_one.locator(".wf-entry-comment")).to_contain_text("제가 마무리합니다")
    panel_one.scroll_into_view_if_needed()
    screenshot(one, f"console-productivity-ticket-solved-{lang}-{width}")
    assert axe_violations(one) == []
    stored = http("GET", f"{stack['api']}/tickets/{ticket_id}", None, admin)[2]
    assert (stored["status"], stored["assigneeId"], stored["version"]) == ("solved", AGENT2, 3)

    # The list's filters: status and assignee (the row is there under 완료 + agent 2, not under 접수).
    one.goto(f"{stack['base']}/console/#/tickets")
    row = one.locator(f'.tickets-table tr[data-ticket-id="{ticket_id}"]')
    expect(row).to_be_visible()
    filters = one.locator(".wf-filters")
    filters.get_by_label(words["status"], exact=True).select_option("solved")
    expect(row).to_be_visible()
    expect(row.locator(".ticket-row-status")).to_have_text(words["solved"])
    # The period, in whole days of the service's zone: today holds it, a backwards period is refused.
    today = datetime.now(ZoneInfo("Asia/Seoul")).date()
    filters.locator("input[name=from]").fill(today.isoformat())
    filters.locator("input[name=to]").fill(today.isoformat())
    expect(row).to_be_visible()
    screenshot(one, f"console-productivity-tickets-solved-{lang}-{width}")
    filters.locator("input[name=from]").fill((today + timedelta(days=1)).isoformat())
    expect(filters.locator(".wf-filter-error")).not_to_be_empty()
    expect(filters.locator("input[name=from]")).to_have_attribute("aria-invalid", "true")
    filters.locator("input[name=from]").fill(today.isoformat())
    expect(filters.locator(".wf-filter-error")).to_be_empty()
    filters.get_by_label(words["status"], exact=True).select_option("open")
    expect(row).to_have_count(0)
    filters.get_by_label(words["status"], exact=True).select_option("")
    filters.locator("select[name=assigneeId]").select_option(AGENT)  # 나: agent 1 does not hold it
    expect(one.locator(".tickets-status")).not_to_have_text(re.compile("…|\\.\\.\\."))
    expect(row).to_have_count(0)
    screenshot(one, f"console-productivity-tickets-filtered-{lang}-{width}")
    assert one.errors == [] and two.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_alerts_title_count_and_unread_counts_across_a_reload(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    words = LABELS[lang]
    page = console(stack, new_page, lang, width)
    first = Customer(stack, f"박알림 {lang}")
    second = Customer(stack, f"최안읽음 {lang}")
    try:
        expect(page.locator(".chat-item", has_text=f"최안읽음 {lang}")).to_be_visible()
        alerts = page.evaluate("window.__alerts.map(a => a.kind)")
        assert alerts.count("new") >= 2
        page.locator(".chat-item", has_text=f"박알림 {lang}").click()
        expect(page.locator(".conv-title")).to_have_text(f"박알림 {lang}")
        # Two messages in the chat the agent is not looking at: the first sounds, the repeat does not.
        second.say("안녕하세요")
        item = page.locator(".chat-item", has_text=f"최안읽음 {lang}")
        expect(item.locator(".unread-mark")).to_have_attribute("data-count", "1")
        second.say("아직 계세요?")
        expect(item.locator(".unread-mark")).to_have_attribute("data-count", "2")
        expect(page).to_have_title(re.compile(r"^\(1\) "))
        sounds = page.evaluate("window.__alerts.filter(a => a.kind === 'message').map(a => a.sound)")
        assert sounds == [True, False], sounds
        screenshot(page, f"console-productivity-unread-{lang}-{width}")

        # The count and the title survive a reload.
        page.reload()
        expect(page.locator(".chat-item", has_text=f"최안읽음 {lang}").locator(".unread-mark")).to_have_attribute(
            "data-count", "2"
        )
        expect(page).to_have_title(re.compile(r"^\(1\) "))
        widget = page.locator(".chat-widget")
        expect(widget).not_to_have_class(re.compile(r"\bblink\b"))  # a fresh page: nothing new yet

        # The repeat sound is the agent's choice; a hidden tab gets a notification that opens the chat.
        page.locator(".alert-settings summary").click()
        page.locator(".alert-settings input[name=soundMessage]").check()
        page.locator(".chat-item", has_text=f"박알림 {lang}").click()
        expect(page.locator(".conv-title")).to_have_text(f"박알림 {lang}")
        page.evaluate("window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'))")
        second.say("여보세요")
        expect(page.locator(".chat-item", has_text=f"최안읽음 {lang}").locator(".unread-mark")).to_have_attribute(
            "data-count", "3"
        )
        notified = page.evaluate("window.__notifications.map(n => n.title)")
        assert f"{words['newMessage']}: 최안읽음 {lang}" in notified, notified
        expect(widget).to_have_class(re.compile(r"\bblink\b"))  # a customer message blinks it too
        assert page.evaluate("window.__alerts.at(-1)") == {
            "kind": "message",
            "conversationId": second.id,
            "sound": True,
            "notified": True,
        }
        page.evaluate("window.__hidden = false; window.__notifications.at(-1).onclick()")
        expect(page.locator(".conv-title")).to_have_text(f"최안읽음 {lang}")
        expect(page.locator(".chat-item", has_text=f"최안읽음 {lang}").locator(".unread-mark")).to_have_count(0)
        expect(page).to_have_title(re.compile(r"^[^(]"))
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_a_chat_transferred_to_the_agent_alerts_and_its_notification_opens_it(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    admin = bearer(stack, "admin@example.com")
    other = bearer(stack, AGENT2)
    # agent 2 alone online takes the chat; agent 1's console then comes online with the tab hidden.
    assert http("PUT", f"{stack['api']}/me/status", {"status": "online"}, other)[0] == 200
    customer = Customer(stack, f"정이관 {lang}")
    try:
        assert customer.chat["state"] == "active"
        page = console(stack, new_page, lang, width)
        page.evaluate("window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'))")
        code, _, moved = http(
            "POST", f"{stack['api']}/chats/{customer.id}/transfer", {"agentId": AGENT, "note": "VIP 고객"}, admin
        )
        assert code == 200, moved
        item = page.locator(".chat-item", has_text=f"정이관 {lang}")
        expect(item).to_be_visible()
        expect(page.locator(".chat-widget")).to_have_class(re.compile(r"\bblink\b"))
        alert = page.evaluate("window.__alerts.find(a => a.kind === 'transferred')")
        assert alert == {"kind": "transferred", "conversationId": customer.id, "sound": True, "notified": True}
        title = "넘겨받은 채팅" if lang == "ko" else "Chat transferred to you"
        shown = page.evaluate("window.__notifications.map(n => [n.title, n.options.body])")
        assert [f"{title}: 정이관 {lang}", "VIP 고객"] in shown, shown
        page.evaluate(
            "window.__hidden = false; window.__notifications.filter(n => n.title.includes('정이관')).at(-1).onclick()"
        )
        expect(page.locator(".conv-title")).to_have_text(f"정이관 {lang}")
        expect(item).to_have_attribute("aria-current", "true")
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        customer.close()
