"""An API Gateway WebSocket API for the local stack, plus its @connections management API.

Clients connect at /ws; each connection gets an API Gateway-style id, and the app's
`$connect` / `$default` / `$disconnect` handlers (the very objects Lambda would invoke) are
called with events shaped as API Gateway sends them, in worker threads (handlers run blocking
boto3 code). Frames of one connection are handled one at a time, in order. API Gateway's
limits apply: 128 KB per message (close 1009), 10 minutes idle and 2 hours per connection
(close 1001), and a binary frame from a client closes the connection (1003), as AWS does.
The management API (`POST|GET|DELETE <base>/@connections/{id}`) answers as AWS
does, so boto3's unmodified `apigatewaymanagementapi` client works against it.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import logging
import secrets
import string
import time
import uuid
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web
from chalice import Chalice

from infra.local.lambda_context import LambdaContext, resolve_handler

log = logging.getLogger("infra.local.gateway")

_ID_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Limits:
    max_message_bytes: int = 128 * 1024
    idle_seconds: float = 600.0
    max_connection_seconds: float = 7200.0


@dataclass
class Connection:
    connection_id: str
    ws: web.WebSocketResponse
    source_ip: str
    user_agent: str
    connected_at_ms: int
    last_active_ms: int
    # Set when the gateway itself closes the connection, for the $disconnect event.
    close_code: int | None = None
    close_reason: str | None = None


def new_connection_id() -> str:
    """16 characters ending in "=", like API Gateway's ids (e.g. "WyHPAfymhcwCENw=")."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(15)) + "="


def _now_ms() -> int:
    return int(time.time() * 1000)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _request_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _short_id() -> str:
    # extendedRequestId / messageId look like "WyHPAHbQBcwFWMw=".
    return base64.b64encode(uuid.uuid4().bytes[:11]).decode().replace("+", "A").replace("/", "B")


class WebSocketGateway:
    def __init__(
        self,
        app: Chalice,
        executor: Executor,
        *,
        stage: str = "local",
        api_id: str = "localwsapi",
        limits: Limits | None = None,
        lambda_timeout_seconds: float = 20.0,
    ) -> None:
        self.app = app
        self.executor = executor
        self.stage = stage
        self.api_id = api_id
        self.limits = limits or Limits()
        self.lambda_timeout_seconds = lambda_timeout_seconds
        self.connections: dict[str, Connection] = {}

    def add_routes(self, router: web.UrlDispatcher, ws_path: str, management_base_path: str) -> None:
        router.add_get(ws_path, self.handle_websocket)
        router.add_route("*", management_base_path + "/@connections/{connection_id}", self.handle_management)

    # --- invoking the handlers -----------------------------------------------------------------

    async def _invoke(self, route_key: str, event: dict[str, Any]) -> dict[str, Any] | None:
        config = self.app.websocket_handlers.get(route_key)
        if config is None:
            return None  # no integration for the route: API Gateway just accepts
        context = LambdaContext(f"{self.app.app_name}-{config.name}", self.lambda_timeout_seconds)
        call = functools.partial(resolve_handler(self.app, config), event, context)
        # Blocking boto3 code: never on the event loop thread.
        return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    def _request_context(
        self, route_key: str, event_type: str, conn: Connection, domain: str
    ) -> dict[str, Any]:
        now = _now_ms()
        context: dict[str, Any] = {
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": _short_id(),
            "requestTime": _request_time(now),
            "messageDirection": "IN",
            "stage": self.stage,
            "connectedAt": conn.connected_at_ms,
            "requestTimeEpoch": now,
            "identity": {"userAgent": conn.user_agent, "sourceIp": conn.source_ip},
            "requestId": _short_id(),
            "domainName": domain,
            "connectionId": conn.connection_id,
            "apiId": self.api_id,
        }
        if event_type == "MESSAGE":
            context["messageId"] = _short_id()
        return context

    # --- the WebSocket endpoint ----------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        probe = web.WebSocketResponse()
        if not probe.can_prepare(request).ok:
            return web.json_response({"message": "Expected a WebSocket upgrade"}, status=426)
        domain = request.host
        now = _now_ms()
        conn = Connection(
            connection_id=new_connection_id(),
            ws=probe,
            source_ip=request.remote or "127.0.0.1",
            user_agent=request.headers.get("User-Agent", ""),
            connected_at_ms=now,
            last_active_ms=now,
        )
        headers = {
            **{k: v for k, v in request.headers.items()},
            "Host": domain,
            "X-Forwarded-For": conn.source_ip,
            "X-Forwarded-Port": str(request.url.port or 80),
            "X-Forwarded-Proto": request.scheme,
            "X-Amzn-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}",
        }
        multi_headers: dict[str, list[str]] = {}
        for key, value in request.headers.items():
            multi_headers.setdefault(key, []).append(value)
        for key in ("Host", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Amzn-Trace-Id"):
            multi_headers[key] = [headers[key]]
        query = {k: request.query.getall(k) for k in request.query}
        connect_event = {
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "requestContext": self._request_context("$connect", "CONNECT", conn, domain),
            "isBase64Encoded": False,
        }
        try:
            result = await self._invoke("$connect", connect_event) or {"statusCode": 200}
        except Exception:
            log.exception("$connect handler failed")
            return web.json_response({"message": "Internal server error"}, status=500)
        status = int(result.get("statusCode", 200))
        if not 200 <= status < 300:
            # The handshake fails with the handler's status, as on API Gateway.
            return web.Response(status=status, text=result.get("body") or "")
        protocol = (result.get("headers") or {}).get("Sec-WebSocket-Protocol")
        ws = web.WebSocketResponse(
            protocols=(protocol,) if protocol else (),
            autoping=False,  # pings count as activity for the idle timeout
            heartbeat=None,
            max_msg_size=self.limits.max_message_bytes * 4,
        )
        conn.ws = ws
        try:
            # A client that left while $connect ran fails here; its connection never opens, but
            # $connect may have stored it, so $disconnect runs for it as for any other.
            await ws.prepare(request)
            self.connections[conn.connection_id] = conn
            await self._receive_loop(conn, domain)
        finally:
            self.connections.pop(conn.connection_id, None)
            await self._disconnect(conn, domain)
        return ws

    async def _receive_loop(self, conn: Connection, domain: str) -> None:
        ws = conn.ws
        while not ws.closed:
            idle_left = self.limits.idle_seconds - (_now_ms() - conn.last_active_ms) / 1000
            life_left = self.limits.max_connection_seconds - (_now_ms() - conn.connected_at_ms) / 1000
            if life_left <= 0:
                await self._close(conn, 1001, "Going away", "Connection lifetime exceeded")
                return
            if idle_left <= 0:
                await self._close(conn, 1001, "Going away", "Idle timeout")
                return
            try:
                msg = await ws.receive(timeout=min(idle_left, life_left))
            except TimeoutError:
                continue  # the checks above decide which limit was reached
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                return  # aiohttp answers the client's close frame itself
            if msg.type == WSMsgType.ERROR:
                # aiohttp refuses frames beyond max_msg_size itself (close 1009).
                conn.close_code, conn.close_reason = ws.close_code or 1009, "Message too big"
                return
            conn.last_active_ms = _now_ms()
            if msg.type == WSMsgType.PING:
                await ws.pong(msg.data)
                continue
            if msg.type == WSMsgType.PONG:
                continue
            if msg.type == WSMsgType.BINARY:
                # API Gateway WebSocket APIs take no binary frames from clients: the client is
                # disconnected with 1003 and no route runs (then $disconnect, as for any close).
                await self._close(conn, 1003, "Binary frames are not supported", "Binary frame")
                return
            if len(msg.data.encode("utf-8")) > self.limits.max_message_bytes:
                await self._close(conn, 1009, "Message too big", "Message too big")
                return
            event = {
                "requestContext": self._request_context("$default", "MESSAGE", conn, domain),
                "body": msg.data,
                "isBase64Encoded": False,
            }
            # Awaited before the next receive: one frame at a time per connection, in order.
            try:
                await self._invoke("$default", event)
            except Exception:
                log.exception("$default handler failed")
                if not ws.closed:
                    await ws.send_str(
                        json.dumps(
                            {
                                "message": "Internal server error",
                                "connectionId": conn.connection_id,
                                "requestId": event["requestContext"]["requestId"],
                            }
                        )
                    )

    async def _close(self, conn: Connection, code: int, message: str, reason: str) -> None:
        conn.close_code, conn.close_reason = code, reason
        await conn.ws.close(code=code, message=message.encode("utf-8"))

    async def _disconnect(self, conn: Connection, domain: str) -> None:
        code = conn.close_code or conn.ws.close_code or 1005
        reason = conn.close_reason or (
            "Client-side close frame status not set" if code == 1005 else "Connection closed by the client"
        )
        context = self._request_context("$disconnect", "DISCONNECT", conn, domain)
        context["disconnectStatusCode"] = code
        context["disconnectReason"] = reason
        headers = {"Host": domain, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
        event = {
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "requestContext": context,
            "isBase64Encoded": False,
        }
        try:
            await self._invoke("$disconnect", event)
        except Exception:
            log.exception("$disconnect handler failed")  # best effort, as on AWS

    async def close_all(self) -> None:
        """On shutdown: close every connection; their $disconnect handlers run."""
        for conn in list(self.connections.values()):
            if not conn.ws.closed:
                await self._close(conn, 1001, "Going away", "Server shutting down")

    # --- the management API --------------------------------------------------------------------

    @staticmethod
    def _error(status: int, error_type: str, message: str | None) -> web.Response:
        return web.Response(
            status=status,
            text=json.dumps({"message": message}),
            content_type="application/json",
            headers={"x-amzn-ErrorType": error_type, "x-amzn-RequestId": str(uuid.uuid4())},
        )

    async def handle_management(self, request: web.Request) -> web.Response:
        # SigV4 signatures are accepted unchecked; the id arrives URL-encoded ("=" as %3D).
        connection_id = request.match_info["connection_id"]
        conn = self.connections.get(connection_id)
        if request.method not in ("POST", "GET", "DELETE"):
            return self._error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        if conn is None or conn.ws.closed:
            return self._error(410, "GoneException", None)
        if request.method == "POST":
            data = await request.read()
            if len(data) > self.limits.max_message_bytes:
                return self._error(413, "PayloadTooLargeException", "Message too long")
            try:
                await conn.ws.send_str(data.decode("utf-8"))
            except UnicodeDecodeError:
                await conn.ws.send_bytes(data)
            except ConnectionError:
                return self._error(410, "GoneException", None)
            return web.Response(status=200, headers={"x-amzn-RequestId": str(uuid.uuid4())})
        if request.method == "DELETE":
            await self._close(conn, 1001, "Going away", "Connection deleted by the service")
            return web.Response(status=204, headers={"x-amzn-RequestId": str(uuid.uuid4())})
        return web.json_response(
            {
                "connectedAt": _iso(conn.connected_at_ms),
                "identity": {"sourceIp": conn.source_ip, "userAgent": conn.user_agent},
                "lastActiveAt": _iso(conn.last_active_ms),
            }
        )
