"""Chat events out (issue #24, docs/events.md): which integration events one conversations-stream
record yields, decided from its old and new image. Pure: no boto3, no clock.

Schema version 1. Never in an event: message text, masked originals, the customer's name, e-mail,
phone or memo, the rating comment, internal transfer notes (there is no setting to allow them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.entities import Conversation

SOURCE = "livechat"
SCHEMA_VERSION = 1

CHAT_STARTED = "Chat Started"
CHAT_ASSIGNED = "Chat Assigned"
CHAT_TRANSFERRED = "Chat Transferred"
CHAT_ENDED = "Chat Ended"
CHAT_RATED = "Chat Rated"
# The order events of one record are published in (a record can both assign and transfer, say).
DETAIL_TYPES = (CHAT_STARTED, CHAT_ASSIGNED, CHAT_TRANSFERRED, CHAT_ENDED, CHAT_RATED)


@dataclass(frozen=True)
class ChatEvent:
    detail_type: str
    detail: dict[str, Any]


def _base(event_id: str, detail_type: str, conv: Conversation) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        # Consumers dedupe on it: a redelivered stream record yields the same id (at-least-once).
        "idempotencyId": f"{event_id}#{detail_type}",
        "conversationId": conv.conversation_id,
        "teamId": conv.team_id,
        "agentId": conv.agent_id,
        "state": conv.state,
        "inboundAt": conv.inbound_at,
    }


def chat_events(event_id: str, old: Conversation | None, new: Conversation | None) -> list[ChatEvent]:
    """The events one record yields (INSERT: old is None; REMOVE: new is None, yields nothing)."""
    if new is None:
        return []
    events: list[ChatEvent] = []

    def add(detail_type: str, **fields: Any) -> None:
        events.append(ChatEvent(detail_type, {**_base(event_id, detail_type, new), **fields}))

    if old is None:
        add(CHAT_STARTED)
    # Assigned: the chat has an agent now that it did not have (first assignment, requeue then accept).
    moved = old is None or old.agent_id != new.agent_id or old.assigned_at != new.assigned_at
    if new.agent_id and new.assigned_at and moved:
        old_hops = len(old.transfers or []) if old else 0
        new_hops = len(new.transfers or [])
        if new_hops == old_hops:  # a transfer to an agent is reported as the transfer only
            add(CHAT_ASSIGNED, assignedAt=new.assigned_at, firstAssignedAt=new.first_assigned_at)
    old_hops = len(old.transfers or []) if old else 0
    for hop in (new.transfers or [])[old_hops:]:
        add(
            CHAT_TRANSFERRED,
            transferredAt=hop.at,
            byId=hop.by,
            fromAgentId=hop.from_agent_id,
            toAgentId=hop.to_agent_id,
            toTeamId=hop.to_team_id,
        )
    if new.is_ended and not (old is not None and old.is_ended):
        add(
            CHAT_ENDED,
            endedAt=new.ended_at,
            endedBy=_ended_by(new),
            endReason=new.end_reason,
            firstResponseAt=new.first_response_at,
            answered=new.first_response_at is not None,
        )
    if new.rating and not (old is not None and old.rating):
        add(CHAT_RATED, rating=new.rating, ratedAt=new.rated_at)
    # Several hops in one record keep their ids apart.
    seen: dict[str, int] = {}
    for event in events:
        n = seen.get(event.detail_type, 0)
        seen[event.detail_type] = n + 1
        if n:
            event.detail["idempotencyId"] += f"#{n}"
    return events


def _ended_by(conv: Conversation) -> str | None:
    """Who ended it, as a role (`customer`, `agent`, `system`); the store keeps the role, never an id."""
    return "system" if conv.end_reason else conv.ended_by


def event_entries(events: list[ChatEvent], bus_name: str) -> list[dict[str, Any]]:
    """PutEvents entries (Detail as JSON text)."""
    import json

    return [
        {
            "Source": SOURCE,
            "DetailType": e.detail_type,
            "Detail": json.dumps(e.detail, sort_keys=True),
            "EventBusName": bus_name,
        }
        for e in events
    ]
