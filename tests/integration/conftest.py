"""moto-backed harness: handlers invoked as API Gateway would invoke them, pushes read back
from moto's API Gateway management API backend, real RS256 tokens from moto's Cognito."""

from __future__ import annotations

import gzip
import json
import os
import pathlib
import tempfile
import threading
import urllib.parse
import uuid
from typing import Any

# The AWS test environment is set in tests/conftest.py, before any test module is imported.
import boto3  # noqa: E402
import moto  # noqa: E402
import pytest
from moto import mock_aws  # noqa: E402
from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.core.botocore_stubber import BotocoreStubber  # noqa: E402

from chalicelib.bootstrap import store  # noqa: E402
from chalicelib.config import get_config  # noqa: E402
from chalicelib.domain.model import NEW_CONNECTION_GRACE_MS  # noqa: E402
from chalicelib.store.schema import create_tables  # noqa: E402
from chalicelib.store.tables import ALL_MODELS  # noqa: E402
from infra.local.moto_dynamodb import install_item_rollback  # noqa: E402
from infra.local.routes import match_route  # noqa: E402

# moto signs Cognito tokens with this key pair and serves the public half in server mode;
# in-process, the app reads the same public keys from a file:// URL.
JWKS_FILE = pathlib.Path(tempfile.mkdtemp()) / "jwks.json"
JWKS_FILE.write_bytes(
    gzip.decompress(
        (pathlib.Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-public.json.gz").read_bytes()
    )
)
REGION = "us-east-1"

# DynamoDB applies a conditional write atomically; moto's in-process backend does not lock,
# so threads could interleave inside one request. Serialising moto's requests restores the
# per-request atomicity the race tests rely on (our code still races between requests).
_moto_lock = threading.RLock()
_original_call = BotocoreStubber.__call__


def _locked_call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
    with _moto_lock:
        return _original_call(self, event_name, request, **kwargs)


BotocoreStubber.__call__ = _locked_call  # type: ignore[method-assign]


class Harness:
    def __init__(self) -> None:
        import app as app_module

        self.app = app_module.app
        # What Lambda invokes: the module attribute Chalice's decorator left, with (event, context).
        self._ws = {route: getattr(app_module, cfg.name) for route, cfg in self.app.websocket_handlers.items()}
        self.cognito = boto3.client("cognito-idp", region_name=REGION)
        pool = self.cognito.create_user_pool(PoolName="agents")["UserPool"]
        self.pool_id = pool["Id"]
        self.client_id = self.cognito.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName="console",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
            ReadAttributes=["email", "email_verified", "name"],  # as infra/aws/template.py's client
        )["UserPoolClient"]["ClientId"]
        for group in ("agents", "supervisors", "admins"):
            self.cognito.create_group(UserPoolId=self.pool_id, GroupName=group)
        os.environ["COGNITO_USER_POOL_ID"] = self.pool_id
        os.environ["COGNITO_CLIENT_ID"] = self.client_id
        os.environ["COGNITO_JWKS_URL"] = JWKS_FILE.as_uri()
        get_config.cache_clear()
        self._tokens: dict[str, str] = {}
        self._read_offsets: dict[str, int] = {}

    # --- identities ------------------------------------------------------------------------

    def staff_token(
        self, username: str, group: str | None = "agents", token_use: str = "id", name: str | None = None
    ) -> str:
        """`name`: the Cognito `name` attribute (the display name customers see) of a new user."""
        key = f"{username}/{group}/{token_use}"
        if key not in self._tokens:
            password = "Passw0rd!" + uuid.uuid4().hex[:6]
            attributes = [{"Name": "email", "Value": username}] + ([{"Name": "name", "Value": name}] if name else [])
            self.cognito.admin_create_user(
                UserPoolId=self.pool_id,
                Username=username,
                UserAttributes=attributes,
                MessageAction="SUPPRESS",
            )
            self.cognito.admin_set_user_password(
                UserPoolId=self.pool_id, Username=username, Password=password, Permanent=True
            )
            if group:
                self.cognito.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username, GroupName=group)
            auth = self.cognito.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )["AuthenticationResult"]
            self._tokens[f"{username}/{group}/id"] = auth["IdToken"]
            self._tokens[f"{username}/{group}/access"] = auth["AccessToken"]
        return self._tokens[key]

    # --- WebSocket, as API Gateway invokes the handlers ------------------------------------

    def _context(self, route: str, connection_id: str, event_type: str) -> dict[str, Any]:
        return {
            "routeKey": route,
            "eventType": event_type,
            "connectionId": connection_id,
            "domainName": "testapi.execute-api.us-east-1.amazonaws.com",
            "stage": "dev",
            "apiId": "testapi",
            "requestId": uuid.uuid4().hex,
            "messageId": uuid.uuid4().hex if event_type == "MESSAGE" else None,
            "requestTimeEpoch": 1764000000000,
            "connectedAt": 1764000000000,
            "messageDirection": "IN",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "pytest"},
        }

    def connect(self, token: str | None) -> tuple[str, dict[str, Any]]:
        connection_id = uuid.uuid4().hex[:12] + "="
        query = {"token": token} if token is not None else None
        event = {
            "headers": {"Host": "testapi.execute-api.us-east-1.amazonaws.com"},
            "multiValueHeaders": {"Host": ["testapi.execute-api.us-east-1.amazonaws.com"]},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
            "requestContext": self._context("$connect", connection_id, "CONNECT"),
            "isBase64Encoded": False,
        }
        result = self._ws["$connect"](event, None)
        return connection_id, result

    def connected(self, token: str) -> str:
        connection_id, result = self.connect(token)
        assert result["statusCode"] == 200, result
        return connection_id

    def open_for_a_while(self, *connection_ids: str) -> None:
        """Date the connections back past the new-connection grace: a 410 about them is final."""
        for connection_id in connection_ids:
            connection = store().connections.get(connection_id)
            connection.connected_at -= NEW_CONNECTION_GRACE_MS
            store().bulk.save_all([connection])

    def send(self, connection_id: str, frame: Any) -> dict[str, Any]:
        body = frame if isinstance(frame, str | bytes) else json.dumps(frame)
        event = {
            "requestContext": self._context("$default", connection_id, "MESSAGE"),
            "body": body,
            "isBase64Encoded": False,
        }
        return self._ws["$default"](event, None)

    def disconnect(self, connection_id: str) -> None:
        event = {
            "requestContext": self._context("$disconnect", connection_id, "DISCONNECT"),
            "disconnectStatusCode": 1001,
            "disconnectReason": "Going away",
        }
        self._ws["$disconnect"](event, None)

    def frames(self, connection_id: str) -> list[dict[str, Any]]:
        """New frames pushed to a connection since the last call (read from moto's backend)."""
        backend = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID][REGION]
        # moto keys connections by the id as it appears, URL-encoded, in the request path.
        data = backend.connections[urllib.parse.quote(connection_id, safe="")].data.decode("utf-8")
        start = self._read_offsets.get(connection_id, 0)
        self._read_offsets[connection_id] = len(data)
        decoder = json.JSONDecoder()
        frames, index = [], start
        while index < len(data):
            frame, index = decoder.raw_decode(data, index)
            frames.append(frame)
        return frames

    def frames_of_type(self, connection_id: str, frame_type: str) -> list[dict[str, Any]]:
        return [f for f in self.frames(connection_id) if f.get("type") == frame_type]

    # --- REST, as an API Gateway proxy event -------------------------------------------------

    def _resource_for(self, path: str) -> tuple[str, dict[str, str]]:
        found = match_route(self.app.routes, path)
        assert found is not None, f"no route for {path}"
        return found

    def rest(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        query: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        resource, params = self._resource_for(path)
        headers = {"Content-Type": "application/json", "Host": "testapi.example"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        raw = body if isinstance(body, str | None) else json.dumps(body)
        event = {
            "resource": resource,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": resource,
                "httpMethod": method,
                "path": f"/api{path}",
                "stage": "api",
                "identity": {"sourceIp": "203.0.113.7"},
                "requestId": uuid.uuid4().hex,
            },
            "body": raw,
            "isBase64Encoded": False,
        }
        response = self.app(event, None)
        payload = response.get("body") or ""
        if (response.get("headers") or {}).get("Content-Type", "").startswith("text/csv"):
            return response["statusCode"], payload  # a CSV download, as text
        return response["statusCode"], json.loads(payload) if payload else None

    # --- shortcuts ---------------------------------------------------------------------------

    def agent_online(self, username: str, group: str = "agents", name: str | None = None) -> tuple[str, str]:
        token = self.staff_token(username, group, name=name)
        connection_id = self.connected(token)
        self.send(connection_id, {"action": "status.set", "status": "online"})
        return token, connection_id

    def start_chat(self, name: str = "홍길동", **extra: Any) -> dict[str, Any]:
        status, availability = self.rest("GET", "/widget/availability")
        assert status == 200
        body = {"consent": True, "consentVersion": availability["consent"]["version"], "customerName": name, **extra}
        status, chat = self.rest("POST", "/chats", body)
        assert status == 201, chat
        return chat


@pytest.fixture
def aws() -> Any:
    # The local stack's item-level rollback for TransactWriteItems (infra/local/moto_dynamodb.py,
    # proved equal to moto's in tests/e2e/test_local_dynamodb.py): moto as shipped deep-copies every
    # table a transaction touches, O(table) per message, minutes for the race tests. Every moto
    # request holds `_moto_lock`, as the rollback requires.
    uninstall = install_item_rollback()
    try:
        with mock_aws():
            create_tables(boto3.client("dynamodb", region_name=REGION), ALL_MODELS)
            yield
    finally:
        uninstall()


@pytest.fixture
def h(aws: Any) -> Harness:
    return Harness()


@pytest.fixture
def request_per_thread(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chalice keeps the current request on the app (one request at a time per Lambda container);
    threads in a race test share one app, so each gets its own, as each Lambda invocation does."""
    local = threading.local()
    monkeypatch.setattr(
        type(h.app),
        "current_request",
        property(lambda self: getattr(local, "request", None), lambda self, value: setattr(local, "request", value)),
        raising=False,
    )
