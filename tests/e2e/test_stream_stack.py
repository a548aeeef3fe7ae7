"""The streams on the local stack (`python -m infra.local`): the poller delivers the conversations'
and the tickets' stream records to their functions in the shape AWS sends, so a chat driven through
the gateway shows in GET /reports, and its events and an inquiry's reach the bus (read back through
a rule targeting an SQS queue, as a customer's integration would)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from e2e_support import aws_client, http, local_stack, next_frame, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, Any]]:
    with local_stack() as running:
        yield running


def _bus_queue(stack: dict[str, Any]) -> str:
    events, sqs = aws_client(stack, "events"), aws_client(stack, "sqs")
    bus = stack["resources"]["ChatEventBus"]
    url = sqs.create_queue(QueueName="e2e-chat-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="e2e-all", EventBusName=bus, EventPattern=json.dumps({"source": ["livechat"]}))
    events.put_targets(Rule="e2e-all", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    return url


def _until(check: Any, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


async def _one_answered_rated_chat(stack: dict[str, Any]) -> str:
    api = stack["api"]
    token = sign_in(stack, "agent1@example.com")
    async with websockets.connect(f"{stack['websocket']}?token={token}") as agent:
        await agent.send(json.dumps({"action": "status.set", "status": "online"}))
        await next_frame(agent, "agent.status")
        _, _, availability = await asyncio.to_thread(http, "GET", f"{api}/widget/availability")
        start = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": "홍길동"}
        code, _, chat = await asyncio.to_thread(http, "POST", f"{api}/chats", start)
        assert code == 201
        cid = chat["conversationId"]
        await next_frame(agent, "chat.assigned")
        reply = {"action": "message.send", "conversationId": cid, "clientMessageId": "a-1", "text": "안녕하세요"}
        await agent.send(json.dumps(reply))
        await next_frame(agent, "message.ack")
        bearer = {"Authorization": f"Bearer {token}"}
        assert (await asyncio.to_thread(http, "POST", f"{api}/chats/{cid}/end", None, bearer))[0] == 200
        customer = {"Authorization": f"Bearer {chat['token']}"}
        rating = {"rating": "satisfied"}
        assert (await asyncio.to_thread(http, "POST", f"{api}/chats/{cid}/rating", rating, customer))[0] == 200
        return cid


def test_a_chat_and_an_inquiry_reach_the_report_and_the_bus(stack: dict[str, Any]) -> None:
    queue = _bus_queue(stack)
    conversation_id = asyncio.run(_one_answered_rated_chat(stack))
    inquiry = {"consent": True, "name": "김고객", "email": "kim@example.com", "inquiryType": "기타",
               "title": "배송 문의", "content": "언제 오나요"}
    code, _, created = http("POST", f"{stack['api']}/inquiries", inquiry)
    assert code == 201

    admin = {"Authorization": f"Bearer {sign_in(stack, 'admin@example.com')}"}

    def counted() -> dict[str, Any] | None:
        total = http("GET", f"{stack['api']}/reports?groupBy=hour", None, admin)[2]["total"]
        return total if total["satisfied"] >= 1 else None

    total = _until(counted)
    assert total and (total["chatsIn"], total["answered"], total["satisfied"]) == (1, 1, 1), total

    sqs = aws_client(stack, "sqs")
    seen: list[dict[str, Any]] = []

    def events() -> list[tuple[str, str]] | None:
        for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            seen.append(json.loads(message["Body"]))
        kinds = [(e["detail-type"], e["detail"].get("conversationId") or e["detail"].get("ticketId")) for e in seen]
        wanted = {("Inquiry Received", created["ticketId"]), ("Chat Rated", conversation_id)}
        return kinds if wanted <= set(kinds) else None

    kinds = _until(events)
    assert kinds, seen
    chat_kinds = [kind for kind, ident in kinds if ident == conversation_id]
    assert chat_kinds == ["Chat Started", "Chat Assigned", "Chat Ended", "Chat Rated"]
