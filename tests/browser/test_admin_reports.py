"""The admin page's 리포트 / Reports section (issue #24) in Chromium against the local stack.

Three chats go through the real stack first (two an agent answers and that end with a rating, one
satisfied, one not; one whose customer leaves while it waits for the agent's one seat); the stream
function's counters are what GET /reports reads. The page's table is checked against the API's answer and the seeded
numbers, the charts are drawn (canvases with the bars' colour on them), the grouping switches (day,
team by name, agent by display name, hour), the period picker's own checks and a real 400 from the
server show at their field in the page's language, a period without chats says so, and the export
button makes a `Report` workbook that downloads through the signed URL and opens in openpyxl. In
Korean at 1280 px and English at 1024 px; axe finds nothing. Screenshots: tests/artifacts/admin-reports-*.png.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from axe_support import assert_accessible
from browser_support import ARTIFACTS
from e2e_support import http, sign_in
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from staff_checks import assert_screen
from websockets.sync.client import connect

AGENT = "agent1@example.com"
AGENT_NAME = "김상담"
WORDS = {
    "ko": {
        "noTeam": "팀 없음",
        "empty": "들어온 채팅이 없습니다",
        "order": "종료일은 시작일과 같거나 뒤여야",
        "server": "서버가 시작일을 받아들이지 않았습니다",
        "ready": "엑셀 파일이 준비되었습니다",
        "chart": "아래 표에 있습니다",
        "bars": "막대",
        "loading": "불러오는 중",
    },
    "en": {
        "noTeam": "No team",
        "empty": "No chats came in",
        "order": "must be on or after the start date",
        "server": "The server did not accept the start date",
        "ready": "The Excel file is ready",
        "chart": "in the tables below",
        "bars": "bars",
        "loading": "Loading",
    },
}
BAR_RGB = (0, 114, 178)  # report-charts.js COLORS.in, the chats-in bars


def _frame(ws: Any, frame_type: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if frame.get("type") == frame_type:
            return frame


def _start_chat(stack: dict[str, Any], name: str) -> dict[str, Any]:
    _, _, availability = http("GET", f"{stack['api']}/widget/availability")
    body = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": name}
    code, _, chat = http("POST", f"{stack['api']}/chats", body)
    assert code == 201, chat
    return chat


def _as_customer(stack: dict[str, Any], chat: dict[str, Any], method: str, path: str, body: Any = None) -> Any:
    code, _, answer = http(
        method,
        f"{stack['api']}/chats/{chat['conversationId']}{path}",
        body,
        {"Authorization": f"Bearer {chat['token']}"},
    )
    assert code == 200, answer
    return answer


def _answer_and_close(
    stack: dict[str, Any], agent_ws: Any, agent_token: str, chat: dict[str, Any], rating: str, ended_by: str
) -> None:
    cid = chat["conversationId"]
    with connect(f"{stack['websocket']}?token={chat['token']}") as customer:
        send = {"action": "message.send", "conversationId": cid}
        customer.send(json.dumps({**send, "clientMessageId": f"c-{cid[-6:]}", "text": "문의드립니다"}))
        _frame(customer, "message.ack")
        time.sleep(1.1)  # a first response time of about a second
        agent_ws.send(json.dumps({**send, "clientMessageId": f"a-{cid[-6:]}", "text": "네, 도와드릴게요"}))
        _frame(agent_ws, "message.ack")
    if ended_by == "agent":
        code, _, body = http("POST", f"{stack['api']}/chats/{cid}/end", {}, {"Authorization": f"Bearer {agent_token}"})
        assert code == 200, body
    else:
        _as_customer(stack, chat, "POST", "/end", {})
    _as_customer(stack, chat, "POST", "/rating", {"rating": rating})


def _report(stack: dict[str, Any], admin: str, **params: str) -> dict[str, Any]:
    code, _, body = http(
        "GET", f"{stack['api']}/reports?{urlencode(params)}", None, {"Authorization": f"Bearer {admin}"}
    )
    assert code == 200, body
    return body


@pytest.fixture(scope="module")
def seeded(stack: dict[str, Any]) -> dict[str, Any]:
    """Three chats through the real stack, once for the module; waits for the stream's counters.
    agent1 answers two (rated satisfied and dissatisfied); a third customer waits for the one seat and leaves."""
    admin = sign_in(stack, "admin@example.com")
    code, _, body = http(
        "PUT", f"{stack['api']}/settings", {"maxChatsPerAgent": 1}, {"Authorization": f"Bearer {admin}"}
    )
    assert code == 200, body  # one seat: a second customer waits in the queue
    agent = sign_in(stack, AGENT)
    with connect(f"{stack['websocket']}?token={agent}") as agent_ws:
        agent_ws.send(json.dumps({"action": "status.set", "status": "online"}))
        _frame(agent_ws, "agent.status")
        first = _start_chat(stack, "만족고객")  # agent1's one seat
        waiting = _start_chat(stack, "떠난고객")  # waits, then leaves: abandoned in the queue
        _as_customer(stack, waiting, "POST", "/end", {})
        _answer_and_close(stack, agent_ws, agent, first, "satisfied", ended_by="agent")
        _answer_and_close(stack, agent_ws, agent, _start_chat(stack, "불만고객"), "dissatisfied", ended_by="customer")
        agent_ws.send(json.dumps({"action": "status.set", "status": "offline"}))
        _frame(agent_ws, "agent.status")
    deadline = time.monotonic() + 60
    while True:  # the local stack delivers the stream records about once a second
        total = _report(stack, admin)["total"]
        if (
            total["chatsIn"],
            total["abandoned"],
            total["satisfied"],
            total["dissatisfied"],
            total["handle"]["count"],
        ) == (3, 1, 1, 1, 2):
            break
        assert time.monotonic() < deadline, total
        time.sleep(0.5)
    return {"admin": admin, "total": total}


def _admin_page(new_page: Any, stack: dict[str, Any], lang: str, width: int) -> tuple[Page, list[str]]:
    page = new_page(
        viewport={"width": width, "height": 900}, locale="ko-KR" if lang == "ko" else "en-GB", accept_downloads=True
    )
    page.add_init_script(f"localStorage.setItem('livechat.lang', '{lang}')")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "400" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(stack["base"] + "/admin/")
    page.fill("#signin-email", "admin@example.com")
    page.fill("#signin-password", "Admin-Passw0rd!")
    page.keyboard.press("Enter")
    expect(page.locator("#report-table")).to_be_visible()
    return page, problems


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#reports").scroll_into_view_if_needed()
    page.locator("#reports").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _screen_problems(page: Page, lang: str, name: str) -> list[str]:
    """tests/browser/staff_checks.py's checks on the top bar, the nav and this section (the other sections
    hold settings data those checks would need listed: test_staff_screens.py covers them)."""
    page.evaluate("() => document.querySelectorAll('main > section:not(#reports)').forEach((s) => (s.hidden = true))")
    try:
        return assert_screen(page, lang, {AGENT_NAME, AGENT}, name)
    finally:
        page.evaluate("() => document.querySelectorAll('main > section').forEach((s) => (s.hidden = false))")


def _cell(page: Page, key: str, metric: str) -> str:
    return page.locator(f'#reports table tr[data-key="{key}"] td[data-metric="{metric}"]').inner_text()


def _bar_pixels(page: Page, chart_id: str) -> int:
    """Pixels of the chats-in bars' colour on the chart's canvas (axes and grid are other colours)."""
    return page.evaluate(
        """([id, rgb]) => {
             const canvas = document.querySelector(`#${id} canvas`);
             if (!canvas || !canvas.width) return 0;
             const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
             let n = 0;
             for (let i = 0; i < data.length; i += 4)
               if ([0, 1, 2].every((c) => Math.abs(data[i + c] - rgb[c]) < 8) && data[i + 3] > 200) n++;
             return n;
           }""",
        [chart_id, list(BAR_RGB)],
    )


def _painted(page: Page, chart_id: str) -> int:
    """Non-transparent pixels on the chart's canvas."""
    return page.evaluate(
        """(id) => {
             const canvas = document.querySelector(`#${id} canvas`);
             if (!canvas || !canvas.width) return 0;
             const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
             let n = 0;
             for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
             return n;
           }""",
        chart_id,
    )


def _matches_api(page: Page, report: dict[str, Any]) -> None:
    """Every row of the API's answer is a row of the table with the same counts, and the total too."""
    for row in [*report["rows"], {**report["total"], "key": "total"}]:
        for metric in (
            "chatsIn",
            "answered",
            "unanswered",
            "abandoned",
            "transferred",
            "endedIdle",
            "satisfied",
            "dissatisfied",
        ):
            assert _cell(page, row["key"], metric) == f"{row[metric]:,}", (row["key"], metric)
    expect(page.locator("#report-table tbody tr")).to_have_count(len(report["rows"]))


@pytest.mark.parametrize(("lang", "width"), [("ko", 1280), ("en", 1024), ("ko", 1024), ("ko", 390)])
def test_admin_reads_the_report_charts_and_exports_it(
    stack: dict[str, Any], seeded: dict[str, Any], new_page: Any, tmp_path: Path, lang: str, width: int
) -> None:
    words = WORDS[lang]
    tag = f"{lang}-{width}"
    admin = seeded["admin"]
    page, problems = _admin_page(new_page, stack, lang, width)
    period = {"from": page.input_value("#report-from"), "to": page.input_value("#report-to")}
    assert page.is_checked("#report-preset-7")

    # By day (the default, last 7 days): the seeded numbers, as the API answers them.
    expect(page.locator('#report-table tr[data-key="total"] td[data-metric="chatsIn"]')).to_have_text("3")
    total = {
        m: _cell(page, "total", m)
        for m in ("chatsIn", "answered", "unanswered", "abandoned", "satisfied", "dissatisfied", "satisfiedShare")
    }
    assert total == {
        "chatsIn": "3",
        "answered": "2",
        "unanswered": "1",
        "abandoned": "1",
        "satisfied": "1",
        "dissatisfied": "1",
        "satisfiedShare": "50%",
    }
    assert (
        _cell(page, "total", "handle.averageSeconds") != "–" and _cell(page, "total", "firstResponse.p90Seconds") != "–"
    )
    _matches_api(page, _report(stack, admin, **period, groupBy="day"))
    expect(page.locator("#report-table caption")).to_contain_text(period["from"])
    # The charts: three named pictures pointing to the table, drawn on their canvases.
    for chart in ("report-chart-volume", "report-chart-times", "report-chart-csat"):
        plot = page.locator(f"#{chart}-plot")
        expect(plot).to_have_attribute("role", "img")
        assert words["chart"] in (plot.get_attribute("aria-label") or "")
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
        assert _painted(page, chart) > 1000, chart
    assert _bar_pixels(page, "report-chart-volume") > 50
    assert_accessible(page, f"reports by day {tag}")
    # The staff screens' checks (overlaps, cut or wrapped labels, sideways scrolling, the wrong language):
    # the tables fit the page from 1024 px; narrower, they scroll in their own box.
    if width >= 1024:
        assert _screen_problems(page, lang, f"reports {tag}") == []
    _shot(page, f"admin-reports-day-{tag}")

    # By team: chats without a team, named so; the charts become bars with a note. The status line
    # says it is loading first (recorded as it changes).
    page.evaluate(
        """() => {
             window.reportStatuses = [];
             const status = document.querySelector('#report-status');
             new MutationObserver(() => window.reportStatuses.push(status.textContent))
               .observe(status, { childList: true, characterData: true, subtree: true });
           }"""
    )
    page.select_option("#report-group", "team")
    expect(page.locator('#report-table tr[data-key="-"] th')).to_have_text(words["noTeam"])
    _matches_api(page, _report(stack, admin, **period, groupBy="team"))
    assert words["loading"] in page.evaluate("window.reportStatuses")[0]
    expect(page.locator("#report-charts-note")).to_contain_text(words["bars"])
    assert _bar_pixels(page, "report-chart-volume") > 50
    _shot(page, f"admin-reports-team-{tag}")

    # By agent: the agent's display name, the two chats they answered.
    page.select_option("#report-group", "agent")
    expect(page.locator(f'#report-table tr[data-key="{AGENT}"] th')).to_have_text(AGENT_NAME)
    assert _cell(page, AGENT, "chatsIn") == "2" and _cell(page, AGENT, "answered") == "2"
    _matches_api(page, _report(stack, admin, **period, groupBy="agent"))
    assert_accessible(page, f"reports by agent {tag}")
    if width >= 1024:
        assert _screen_problems(page, lang, f"reports by agent {tag}") == []
    _shot(page, f"admin-reports-agent-{tag}")

    # By hour, today: the hours' rows add up to the day's chats.
    page.check("#report-preset-today")
    page.select_option("#report-group", "hour")
    expect(page.locator("#report-status")).to_contain_text(page.input_value("#report-to"))
    today = {"from": page.input_value("#report-from"), "to": page.input_value("#report-to")}
    assert today["from"] == today["to"] == period["to"]
    hourly = _report(stack, admin, **today, groupBy="hour")
    expect(page.locator("#report-table tbody tr")).to_have_count(len(hourly["rows"]))
    _matches_api(page, hourly)
    assert sum(row["chatsIn"] for row in hourly["rows"]) == 3
    assert _bar_pixels(page, "report-chart-volume") > 50
    if width >= 1024:
        assert _screen_problems(page, lang, f"reports by hour {tag}") == []
    _shot(page, f"admin-reports-hour-{tag}")

    # The picker's own check, at its field; then a real 400 from the server, at its field, translated.
    page.check("#report-preset-custom")
    expect(page.locator("#report-from")).to_be_focused()
    page.fill("#report-from", "2026-03-02")
    page.fill("#report-to", "2026-03-01")
    page.click("#report-show")
    expect(page.locator("#report-to-error")).to_contain_text(words["order"])
    expect(page.locator("#report-to")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#report-table")).to_have_count(0)  # no other period's numbers beside the refusal
    page.fill("#report-from", "1970-01-01")  # a date the page takes and the server refuses (before 1970-01-02)
    page.fill("#report-to", "1970-01-01")
    page.click("#report-show")
    expect(page.locator("#report-from-error")).to_contain_text(words["server"])
    expect(page.locator("#report-from")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#report-from")).to_be_focused()
    assert "invalid_field" not in page.locator("#reports").inner_text()
    expect(page.locator("#report-table")).to_have_count(0)
    _shot(page, f"admin-reports-error-{tag}")

    # A period without chats says so, without an empty table or charts.
    page.fill("#report-from", "2020-01-01")
    page.fill("#report-to", "2020-01-07")
    page.click("#report-show")
    expect(page.locator("#report-empty")).to_contain_text(words["empty"])
    expect(page.locator("#report-table")).to_have_count(0)
    expect(page.locator("#report-from")).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"reports empty {tag}")
    _shot(page, f"admin-reports-empty-{tag}")

    # 엑셀로 내보내기 of the last 7 days: the export flow, the signed URL, the workbook.
    page.check("#report-preset-7")
    expect(page.locator('#report-table tr[data-key="total"] td[data-metric="chatsIn"]')).to_have_text("3")
    page.click("#report-export")
    link = page.locator("#report-export-link a.report-download")
    expect(link).to_be_visible(timeout=60_000)
    expect(page.locator("#report-export-status")).to_contain_text(words["ready"])
    href = link.get_attribute("href") or ""
    assert href.startswith(stack["awsEndpoint"]) and "X-Amz-Expires=900" in href
    _shot(page, f"admin-reports-export-{tag}")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    name = download.suggested_filename
    assert name.startswith("report_") and name.endswith(".xlsx"), name
    path = tmp_path / name
    download.save_as(path)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["시간대", "일", "팀", "상담원"]
    days = list(book["일"].iter_rows(values_only=True))
    header, last = days[0], days[-1]
    assert last[0] == "합계" and last[header.index("인입")] == 3 and last[header.index("대기 중 이탈")] == 1
    agent_rows = list(book["상담원"].iter_rows(values_only=True))
    agents = {row[0]: row for row in agent_rows[1:]}
    assert agents[AGENT][agent_rows[0].index("인입")] == 2
    assert not problems, problems
