"""Supervision (issue #24): the list of live chats, watching one read-only, and leaving it.

Whispers are internal notes (services/notes.py) and a take-over is a transfer to the supervisor
(services/transfer.py `take_over_chat`); the rules are chalicelib/domain/supervision.py.

Watching stores the tab's connection id in the chat's `watcher_connections` (and the chat on the
connection item, so closing the tab leaves it): the pushes of the chat's staff side
(`notify.to_chat_agent`) reach it from the conversation item every push reads already, so a message
costs no request more, watched or not. The customer's side is never told.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib import observability
from chalicelib.bootstrap import clock, store
from chalicelib.domain.entities import Conversation
from chalicelib.domain.errors import ConversationEnded
from chalicelib.domain.model import ConversationState, Principal
from chalicelib.domain.notes import visible
from chalicelib.domain.supervision import (
    WATCH_FRAME_BUDGET_BYTES,
    WATCH_TRANSCRIPT_LIMIT,
    check_can_watch,
    check_may_supervise,
    fitting_prefix,
    waiting_ms,
)
from chalicelib.services.assignment import queue_teams
from chalicelib.services.routing_settings import load_routing_settings
from chalicelib.services.views import conversation_view, message_view


def live_chats(principal: Principal) -> dict[str, Any]:
    """Every waiting and active chat with its agent, team and waiting time, oldest first.

    No Scan: one Query per team queue (`queue-index`) and the live index's partition
    (`live-activity-index`, keys only) with a BatchGetItem per 100 chats.
    """
    check_may_supervise(principal)
    teams = load_routing_settings().teams
    names = {team.team_id: team.name for team in teams}
    chats: list[Conversation] = []
    for team_id in queue_teams(teams):
        chats += store().queues.waiting(team_id=team_id)
    waiting = len(chats)
    chats += store().lifecycle.live_chats()
    now = clock()
    chats.sort(key=lambda c: (c.inbound_at, c.conversation_id))
    return {
        "chats": [_row(conv, names, now) for conv in chats],
        "counts": {"waiting": waiting, "active": len(chats) - waiting},
        "at": now,
    }


def _row(conv: Conversation, team_names: dict[str, str], now: int) -> dict[str, Any]:
    state = ConversationState(conv.state)
    return {
        "conversationId": conv.conversation_id,
        "state": conv.state,
        "agentId": conv.agent_id,
        "agentName": conv.agent_name,
        "teamId": conv.team_id,
        "teamName": team_names.get(conv.team_id or "", conv.team_id),
        "customerName": conv.customer_name,
        "inquiryType": conv.inquiry_type,
        "inboundAt": conv.inbound_at,
        "assignedAt": conv.assigned_at,
        "waitingMs": waiting_ms(state, conv.inbound_at, conv.first_assigned_at or conv.assigned_at, now),
        "lastSeq": conv.last_seq,
        "lastMessageAt": conv.last_message_at,
    }


def watch(principal: Principal, connection_id: str, conversation_id: str) -> dict[str, Any]:
    """This tab joins the chat's staff pushes, then gets its transcript (`chat.watching`).

    Joined first, read second: a message stored meanwhile is in the transcript, pushed, or both
    (the console drops a seq it holds). A tab watches one chat at a time: the one before is left.
    """
    conv = store().conversations.get(conversation_id)
    check_can_watch(principal, conv.access)
    observability.annotate(conversation_id=conversation_id)
    connection = store().connections.get(connection_id)
    previous = connection.watching if connection is not None else None
    store().connections.set_watching(connection_id, conversation_id)
    watched = store().conversations.add_watcher(conversation_id, connection_id)
    if watched is None:
        store().connections.set_watching(connection_id, previous)
        raise ConversationEnded("the conversation has ended: read it in history")
    if previous and previous != conversation_id:
        store().conversations.remove_watcher(previous, connection_id)
    stored = store().messages.after(conversation_id, 0, WATCH_TRANSCRIPT_LIMIT)
    views = [message_view(m) for m in visible(principal, stored)]
    sizes = [len(json.dumps(v, ensure_ascii=False).encode("utf-8")) for v in views]
    views = views[: fitting_prefix(sizes, WATCH_FRAME_BUDGET_BYTES)]
    through = views[-1]["seq"] if views else 0
    return {
        "type": "chat.watching",
        "conversationId": conversation_id,
        "conversation": conversation_view(watched),
        "messages": views,
        "lastSeq": watched.last_seq,
        "throughSeq": through,
        "hasMore": through < watched.last_seq,
    }


def unwatch(principal: Principal, connection_id: str, conversation_id: str) -> dict[str, Any]:
    """This tab leaves the chat's pushes (also done by closing the tab or watching another chat)."""
    check_may_supervise(principal)
    store().conversations.remove_watcher(conversation_id, connection_id)
    connection = store().connections.get(connection_id)
    if connection is not None and connection.watching == conversation_id:
        store().connections.set_watching(connection_id, None)
    return {"type": "chat.unwatched", "conversationId": conversation_id}
