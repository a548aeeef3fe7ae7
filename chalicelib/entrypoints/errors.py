"""One mapping from failures to responses: domain errors to their code, anything else to `internal`."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from chalice import Response

from chalicelib.domain.errors import BadJson, DomainError

log = logging.getLogger("livechat")

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


def json_response(body: Any, status_code: int = 200) -> Response:
    # A copy each time: Chalice adds the route's CORS headers into this dict, and a shared one would
    # carry the staff origin into the next (widget) response of a warm Lambda.
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status_code, headers=dict(JSON_HEADERS))


def error_body(exc: Exception) -> tuple[int, dict[str, str]]:
    if isinstance(exc, UnicodeError):
        # A body with a lone surrogate fails in Chalice's raw_body before any parsing of ours.
        exc = BadJson("the body is not valid UTF-8")
    if isinstance(exc, DomainError):
        return exc.http_status, exc.to_body()
    log.exception("unexpected failure")
    return 500, {"type": "error", "code": "internal", "message": "unexpected server error; try again"}


def rest_errors(func: Callable[..., Any]) -> Callable[..., Response]:
    """Turn a route's result into JSON and any failure into the documented error body."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            result = func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a client mistake must never surface as a Lambda error
            status, body = error_body(exc)
            return json_response(body, status)
        if isinstance(result, Response):
            return result
        return json_response(result)

    return wrapper
