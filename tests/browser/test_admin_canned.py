"""The admin page's 상용구 / Canned responses section in Chromium against the local stack.

An admin creates a shared response with a variable, is refused an unknown variable (the server's
reason shown at the text field, in the page's language), reorders with the keyboard (↑/↓ buttons,
focus kept), exports the CSV, deletes a response and imports the file back (the result counted), in
Korean at 1280 px and English at 1024 px; axe finds nothing on the section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_support import axe_violations
from browser_support import ARTIFACTS, create_canned_response, screenshot
from e2e_support import http, sign_in
from playwright.sync_api import Page, expect

WORDS = {
    "ko": {
        "unknown": "알 수 없는 변수 {{customer.nmae}}",
        "saved": "저장했습니다",
        "added": "추가 1개",
        "used": "1회 사용",
    },
    "en": {"unknown": "Unknown variable {{customer.nmae}}", "saved": "Saved", "added": "1 added", "used": "used 1×"},
}


def _admin_page(new_page: Any, stack: dict[str, Any], lang: str, width: int) -> tuple[Page, list[str]]:
    page = new_page(viewport={"width": width, "height": 800}, locale="ko-KR" if lang == "ko" else "en-GB")
    page.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(stack["base"] + "/admin/")
    page.fill("#signin-email", "admin@example.com")
    page.fill("#signin-password", "Admin-Passw0rd!")
    page.keyboard.press("Enter")
    expect(page.locator("#canned-limits")).to_contain_text("2,000")
    return page, problems


def _shared(stack: dict[str, Any]) -> list[dict[str, Any]]:
    token = sign_in(stack, "admin@example.com")
    status, _, body = http("GET", f"{stack['api']}/admin/canned-responses", None, {"Authorization": f"Bearer {token}"})
    assert status == 200
    return body["responses"]


@pytest.mark.parametrize(("lang", "width"), [("ko", 1280), ("en", 1024)])
def test_admin_manages_canned_responses(
    stack: dict[str, Any], new_page: Any, tmp_path: Path, lang: str, width: int
) -> None:
    words = WORDS[lang]
    page, problems = _admin_page(new_page, stack, lang, width)
    tag = f"{lang}-{width}"
    first, second = f"인사 {tag}", f"배송 안내 {tag}"

    # Create with a variable; it is listed, unused, in its category.
    create_canned_response(
        page, first, f"hi-{tag}", "안녕하세요 {{customer.name}}님, {{agent.displayName}}입니다.", "인사", words["saved"]
    )
    create_canned_response(page, second, f"ship-{tag}", "오늘({{today}}) 발송됩니다.", "배송", words["saved"])

    # An unknown variable: refused by the server, the reason translated at the text field, nothing saved.
    page.fill("#canned-field-title", "오타")
    page.fill("#canned-field-shortcut", f"typo-{tag}")
    page.fill("#canned-field-text", "{{customer.nmae}}님 안녕하세요")
    page.click("#canned-save")
    expect(page.locator("#canned-field-text-error")).to_contain_text(words["unknown"])
    expect(page.locator("#canned-field-text-error")).to_contain_text("{{customer.name}}")
    expect(page.locator("#canned-field-text")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#canned-field-text")).to_be_focused()
    assert "unknown variable" not in page.locator("#canned-field-text-error").inner_text()
    assert all(r["shortcut"] != f"typo-{tag}" for r in _shared(stack))
    screenshot(page, f"admin-canned-refused-{tag}")
    page.click("#canned-cancel")

    # Reorder by keyboard: focus the second one's ↑ and press Enter; focus stays on the moved row.
    up = page.locator(f'tr:has-text("{second}") button[data-move="-1"]')
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#canned-status")).to_contain_text(second)
    ids = [r["title"] for r in _shared(stack)]
    assert ids.index(second) < ids.index(first)
    # Focus stays on the moved row: its ↑ again, or ↓ once it reached the top (↑ disabled there).
    expect(page.locator(f'tr:has-text("{second}") button[data-move]:focus')).to_have_count(1)

    # The category filter shows only that category.
    page.select_option("#canned-filter", "배송")
    expect(page.locator("#canned-table tbody tr")).to_have_count(
        sum(1 for r in _shared(stack) if r["category"] == "배송")
    )
    page.select_option("#canned-filter", "")
    violations = axe_violations(page)
    assert not violations, violations
    screenshot(page, f"admin-canned-{tag}")

    # Export the CSV (a download of UTF-8 with BOM).
    with page.expect_download() as download_info:
        page.click("#canned-export")
    path = tmp_path / f"canned-{tag}.csv"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert first in data.decode("utf-8-sig") and "{{customer.name}}" in data.decode("utf-8-sig")

    # An agent inserts the second one in a chat: after the next load the list says it is used.
    [used] = [r for r in _shared(stack) if r["title"] == second]
    agent = sign_in(stack, "agent1@example.com")
    status, _, _ = http(
        "POST", f"{stack['api']}/canned-responses/{used['responseId']}/use", {}, {"Authorization": f"Bearer {agent}"}
    )
    assert status == 200

    # Delete one (confirmed), then import the file back: it is added again, the rest unchanged.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'tr:has-text("{first}") button[data-delete]').click()
    expect(page.locator("#canned-status")).to_contain_text(first)
    expect(page.locator("#canned-table")).not_to_contain_text(first)
    page.set_input_files("#canned-import-file", str(path))
    expect(page.locator("#canned-import-name")).to_have_text(path.name)
    page.click("#canned-import")
    expect(page.locator("#canned-import-result")).to_contain_text(words["added"])
    expect(page.locator("#canned-table")).to_contain_text(first)
    assert any(r["title"] == first for r in _shared(stack))
    expect(page.locator(f'tr:has-text("{second}") .canned-usage')).to_contain_text(words["used"])

    # A file with a bad row imports nothing and says why, row by row, translated.
    bad = tmp_path / "bad.csv"
    bad.write_text("단축어,제목,분류,내용\nok1,좋음,,괜찮은 내용\nbad1,나쁨,,{{unknown}} 변수\n", encoding="utf-8")
    page.set_input_files("#canned-import-file", str(bad))
    page.click("#canned-import")
    result = page.locator("#canned-import-result")
    expect(result.locator("li")).to_have_count(1)
    expect(result.locator("li")).to_contain_text("3")
    expect(result.locator("li")).to_contain_text("{{unknown}}")
    assert all(r["shortcut"] != "ok1" for r in _shared(stack))
    screenshot(page, f"admin-canned-import-{tag}")
    page.locator("#canned").screenshot(path=str(ARTIFACTS / f"admin-canned-section-{tag}.png"))
    # The two refusals above are the only failed requests (Chromium logs each 400 it gets).
    assert [p for p in problems if "status of 400" not in p] == [], problems
    assert len(problems) == 2, problems
