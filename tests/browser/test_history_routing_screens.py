"""Issue #21 in the console's 채팅기록 (frontend/console/history-search.js, history-dialog.js): a chat
of a team, transferred once with a note, then closed by the idle sweep, shows its team, its transfer
count and why it ended in the results, and every hop (when, from whom to whom, the note) in its
dialog, in Korean at 1280 px and English at 1024 px. Chromium against a local stack of its own
whose sweep runs every second and whose app clock the test moves forward (LOCAL_CLOCK_CONTROL), so
the idle close takes seconds."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import websockets
from browser_support import screenshot
from e2e_support import http, local_stack, next_frame, sign_in
from playwright.sync_api import Page, expect
from test_history_export import MOUNT

ADMIN, AGENT1, AGENT2 = "admin@example.com", "agent1@example.com", "agent2@example.com"
NOTE = "환불 요청 건입니다"
WORDS = {
    "ko": {"team": "일반", "transfers": "전환: 1", "ended": "고객 무응답 자동 종료", "heading": "전환 내역"},
    "en": {"team": "일반", "transfers": "Transfers: 1", "ended": "Closed: customer idle", "heading": "Transfers"},
}


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack(extra_env={"LOCAL_SCHEDULE_SECONDS": "1", "LOCAL_CLOCK_CONTROL": "true"}) as running:
        yield running


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def idle_closed_chat(stack: dict[str, Any]) -> str:
    """agent1 takes a chat of team 일반, transfers it to agent2 with a note; the customer says
    nothing; the clock moves past the idle warning and the close."""
    api = stack["api"]
    tokens = {user: sign_in(stack, user) for user in (ADMIN, AGENT1, AGENT2)}
    for user in (AGENT1, AGENT2):  # team members must be staff the service knows
        assert http("GET", f"{api}/me", None, _auth(tokens[user]))[0] == 200
    team = {"id": "general", "name": "일반", "memberAgentIds": [AGENT1, AGENT2], "inquiryTypes": []}
    routing = {"teams": [team], "acceptWindowSeconds": 0, "idleWarningMinutes": 1, "idleCloseMinutes": 1}
    assert http("PUT", f"{api}/settings/routing", routing, _auth(tokens[ADMIN]))[0] == 200

    async def scenario() -> str:
        ws = stack["websocket"]
        async with websockets.connect(f"{ws}?token={tokens[AGENT1]}") as first:
            await first.send(json.dumps({"action": "status.set", "status": "online"}))
            await next_frame(first, "agent.status")
            _, _, availability = await asyncio.to_thread(http, "GET", f"{api}/widget/availability")
            start = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": "서고객"}
            code, _, chat = await asyncio.to_thread(http, "POST", f"{api}/chats", start)
            assert code == 201 and chat["teamId"] == "general", chat
            cid = chat["conversationId"]
            await next_frame(first, "chat.assigned")
            async with websockets.connect(f"{ws}?token={tokens[AGENT2]}") as second:
                await second.send(json.dumps({"action": "status.set", "status": "online"}))
                await next_frame(second, "agent.status")
                await first.send(
                    json.dumps({"action": "chat.transfer", "conversationId": cid, "agentId": AGENT2, "note": NOTE})
                )
                await next_frame(first, "chat.transfer.ack")
                for code in ("idle_warning", "idle_closed"):  # a minute of the app's clock each
                    await asyncio.to_thread(http, "POST", f"{stack['base']}/_local/clock", {"advanceMs": 61_000})
                    while (await next_frame(second, "message.new", timeout=15))["message"].get("systemCode") != code:
                        pass
                await next_frame(second, "chat.ended", timeout=15)
            return cid

    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's sync API owns this thread's loop
        return pool.submit(asyncio.run, scenario()).result()


@pytest.mark.parametrize(("lang", "width"), [("ko", 1280), ("en", 1024)], ids=["ko-1280", "en-1024"])
def test_history_shows_the_team_the_transfer_and_the_idle_close(
    stack: dict[str, Any], new_page: Any, idle_closed_chat: str, lang: str, width: int
) -> None:
    admin = sign_in(stack, ADMIN)
    code, _, record = http("GET", f"{stack['api']}/chats/{idle_closed_chat}", None, _auth(admin))
    assert (code, record["endedBy"], record["endReason"]) == (200, "system", "idle"), record
    page: Page = new_page(viewport={"width": width, "height": 800})
    page.goto(stack["base"] + "/console/")
    page.evaluate(MOUNT.replace("lang: 'ko'", f"lang: '{lang}'"), admin)
    words = WORDS[lang]
    row = page.locator(f'.history-table tbody tr[data-conversation-id="{idle_closed_chat}"]')
    expect(row).to_contain_text(words["ended"])
    expect(row).to_contain_text(words["team"])
    expect(row).to_contain_text(words["transfers"])
    row.get_by_role("button").click()
    hops = page.locator("dialog.history-dialog .history-transfers")
    expect(hops.get_by_role("heading", name=words["heading"])).to_be_visible()
    expect(hops.locator("li")).to_have_count(1)
    expect(hops.locator("li")).to_contain_text(f"{AGENT1} → {AGENT2}")
    expect(hops.locator(".history-hop-note")).to_have_text(NOTE)
    hops.scroll_into_view_if_needed()
    screenshot(page, f"history-transfers-idle-{lang}-{width}")
