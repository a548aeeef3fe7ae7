"""Fault injection between botocore and moto: throttled DynamoDB calls and gone WebSocket connections.

The faults are real AWS error responses (status, x-amzn-ErrorType, JSON body) returned where moto
would answer, so botocore's retry handler and the app's error handling see exactly what AWS sends.
"""

from __future__ import annotations

import json
import random
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.endpoint
from botocore.awsrequest import AWSResponse
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse


class Faults:
    def __init__(self, throttle_rate: float = 0.0, seed: int = 7) -> None:
        self.throttle_rate = throttle_rate
        self.random = random.Random(seed)
        self.gone: set[str] = set()
        self.injected: Counter[str] = Counter()
        self.dynamodb_calls: Counter[str] = Counter()
        self.backoffs: list[float] = []
        # DynamoDB operations applied by moto and then answered with a 500 once (a timeout after
        # the write), so botocore retries a write that already happened.
        # operation → which of its calls (1-based, retries included) to apply and then fail.
        self.fail_after_apply: dict[str, set[int]] = {}
        self._lock = threading.Lock()

    def _dynamodb(self, request: Any) -> tuple[int, dict[str, str], str] | None:
        target = (request.headers.get("X-Amz-Target") or b"").decode() if isinstance(
            request.headers.get("X-Amz-Target"), bytes
        ) else request.headers.get("X-Amz-Target") or ""
        if not target.startswith("DynamoDB_"):
            return None
        operation = target.split(".", 1)[1]
        with self._lock:
            self.dynamodb_calls[operation] += 1
            if self.random.random() >= self.throttle_rate:
                return None
            self.injected[f"throttle {operation}"] += 1
        body = {
            "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "message": "The level of configured provisioned throughput for the table was exceeded.",
        }
        return 400, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(body)

    def _management(self, request: Any) -> tuple[int, dict[str, str], str] | None:
        path = urllib.parse.urlsplit(request.url).path
        if "/@connections/" not in path:
            return None
        connection_id = urllib.parse.unquote(path.rsplit("/@connections/", 1)[1])
        if connection_id not in self.gone:
            return None
        with self._lock:
            self.injected[f"gone {request.method}"] += 1
        return 410, {"x-amzn-ErrorType": "GoneException", "Content-Type": "application/json"}, "{}"

    def answer(self, request: Any) -> AWSResponse | None:
        fault = self._dynamodb(request) or self._management(request)
        if fault is None:
            return None
        status, headers, body = fault
        return AWSResponse(request.url, status, headers, MockRawResponse(body))


class _RecordingTime:
    """botocore.endpoint's `time`: the retry backoff is recorded instead of slept (it is random, up to 20 s)."""

    def __init__(self, faults: Faults) -> None:
        self._faults = faults

    def sleep(self, seconds: float) -> None:
        self._faults.backoffs.append(seconds)


@contextmanager
def injected(faults: Faults) -> Iterator[Faults]:
    inner = BotocoreStubber.__call__
    original_time = botocore.endpoint.time

    def call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if self.enabled:
            response = faults.answer(request)
            if response is not None:
                return response
            target = request.headers.get("X-Amz-Target") or b""
            operation = (target.decode() if isinstance(target, bytes) else target).rpartition(".")[2]
            if faults.dynamodb_calls[operation] in faults.fail_after_apply.get(operation, set()):
                faults.injected[f"fail after apply {operation}"] += 1
                inner(self, event_name, request, **kwargs)  # applied...
                body = json.dumps({"__type": "com.amazon.coral.availability#InternalServerError", "message": "x"})
                return AWSResponse(request.url, 500, {}, MockRawResponse(body))  # ...but the answer is lost
        return inner(self, event_name, request, **kwargs)

    BotocoreStubber.__call__ = call  # type: ignore[method-assign]
    botocore.endpoint.time = _RecordingTime(faults)  # type: ignore[assignment]
    try:
        yield faults
    finally:
        BotocoreStubber.__call__ = inner  # type: ignore[method-assign]
        botocore.endpoint.time = original_time
