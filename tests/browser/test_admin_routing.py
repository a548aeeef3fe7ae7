"""The admin page's 운영시간 · 팀 editor (issue #21) in Chromium against the local stack.

In Korean at 1280 px: a weekly schedule with two intervals on a day, one of them across midnight,
a holiday, the out-of-hours message, a timer and a team with members and an inquiry type are saved;
an overlapping interval is refused by the server and shown at its day, translated; what the API
then holds is what the editor showed. In English at 1024 px: the saved schedule and team read back,
a save over a newer version (another admin saved meanwhile) reloads and says so. axe on both.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from axe_support import assert_accessible
from browser_support import screenshot
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect

ROUTING = "#routing"
CLOSED_KO = "지금은 운영시간이 아닙니다. 문의하기를 이용해 주세요."
CLOSED_EN = "We are closed now. Please leave an inquiry."


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    # The refused saves (400, 409) are logged by Chromium as failed loads: expected here.
    expected = "the server responded with a status of 4"
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and expected not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _admin_page(stack: dict[str, Any], new_page: Any, width: int, lang: str) -> tuple[Page, list[str]]:
    page = new_page(viewport={"width": width, "height": 900})
    problems = _watch(page)
    page.goto(stack["base"] + "/admin/")
    if lang == "en":
        page.evaluate("localStorage.setItem('livechat.lang', 'en')")
        page.reload()
    page.fill("#signin-email", "admin@example.com")
    page.fill("#signin-password", "Admin-Passw0rd!")
    page.keyboard.press("Enter")
    saved = "저장됨" if lang == "ko" else "Saved"
    expect(page.locator("#routing-status")).to_contain_text(saved, timeout=20_000)
    return page, problems


def _api(stack: dict[str, Any], method: str, path: str, body: Any = None) -> Any:
    token = sign_in(stack, "admin@example.com")
    status, _, answer = http(method, stack["api"] + path, body, {"Authorization": f"Bearer {token}"})
    assert status == 200, answer
    return answer


def _future_date(days: int) -> str:
    return (datetime.now(UTC) + timedelta(hours=9) + timedelta(days=days)).strftime("%Y-%m-%d")


def test_hours_and_a_team_saved_in_korean_then_read_in_english(stack: dict[str, Any], new_page: Any) -> None:
    # A team lists staff the service knows: the demo agents have signed in once (GET /me), as
    # invited ones have when they are invited.
    for agent in ("agent1@example.com", "agent2@example.com"):
        status, _, _ = http("GET", stack["api"] + "/me", None, {"Authorization": f"Bearer {sign_in(stack, agent)}"})
        assert status == 200
    page, problems = _admin_page(stack, new_page, 1280, "ko")
    section = page.locator(ROUTING)
    section.scroll_into_view_if_needed()
    expect(page.locator("#routing-hours-body")).to_be_hidden()  # no hours yet: always open

    # Keyboard: the switch is reached and turned on with the keyboard.
    page.focus("#routing-hours-on")
    page.keyboard.press("Space")
    expect(page.locator("#routing-hours-body")).to_be_visible()

    # Monday: two intervals that overlap; Friday: two intervals, the second across midnight.
    page.click("#routing-hours-mon-add")
    expect(page.locator("#routing-hours-mon-0-start")).to_have_value("09:00")
    page.fill("#routing-hours-mon-0-end", "12:00")
    page.click("#routing-hours-mon-add")
    expect(page.locator("#routing-hours-mon-1-start")).to_be_focused()
    page.keyboard.type("11:00")
    page.fill("#routing-hours-mon-1-end", "13:00")
    page.click("#routing-hours-fri-add")
    page.fill("#routing-hours-fri-0-end", "12:00")
    page.click("#routing-hours-fri-add")
    page.fill("#routing-hours-fri-1-start", "22:00")
    page.fill("#routing-hours-fri-1-end", "02:00")
    holiday = _future_date(30)
    page.click("#routing-hours-holidays-add")
    expect(page.locator("#routing-hours-holiday-0-date")).to_be_focused()
    page.fill("#routing-hours-holiday-0-date", holiday)
    page.fill("#routing-hours-holiday-0-name", "창립기념일")
    page.fill("#routing-hours-closed-ko", CLOSED_KO)
    page.fill("#routing-hours-closed-en", CLOSED_EN)
    page.check("#routing-closing-close")
    page.fill("#routing-acceptWindowSeconds", "90")

    # A team: name, two members chosen from the agents, one inquiry type, its own maximum.
    page.click("#routing-add-team")
    expect(page.locator("#routing-team-0-name")).to_be_focused()
    page.keyboard.type("결제팀")
    page.get_by_label("김상담 (agent1@example.com)").check()
    page.get_by_label("이상담 (agent2@example.com)").check()
    catalog = _api(stack, "GET", "/settings")["inquiryTypeCatalog"]
    billing_type = next(t for t in catalog if not t["retired"])
    page.locator("#routing-team-0-types").get_by_label(billing_type["name"], exact=True).check()
    page.fill("#routing-team-0-max", "2")
    expect(page.locator("#routing-status")).to_contain_text("저장하지 않은")
    before = _api(stack, "GET", "/settings/routing")

    # The server refuses the overlap: shown at Monday, in Korean, and nothing is stored.
    page.click("#routing-save")
    expect(page.locator("#routing-hours-mon-error")).to_contain_text("겹치는 구간")
    expect(page.locator("#routing-status")).to_contain_text("저장하지 못했습니다")
    expect(page.locator("#routing-hours-mon-0-start")).to_be_focused()
    assert _api(stack, "GET", "/settings/routing") == before
    screenshot(page, "admin-routing-overlap-ko-1280")
    section.screenshot(path="tests/artifacts/admin-routing-overlap-section-ko-1280.png")

    # Fixed: Monday 09:00-12:00 and 13:00-18:00; saved with the version it read.
    page.fill("#routing-hours-mon-1-start", "13:00")
    page.fill("#routing-hours-mon-1-end", "18:00")
    page.click("#routing-save")
    expect(page.locator("#routing-status")).to_have_text(re.compile(r"저장됨 · 버전 \d+"))
    expect(page.locator("#routing-hours-mon-error")).to_have_text("")
    assert_accessible(page, "admin routing editor (ko, 1280)")
    section.screenshot(path="tests/artifacts/admin-routing-ko-1280.png")

    stored = _api(stack, "GET", "/settings/routing")
    assert stored["version"] == before["version"] + 1
    assert stored["hours"]["weekly"] == {
        "mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
        "fri": [{"start": "09:00", "end": "12:00"}, {"start": "22:00", "end": "02:00"}],
    }
    assert stored["hours"]["timeZone"] == "Asia/Seoul"
    assert stored["hours"]["holidays"] == [{"date": holiday, "name": "창립기념일"}]
    assert stored["hours"]["closedMessage"] == {"ko": CLOSED_KO, "en": CLOSED_EN}
    assert (stored["waitingAtClosing"], stored["acceptWindowSeconds"]) == ("close", 90)
    (team,) = stored["teams"]
    assert (team["name"], team["maxChatsPerAgent"], team["hours"]) == ("결제팀", 2, None)
    assert sorted(team["memberAgentIds"]) == ["agent1@example.com", "agent2@example.com"]
    assert team["inquiryTypes"] == [billing_type["id"]]
    assert problems == []

    # English at 1024: the editor shows what was saved, in English.
    en, en_problems = _admin_page(stack, new_page, 1024, "en")
    en.locator(ROUTING).scroll_into_view_if_needed()
    expect(en.locator("#routing-title")).to_have_text("Hours & teams")
    expect(en.locator("#routing-hours-on")).to_be_checked()
    expect(en.locator("#routing-hours-fri-1-start")).to_have_value("22:00")
    expect(en.locator("#routing-hours-fri-1-end")).to_have_value("02:00")
    expect(en.locator("#routing-hours-holiday-0-date")).to_have_value(holiday)
    expect(en.locator("#routing-team-0-name")).to_have_value("결제팀")
    expect(en.get_by_label("김상담 (agent1@example.com)")).to_be_checked()
    expect(en.locator("#routing-closing-close")).to_be_checked()
    expect(en.get_by_text("Monday", exact=True)).to_be_visible()
    # The wallboard (실시간 현황판, pushed: a save changes its team list at the next change) counts the
    # team's queue under its name, with its longest wait.
    expect(en.locator(f"#count-team-{team['id']}")).to_have_text("0")
    expect(en.locator(f'#wallboard-team-rows tr[data-team="{team["id"]}"] th')).to_have_text("결제팀")
    expect(en.locator(f'#wallboard-team-rows tr[data-team="{team["id"]}"] .longest-wait')).to_have_text("—")
    assert_accessible(en, "admin routing editor (en, 1024)")
    en.locator(ROUTING).screenshot(path="tests/artifacts/admin-routing-en-1024.png")

    # Another admin saves meanwhile: this form's save gets 409, reloads and says so.
    _api(stack, "PUT", "/settings/routing", {"idleWarningMinutes": 7})
    en.fill("#routing-idleCloseMinutes", "3")
    en.click("#routing-save")
    expect(en.locator("#routing-status")).to_contain_text("Another admin saved first")
    expect(en.locator("#routing-idleWarningMinutes")).to_have_value("7")  # the newer document is shown
    expect(en.locator("#routing-idleCloseMinutes")).to_have_value(str(stored["idleCloseMinutes"]))
    assert _api(stack, "GET", "/settings/routing")["idleCloseMinutes"] == stored["idleCloseMinutes"]

    # A team of its own hours: an exception closing a day, saved and read back.
    en.select_option("#routing-team-0-hours-mode", "own")
    en.click("#routing-team-0-hours-sat-add")
    en.fill("#routing-team-0-hours-sat-0-start", "10:00")
    en.fill("#routing-team-0-hours-sat-0-end", "14:00")
    en.click("#routing-team-0-hours-exceptions-add")
    en.fill("#routing-team-0-hours-exception-0-date", _future_date(10))
    en.click("#routing-save")
    expect(en.locator("#routing-status")).to_have_text(re.compile(r"Saved · version \d+"))
    team_hours = _api(stack, "GET", "/settings/routing")["teams"][0]["hours"]
    assert team_hours["weekly"] == {"sat": [{"start": "10:00", "end": "14:00"}]}
    assert team_hours["exceptions"] == [{"date": _future_date(10), "intervals": []}]
    en.locator(ROUTING).screenshot(path="tests/artifacts/admin-routing-team-hours-en-1024.png")
    assert en_problems == []
