"""The console's 상용구 view (#/canned, issue #22) in Chromium against the local stack, Korean at
1280 px and English at 1024 px.

An agent reaches the view from the chat view's composer, creates their own responses (one with a
variable), is refused an unknown variable (the server's reason at the text field, translated,
nothing saved), reorders with the keyboard (focus kept on the moved row), sees the shared ones listed
read-only, then inserts their own with "/" in the composer and sends it. Another agent does not get
it. axe finds nothing on the view. Screenshots: tests/artifacts/console-canned-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_support import axe_violations
from browser_support import create_canned_response, screenshot
from e2e_support import http
from playwright.sync_api import expect
from staff_checks import assert_screen, values_of
from test_console_productivity import AGENT, AGENT2, SIZES, Listening, bearer, console

WORDS = {
    "ko": {
        "manage": "내 상용구",
        "nav": "상용구",
        "limits": "내 상용구",
        "saved": "저장했습니다",
        "unknown": "알 수 없는 변수 {{customer.nmae}}",
        "sharedTitle": "공용 상용구 (읽기 전용)",
        "chat": "채팅",
    },
    "en": {
        "manage": "My responses",
        "nav": "Replies",
        "limits": "My responses",
        "saved": "Saved",
        "unknown": "Unknown variable {{customer.nmae}}",
        "sharedTitle": "Shared responses (read-only)",
        "chat": "Chat",
    },
}


@pytest.fixture(autouse=True)
def no_live_chats(stack: dict[str, Any]) -> Iterator[None]:
    """Every test ends with both agents offline and no live chat."""
    yield
    admin = bearer(stack, "admin@example.com")
    for username in (AGENT, AGENT2):
        agent = bearer(stack, username)
        for chat in http("GET", f"{stack['api']}/agent/chats", None, agent)[2]["chats"]:
            http("POST", f"{stack['api']}/chats/{chat['conversationId']}/end", {}, admin)
        http("PUT", f"{stack['api']}/me/status", {"status": "offline"}, agent)


def usable(stack: dict[str, Any], username: str) -> dict[str, Any]:
    code, _, body = http("GET", f"{stack['api']}/canned-responses", None, bearer(stack, username))
    assert code == 200, body
    return body


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_an_agent_manages_and_uses_their_own_canned_responses(
    stack: dict[str, Any], new_page: Any, lang: str, width: int
) -> None:
    words = WORDS[lang]
    tag = f"{lang}-{width}"
    shared_title = f"공용 안내 {tag}"
    code, _, shared = http(
        "POST",
        f"{stack['api']}/admin/canned-responses",
        {"title": shared_title, "shortcut": f"shared-{tag}", "category": "안내", "text": "공용 안내문입니다."},
        bearer(stack, "admin@example.com"),
    )
    assert code == 201, shared
    page = console(stack, new_page, lang, width)
    customer = Listening(stack, "김고객")
    try:
        # --- from the chat view's composer to the view, by keyboard; the nav link marks it current ---
        page.locator(".chat-item", has_text="김고객").click()
        expect(page.locator(".conv-title")).to_have_text("김고객")
        manage = page.locator(".composer .canned-manage")
        expect(manage).to_have_text(words["manage"])
        screenshot(page, f"console-canned-composer-{tag}")
        manage.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".view-canned")).to_be_visible()
        expect(page.locator('.nav-link[data-view="canned"]')).to_have_text(words["nav"])
        expect(page.locator('.nav-link[data-view="canned"]')).to_have_attribute("aria-current", "")
        expect(page.locator("#canned-limits")).to_contain_text(words["limits"])
        expect(page.locator("#canned-limits")).to_contain_text("200")

        # --- the shared ones: listed, read-only (no control in their table) ---
        expect(page.locator("#canned-shared-title")).to_have_text(words["sharedTitle"])
        expect(page.locator("#canned-shared-table")).to_contain_text(shared_title)
        expect(page.locator("#canned-shared-table button, #canned-shared-table input")).to_have_count(0)
        expect(page.locator("#canned-table")).not_to_contain_text(shared_title)

        # --- create two of the agent's own, one with a variable ---
        first, second = f"내 인사 {tag}", f"내 마무리 {tag}"
        greeting = "{{customer.name}}님, 제가 도와드릴게요."
        create_canned_response(page, first, f"mine-{tag}", greeting, "인사", words["saved"])
        create_canned_response(page, second, f"bye-{tag}", "감사합니다. 좋은 하루 되세요.", "마무리", words["saved"])

        # --- an unknown variable: the server's reason at the text field, translated, nothing saved ---
        page.fill("#canned-field-title", "오타")
        page.fill("#canned-field-shortcut", f"typo-{tag}")
        page.fill("#canned-field-text", "{{customer.nmae}}님 안녕하세요")
        page.click("#canned-save")
        error = page.locator("#canned-field-text-error")
        expect(error).to_contain_text(words["unknown"])
        expect(error).to_contain_text("{{customer.name}}")
        assert "unknown variable" not in error.inner_text()
        expect(page.locator("#canned-field-text")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#canned-field-text")).to_be_focused()
        assert all(r["shortcut"] != f"typo-{tag}" for r in usable(stack, AGENT)["personal"])
        screenshot(page, f"console-canned-refused-{tag}")
        page.click("#canned-cancel")
        expect(error).to_be_empty()

        # --- reorder by keyboard: the second one's ↑ with Enter; focus stays on its row ---
        up = page.locator(f'#canned-table tr:has-text("{second}") button[data-move="-1"]')
        up.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#canned-status")).to_contain_text(second)
        order = [r["title"] for r in usable(stack, AGENT)["personal"]]
        assert order.index(second) < order.index(first), order
        expect(page.locator(f'#canned-table tr:has-text("{second}") button[data-move]:focus')).to_have_count(1)
        rows = page.locator("#canned-table tbody tr")
        titles = [rows.nth(i).locator("th .name").inner_text() for i in range(rows.count())]
        assert titles.index(second) < titles.index(first), titles

        # --- the category filter narrows both lists ---
        page.select_option("#canned-filter", "인사")
        expect(page.locator("#canned-table tbody tr")).to_have_count(
            sum(1 for r in usable(stack, AGENT)["personal"] if r["category"] == "인사")
        )
        expect(page.locator("#canned-shared-table")).not_to_contain_text(shared_title)
        page.select_option("#canned-filter", "")
        expect(page.locator("#canned-shared-table")).to_contain_text(shared_title)

        violations = axe_violations(page)
        assert not violations, violations
        # Nothing overlapping, cut or wrapped, no text of the other language (what people typed aside).
        data = values_of(usable(stack, AGENT)) | {"김상담", AGENT}
        problems = assert_screen(page, lang, data, f"canned {tag}")
        page.locator(".canned-csv").scroll_into_view_if_needed()
        problems += assert_screen(page, lang, data, f"canned scrolled {tag}")
        assert not problems, problems
        screenshot(page, f"console-canned-{tag}")
        page.locator("#canned-shared-table").scroll_into_view_if_needed()
        screenshot(page, f"console-canned-shared-{tag}")

        # --- another agent never gets it: not in their list, not theirs to edit ---
        theirs = usable(stack, AGENT2)
        assert all(r["shortcut"] != f"mine-{tag}" for r in theirs["personal"] + theirs["shared"])
        assert any(r["shortcut"] == f"shared-{tag}" for r in theirs["shared"])
        [mine] = [r for r in usable(stack, AGENT)["personal"] if r["shortcut"] == f"mine-{tag}"]
        code, _, refused = http(
            "PUT", f"{stack['api']}/canned-responses/{mine['responseId']}", {"title": "남의 것"}, bearer(stack, AGENT2)
        )
        assert code == 404, refused

        # --- back in the chat, "/" finds it; Enter fills it in, a second Enter sends it ---
        page.locator('.nav-link[data-view="chat"]').click()
        expect(page.locator(".view-chat")).to_be_visible()
        box = page.locator(".composer textarea")
        box.focus()
        page.keyboard.type(f"/mine-{tag}")
        listbox = page.get_by_role("listbox")
        option = listbox.get_by_role("option").first
        expect(option).to_contain_text(f"/mine-{tag}")
        expect(option).to_contain_text(first)
        expect(option).to_have_attribute("aria-selected", "true")
        with page.expect_response(lambda r: r.url.endswith(f"/canned-responses/{mine['responseId']}/use")) as use:
            page.keyboard.press("Enter")
        assert use.value.status == 200
        expect(box).to_have_value("김고객님, 제가 도와드릴게요.")
        page.keyboard.press("Enter")
        sent = customer.frame("message.new")["message"]
        assert sent["text"] == "김고객님, 제가 도와드릴게요.", sent
        # Its use is counted, and the view says so when shown again.
        page.keyboard.press("Alt+4")
        row = page.locator(f'#canned-table tr:has-text("{first}")')
        expect(row.locator(".canned-usage")).to_contain_text(re.compile(r"1회 사용|used 1×"))
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        customer.close()
