"""`make run`: the whole product on 127.0.0.1, on emulated AWS (moto), in one process.

- moto server (DynamoDB, S3, SQS, KMS, Cognito) on a free port;
- a WebSocket gateway at /ws that invokes the app's $connect/$default/$disconnect handlers
  with API Gateway-shaped events, and serves the management API at /_aws/ws/local/@connections;
- the REST routes under /api/, as API Gateway proxy events;
- frontend/ as static files.
Development tooling only: never packaged into a Lambda.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import logging
import os
import secrets
import socket
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from infra.local.routes import match_route

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
REGION = "ap-northeast-2"
STAGE = "local"
API_ID = "localws"
MAX_FRAME_BYTES = 128 * 1024  # API Gateway's WebSocket frame limit
IDLE_SECONDS = 600  # API Gateway closes idle connections after 10 minutes
MAX_CONNECTION_SECONDS = 7200  # and every connection after 2 hours
MANAGEMENT_PREFIX = f"/_aws/ws/{STAGE}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LambdaContext:
    """The few attributes handlers may read from Lambda's context object."""

    def __init__(self, name: str) -> None:
        self.function_name = name
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 256

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


@dataclass
class Connection:
    ws: web.WebSocketResponse
    source_ip: str
    user_agent: str
    connected_at: float = field(default_factory=time.time)
    last_active_at: float = field(default_factory=time.time)


def _connection_id() -> str:
    # API Gateway ids look like "Ab1Cd2Ef3Gh=": 12 base64 characters.
    return base64.b64encode(secrets.token_bytes(9)).decode().replace("/", "_").replace("+", "-")[:11] + "="


class Gateway:
    def __init__(self, app_module: Any, port: int) -> None:
        self.app_module = app_module
        self.app = app_module.app
        self.port = port
        self.connections: dict[str, Connection] = {}
        self.ws_handlers = {route: getattr(app_module, cfg.name) for route, cfg in self.app.websocket_handlers.items()}

    # --- WebSocket ---------------------------------------------------------------------------

    def _request_context(self, route: str, event_type: str, connection_id: str, conn_ip: str, ua: str) -> dict:
        now = int(time.time() * 1000)
        context = {
            "routeKey": route,
            "eventType": event_type,
            "extendedRequestId": uuid.uuid4().hex,
            "requestTime": datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "messageDirection": "IN",
            "stage": STAGE,
            "connectedAt": now,
            "requestTimeEpoch": now,
            "identity": {"sourceIp": conn_ip, "userAgent": ua},
            "requestId": uuid.uuid4().hex,
            "domainName": f"127.0.0.1:{self.port}",
            "connectionId": connection_id,
            "apiId": API_ID,
        }
        if event_type == "MESSAGE":
            context["messageId"] = uuid.uuid4().hex[:16]
        return context

    async def _invoke(self, route: str, event: dict) -> dict:
        handler = self.ws_handlers.get(route)
        if handler is None:
            return {"statusCode": 200}
        # Handlers are blocking boto3 code: run them off the event loop, as Lambda would elsewhere.
        return await asyncio.to_thread(handler, event, LambdaContext(route)) or {"statusCode": 200}

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        connection_id = _connection_id()
        source_ip = request.remote or "127.0.0.1"
        user_agent = request.headers.get("User-Agent", "")
        query = dict(request.query)
        connect_event = {
            "headers": dict(request.headers),
            "multiValueHeaders": {k: request.headers.getall(k) for k in request.headers},
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": {k: request.query.getall(k) for k in query} or None,
            "requestContext": self._request_context("$connect", "CONNECT", connection_id, source_ip, user_agent),
            "isBase64Encoded": False,
        }
        try:
            result = await self._invoke("$connect", connect_event)
            status = int(result.get("statusCode", 200))
        except Exception:  # noqa: BLE001 - a crashing $connect is API Gateway's 500
            status = 500
        if not 200 <= status < 300:
            return web.Response(status=status, text=json.dumps({"message": "Forbidden"}))
        ws = web.WebSocketResponse(max_msg_size=0, heartbeat=None)
        await ws.prepare(request)
        conn = Connection(ws, source_ip, user_agent)
        self.connections[connection_id] = conn
        reason, code = "Going away", 1001
        try:
            while True:
                remaining = MAX_CONNECTION_SECONDS - (time.time() - conn.connected_at)
                if remaining <= 0:
                    await ws.close(code=WSCloseCode.GOING_AWAY, message=b"connection lifetime exceeded")
                    break
                try:
                    msg = await ws.receive(timeout=min(IDLE_SECONDS, remaining))
                except TimeoutError:
                    await ws.close(code=WSCloseCode.GOING_AWAY, message=b"idle timeout")
                    reason = "Idle timeout"
                    break
                if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                    code = ws.close_code or 1000
                    break
                data = msg.data if msg.type == WSMsgType.TEXT else msg.data.decode("utf-8", "replace")
                if len(data.encode("utf-8")) > MAX_FRAME_BYTES:
                    await ws.close(code=WSCloseCode.MESSAGE_TOO_BIG, message=b"Message too big")
                    reason, code = "Message too big", 1009
                    break
                conn.last_active_at = time.time()
                event = {
                    "requestContext": self._request_context(
                        "$default", "MESSAGE", connection_id, source_ip, user_agent
                    ),
                    "body": data,
                    "isBase64Encoded": False,
                }
                # One frame at a time per connection keeps each client's order.
                try:
                    await self._invoke("$default", event)
                except Exception as exc:  # noqa: BLE001 - API Gateway answers an internal error frame
                    await ws.send_str(json.dumps({"message": "Internal server error", "error": str(exc)[:200]}))
        finally:
            self.connections.pop(connection_id, None)
            event = {
                "headers": {},
                "requestContext": self._request_context(
                    "$disconnect", "DISCONNECT", connection_id, source_ip, user_agent
                ),
                "disconnectStatusCode": code,
                "disconnectReason": reason,
                "isBase64Encoded": False,
            }
            try:
                await self._invoke("$disconnect", event)
            except Exception:  # noqa: BLE001 - best effort, as on AWS
                pass
        return ws

    # --- management API -------------------------------------------------------------------

    @staticmethod
    def _gone() -> web.Response:
        return web.Response(
            status=410,
            text=json.dumps({"message": None}),
            headers={"x-amzn-ErrorType": "GoneException", "Content-Type": "application/json"},
        )

    async def management(self, request: web.Request) -> web.Response:
        connection_id = request.match_info["connection_id"]
        conn = self.connections.get(connection_id)
        if conn is None or conn.ws.closed:
            return self._gone()
        if request.method == "POST":
            body = await request.read()
            if len(body) > MAX_FRAME_BYTES:
                return web.Response(status=413, text=json.dumps({"message": "payload too large"}))
            await conn.ws.send_str(body.decode("utf-8"))
            return web.Response(status=200, text="")
        if request.method == "DELETE":
            await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"closed by the service")
            return web.Response(status=204)
        info = {
            "connectedAt": datetime.fromtimestamp(conn.connected_at, UTC).isoformat(),
            "lastActiveAt": datetime.fromtimestamp(conn.last_active_at, UTC).isoformat(),
            "identity": {"sourceIp": conn.source_ip, "userAgent": conn.user_agent},
        }
        return web.json_response(info)

    # --- REST ---------------------------------------------------------------------------------

    async def rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        found = match_route(self.app.routes, path)
        if found is None:
            return web.json_response({"message": "Missing Authentication Token"}, status=403)
        resource, params = found
        methods = self.app.routes[resource]
        if request.method == "OPTIONS":
            # API Gateway answers CORS preflight itself (Chalice adds a mock OPTIONS integration).
            return web.Response(
                status=200,
                headers={
                    "Access-Control-Allow-Origin": "*",
                    "Access-Control-Allow-Methods": ",".join(sorted(set(methods) | {"OPTIONS"})),
                    "Access-Control-Allow-Headers": "Authorization,Content-Type",
                    "Access-Control-Max-Age": "600",
                },
            )
        if request.method not in methods:
            return web.json_response({"message": "Method Not Allowed"}, status=405)
        body = await request.text()
        query = dict(request.query)
        event = {
            "resource": resource,
            "path": path,
            "httpMethod": request.method,
            "headers": dict(request.headers),
            "multiValueHeaders": {k: request.headers.getall(k) for k in request.headers},
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": {k: request.query.getall(k) for k in query} or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": resource,
                "httpMethod": request.method,
                "path": f"/api{path}",
                "stage": "api",
                "requestId": uuid.uuid4().hex,
                "requestTimeEpoch": int(time.time() * 1000),
                "identity": {"sourceIp": request.remote or "127.0.0.1"},
            },
            "body": body or None,
            "isBase64Encoded": False,
        }
        result = await asyncio.to_thread(self.app, event, LambdaContext("api"))
        headers = {k: v for k, v in (result.get("headers") or {}).items()}
        payload = result.get("body") or ""
        raw = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode("utf-8")
        return web.Response(status=result["statusCode"], body=raw, headers=headers)


async def static(request: web.Request) -> web.StreamResponse:
    relative = request.match_info.get("path", "")
    target = (FRONTEND / relative).resolve()
    if FRONTEND.resolve() not in target.parents and target != FRONTEND.resolve():
        raise web.HTTPNotFound()
    if target.is_dir():
        if not request.path.endswith("/"):
            raise web.HTTPMovedPermanently(request.path + "/")
        target = target / "index.html"
    if not target.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(target, headers={"Cache-Control": "no-cache"})


def configure_environment(port: int, moto_endpoint: str) -> None:
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "TABLE_PREFIX": "livechat-local-",
            "CUSTOMER_TOKEN_SECRET": secrets.token_urlsafe(32),
            "WS_MANAGEMENT_ENDPOINT": f"http://127.0.0.1:{port}{MANAGEMENT_PREFIX}",
        }
    )
    os.environ.pop("AWS_SESSION_TOKEN", None)


def _moto_jwks_file() -> Path:
    """moto's Cognito public keys as a file: its server's JWKS route answers 500 in moto 5.1."""
    import moto

    resources = Path(moto.__file__).parent / "cognitoidp" / "resources"
    packed = resources / "jwks-public.json.gz"
    data = gzip.decompress(packed.read_bytes()) if packed.exists() else (resources / "jwks-public.json").read_bytes()
    target = Path(tempfile.mkdtemp(prefix="livechat-")) / "jwks.json"
    target.write_bytes(data)
    return target


def main() -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request log lines

    port = int(os.environ.get("PORT", "8000"))
    moto_port = _free_port()
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto_server.start()
    moto_endpoint = f"http://127.0.0.1:{moto_port}"
    configure_environment(port, moto_endpoint)

    from infra.local.resources import DEMO_USERS, create_resources

    resources = create_resources(moto_endpoint, REGION, os.environ["TABLE_PREFIX"])
    os.environ.update(
        {
            "COGNITO_USER_POOL_ID": resources.user_pool_id,
            "COGNITO_CLIENT_ID": resources.client_id,
            "COGNITO_JWKS_URL": _moto_jwks_file().as_uri(),
            "EXPORTS_BUCKET": resources.exports_bucket,
            "EXPORT_QUEUE_URL": resources.export_queue_url,
            "MASKING_KEY_ID": resources.masking_key_id,
        }
    )
    sys.path.insert(0, str(ROOT))
    import app as app_module  # after the environment: models read table names at import

    gateway = Gateway(app_module, port)
    status = {
        "url": f"http://127.0.0.1:{port}/",
        "websocket": f"ws://127.0.0.1:{port}/ws",
        "api": f"http://127.0.0.1:{port}/api",
        "managementEndpoint": os.environ["WS_MANAGEMENT_ENDPOINT"],
        "awsEndpoint": moto_endpoint,
        "region": REGION,
        "userPoolId": resources.user_pool_id,
        "clientId": resources.client_id,
        "demoUsers": [{"username": u, "password": p, "group": g} for u, p, g in DEMO_USERS],
    }

    async def local_status(_: web.Request) -> web.Response:
        return web.json_response(status)

    web_app = web.Application(client_max_size=MAX_FRAME_BYTES * 2)
    web_app.router.add_get("/ws", gateway.websocket)
    web_app.router.add_route("*", MANAGEMENT_PREFIX + "/@connections/{connection_id}", gateway.management)
    web_app.router.add_route("*", "/api/{tail:.*}", gateway.rest)
    web_app.router.add_get("/_local/status", local_status)
    web_app.router.add_get("/{path:.*}", static)

    print(f"livechat is running: {status['url']}", flush=True)
    print(f"  help centre with widget  {status['url']}", flush=True)
    print(f"  agent console            {status['url']}console/", flush=True)
    print(f"  admin view               {status['url']}admin/", flush=True)
    print(f"  REST API                 {status['api']}", flush=True)
    print(f"  WebSocket                {status['websocket']}", flush=True)
    print(f"  emulated AWS (moto)      {moto_endpoint}", flush=True)
    for username, password, group in DEMO_USERS:
        print(f"  sign-in ({group:6s})         {username} / {password}", flush=True)
    print("Data lives in memory for this run. Ctrl-C stops everything.", flush=True)
    try:
        web.run_app(web_app, host="127.0.0.1", port=port, print=None, handle_signals=True)
    finally:
        moto_server.stop()


if __name__ == "__main__":
    main()
