"""Admin account actions on the local stack with real WebSockets: a disabled agent's open sockets
are closed by the gateway (management API DELETE), their unanswered chat goes back to the queue,
and the same, still unexpired, ID token can neither reconnect nor call the API."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from e2e_support import http, local_stack, next_frame, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack() as running:
        yield running


def test_disabling_an_agent_closes_their_sockets_and_returns_their_chat(stack: dict[str, Any]) -> None:
    api = stack["api"]
    admin = {"Authorization": f"Bearer {sign_in(stack, 'admin@example.com')}"}
    agent_token = sign_in(stack, "agent2@example.com")
    agent_path = urllib.parse.quote("agent2@example.com", safe="")

    async def scenario() -> None:
        url = f"{stack['websocket']}?token={agent_token}"
        async with websockets.connect(url) as first_tab, websockets.connect(url) as second_tab:
            await first_tab.send(json.dumps({"action": "status.set", "status": "online"}))
            await next_frame(first_tab, "agent.status")
            code, _, availability = await asyncio.to_thread(http, "GET", f"{api}/widget/availability")
            start = {"consent": True, "consentVersion": availability["consent"]["version"]}
            code, _, chat = await asyncio.to_thread(http, "POST", f"{api}/chats", start)
            assert code == 201 and chat["state"] == "active"

            code, _, account = await asyncio.to_thread(
                http, "POST", f"{api}/admin/agents/{agent_path}/disable", None, admin
            )
            assert code == 200 and account["enabled"] is False
            for tab in (first_tab, second_tab):
                with pytest.raises(websockets.ConnectionClosed):
                    while True:  # frames pushed before the close (chat.unassigned, agent.status) come first
                        await asyncio.wait_for(tab.recv(), timeout=10)

            code, _, queue = await asyncio.to_thread(http, "GET", f"{api}/admin/presence", None, admin)
            assert queue["queue"]["waiting"] == 1

        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(f"{stack['websocket']}?token={agent_token}"):
                pass
        assert refused.value.response.status_code == 403

    asyncio.run(scenario())
    code, _, error = http("GET", f"{api}/me", None, {"Authorization": f"Bearer {agent_token}"})
    assert code == 403 and error["code"] == "forbidden"
    code, _, account = http("POST", f"{api}/admin/agents/{agent_path}/enable", None, admin)
    assert code == 200 and account["enabled"] is True
    code, _, me = http("GET", f"{api}/me", None, {"Authorization": f"Bearer {agent_token}"})
    assert code == 200 and me["status"] == "offline"
