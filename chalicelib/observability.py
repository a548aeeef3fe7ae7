"""Structured logs and CloudWatch metrics (embedded metric format), with no personal data.

- `log(event, **fields)`: one JSON line with the ids of the current invocation (request,
  connection, conversation, export) and only the fields in `LOG_FIELDS`: ids, route names,
  codes, counts and durations. Anything else is dropped, so message text, names, e-mail
  addresses or phone numbers cannot reach the logs through this module, even by mistake.
  Agent ids are Cognito usernames (e-mail addresses): they are never logged either.
- `metric(name, value, unit)`: one EMF line; CloudWatch turns it into a metric in namespace
  `Livechat`, dimension `Stack` (the stack name, from STACK_NAME). No PutMetricData call, no
  extra IAM permission, no latency on the request path.
- `middleware`: registered for every handler in app.py: binds the ids from the event, times the
  invocation, logs its outcome and counts unexpected errors.
Both go to stdout, which Lambda ships to the function's log group unchanged.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

METRICS_NAMESPACE = "Livechat"

# Fields a log line may carry. Values are ids we generate, route names, codes and numbers.
ID_FIELDS = ("request_id", "lambda_request_id", "connection_id", "conversation_id", "export_id", "message_id")
LOG_FIELDS = frozenset(
    {
        *ID_FIELDS,
        "event",
        "level",
        "kind",  # http | websocket | sqs | schedule | lambda
        "route",  # "GET /conversations/{conversation_id}", "$default", …: templates, never raw paths
        "action",  # WebSocket action name
        "status",
        "outcome",
        "error",  # exception class name, never its message
        "code",  # our error code (domain errors)
        "duration_ms",
        "records",
        "count",
        "seq",
        "role",  # customer | agent | admin | system
        "rows",
        "bytes",
        "attempt",
        "stack",
    }
)
MAX_VALUE_CHARS = 128

_ids: ContextVar[dict[str, str] | None] = ContextVar("livechat_log_ids", default=None)


class _StdoutHandler(logging.Handler):
    """Writes the bare message to the *current* sys.stdout (Lambda ships stdout as is)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write((self.format(record) if self.formatter else record.getMessage()) + "\n")
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - logging never breaks a request
            self.handleError(record)


def _logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if not any(isinstance(h, _StdoutHandler) for h in logger.handlers):
        logger.addHandler(_StdoutHandler())
    logger.propagate = False
    logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    return logger


_events = _logger("livechat.events")
_metrics = _logger("livechat.metrics")


class SafeJsonFormatter(logging.Formatter):
    """Plain `logging` calls (our modules' and Chalice's `app.log`) as JSON lines with the
    invocation's ids. An exception is logged as its class and the frames it passed through, never
    its message or locals: exception messages can quote input (a customer's text, an address)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": record.levelname.lower(),
            "event": "log",
            "logger": record.name,
            "message": record.getMessage()[:512],
            **current_ids(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])[-8:]
            line["frames"] = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames]
        return json.dumps(line, ensure_ascii=False)


def configure_logging(*loggers: logging.Logger) -> None:
    """Every record of these loggers (and their children) through `SafeJsonFormatter` to stdout."""
    for logger in loggers:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)  # Chalice's own handler prints tracebacks with messages
        handler = _StdoutHandler()
        handler.setFormatter(SafeJsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())


def _clean(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:MAX_VALUE_CHARS]


def current_ids() -> dict[str, str]:
    return dict(_ids.get() or {})


def annotate(**ids: Any) -> None:
    """Add ids (conversation_id, export_id, …) to the current invocation's log context. Outside an
    invocation (`bound`: the middleware binds every one) there is none, and nothing is kept: a
    service called directly (a test, a script) must not leave ids for whatever logs next."""
    if _ids.get() is None:
        return
    merged = current_ids()
    merged.update({k: str(v) for k, v in ids.items() if k in ID_FIELDS and v})
    _ids.set(merged)


@contextmanager
def bound(**ids: Any) -> Iterator[None]:
    token = _ids.set({k: str(v) for k, v in ids.items() if k in ID_FIELDS and v})
    try:
        yield
    finally:
        _ids.reset(token)


def log_record(event: str, level: str = "info", **fields: Any) -> dict[str, Any]:
    """The dict `log` writes: allowed fields only; the names of dropped ones are kept, not their values."""
    record: dict[str, Any] = {"level": level, "event": event, **current_ids()}
    dropped = []
    for key, value in fields.items():
        if key in LOG_FIELDS:
            record[key] = _clean(value)
        else:
            dropped.append(key)
    if dropped:
        record["dropped"] = sorted(dropped)
    return record


def log(event: str, level: str = "info", **fields: Any) -> None:
    logger_level = logging.ERROR if level == "error" else logging.WARNING if level == "warning" else logging.INFO
    if _events.isEnabledFor(logger_level):
        _events.log(logger_level, json.dumps(log_record(event, level, **fields), ensure_ascii=False))


def emf_record(name: str, value: float, unit: str = "Count") -> dict[str, Any]:
    return {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {"Namespace": METRICS_NAMESPACE, "Dimensions": [["Stack"]], "Metrics": [{"Name": name, "Unit": unit}]}
            ],
        },
        "Stack": os.environ.get("STACK_NAME") or "livechat",
        name: value,
        **current_ids(),  # searchable in Logs Insights, not dimensions
    }


def metric(name: str, value: float = 1, unit: str = "Count") -> None:
    """One metric value. Units: Count, Milliseconds, Bytes (CloudWatch's names)."""
    if _metrics.isEnabledFor(logging.INFO):
        _metrics.info(json.dumps(emf_record(name, value, unit)))


def failure(exc: BaseException, *, expected: bool) -> None:
    """A handler turned an exception into an answer. Unexpected ones count as Errors."""
    code = getattr(exc, "code", None)
    if expected:
        log("request.refused", level="info", error=type(exc).__name__, code=code)
        return
    log("request.failed", level="error", error=type(exc).__name__, code=code)
    metric("Errors")


# --- the middleware ----------------------------------------------------------------------


def _lambda_request_id(context: Any) -> str | None:
    return getattr(context, "aws_request_id", None)


def describe_event(event: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ids, fields) of a Chalice middleware event: Request, WebsocketEvent, SQSEvent, CloudWatchEvent…"""
    ids: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    request_context = getattr(event, "context", None)
    if hasattr(event, "lambda_context") and isinstance(request_context, dict):  # REST: chalice Request
        ids["request_id"] = request_context.get("requestId")
        ids["lambda_request_id"] = _lambda_request_id(event.lambda_context)
        fields["kind"] = "http"
        fields["route"] = f"{request_context.get('httpMethod', event.method)} {request_context.get('resourcePath', '')}"
        return ids, fields
    raw = event.to_dict() if hasattr(event, "to_dict") else {}
    ids["lambda_request_id"] = _lambda_request_id(request_context)
    if isinstance(raw, dict) and "requestContext" in raw and "connectionId" in raw["requestContext"]:
        context = raw["requestContext"]
        ids["request_id"] = context.get("requestId")
        ids["connection_id"] = context.get("connectionId")
        fields["kind"] = "websocket"
        fields["route"] = context.get("routeKey")
    elif isinstance(raw, dict) and isinstance(raw.get("Records"), list):
        fields["kind"] = "sqs"
        fields["records"] = len(raw["Records"])
        if len(raw["Records"]) == 1:
            ids["message_id"] = raw["Records"][0].get("messageId")
    elif isinstance(raw, dict) and raw.get("detail-type"):
        fields["kind"] = "schedule"
    else:
        fields["kind"] = "lambda"
    return ids, fields


def middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    ids, fields = describe_event(event)
    started = time.perf_counter()
    with bound(**ids):
        try:
            response = get_response(event)
        except Exception as exc:
            log(
                "invocation",
                level="error",
                outcome="error",
                error=type(exc).__name__,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                **fields,
            )
            metric("Errors")
            raise
        status = getattr(response, "status_code", None)
        if status is None and isinstance(response, dict):
            status = response.get("statusCode")
        level = "error" if isinstance(status, int) and status >= 500 else "info"
        log(
            "invocation",
            level=level,
            outcome="ok" if level == "info" else "error",
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            **fields,
        )
        if level == "error":
            metric("Errors")
        return response
