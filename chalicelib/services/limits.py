"""Per-connection limits on the WebSocket: a frame rate limit and the expiry of the connecting token.

API Gateway checks nothing after $connect, so each frame is admitted here, in one conditional
UpdateItem that also loads the connection (it replaces the GetItem the handler needed anyway).
Configuration (environment, read per call so it can change without a deploy of code):
- WS_RATE_LIMIT: frames per window per connection (default 30);
- WS_RATE_WINDOW_SECONDS: the window (default 10 s).
A frame over the limit gets an `error` frame `rate_limited` and is not processed.

Light frames (`ping`, `typing`: nothing is stored for them) are not written: they cost one
consistent GetItem of the connection and no write unit (issue #26). They are refused when the
connection's stored window is already full, and counted against the same limit in this container's
memory. That bound is per container, so a flood spread over N warm containers gets at most N × the
limit through; API Gateway's stage throttling caps the whole, and nothing a light frame does
stores anything or reaches more than the other side of one chat.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict

from chalicelib.bootstrap import store
from chalicelib.domain.errors import Forbidden, RateLimited, Unauthorized
from chalicelib.domain.model import Principal, Role

DEFAULT_RATE_LIMIT = 30
DEFAULT_RATE_WINDOW_SECONDS = 10
# A connection may outlive its token by this much (clock skew, a frame in flight) before it is refused.
TOKEN_GRACE_SECONDS = 60
LIGHT_ACTIONS = frozenset({"ping", "typing"})
# Connections a container remembers the light frames of (least recently seen forgotten first).
LIGHT_COUNTS_KEPT = 10_000


class LightFrameCounts:
    """Per connection, the light frames of the current window seen by this container."""

    def __init__(self, kept: int = LIGHT_COUNTS_KEPT) -> None:
        self._kept = kept
        self._lock = threading.Lock()
        self._counts: OrderedDict[str, tuple[int, int]] = OrderedDict()

    def admit(self, connection_id: str, window_start: int, limit: int) -> bool:
        with self._lock:
            window, count = self._counts.pop(connection_id, (window_start, 0))
            if window != window_start:
                window, count = window_start, 0
            admitted = count < limit
            self._counts[connection_id] = (window, count + 1 if admitted else count)
            while len(self._counts) > self._kept:
                self._counts.popitem(last=False)
            return admitted


_light_counts = LightFrameCounts()


def rate_limit() -> tuple[int, int]:
    limit = int(os.environ.get("WS_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    window = int(os.environ.get("WS_RATE_WINDOW_SECONDS", DEFAULT_RATE_WINDOW_SECONDS))
    return max(limit, 1), max(window, 1)


def admit_frame(connection_id: str, now: float | None = None, *, light: bool = False) -> Principal:
    """The connection's principal if this frame may be processed; else Forbidden/Unauthorized/RateLimited.
    `light`: a ping or typing frame, checked without a write (above)."""
    now = time.time() if now is None else now
    limit, window = rate_limit()
    window_start = int(now // window) * window
    if light:
        connection = store().connections.get(connection_id)
        stored_full = (
            connection is not None
            and connection.rate_window == window_start
            and int(connection.rate_count or 0) >= limit
        )
        admitted = (
            connection is not None and not stored_full and _light_counts.admit(connection_id, window_start, limit)
        )
    else:
        connection, admitted = store().connections.count_frame(connection_id, window_start, limit)
    if connection is None:
        raise Forbidden("unknown connection; reconnect")
    if connection.token_expires_at is not None and now > connection.token_expires_at + TOKEN_GRACE_SECONDS:
        raise Unauthorized("the token of this connection has expired; renew it and reconnect")
    if not admitted:
        raise RateLimited(f"more than {limit} frames in {window} s; slow down and retry")
    return Principal(role=Role(connection.role), user_id=connection.user_id, conversation_id=connection.conversation_id)
