"""The export through the local stack: POST /exports, the stack's SQS poller runs the export function,
GET /exports/{id} signs a URL that moto's S3 serves, and the downloaded file opens in openpyxl."""

from __future__ import annotations

import asyncio
import io
import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from e2e_support import http, local_stack, next_frame, sign_in
from openpyxl import load_workbook

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack() as running:
        yield running


def test_export_runs_on_the_stack_and_downloads(stack: dict[str, Any]) -> None:
    api = stack["api"]

    async def scenario() -> tuple[str, list[dict[str, Any]]]:
        agent = sign_in(stack, "agent1@example.com")
        admin = sign_in(stack, "admin@example.com")
        async with (
            websockets.connect(f"{stack['websocket']}?token={agent}") as agent_ws,
            websockets.connect(f"{stack['websocket']}?token={admin}") as admin_ws,
        ):
            await agent_ws.send(json.dumps({"action": "status.set", "status": "online"}))
            await next_frame(agent_ws, "agent.status")
            _, _, availability = await asyncio.to_thread(http, "GET", f"{api}/widget/availability")
            body = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": "김민수"}
            code, _, chat = await asyncio.to_thread(http, "POST", f"{api}/chats", body)
            assert code == 201, chat
            auth = {"Authorization": f"Bearer {admin}"}
            code, _, accepted = await asyncio.to_thread(http, "POST", f"{api}/exports", {}, auth)
            assert code == 202 and accepted["status"] == "queued", accepted
            ready = await next_frame(admin_ws, "export.ready", timeout=60)
            return chat["conversationId"], [ready, accepted]

    conversation_id, (ready, accepted) = asyncio.run(scenario())
    assert ready["exportId"] == accepted["exportId"] and ready["status"] == "done" and ready["rows"] >= 1
    admin = sign_in(stack, "admin@example.com")
    deadline = time.monotonic() + 30
    while True:
        code, _, job = http(
            "GET", f"{api}/exports/{accepted['exportId']}", headers={"Authorization": f"Bearer {admin}"}
        )
        assert code == 200
        if job["status"] == "done" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert job["status"] == "done" and job["downloadUrl"].startswith(stack["awsEndpoint"])
    with urllib.request.urlopen(job["downloadUrl"], timeout=10) as response:
        data = response.read()
        disposition = response.headers.get("Content-Disposition")
    assert disposition == f'attachment; filename="{job["fileName"]}"'
    assert len(data) == job["size"] == ready["size"]
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Chats", "Messages", "Attachments"]
    chats = [row for row in book["Chats"].iter_rows(min_row=2, values_only=True)]
    assert [row[0] for row in chats] == [conversation_id] and chats[0][6] == "김민수"
    code, _, listed = http("GET", f"{api}/exports?limit=5", headers={"Authorization": f"Bearer {admin}"})
    assert code == 200 and listed["exports"][0]["exportId"] == accepted["exportId"]
