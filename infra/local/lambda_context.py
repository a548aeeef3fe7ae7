"""What Lambda provides to a handler: the entry point named by its handler string, and a context."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any


class LambdaContext:
    """The attributes and method of Lambda's Python context object that handlers may use."""

    def __init__(self, function_name: str, timeout_seconds: float = 20.0, memory_mb: int = 256) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:local:123456789012:function:{function_name}"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def resolve_handler(app: Any, config: Any) -> Callable[[dict[str, Any], Any], Any]:
    """What Lambda calls for a Chalice handler config (WebSocket route, SQS source, …).

    That is the wrapper the decorator returned (Lambda's handler `app.<name>`): it builds the
    event object, applies middleware and shapes the response. Chalice keeps it in
    `app.handler_map[name]`. The config's `handler_function` is the undecorated user function,
    which takes the event object rather than (event, context).
    """
    handler: Callable[[dict[str, Any], Any], Any] = app.handler_map[config.name]
    return handler
