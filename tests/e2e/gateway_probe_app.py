"""A tiny Chalice app for testing the local gateway's generic behaviour (not the product).

It records every event it receives, echoes frames back through the management API, and
exposes what it saw over REST; `python -m infra.local --app gateway_probe_app` serves it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

import boto3
from chalice import Chalice, Response
from chalice.app import SQSEvent, WebsocketEvent

app = Chalice(app_name="probe")
app.experimental_feature_flags.update(["WEBSOCKETS"])

EVENTS: dict[str, list[dict[str, Any]]] = {}
SQS_RECORDS: list[dict[str, Any]] = []
_lock = threading.Lock()


def _record(event: WebsocketEvent) -> dict[str, Any]:
    raw = event.to_dict()
    with _lock:
        EVENTS.setdefault(event.connection_id, []).append(raw)
    return raw


def _push(connection_id: str, payload: dict[str, Any]) -> None:
    client = boto3.client("apigatewaymanagementapi", endpoint_url=os.environ["WS_MANAGEMENT_ENDPOINT"])
    client.post_to_connection(ConnectionId=connection_id, Data=json.dumps(payload).encode())


@app.on_ws_connect()
def connect(event: WebsocketEvent) -> Response | None:
    token = (event.to_dict().get("queryStringParameters") or {}).get("token")
    if token == "deny":
        return Response(body=json.dumps({"message": "Forbidden"}), status_code=403)
    if token == "crash":
        raise RuntimeError("connect crashed")
    _record(event)
    if token and token.startswith("slow"):
        time.sleep(0.5)
    return None


@app.on_ws_message()
def message(event: WebsocketEvent) -> None:
    _record(event)
    body = json.loads(event.body)
    time.sleep(float(body.get("sleep", 0)))
    if body.get("crash"):
        raise RuntimeError("message crashed")
    echo = {"size": len(event.body)} if "pad" in body else body
    _push(event.connection_id, {"echo": echo, "connectionId": event.connection_id})


@app.on_ws_disconnect()
def disconnect(event: WebsocketEvent) -> None:
    _record(event)


@app.route("/events", methods=["GET"])
def routes_by_token() -> dict[str, list[str]]:
    """token → the routes its connections saw, in order."""
    seen: dict[str, list[str]] = {}
    with _lock:
        for events in EVENTS.values():
            token = (events[0].get("queryStringParameters") or {}).get("token") or ""
            seen.setdefault(token, []).extend(e["requestContext"]["routeKey"] for e in events)
    return seen


@app.route("/events/{connection_id}", methods=["GET"], cors=True)
def events(connection_id: str) -> list[dict[str, Any]]:
    with _lock:
        return list(EVENTS.get(connection_id, []))


@app.route("/sqs", methods=["GET"])
def sqs_records() -> list[dict[str, Any]]:
    with _lock:
        return list(SQS_RECORDS)


@app.on_sqs_message(queue="livechat-local-exports", batch_size=5)
def exports(event: SQSEvent) -> None:
    with _lock:
        SQS_RECORDS.extend(event.to_dict()["Records"])
