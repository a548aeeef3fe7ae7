"""The tickets table's stream function's use case: each record's ticket and inquiry events
(chalicelib/domain/ticket_events.py) published to the chat-events bus (docs/events.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib import bootstrap
from chalicelib.bootstrap import store
from chalicelib.services import stream_batch


def _image(record: dict[str, Any], name: str) -> Any:
    image = record["dynamodb"].get(name)
    return store().tickets.ticket_of_image(image) if image else None


def publish_record(record: dict[str, Any]) -> str:
    """`published`, `nothing` (no event, or publishing is off) or `ignored` (REMOVE)."""
    from chalicelib.domain.ticket_events import ticket_events

    event_id = record["eventID"]
    if not isinstance(event_id, str) or not event_id:
        raise ValueError("a stream record without an eventID")
    if record["eventName"] == "REMOVE":
        return "ignored"
    events = ticket_events(event_id, _image(record, "OldImage"), _image(record, "NewImage"))
    return "published" if bootstrap.events().publish(events, f"ticket events of record {event_id}") else "nothing"


def apply_stream_batch(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return stream_batch.apply_in_order(records, publish_record, "ticket events")
