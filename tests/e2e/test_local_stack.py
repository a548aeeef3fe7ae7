"""`python -m infra.local` driven with real clients: websockets, HTTP and boto3."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
import websockets

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def stack():
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local"],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    status = None
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{base}/_local/status", timeout=1) as response:
                status = json.loads(response.read())
                break
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read()) from None
            time.sleep(0.25)
    assert status, "local stack did not start"
    yield {"base": base, "port": port, "process": process, **status}
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def _sign_in(stack: dict, username: str) -> str:
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == username)
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=stack["awsEndpoint"],
        region_name=stack["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    auth = cognito.initiate_auth(
        ClientId=stack["clientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return auth["AuthenticationResult"]["IdToken"]


async def _next(ws, frame_type: str) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if frame.get("type") == frame_type:
            return frame


def test_agent_and_customer_chat_through_the_gateway(stack):
    async def scenario() -> None:
        token = _sign_in(stack, "agent1@example.com")
        ws_url = stack["websocket"]
        async with websockets.connect(f"{ws_url}?token={token}") as agent:
            await agent.send(json.dumps({"action": "status.set", "status": "online"}))
            assert (await _next(agent, "agent.status"))["status"] == "online"
            status, availability = _http("GET", f"{stack['api']}/widget/availability")
            assert status == 200 and availability["agentsOnline"] is True
            status, chat = _http(
                "POST",
                f"{stack['api']}/chats",
                {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": "홍길동"},
            )
            assert status == 201 and chat["state"] == "active"
            assigned = await _next(agent, "chat.assigned")
            assert assigned["conversation"]["conversationId"] == chat["conversationId"]
            async with websockets.connect(f"{ws_url}?token={chat['token']}") as customer:
                await customer.send(
                    json.dumps(
                        {
                            "action": "message.send",
                            "conversationId": chat["conversationId"],
                            "clientMessageId": "c1",
                            "text": "안녕하세요",
                        }
                    )
                )
                assert (await _next(customer, "message.ack"))["message"]["seq"] >= 1
                assert (await _next(agent, "message.new"))["message"]["text"] == "안녕하세요"
                await agent.send(
                    json.dumps(
                        {
                            "action": "message.send",
                            "conversationId": chat["conversationId"],
                            "clientMessageId": "a1",
                            "text": "반갑습니다",
                        }
                    )
                )
                assert (await _next(customer, "message.new"))["message"]["text"] == "반갑습니다"

    asyncio.run(scenario())


def test_management_api_with_boto3(stack):
    async def scenario() -> None:
        token = _sign_in(stack, "agent2@example.com")
        management = boto3.client(
            "apigatewaymanagementapi",
            endpoint_url=stack["managementEndpoint"],
            region_name=stack["region"],
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        async with websockets.connect(f"{stack['websocket']}?token={token}") as ws:
            await ws.send(json.dumps({"action": "ping"}))
            assert (await _next(ws, "pong"))["at"] > 0
            from infra.local.__main__ import Gateway  # noqa: F401 - the module under test is importable

            # Find this connection's id by asking the server to push to every id it knows: use get_connection.
            ids = await asyncio.to_thread(_connection_ids, stack)
            assert ids
            connection_id = ids[-1]
            info = await asyncio.to_thread(management.get_connection, ConnectionId=connection_id)
            assert info["Identity"]["SourceIp"] == "127.0.0.1"
            await asyncio.to_thread(management.post_to_connection, ConnectionId=connection_id, Data=b'{"type":"hello"}')
            assert (await _next(ws, "hello")) == {"type": "hello"}
            await asyncio.to_thread(management.delete_connection, ConnectionId=connection_id)
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), timeout=5)
        with pytest.raises(management.exceptions.GoneException):
            management.post_to_connection(ConnectionId="NoSuchConn0=", Data=b"{}")

    asyncio.run(scenario())


def _connection_ids(stack: dict) -> list[str]:
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=stack["awsEndpoint"],
        region_name=stack["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = dynamodb.scan(TableName="livechat-local-connections")["Items"]  # test-only look at the table
    return [i["connection_id"]["S"] for i in sorted(items, key=lambda i: int(i["connected_at"]["N"]))]


def test_oversized_frame_closes_and_bad_token_fails_handshake(stack):
    async def scenario() -> None:
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(f"{stack['websocket']}?token=forged"):
                pass
        assert refused.value.response.status_code == 401
        token = _sign_in(stack, "admin@example.com")
        async with websockets.connect(f"{stack['websocket']}?token={token}", max_size=None) as ws:
            await ws.send("x" * (128 * 1024 + 1))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), timeout=5)
            assert closed.value.rcvd.code == 1009

    asyncio.run(scenario())


def test_static_pages_served(stack):
    for path in ["/", "/console/", "/admin/", "/widget/widget.js"]:
        with urllib.request.urlopen(stack["base"] + path, timeout=5) as response:
            assert response.status == 200
    with urllib.request.urlopen(stack["base"] + "/", timeout=5) as response:
        assert 'src="/widget/widget.js"' in response.read().decode()


def test_sigint_stops_everything(stack):
    process = stack["process"]
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) is not None
    with pytest.raises(OSError):
        urllib.request.urlopen(stack["base"] + "/_local/status", timeout=2)
    with pytest.raises(OSError):
        urllib.request.urlopen(stack["awsEndpoint"], timeout=2)  # moto ran inside the same process
