"""The local gateway's generic behaviour, against a tiny probe app (tests/e2e/gateway_probe_app.py):
API Gateway-shaped events, handshake refusal, ordering, limits, the management API through
boto3, the REST proxy with CORS, static hosting and the SQS event source."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from botocore.exceptions import ClientError
from e2e_support import aws_client, http, local_stack, next_frame

pytestmark = pytest.mark.e2e

IDLE_SECONDS = 1.5
LIFETIME_SECONDS = 4.0


@pytest.fixture(scope="module")
def probe() -> Iterator[dict[str, Any]]:
    limits = {
        "LOCAL_WS_IDLE_SECONDS": str(IDLE_SECONDS),
        "LOCAL_WS_MAX_CONNECTION_SECONDS": str(LIFETIME_SECONDS),
    }
    with local_stack("gateway_probe_app", limits) as stack:
        yield stack


async def _connect_and_id(url: str) -> tuple[Any, str]:
    ws = await websockets.connect(url, max_size=None)
    await ws.send(json.dumps({"hello": 1}))
    frame = await next_frame(ws)
    return ws, frame["connectionId"]


def test_events_are_shaped_like_api_gateways(probe: dict[str, Any]) -> None:
    async def scenario() -> str:
        ws, connection_id = await _connect_and_id(f"{probe['websocket']}?token=abc&x=1&x=2")
        await ws.close()
        return connection_id

    connection_id = asyncio.run(scenario())
    assert re.fullmatch(r"[A-Za-z0-9]{15}=", connection_id)
    events: list[dict[str, Any]] = []
    for _ in range(50):  # $disconnect runs right after the close
        _, _, events = http("GET", f"{probe['api']}/events/{connection_id}")
        if len(events) == 3:
            break
        time.sleep(0.05)
    connect, message, disconnect = events
    common = {
        "stage",
        "apiId",
        "domainName",
        "requestId",
        "requestTimeEpoch",
        "connectedAt",
        "extendedRequestId",
    }
    for event, route, kind in ((connect, "$connect", "CONNECT"), (message, "$default", "MESSAGE")):
        context = event["requestContext"]
        assert (context["routeKey"], context["eventType"], context["messageDirection"]) == (route, kind, "IN")
        assert context["connectionId"] == connection_id and common <= set(context)
        assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert connect["queryStringParameters"] == {"token": "abc", "x": "2"}
    assert connect["multiValueQueryStringParameters"] == {"token": ["abc"], "x": ["1", "2"]}
    assert connect["headers"]["Host"] == f"127.0.0.1:{probe['port']}"
    assert connect["multiValueHeaders"]["Upgrade"] == ["websocket"]
    assert message["body"] == '{"hello": 1}' and message["isBase64Encoded"] is False
    assert message["requestContext"]["messageId"]
    assert message["requestContext"]["connectedAt"] == connect["requestContext"]["connectedAt"]
    context = disconnect["requestContext"]
    assert (context["routeKey"], context["eventType"]) == ("$disconnect", "DISCONNECT")
    assert context["disconnectStatusCode"] == 1000 and context["disconnectReason"]


def test_refused_connect_fails_the_handshake(probe: dict[str, Any]) -> None:
    async def status_of(token: str) -> int:
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(f"{probe['websocket']}?token={token}"):
                pass
        return refused.value.response.status_code

    assert asyncio.run(status_of("deny")) == 403
    assert asyncio.run(status_of("crash")) == 500


def test_a_client_that_leaves_during_connect_still_gets_a_disconnect(probe: dict[str, Any]) -> None:
    """$connect stored the connection, but the client left before the handshake finished: it
    never opens, and $disconnect runs so the handler can forget it (else a stale id stays cached)."""
    url = urllib.parse.urlsplit(probe["websocket"])
    upgrade = (
        f"GET {url.path}?token=slow-left HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port)) as client:
        client.sendall(upgrade.encode())
        time.sleep(0.1)  # $connect is running: the probe holds it for 0.5 s
    routes: list[str] = []
    for _ in range(100):
        routes = http("GET", f"{probe['api']}/events")[2].get("slow-left", [])
        if len(routes) == 2:
            break
        time.sleep(0.05)
    assert routes == ["$connect", "$disconnect"]


def test_frames_of_one_connection_are_handled_in_order(probe: dict[str, Any]) -> None:
    async def scenario() -> tuple[list[int], list[str]]:
        async with (
            websockets.connect(probe["websocket"]) as slow,
            websockets.connect(probe["websocket"]) as fast,
        ):
            for n, delay in enumerate([0.3, 0.2, 0.1, 0.0]):
                await slow.send(json.dumps({"n": n, "sleep": delay}))
            await asyncio.sleep(0.05)
            await fast.send(json.dumps({"n": 99}))
            arrivals: list[str] = []
            fast_frame = asyncio.create_task(next_frame(fast))
            order = []
            for _ in range(4):
                order.append((await next_frame(slow))["echo"]["n"])
                if fast_frame.done() and "fast" not in arrivals:
                    arrivals.append("fast")
                arrivals.append("slow")
            await fast_frame
            return order, arrivals

    order, arrivals = asyncio.run(scenario())
    assert order == [0, 1, 2, 3]  # never reordered, though later frames are quicker
    assert arrivals[0] == "fast"  # another connection is not held up by a slow one


def test_handler_error_sends_api_gateways_error_frame(probe: dict[str, Any]) -> None:
    async def scenario() -> dict[str, Any]:
        async with websockets.connect(probe["websocket"]) as ws:
            await ws.send(json.dumps({"crash": True}))
            return await next_frame(ws)

    frame = asyncio.run(scenario())
    assert frame["message"] == "Internal server error" and frame["connectionId"] and frame["requestId"]


def test_frame_limit_is_128_kb(probe: dict[str, Any]) -> None:
    async def scenario() -> tuple[int, int | None]:
        async with websockets.connect(probe["websocket"], max_size=None) as ws:
            pad = 128 * 1024 - len('{"pad": ""}')
            await ws.send(json.dumps({"pad": "x" * pad}))
            size = (await next_frame(ws))["echo"]["size"]
            await ws.send(json.dumps({"pad": "x" * (pad + 1)}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await next_frame(ws)
            return size, closed.value.rcvd.code if closed.value.rcvd else None

    assert asyncio.run(scenario()) == (128 * 1024, 1009)


def test_a_binary_frame_closes_the_connection_with_1003_and_runs_no_route(probe: dict[str, Any]) -> None:
    # API Gateway WebSocket APIs refuse binary frames from clients: close 1003, no $default call.
    async def scenario() -> tuple[str, int | None]:
        ws, connection_id = await _connect_and_id(probe["websocket"])
        await ws.send(b'{"hello": 2}')
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_frame(ws)
        return connection_id, closed.value.rcvd.code if closed.value.rcvd else None

    connection_id, code = asyncio.run(scenario())
    assert code == 1003
    routes: list[str] = []
    for _ in range(50):  # $disconnect runs right after the close
        _, _, events = http("GET", f"{probe['api']}/events/{connection_id}")
        routes = [e["requestContext"]["routeKey"] for e in events]
        if "$disconnect" in routes:
            break
        time.sleep(0.05)
    assert routes == ["$connect", "$default", "$disconnect"], routes  # the one $default is the text hello


def test_idle_connections_are_closed(probe: dict[str, Any]) -> None:
    async def scenario() -> tuple[int | None, float]:
        started = time.monotonic()
        async with websockets.connect(probe["websocket"], ping_interval=None) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), timeout=IDLE_SECONDS + 3)
        return closed.value.rcvd.code if closed.value.rcvd else None, time.monotonic() - started

    code, elapsed = asyncio.run(scenario())
    assert code == 1001 and IDLE_SECONDS - 0.2 <= elapsed < IDLE_SECONDS + 2


def test_connections_end_after_the_maximum_lifetime(probe: dict[str, Any]) -> None:
    async def scenario() -> tuple[int | None, float]:
        started = time.monotonic()
        async with websockets.connect(probe["websocket"], ping_interval=None) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:  # pings keep it from idling out; the lifetime still ends it
                    await (await ws.ping())
                    await asyncio.sleep(IDLE_SECONDS / 3)
        return closed.value.rcvd.code if closed.value.rcvd else None, time.monotonic() - started

    code, elapsed = asyncio.run(scenario())
    assert code == 1001 and LIFETIME_SECONDS - 0.2 <= elapsed < LIFETIME_SECONDS + 2


def test_management_api_through_boto3(probe: dict[str, Any]) -> None:
    management = aws_client(probe, "apigatewaymanagementapi", endpoint_url=probe["managementEndpoint"])

    async def scenario() -> None:
        ws, connection_id = await _connect_and_id(probe["websocket"])
        info = await asyncio.to_thread(management.get_connection, ConnectionId=connection_id)
        assert info["Identity"]["SourceIp"] == "127.0.0.1" and "Python" in info["Identity"]["UserAgent"]
        assert info["ConnectedAt"] <= info["LastActiveAt"]
        await asyncio.to_thread(
            management.post_to_connection, ConnectionId=connection_id, Data="안녕".encode()
        )
        assert await asyncio.wait_for(ws.recv(), timeout=5) == "안녕"
        with pytest.raises(ClientError) as too_big:
            await asyncio.to_thread(
                management.post_to_connection, ConnectionId=connection_id, Data=b"x" * (128 * 1024 + 1)
            )
        assert too_big.value.response["Error"]["Code"] == "PayloadTooLargeException"
        await asyncio.to_thread(management.delete_connection, ConnectionId=connection_id)
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), timeout=5)
        with pytest.raises(management.exceptions.GoneException):
            await asyncio.to_thread(management.post_to_connection, ConnectionId=connection_id, Data=b"{}")

    asyncio.run(scenario())
    for call in (management.get_connection, management.delete_connection):
        with pytest.raises(management.exceptions.GoneException):
            call(ConnectionId="NoSuchConnect0=")


def test_rest_proxy_and_cors_preflight(probe: dict[str, Any]) -> None:
    status, headers, body = http("GET", f"{probe['api']}/events/unknown")
    assert (status, body, headers["Access-Control-Allow-Origin"]) == (200, [], "*")
    status, headers, _ = http(
        "OPTIONS",
        f"{probe['api']}/events/unknown",
        headers={"Origin": "http://example.com", "Access-Control-Request-Method": "GET"},
    )
    assert status == 200 and headers["Access-Control-Allow-Methods"] == "GET,OPTIONS"
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]
    status, headers, _ = http("OPTIONS", f"{probe['api']}/sqs")  # a route without CORS
    assert status == 200 and headers["Access-Control-Allow-Methods"] == "OPTIONS"
    for method, path in (("GET", "/nope"), ("DELETE", "/events/x")):
        status, headers, body = http(method, probe["api"] + path)
        assert (status, body) == (403, {"message": "Missing Authentication Token"})


def test_sqs_messages_reach_the_handler_and_leave_the_queue(probe: dict[str, Any]) -> None:
    sqs = aws_client(probe, "sqs")
    queue_url = probe["resources"]["ExportQueue"]
    sent = sqs.send_message(
        QueueUrl=queue_url,
        MessageBody='{"job": "export-1"}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "history"}},
    )
    records: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not records:
        _, _, records = http("GET", f"{probe['api']}/sqs")
        time.sleep(0.1)
    (record,) = records
    assert record["messageId"] == sent["MessageId"] and record["body"] == '{"job": "export-1"}'
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"].endswith(":livechat-local-exports")
    assert record["awsRegion"] == "ap-northeast-2" and record["md5OfBody"] == sent["MD5OfMessageBody"]
    assert record["messageAttributes"]["kind"]["stringValue"] == "history"
    assert record["receiptHandle"] and record["attributes"]["ApproximateReceiveCount"] == "1"
    attributes = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    for _ in range(50):
        counts = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=attributes)["Attributes"]
        if counts == dict.fromkeys(attributes, "0"):
            break
        time.sleep(0.1)
    assert counts == dict.fromkeys(attributes, "0")  # deleted after the handler returned


def test_static_hosting(probe: dict[str, Any]) -> None:
    import urllib.request

    with urllib.request.urlopen(probe["base"] + "/", timeout=5) as response:
        page = response.read().decode()
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "고객센터" in page
    assert f'data-ws="ws://127.0.0.1:{probe["port"]}/ws"' in page and 'src="/widget/widget.js"' in page
    pages = (
        ("/console/", "text/html"),
        ("/admin/", "text/html"),
        ("/widget/widget.js", "text/javascript"),
        # The vendored chart library of the admin page's reports (frontend/vendor/uplot/).
        ("/vendor/uplot/uPlot.esm.js", "text/javascript"),
        ("/vendor/uplot/uPlot.min.css", "text/css"),
    )
    for path, content_type in pages:
        with urllib.request.urlopen(probe["base"] + path, timeout=5) as response:
            assert response.headers["Content-Type"].startswith(content_type)
    with urllib.request.urlopen(probe["base"] + "/console", timeout=5) as response:
        assert response.url.endswith("/console/")  # redirected to the directory
    status, _, _ = http("GET", probe["base"] + "/missing.html")
    assert status == 404
