"""frontend/console/history.js (채팅기록) in Chromium against the local stack: search with presets,
the chat dialog (transcript, customer info, 티켓 만들기), and 데이터 추출 — live progress over the
console's WebSocket, a download through the signed URL moto serves, and the file opens in openpyxl."""

from __future__ import annotations

import asyncio
import io
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import websockets
from browser_support import screenshot
from e2e_support import http, next_frame, sign_in
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

CUSTOMER = "한지민"


def ended_chat(stack: dict[str, Any]) -> str:
    """agent1 takes a chat, both sides write, the agent ends it: one row of history."""
    api = stack["api"]
    agent = sign_in(stack, "agent1@example.com")

    async def scenario() -> str:
        async with websockets.connect(f"{stack['websocket']}?token={agent}") as agent_ws:
            await agent_ws.send(json.dumps({"action": "status.set", "status": "online"}))
            await next_frame(agent_ws, "agent.status")
            _, _, availability = await asyncio.to_thread(http, "GET", f"{api}/widget/availability")
            start = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": CUSTOMER}
            code, _, chat = await asyncio.to_thread(http, "POST", f"{api}/chats", start)
            assert code == 201, chat
            cid = chat["conversationId"]
            async with websockets.connect(f"{stack['websocket']}?token={chat['token']}") as customer:
                send = {"action": "message.send", "conversationId": cid}
                await customer.send(json.dumps({**send, "clientMessageId": "c1", "text": "=환불 문의드립니다"}))
                await next_frame(customer, "message.ack")
                await agent_ws.send(json.dumps({**send, "clientMessageId": "a1", "text": "네, 확인해 드릴게요"}))
                await next_frame(agent_ws, "message.ack")
            code, _, _ = await asyncio.to_thread(
                http, "POST", f"{api}/chats/{cid}/end", {}, {"Authorization": f"Bearer {agent}"}
            )
            assert code == 200
            return cid

    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's sync API owns this thread's loop
        return pool.submit(asyncio.run, scenario()).result()


MOUNT = """async (token) => {
  const { createHistory } = await import('/console/history.js');
  const { createApi } = await import('/shared/api.js');
  const { ChatSocket } = await import('/shared/socket.js');
  const config = await (await fetch('/config.json')).json();
  const api = createApi(config.api, async () => token);
  const socket = new ChatSocket(config.websocket, async () => token);
  const opened = new Promise((resolve) => socket.on('open', resolve));
  socket.connect();
  await opened;
  window.exportFrames = [];
  for (const type of ['export.progress', 'export.ready']) socket.on(type, (f) => window.exportFrames.push(f.type));
  const history = createHistory({ api, socket, lang: 'ko', role: 'admin' });
  document.body.replaceChildren(history.element);
  await history.ready;
  await history.search();
  window.exportStatuses = [];
  const status = document.querySelector('.history-export-status');
  new MutationObserver(() => window.exportStatuses.push(status.textContent))
    .observe(status, { childList: true, characterData: true, subtree: true });
}"""


def test_history_search_dialog_and_export_download(stack: dict[str, Any], new_page: Any, tmp_path: Any) -> None:
    cid = ended_chat(stack)
    admin = sign_in(stack, "admin@example.com")
    page: Page = new_page(accept_downloads=True)
    page.goto(stack["base"] + "/console/")
    page.evaluate(MOUNT, admin)

    rows = page.locator(".history-table tbody tr[data-conversation-id]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(CUSTOMER)
    # The agent condition offers every staff account by name (admins); agent ids are sign-in names.
    for account in ("admin@example.com", "agent1@example.com", "agent2@example.com"):
        expect(page.locator(f'#history-agent-choices option[value="{account}"]')).to_have_count(1)
    page.get_by_label("상담원 (ID)").fill("agent2@example.com")  # not the chat's agent
    page.get_by_role("button", name="검색", exact=True).click()
    expect(page.locator(".history-results tbody")).to_contain_text("조건에 맞는 채팅이 없습니다")
    page.get_by_label("상담원 (ID)").fill("agent1@example.com")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("처리")
    page.get_by_role("button", name="오늘").click()  # a preset searches at once
    expect(rows).to_have_count(1)
    page.get_by_label("사용자 이름").fill("없는사람")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(page.locator(".history-results tbody")).to_contain_text("조건에 맞는 채팅이 없습니다")
    page.get_by_label("사용자 이름").fill("")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(rows).to_have_count(1)

    # The row opens the dialog: transcript (text inserted as text), customer info, 티켓 만들기.
    rows.first.get_by_role("button").click()
    dialog = page.locator("dialog.history-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".history-transcript")).to_contain_text("=환불 문의드립니다")
    expect(dialog.get_by_label("이름")).to_have_value(CUSTOMER)
    dialog.get_by_label("메모", exact=True).fill("재문의 시 우선 응대")
    dialog.locator("fieldset", has_text="고객 정보").get_by_role("button", name="저장").click()
    expect(dialog.locator("fieldset", has_text="고객 정보")).to_contain_text("저장했습니다")
    ticket = dialog.locator("fieldset", has_text="티켓 만들기")
    ticket.get_by_label("제목").fill("환불 요청")
    ticket.get_by_label("내용").fill("환불 절차 안내 필요")
    ticket.get_by_role("button", name="티켓 만들기").click()
    expect(ticket).to_contain_text("티켓을 만들었습니다")
    screenshot(page, "history-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # 데이터 추출: queued, then live progress, then a link to the signed URL.
    page.get_by_role("button", name="데이터 추출").click()
    link = page.get_by_role("link", name="다운로드:")
    expect(link).to_be_visible(timeout=30_000)
    expect(page.locator(".history-export-status")).to_contain_text("추출 완료")
    statuses = page.evaluate("window.exportStatuses")
    assert any("대기" in s for s in statuses), statuses
    assert "export.ready" in page.evaluate("window.exportFrames")
    assert page.locator("progress").evaluate("p => p.value") == 100
    href = link.get_attribute("href")
    assert href.startswith(stack["awsEndpoint"]) and "X-Amz-Expires=900" in href
    screenshot(page, "history-export-ready")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("chat-history_") and download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    chats = [r for r in book["Chats"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in chats] == [cid] and chats[0][6] == CUSTOMER and chats[0][12] == "재문의 시 우선 응대"
    texts = [r[5] for r in book["Messages"].iter_rows(min_row=2, values_only=True)]
    assert "=환불 문의드립니다" in texts
    formula_like = next(c for c in book["Messages"]["F"] if c.value == "=환불 문의드립니다")
    assert formula_like.data_type == "s" and formula_like.quotePrefix

    # Admins see the export in the recent list and can download it again (a fresh URL).
    recent = page.locator(".history-recent tbody tr")
    expect(recent.first).to_contain_text("완료")
    with page.expect_download() as again:
        recent.first.get_by_role("button", name="다운로드").click()
    assert again.value.suggested_filename == download.suggested_filename


MOUNT_AS_AGENT = """async (token) => {
  const { createHistory } = await import('/console/history.js');
  const { createApi } = await import('/shared/api.js');
  const { ChatSocket } = await import('/shared/socket.js');
  const config = await (await fetch('/config.json')).json();
  const socket = new ChatSocket(config.websocket, async () => token);
  const opened = new Promise((resolve) => socket.on('open', resolve));
  socket.connect();
  await opened;
  const history = createHistory({ api: createApi(config.api, async () => token), socket, lang: 'ko', role: 'agent' });
  document.body.replaceChildren(history.element);
  await history.ready;
}"""


def test_the_export_button_follows_the_agents_may_export_setting(stack: dict[str, Any], new_page: Any) -> None:
    admin = {"Authorization": f"Bearer {sign_in(stack, 'admin@example.com')}"}
    settings = f"{stack['api']}/settings"
    assert http("PUT", settings, {"agentsMayExport": False}, admin)[0] == 200
    page: Page = new_page()
    page.goto(stack["base"] + "/console/")
    page.evaluate(MOUNT_AS_AGENT, sign_in(stack, "agent2@example.com"))
    export = page.get_by_role("button", name="데이터 추출")
    expect(export).to_be_hidden()
    expect(page.locator("#history-agent-choices option")).to_have_count(1)  # an agent is offered themself
    expect(page.locator('#history-agent-choices option[value="agent2@example.com"]')).to_have_count(1)
    assert http("PUT", settings, {"agentsMayExport": True}, admin)[0] == 200
    expect(export).to_be_visible()
    assert http("PUT", settings, {"agentsMayExport": False}, admin)[0] == 200
    expect(export).to_be_hidden()


MOUNT_WITH_FAKE_API = """async () => {
  const { createHistory } = await import('/console/history.js');
  window.saved = [];
  const conversation = { conversationId: 'c-1', customer: { name: '김고객' }, counsel: {} };
  const api = {
    get: async (path) =>
      path.endsWith('/transcript') ? { conversation, messages: [] }
        : path === '/me' ? { agentId: 'agent1@example.com' }
        : { items: [], nextCursor: null },
    put: async (path, body) => (window.saved.push([path, body]), body),
    post: async () => ({ ticketId: 't-1' }),
  };
  const settings = { inquiryTypes: ['배송'], processingTypes: ['처리'] };
  const history = createHistory({ api, lang: 'ko', role: 'agent', settings });
  document.body.replaceChildren(history.element);
  await history.ready;
  await history.openChat('c-1');
}"""


def test_history_record_forms_check_like_the_chat_view(stack: dict[str, Any], new_page: Any) -> None:
    """The history dialog's customer info is the chat view's form (record-forms.js): a bad e-mail or
    phone is refused in the page with the same words, nothing is sent; only spaces is no value."""
    page: Page = new_page()
    page.goto(stack["base"] + "/console/")
    page.evaluate(MOUNT_WITH_FAKE_API)
    customer = page.locator("dialog.history-dialog fieldset", has_text="고객 정보")
    expect(customer.get_by_label("이름")).to_have_value("김고객")
    customer.get_by_label("이메일").fill("not-an-email")
    customer.get_by_label("전화번호").fill("abc")
    customer.get_by_role("button", name="저장").click()
    expect(customer.locator(".field-error", has_text="이메일 형식이 아닙니다")).to_be_visible()
    expect(customer.locator(".field-error", has_text="전화번호는 숫자")).to_be_visible()
    expect(customer.get_by_label("이메일")).to_be_focused()
    expect(customer.get_by_label("이메일")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("window.saved") == []
    customer.get_by_label("이메일").fill("kim@example.com")
    customer.get_by_label("전화번호").fill("010-1234-5678")
    customer.get_by_label("메모").fill("   ")
    customer.get_by_role("button", name="저장").click()
    expect(customer).to_contain_text("저장했습니다")
    expect(customer.locator(".field-error:visible")).to_have_count(0)
    assert page.evaluate("window.saved") == [
        ["/chats/c-1/customer", {"name": "김고객", "email": "kim@example.com", "phone": "010-1234-5678", "memo": None}]
    ]
