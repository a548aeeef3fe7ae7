"""Helpers for browser tests (imported by name: tests/browser is on sys.path under pytest)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import websockets
from e2e_support import aws_client, http, next_frame
from playwright.sync_api import Page, expect

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

T = TypeVar("T")


def screenshot(page: Page, name: str) -> Path:
    """Save a PNG of the page under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


async def customer_consents_and_writes(stack: dict[str, Any], text: str) -> dict[str, Any]:
    """A customer consents to the current terms, starts a chat and writes `text` over the WebSocket.

    Returns {"chat": POST /chats's answer (conversationId, token), "message": the acknowledged message}.
    """
    api = stack["api"]
    _, _, availability = await asyncio.to_thread(http, "GET", f"{api}/widget/availability")
    start = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": "고객"}
    code, _, chat = await asyncio.to_thread(http, "POST", f"{api}/chats", start)
    assert code == 201, chat
    async with websockets.connect(f"{stack['websocket']}?token={chat['token']}") as customer:
        frame = {"action": "message.send", "conversationId": chat["conversationId"]}
        await customer.send(json.dumps({**frame, "clientMessageId": "c1", "text": text}))
        ack = await next_frame(customer, "message.ack")
    return {"chat": chat, "message": ack["message"]}


def run_scenario(scenario: Coroutine[Any, Any, T]) -> T:
    """Run an asyncio scenario to its end from a test."""
    # Playwright's sync API runs an event loop in this thread: the scenario gets its own thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario).result()


def websocket_gate(page: Page) -> dict[str, bool]:
    """The page's WebSockets go through a gate: while `on`, every connection attempt fails at once."""
    offline = {"on": False}
    page.route_web_socket(
        re.compile(r".*/ws\?token=.*"), lambda route: route.close() if offline["on"] else route.connect_to_server()
    )
    return offline


def drop_staff_connections(stack: dict[str, Any], username: str) -> None:
    """API Gateway closes every open connection of this agent or admin (the management API's DELETE)."""
    item = aws_client(stack, "dynamodb").get_item(
        TableName=f"{stack['tablePrefix']}agents", Key={"agent_id": {"S": username}}, ConsistentRead=True
    )
    management = aws_client(stack, "apigatewaymanagementapi", endpoint_url=stack["managementEndpoint"])
    for connection_id in item["Item"]["connection_ids"]["SS"]:
        management.delete_connection(ConnectionId=connection_id)


def create_canned_response(page: Page, title: str, shortcut: str, text: str, category: str, saved: str) -> None:
    """Fill the canned-response editor (frontend/shared/canned.js, on the admin page and in the
    console) and save; returns once the form says so and the table lists it."""
    page.fill("#canned-field-title", title)
    page.fill("#canned-field-shortcut", shortcut)
    page.fill("#canned-field-category", category)
    page.fill("#canned-field-text", text)
    page.click("#canned-save")
    expect(page.locator("#canned-form-status")).to_contain_text(saved)
    expect(page.locator("#canned-table")).to_contain_text(title)
