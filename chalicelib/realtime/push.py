"""The one place that sends frames to WebSocket connections (API Gateway management API).

The endpoint is WS_MANAGEMENT_ENDPOINT when set (needed for pushes started by REST or SQS
handlers, and for the local gateway); otherwise it is derived from the WebSocket event the
way Chalice does: https://{apiId}.execute-api.{region}.amazonaws.com/{stage}.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable
from typing import Any

import botocore.session
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from chalicelib.config import get_config

log = logging.getLogger(__name__)

# Pushes to many tabs run on this many threads at once (services.notify.to_all_staff).
FAN_OUT_WORKERS = 8


def max_pool_connections() -> int:
    """Sockets the client keeps: one per thread that may push at once, so none waits for a socket
    nor opens one it then throws away ("Connection pool is full"). A Lambda container runs one
    invocation: its fan-out threads and the handler's own. The local stack runs many invocations
    in one process and sets PUSH_MAX_POOL_CONNECTIONS for that."""
    return int(os.environ.get("PUSH_MAX_POOL_CONNECTIONS", FAN_OUT_WORKERS + 1))


class Pusher:
    def __init__(self) -> None:
        self._derived_endpoint: str | None = None
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def remember_event_endpoint(self, request_context: dict[str, Any]) -> None:
        api_id, stage = request_context.get("apiId"), request_context.get("stage")
        if api_id and stage:
            region = get_config().region
            self._derived_endpoint = f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}"

    @property
    def endpoint(self) -> str | None:
        return get_config().ws_management_endpoint or self._derived_endpoint

    def _client(self, endpoint: str) -> Any:
        with self._lock:
            client = self._clients.get(endpoint)
            if client is None:
                # A botocore client, as the store's: boto3 would add its own import (s3transfer,
                # resources, multiprocessing: ~25 ms) to every chat function's cold start.
                config = BotoConfig(
                    connect_timeout=2,
                    read_timeout=5,
                    retries={"mode": "standard", "max_attempts": 3},
                    max_pool_connections=max_pool_connections(),
                )
                client = botocore.session.get_session().create_client(
                    "apigatewaymanagementapi", endpoint_url=endpoint, config=config
                )
                self._clients[endpoint] = client
            return client

    def send(self, connection_ids: Iterable[str], frame: dict[str, Any]) -> list[str]:
        """Send one frame to each connection; return the ids that are gone (410)."""
        ids = [c for c in dict.fromkeys(connection_ids) if c]
        endpoint = self.endpoint
        if not ids:
            return []
        if endpoint is None:
            # Nothing to send through; clients catch up with messages.sync on reconnect.
            log.warning("no management endpoint configured; push of %s skipped", frame.get("type"))
            return []
        client = self._client(endpoint)
        data = json.dumps(frame, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        gone: list[str] = []
        for connection_id in ids:
            try:
                client.post_to_connection(ConnectionId=connection_id, Data=data)
            except client.exceptions.GoneException:
                gone.append(connection_id)
            except ClientError as exc:
                # A failed push never undoes a stored change; the client resyncs.
                log.warning("push to %s failed: %s", connection_id, exc.response.get("Error", {}).get("Code"))
        return gone

    def is_gone(self, connection_id: str) -> bool:
        """True only when the management API says the connection is gone (410); unknown counts as alive."""
        endpoint = self.endpoint
        if endpoint is None:
            return False
        client = self._client(endpoint)
        try:
            client.get_connection(ConnectionId=connection_id)
        except client.exceptions.GoneException:
            return True
        except ClientError as exc:
            log.warning("get_connection %s failed: %s", connection_id, exc.response.get("Error", {}).get("Code"))
        return False

    def close(self, connection_id: str) -> None:
        endpoint = self.endpoint
        if endpoint is None:
            return
        client = self._client(endpoint)
        try:
            client.delete_connection(ConnectionId=connection_id)
        except ClientError:
            pass


pusher = Pusher()
