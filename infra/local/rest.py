"""API Gateway's REST API (Lambda proxy integration) in front of the Chalice app, under a path prefix.

`/api/widget/availability` reaches the Chalice route `/widget/availability` with a proxy event
as API Gateway builds it for stage `api`. Preflight OPTIONS is answered the way the API Gateway
configuration Chalice generates answers it for CORS-enabled routes (a mock integration), and a
path or method without a route gets API Gateway's 403 "Missing Authentication Token".

One REST event at a time, as in one Lambda container: Chalice keeps the request being handled in
`app.current_request`, one attribute shared by every thread, so two concurrent events would read
each other's bodies. WebSocket, SQS and schedule handlers get their event as an argument and run
concurrently.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import threading
import time
import uuid
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from chalice import Chalice

from infra.local.lambda_context import LambdaContext
from infra.local.routes import match_route


class RestProxy:
    def __init__(self, app: Chalice, executor: Executor, *, prefix: str = "/api", stage: str = "api") -> None:
        self.app = app
        self.executor = executor
        self.prefix = prefix.rstrip("/")
        self.stage = stage
        self.api_id = "localrestapi"
        self._one_event_at_a_time = threading.Lock()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", self.prefix + "/{tail:.*}", self.handle)

    @staticmethod
    def _missing_token() -> web.Response:
        return web.json_response(
            {"message": "Missing Authentication Token"},
            status=403,
            headers={"x-amzn-ErrorType": "MissingAuthenticationTokenException"},
        )

    def _preflight_headers(self, resource: str) -> dict[str, str]:
        # Same rule as Chalice's swagger generator: the CORS config of the route's views, plus OPTIONS.
        views = self.app.routes[resource]
        cors_methods = [method for method, entry in views.items() if entry.cors is not None]
        if not cors_methods:
            return {"Access-Control-Allow-Methods": "OPTIONS"}
        headers = dict(views[cors_methods[0]].cors.get_access_control_headers())
        headers["Access-Control-Allow-Methods"] = ",".join([*cors_methods, "OPTIONS"])
        return headers

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        found = match_route(self.app.routes, path)
        if found is None:
            return self._missing_token()
        resource, params = found
        views = self.app.routes[resource]
        if request.method == "OPTIONS" and "OPTIONS" not in views:
            return web.Response(status=200, headers=self._preflight_headers(resource))
        if request.method not in views:
            return self._missing_token()
        event = await self._event(request, resource, path, params)
        context = LambdaContext(f"{self.app.app_name}-APIHandler")
        call = functools.partial(self._invoke, event, context)
        result: dict[str, Any] = await asyncio.get_running_loop().run_in_executor(self.executor, call)
        return self._response(result)

    def _invoke(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        with self._one_event_at_a_time:
            return self.app(event, context)

    async def _event(
        self, request: web.Request, resource: str, path: str, params: dict[str, str]
    ) -> dict[str, Any]:
        raw = await request.read()
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
        is_binary = content_type in self.app.api.binary_types
        multi_headers: dict[str, list[str]] = {}
        for key, value in request.headers.items():
            multi_headers.setdefault(key, []).append(value)
        query = {k: request.query.getall(k) for k in request.query}
        now = time.time()
        return {
            "resource": resource,
            "path": path,
            "httpMethod": request.method,
            "headers": {k: v[-1] for k, v in multi_headers.items()} or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "resourceId": "local",
                "resourcePath": resource,
                "httpMethod": request.method,
                "extendedRequestId": uuid.uuid4().hex[:16],
                "requestTime": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "path": f"/{self.stage}{path}",
                "accountId": "123456789012",
                "protocol": f"HTTP/{request.version.major}.{request.version.minor}",
                "stage": self.stage,
                "domainPrefix": request.host.split(":")[0],
                "requestTimeEpoch": int(now * 1000),
                "requestId": str(uuid.uuid4()),
                "identity": {
                    "sourceIp": request.remote or "127.0.0.1",
                    "userAgent": request.headers.get("User-Agent"),
                },
                "domainName": request.host,
                "apiId": self.api_id,
            },
            "body": (base64.b64encode(raw).decode("ascii") if is_binary else raw.decode("utf-8"))
            if raw
            else None,
            "isBase64Encoded": bool(raw) and is_binary,
        }

    @staticmethod
    def _response(result: dict[str, Any]) -> web.Response:
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
        response = web.Response(status=int(result.get("statusCode", 200)), body=data)
        for key, value in (result.get("headers") or {}).items():
            response.headers[key] = str(value)
        for key, values in (result.get("multiValueHeaders") or {}).items():
            response.headers.popall(key, None)
            for value in values:
                response.headers.add(key, str(value))
        return response
