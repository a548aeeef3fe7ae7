"""Per-connection limits on the WebSocket: a frame rate limit and the expiry of the connecting token.

API Gateway checks nothing after $connect, so each frame is admitted here, in one conditional
UpdateItem that also loads the connection (it replaces the GetItem the handler needed anyway).
Configuration (environment, read per call so it can change without a deploy of code):
- WS_RATE_LIMIT: frames per window per connection (default 30);
- WS_RATE_WINDOW_SECONDS: the window (default 10 s).
A frame over the limit gets an `error` frame `rate_limited` and is not processed.
"""

from __future__ import annotations

import os
import time

from chalicelib.bootstrap import store
from chalicelib.domain.errors import Forbidden, RateLimited, Unauthorized
from chalicelib.domain.model import Principal, Role

DEFAULT_RATE_LIMIT = 30
DEFAULT_RATE_WINDOW_SECONDS = 10
# A connection may outlive its token by this much (clock skew, a frame in flight) before it is refused.
TOKEN_GRACE_SECONDS = 60


def rate_limit() -> tuple[int, int]:
    limit = int(os.environ.get("WS_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    window = int(os.environ.get("WS_RATE_WINDOW_SECONDS", DEFAULT_RATE_WINDOW_SECONDS))
    return max(limit, 1), max(window, 1)


def admit_frame(connection_id: str, now: float | None = None) -> Principal:
    """The connection's principal if this frame may be processed; else Forbidden/Unauthorized/RateLimited."""
    now = time.time() if now is None else now
    limit, window = rate_limit()
    connection, admitted = store().connections.count_frame(connection_id, int(now // window) * window, limit)
    if connection is None:
        raise Forbidden("unknown connection; reconnect")
    if connection.token_expires_at is not None and now > connection.token_expires_at + TOKEN_GRACE_SECONDS:
        raise Unauthorized("the token of this connection has expired; renew it and reconnect")
    if not admitted:
        raise RateLimited(f"more than {limit} frames in {window} s; slow down and retry")
    return Principal(role=Role(connection.role), user_id=connection.user_id, conversation_id=connection.conversation_id)
