"""Chat events out (docs/events.md): PutEvents to the stack's EventBridge bus (`EVENT_BUS_NAME`;
empty: publishing is off). One client per process, created on first use, as for KMS."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config as BotoConfig

from chalicelib.config import get_config

if TYPE_CHECKING:
    from chalicelib.domain.chat_events import ChatEvent

PUT_EVENTS_MAX_ENTRIES = 10
_BOTO_CONFIG = BotoConfig(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
_lock = threading.Lock()
_client: Any = None


def bus_name() -> str:
    return os.environ.get("EVENT_BUS_NAME", "")


def _events() -> Any:
    global _client
    with _lock:
        if _client is None:
            _client = boto3.session.Session().client("events", region_name=get_config().region, config=_BOTO_CONFIG)
        return _client


def put_events(entries: list[dict[str, Any]], what: str) -> None:
    """PutEvents in calls of ten; raises when any entry was not put (the stream record is retried)."""
    for start in range(0, len(entries), PUT_EVENTS_MAX_ENTRIES):
        answer = _events().put_events(Entries=entries[start : start + PUT_EVENTS_MAX_ENTRIES])
        if answer.get("FailedEntryCount"):
            raise RuntimeError(f"{what}: {answer['FailedEntryCount']} events not put")


def publish(events: list[ChatEvent], what: str) -> int:
    """PutEvents for one stream record's events on the stack's bus; raises if any entry failed (the
    record is retried). The number published: 0 when publishing is off (EVENT_BUS_NAME empty)."""
    bus = bus_name()
    if not bus or not events:
        return 0
    from chalicelib.domain.chat_events import event_entries

    put_events(event_entries(events, bus), what)
    return len(events)
