"""An adjustable clock for tests of the local stack, on only with LOCAL_CLOCK_CONTROL=true.

The app's clock (`chalicelib.bootstrap.clock`, read by every service for its rules: the live-chat
timers, the sweeps, business hours, stored times) runs ahead of the wall clock by an offset that
`POST /_local/clock {"advanceMs": n}` moves forward (never back: stored times stay in order);
`GET /_local/clock` answers `{offsetMs, now}`. A test of the idle close then waits seconds, not
minutes. What keeps wall time: token lifetimes (auth/tokens.py), rate-limit windows, the gateway's
connection limits, the browser's own clock. Dev tooling, never packaged into a Lambda.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from chalicelib.domain.model import now_ms  # pure: imports no store (its tables need TABLE_PREFIX set first)

MAX_ADVANCE_MS = 7 * 24 * 3600 * 1000  # one request moves at most a week


class AdjustableClock:
    def __init__(self) -> None:
        self.offset_ms = 0

    def __call__(self) -> int:
        return now_ms() + self.offset_ms

    def advance(self, ms: int) -> None:
        self.offset_ms += ms


def enabled() -> bool:
    return os.environ.get("LOCAL_CLOCK_CONTROL", "").lower() == "true"


@contextmanager
def adjustable_clock() -> Iterator[AdjustableClock | None]:
    """While the stack runs: the app's clock replaced by an adjustable one, if enabled (else None)."""
    if not enabled():
        yield None
        return
    from chalicelib import bootstrap  # after the environment is complete: it builds the store

    clock = AdjustableClock()
    with bootstrap.use(clock=clock):
        yield clock


def add_clock_routes(router: web.UrlDispatcher, clock: AdjustableClock) -> None:
    async def read(_: web.Request) -> web.Response:
        return web.json_response({"offsetMs": clock.offset_ms, "now": clock()})

    async def advance(request: web.Request) -> web.Response:
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        ms = body.get("advanceMs") if isinstance(body, dict) else None
        if not isinstance(ms, int) or isinstance(ms, bool) or not 0 <= ms <= MAX_ADVANCE_MS:
            message = f"advanceMs: a whole number of milliseconds, 0 to {MAX_ADVANCE_MS}"
            return web.json_response({"code": "invalid_field", "field": "advanceMs", "message": message}, status=400)
        clock.advance(ms)
        return await read(request)

    router.add_get("/_local/clock", read)
    router.add_post("/_local/clock", advance)
