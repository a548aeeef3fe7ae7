"""The staff screens a first-time user tripped over (issue 17), in Chromium against the local stack.

1. the console's seat count (`상담 N/M`) follows assignment and both kinds of end without a reload
   and agrees with GET /me after a server-side drop and resync;
2. an unbroken 2,000-character message wraps in the console chat, its masking view, the ticket
   dialog's and the ticket's transcript and the history record dialog, whose forms and 티켓 만들기
   stay on screen (ko and en, 1280 and 1024 wide);
4, 6, 8, 9. every console and admin screen, in ko and en at 1280×720 and 1024×768: no boxes that
   overlap or stick out, no wrapped or cut labels, no raw enum values, codes or text of the other
   language, no emoji glyphs, one date format and the time zone stated (staff_checks.py);
11. history filters by 문의 유형, and the export takes the same condition (the Excel file re-opened).

Customers are played over REST and a real WebSocket. Screenshots: tests/artifacts/staff-*.png.
"""

from __future__ import annotations

import re
from typing import Any

from browser_support import drop_staff_connections, screenshot
from e2e_support import http, sign_in
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from staff_checks import assert_screen
from test_console import Customer

AGENT = "agent1@example.com"
ADMIN = "admin@example.com"
LONG = "가나다라마바사아자차" * 200  # 2,000 characters, not one space
# Hangul may break between syllables by itself; an unbroken Latin run (a pasted token, a URL) may not.
LATIN = "https://example.com/" + "a1B2c3D4e5" * 198
SIZES = [(1280, 720), (1024, 768)]
WORDS = {
    "ko": {"online": "온라인", "seats": "상담", "ticket": "티켓 만들기", "search": "검색", "end": "대화 종료"},
    "en": {"online": "Online", "seats": "Chats", "ticket": "Create ticket", "search": "Search", "end": "End chat"},
}


def staff(stack: dict[str, Any], user: str, method: str, path: str, body: Any = None) -> Any:
    code, _, answer = http(method, f"{stack['api']}{path}", body, {"Authorization": f"Bearer {sign_in(stack, user)}"})
    assert code < 300, (code, answer)
    return answer


def open_console(new_page: Any, stack: dict[str, Any], lang: str, size: tuple[int, int], user: str = AGENT) -> Page:
    page = new_page(
        viewport={"width": size[0], "height": size[1]},
        locale="ko-KR" if lang == "ko" else "en-GB",
        accept_downloads=True,
    )
    page.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")
    page.on("dialog", lambda dialog: dialog.accept())  # 대화 종료 asks first
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == user)
    page.goto(stack["base"] + "/console/")
    page.fill("#signin-email", user)
    page.fill("#signin-password", password)
    page.locator("#signin-password").press("Enter")
    expect(page.locator(".status-button")).to_be_visible()
    expect(page.locator(".connection")).to_have_attribute("data-online", "true")
    return page


def go_online(page: Page, lang: str) -> None:
    if page.locator(".status-button").get_attribute("data-status") == "online":
        return
    page.locator(".status-button").click()
    page.get_by_role("menuitemradio", name=WORDS[lang]["online"]).click()
    expect(page.locator(".status-button")).to_have_attribute("data-status", "online")


def no_horizontal_overflow(page: Page, selector: str) -> None:
    """Everything in `selector` fits its box: nothing wider than the element or the window."""
    facts = page.locator(selector).first.evaluate(
        """(node) => {
          const r = node.getBoundingClientRect();
          const children = [...node.querySelectorAll('*')].map((c) => c.getBoundingClientRect()).filter((c) => c.width);
          return {scroll: node.scrollWidth, client: node.clientWidth, right: r.right, window: innerWidth,
                  widest: Math.max(0, ...children.map((c) => c.right)) - r.left, width: r.width};
        }"""
    )
    assert facts["scroll"] <= facts["client"] + 1, (selector, facts)
    assert facts["right"] <= facts["window"] + 1, (selector, facts)
    assert facts["widest"] <= facts["width"] + 1, (selector, facts)


def inside_window(page: Page, locator: Any) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (box, width)


# --- 1. seats ----------------------------------------------------------------------------------


def test_seat_count_follows_events_and_agrees_with_me(stack: dict[str, Any], new_page: Any) -> None:
    page = open_console(new_page, stack, "ko", (1280, 720))
    go_online(page, "ko")
    seats = page.locator(".seats")
    maximum = staff(stack, AGENT, "GET", "/me")["maxChats"]

    def shows(active: int) -> None:
        expect(seats).to_have_text(f"상담 {active}/{maximum}")
        assert staff(stack, AGENT, "GET", "/me")["activeChats"] == active  # the server says the same

    shows(0)
    first = Customer(stack, "좌석하나")
    expect(page.locator(".chat-item", has_text="좌석하나")).to_be_visible()
    shows(1)  # assigned: no reload
    first.say("안녕하세요")
    page.locator(".chat-item", has_text="좌석하나").click()
    page.locator(".message-input").fill("네, 말씀하세요")
    page.locator(".message-input").press("Enter")
    expect(page.locator(".conversation .msg-agent:not(.msg-pending)")).to_have_count(1)
    shows(1)
    Customer(stack, "좌석둘")  # ended by the agent below
    expect(page.locator(".chat-item", has_text="좌석둘")).to_be_visible()
    shows(2)
    screenshot(page, "staff-seats-ko-two-chats")
    first.end()  # the customer ends it
    expect(page.locator(".chat-item", has_text="좌석하나")).to_have_count(0)
    shows(1)
    page.locator(".chat-item", has_text="좌석둘").click()
    page.get_by_role("button", name="대화 종료").click()  # the agent ends it
    expect(page.locator(".chat-item", has_text="좌석둘")).to_have_count(0)
    shows(0)
    third = Customer(stack, "좌석셋")
    expect(page.locator(".chat-item", has_text="좌석셋")).to_be_visible()
    shows(1)
    # A server-side drop: after the resync the bar agrees with GET /me.
    drop_staff_connections(stack, AGENT)
    expect(page.locator(".connection")).to_have_attribute("data-online", "false")
    expect(page.locator(".connection")).to_have_attribute("data-online", "true")
    shows(staff(stack, AGENT, "GET", "/me")["activeChats"])
    third.end()
    shows(0)
    screenshot(page, "staff-seats-ko-after-resync")


# --- 2. long text wraps -------------------------------------------------------------------------


def test_unbroken_2000_characters_wrap_everywhere(stack: dict[str, Any], new_page: Any) -> None:
    staff(stack, ADMIN, "PUT", "/settings", {"securityService": True})
    try:
        page = open_console(new_page, stack, "ko", (1280, 720))
        go_online(page, "ko")
        customer = Customer(stack, "긴글고객")
        customer.say(LONG)
        customer.say(LATIN)
        page.locator(".chat-item", has_text="긴글고객").click()
        expect(page.locator(".conversation .msg-customer", has_text="a1B2c3")).to_be_visible()
        message = page.locator(".conversation .msg-customer", has_text="가나다라")
        expect(message).to_be_visible()
        # The security service is on: the text is masking's view (drag to mask), and it wraps too.
        expect(page.locator(".conversation .msg-customer .masking-text")).to_have_count(2)
        no_horizontal_overflow(page, ".conversation .messages")
        no_horizontal_overflow(page, ".chat-screen")
        inside_window(page, page.get_by_role("button", name="대화 종료"))
        screenshot(page, "staff-wrap-console-chat-ko-1280")
        # 티켓 만들기: the dialog's transcript.
        page.get_by_role("button", name="티켓 만들기").click()
        dialog = page.locator(".ticket-dialog")
        expect(dialog.locator(".transcript .msg-customer").last).to_be_visible()
        no_horizontal_overflow(page, ".ticket-dialog")
        inside_window(page, dialog.get_by_role("button", name="제출"))
        screenshot(page, "staff-wrap-ticket-dialog-ko-1280")
        dialog.locator("select[name=inquiryType]").select_option(index=1)
        dialog.locator("input[name=title]").fill("긴 메시지")
        dialog.locator("textarea[name=content]").fill(LONG + LATIN)
        dialog.get_by_role("button", name="제출").click()
        expect(dialog).to_be_hidden()
        ticket_link = page.locator(".conv-notice .ticket-link")
        ticket_href = ticket_link.get_attribute("href")
        page.get_by_role("button", name="대화 종료").click()
        expect(page.locator(".chat-item", has_text="긴글고객")).to_have_count(0)
        customer.ws.close()

        for lang in ("ko", "en"):
            for size in SIZES:
                view = open_console(new_page, stack, lang, size)
                tag = f"{lang}-{size[0]}"
                # The ticket: its content and transcript wrap.
                view.goto(stack["base"] + "/console/" + ticket_href)
                expect(view.locator(".ticket-detail .transcript .msg-customer").last).to_be_visible()
                no_horizontal_overflow(view, ".ticket-detail")
                screenshot(view, f"staff-wrap-ticket-{tag}")
                # The history record dialog: ~1,000 px at most, forms and 티켓 만들기 on screen.
                view.goto(stack["base"] + "/console/#/history")
                row = view.locator(".history-table tbody tr", has_text="긴글고객")
                expect(row).to_be_visible()
                row.locator("button.link").click()
                record = view.locator(".history-dialog")
                expect(record.locator(".history-message", has_text="가나다라")).to_be_visible()
                expect(record.locator(".history-message", has_text="a1B2c3")).to_be_visible()
                no_horizontal_overflow(view, ".history-dialog")
                no_horizontal_overflow(view, ".history-transcript")
                for fieldset in record.locator(".history-record fieldset").all():
                    inside_window(view, fieldset)
                ticket_button = record.get_by_role("button", name=WORDS[lang]["ticket"])
                ticket_button.scroll_into_view_if_needed()
                inside_window(view, ticket_button)
                screenshot(view, f"staff-wrap-history-dialog-{tag}")
                view.context.close()
    finally:
        staff(stack, ADMIN, "PUT", "/settings", {"securityService": False})


# --- 11. history by 문의 유형 ---------------------------------------------------------------------


def test_history_and_export_filter_by_inquiry_type(stack: dict[str, Any], new_page: Any, tmp_path: Any) -> None:
    types = staff(stack, ADMIN, "GET", "/settings")["inquiryTypes"]
    wanted, other = types[1], types[2]
    staff(stack, AGENT, "PUT", "/me/status", {"status": "online"})  # the chats are answered by agent1
    page = open_console(new_page, stack, "ko", (1280, 720), user=ADMIN)
    ids = {}
    for name, kind in (("유형고객가", wanted), ("유형고객나", other)):
        customer = Customer(stack, name)
        staff(stack, ADMIN, "PUT", f"/chats/{customer.id}/counsel", {"inquiryType": kind})
        customer.end()
        ids[name] = customer.id
    page.goto(stack["base"] + "/console/#/history")
    form = page.locator(".history-form")
    form.get_by_label("문의 유형").select_option(wanted)
    form.get_by_role("button", name="검색").click()
    rows = page.locator(".history-table tbody tr")
    expect(rows.filter(has_text="유형고객가")).to_have_count(1)
    expect(rows.filter(has_text="유형고객나")).to_have_count(0)
    expect(rows.filter(has_text="유형고객가")).to_contain_text(wanted)  # the 문의 유형 column
    screenshot(page, "staff-history-inquiry-type-ko-1280")
    # The export takes the same conditions: only that type in the file.
    form.get_by_role("button", name="데이터 추출").click()
    link = page.locator(".history-export-link a")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    sheet = load_workbook(path, read_only=True)["Chats"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    column = header.index("문의 유형")
    rows_in_file = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids["유형고객가"] in [r[0] for r in rows_in_file]
    assert ids["유형고객나"] not in [r[0] for r in rows_in_file]
    assert {r[column] for r in rows_in_file} == {wanted}


# --- 4, 6, 8, 9. every screen, both languages, both sizes ------------------------------------------


def data_values(stack: dict[str, Any]) -> set[str]:
    """What people typed (shown as typed in any language): types, names, texts of this test."""
    settings = staff(stack, ADMIN, "GET", "/settings")
    values = set(settings["inquiryTypes"]) | set(settings["processingTypes"])
    for catalog in ("inquiryTypeCatalog", "processingTypeCatalog"):
        for entry in settings.get(catalog, []):
            values |= {entry["name"], *entry.get("formerNames", [])}
    for account in staff(stack, ADMIN, "GET", "/admin/agents")["accounts"]:
        values |= {account["agentId"], account.get("displayName") or ""}
    values |= {settings["greeting"], settings["absenceMessage"], settings["ratingRequestText"]}
    # Names and texts of the chats this module made (any test), as the customers and agents typed them.
    values |= {
        "김화면",
        "화면 점검 문의입니다",
        "확인하겠습니다",
        "화면 점검",
        "점검 메모",
        "긴글고객",
        "긴 메시지",
        LONG,
    }
    values |= {f"좌석{n}" for n in ("하나", "둘", "셋")} | {"유형고객가", "유형고객나", "고객", "상담원"}
    values |= {"https://example.com", LATIN, LONG + LATIN}
    return values - {""}


def test_every_staff_screen_in_both_languages_and_sizes(stack: dict[str, Any], new_page: Any) -> None:
    setup = open_console(new_page, stack, "ko", (1280, 720))
    go_online(setup, "ko")
    customer = Customer(stack, "김화면")
    said = customer.say("화면 점검 문의입니다")
    setup.locator(".chat-item", has_text="김화면").click()
    setup.locator(".message-input").fill("확인하겠습니다")
    setup.locator(".message-input").press("Enter")
    expect(setup.locator(".conversation .msg-agent:not(.msg-pending)")).to_have_count(1)
    staff(stack, AGENT, "PUT", f"/chats/{customer.id}/counsel", {"note": "점검 메모"})
    staff(stack, AGENT, "POST", f"/chats/{customer.id}/rating-request")
    types = staff(stack, ADMIN, "GET", "/settings")["inquiryTypes"]
    ticket = staff(
        stack,
        AGENT,
        "POST",
        f"/chats/{customer.id}/tickets",
        {"inquiryType": types[0], "title": "화면 점검", "content": "점검 메모"},
    )
    # A mask, so the admin's masking audit has a row with a time (the old `26. 12. 2. 오전 6:43:19`).
    staff(stack, ADMIN, "PUT", "/settings", {"securityService": True})
    masked = staff(
        stack, AGENT, "POST", f"/chats/{customer.id}/messages/{said['seq']}/masks", {"spans": [{"start": 0, "end": 2}]}
    )
    staff(stack, ADMIN, "PUT", "/settings", {"securityService": False})
    setup.context.close()
    data = data_values(stack) | {masked["text"], customer.id}
    problems: list[str] = []

    for lang in ("ko", "en"):
        words = WORDS[lang]
        for size in SIZES:
            tag = f"{lang}-{size[0]}"
            for which in ("console", "admin"):  # the sign-in screens, with a failure shown
                signin = new_page(viewport={"width": size[0], "height": size[1]})
                signin.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")
                signin.goto(f"{stack['base']}/{which}/")
                signin.fill("#signin-email", AGENT)
                signin.fill("#signin-password", "wrong-password")
                signin.locator("#signin-password").press("Enter")
                expect(signin.locator("#signin-error")).to_be_visible()
                problems += assert_screen(signin, lang, data, f"{which} sign-in {tag}")
                screenshot(signin, f"staff-screen-{which}-signin-{tag}")
                signin.context.close()
            page = open_console(new_page, stack, lang, size)
            expect(page.locator("#tz-note")).to_contain_text("GMT+9")  # the time zone, stated
            page.locator(".chat-item", has_text="김화면").click()
            expect(page.locator(".conversation .msg-agent")).to_have_count(1)
            problems += assert_screen(page, lang, data, f"chat {tag}")
            screenshot(page, f"staff-screen-chat-{tag}")
            # The right pane scrolled to its end: the rating, nothing under the widget.
            page.locator(".chat-info").evaluate("(node) => node.scrollTo(0, node.scrollHeight)")
            problems += assert_screen(page, lang, data, f"chat scrolled {tag}")
            screenshot(page, f"staff-screen-chat-scrolled-{tag}")
            page.get_by_role("button", name=words["ticket"]).click()
            expect(page.locator(".ticket-dialog .transcript .msg-agent")).to_be_visible()
            problems += assert_screen(page, lang, data, f"ticket dialog {tag}")
            screenshot(page, f"staff-screen-ticket-dialog-{tag}")
            page.keyboard.press("Escape")
            page.goto(stack["base"] + "/console/#/tickets")
            expect(page.locator(".tickets-table tbody tr").first).to_be_visible()
            problems += assert_screen(page, lang, data, f"tickets {tag}")
            screenshot(page, f"staff-screen-tickets-{tag}")
            page.goto(stack["base"] + f"/console/#/tickets/{ticket['ticketId']}")
            status = page.locator(".ticket-status")
            expect(status).to_have_text("접수" if lang == "ko" else "Open")  # never the raw `open`
            problems += assert_screen(page, lang, data, f"ticket {tag}")
            screenshot(page, f"staff-screen-ticket-{tag}")
            page.goto(stack["base"] + "/console/#/history")
            expect(page.locator(".history-table tbody tr button.link").first).to_be_visible()
            problems += assert_screen(page, lang, data, f"history {tag}")
            screenshot(page, f"staff-screen-history-{tag}")
            page.locator(".history-table tbody tr button.link").first.click()
            expect(page.locator(".history-dialog .history-record").first).to_be_visible()
            problems += assert_screen(page, lang, data, f"history dialog {tag}")
            screenshot(page, f"staff-screen-history-dialog-{tag}")
            page.keyboard.press("Escape")
            page.keyboard.press("?")
            expect(page.locator(".help-overlay")).to_be_visible()
            problems += assert_screen(page, lang, data, f"help {tag}")
            page.keyboard.press("Escape")
            # Icons are inline SVG, each inside a control with an accessible name.
            for control in page.locator("button:has(svg.icon)").all():
                if control.is_visible():
                    assert (control.get_attribute("aria-label") or control.inner_text()).strip(), control
            page.context.close()

            admin = open_console(new_page, stack, lang, size, user=ADMIN)
            admin.goto(stack["base"] + "/admin/")
            expect(admin.locator("#settings-status")).not_to_be_empty()
            expect(admin.locator("#tz-note")).to_contain_text("GMT+9")
            expect(admin.locator("#agents-rows tr").first).to_be_visible()
            audit_row = admin.locator("#masking-audit tbody tr").first
            expect(audit_row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"))
            problems += assert_screen(admin, lang, data, f"admin {tag}", clip=False)
            screenshot(admin, f"staff-screen-admin-{tag}")
            admin.context.close()
    customer.end()
    assert problems == [], "\n".join(problems)


def test_the_checks_catch_what_they_look_for(stack: dict[str, Any], new_page: Any) -> None:
    """The checks are not vacuous: a raw value, an English server text, an overlap, a wrapped label and
    an emoji planted on a real console screen are each reported."""
    page = open_console(new_page, stack, "ko", (1024, 768))
    page.evaluate(
        """() => {
          const bar = document.querySelector('.topbar');
          const raw = document.createElement('span'); raw.textContent = 'open'; bar.append(raw);
          const server = document.createElement('p');
          server.textContent = "'title' must be a string"; bar.append(server);
          const emoji = document.createElement('span'); emoji.textContent = '\\u{1F4AC}'; bar.append(emoji);
          const date = document.createElement('span'); date.textContent = '26. 12. 2. 오전 6:43:19'; bar.append(date);
          const cover = document.createElement('button'); cover.textContent = '덮개';
          cover.style.cssText = 'position:fixed;left:0;top:0;width:400px;height:60px;z-index:99';
          document.body.append(cover);
          const narrow = document.createElement('button'); narrow.textContent = '오늘';
          narrow.style.cssText = 'position:fixed;left:600px;top:300px;width:20px;white-space:normal';
          document.body.append(narrow);
        }"""
    )
    found = "\n".join(assert_screen(page, "ko", set(), "planted"))
    for expected in (
        "raw value: 'open'",
        "English on a Korean screen",
        "emoji",
        "date not in the one format",
        "overlap",
        "label wrapped",
    ):
        assert expected in found, (expected, found)
    assert re.search(r"overlap: .* × button「덮개」", found), found
