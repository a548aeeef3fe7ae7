"""The presence sweep on the local stack: its schedule runs, a gone connection is dropped and an
agent left without a connection goes offline (short intervals via LOCAL_SCHEDULE_SECONDS)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from e2e_support import aws_client, http, local_stack, next_frame, sign_in, stack_log


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack(extra_env={"LOCAL_SCHEDULE_SECONDS": "1", "AGENT_OFFLINE_AFTER_SECONDS": "2"}) as running:
        yield running


def _me(stack: dict[str, Any], token: str) -> dict[str, Any]:
    status, _, body = http("GET", f"{stack['api']}/me", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body
    return body


def test_an_agent_left_without_a_connection_is_set_offline_and_a_gone_connection_dropped(stack) -> None:
    token = sign_in(stack, "agent1@example.com")

    async def online_then_leave() -> None:
        async with websockets.connect(f"{stack['websocket']}?token={token}") as ws:
            await ws.send(json.dumps({"action": "status.set", "status": "online"}))
            assert (await next_frame(ws, "agent.status", timeout=30))["status"] == "online"

    asyncio.run(online_then_leave())  # the close runs $disconnect, which leaves the status alone
    assert _me(stack, token)["status"] == "online"
    # A connection id the gateway never had, as if its $disconnect had been lost.
    dynamodb = aws_client(stack, "dynamodb")
    table = f"{stack['tablePrefix']}agents"
    dynamodb.update_item(TableName=table, Key={"agent_id": {"S": "agent1@example.com"}},
                         UpdateExpression="ADD connection_ids :c", ExpressionAttributeValues={":c": {"SS": ["stale="]}})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _me(stack, token)["status"] != "offline":
        time.sleep(0.5)
    assert _me(stack, token)["status"] == "offline", stack_log(stack)[-3000:]
    item = dynamodb.get_item(TableName=table, Key={"agent_id": {"S": "agent1@example.com"}}, ConsistentRead=True)
    assert "stale=" not in item["Item"].get("connection_ids", {}).get("SS", [])
    assert "Schedules: presence_sweep every 1 s" in stack_log(stack)
