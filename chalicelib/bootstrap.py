"""The one place services get their adapters from: the store, the pusher, the clock and the events out.

In Lambda and the local stack these are DynamoDB (chalicelib/store), the API Gateway management
API, the wall clock and EventBridge (chalicelib/realtime/event_bus.py), built on first use.
Tests run the same services on the in-memory store
(`chalicelib/store/memory`), a recording pusher and a clock they move, with `use(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.model import now_ms
from chalicelib.store.facade import Store, dynamo_store


@dataclass(frozen=True)
class Adapters:
    store: Store
    pusher: Any  # realtime.push.Pusher or a test double with send(ids, frame) -> gone ids, close(id)
    clock: Callable[[], int] = now_ms  # epoch ms
    events: Any = None  # realtime.event_bus (None: loaded on first use) or a double with publish(events, what)


_current: Adapters | None = None


def adapters() -> Adapters:
    global _current
    if _current is None:
        from chalicelib.realtime.push import pusher

        _current = Adapters(store=dynamo_store(), pusher=pusher)
    return _current


def store() -> Store:
    return adapters().store


def clock() -> int:
    return adapters().clock()


def events() -> Any:
    """Where the stream functions publish integration events (docs/events.md)."""
    chosen = adapters().events
    if chosen is None:
        from chalicelib.realtime import event_bus

        return event_bus
    return chosen


@contextmanager
def use(**overrides: Any) -> Iterator[Adapters]:
    """Run with some adapters replaced (`use(store=memory_store(), clock=lambda: 0)`), then restore."""
    global _current
    previous = adapters()
    _current = replace(previous, **overrides)
    try:
        yield _current
    finally:
        _current = previous
