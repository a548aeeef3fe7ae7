"""The presence sweep: what `$disconnect` missed (API Gateway delivers it only on a best-effort basis).

Run on a schedule (app.py `presence_sweep`). Each run:
1. asks the management API about every cached connection of agents and of customers in live
   chats; the ones that are gone (410) are removed everywhere they are cached;
2. an agent who is online or on break with no live connection is first noted
   (`disconnected_since`), and set offline once that lasts `AGENT_OFFLINE_AFTER_SECONDS`
   (default 300): their unanswered chats return to the queue (the same path as choosing offline).
Only Queries on indexes (agents by status, the queue, chats by live agent): no Scan.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from chalicelib.bootstrap import adapters, clock, store
from chalicelib.domain import model as rules
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.services import agent_status, notify
from chalicelib.services.assignment import queue_teams

log = logging.getLogger(__name__)

DEFAULT_OFFLINE_AFTER_SECONDS = 300


def offline_after_ms() -> int:
    return int(os.environ.get("AGENT_OFFLINE_AFTER_SECONDS", DEFAULT_OFFLINE_AFTER_SECONDS)) * 1000


def _gone(connection_id: str, now: int) -> bool:
    item = store().connections.get(connection_id)
    if item is not None and rules.may_still_be_connecting(int(item.connected_at or 0), now):
        return False
    return adapters().pusher.is_gone(connection_id)


def sweep(now_ms: int | None = None) -> dict[str, Any]:
    now = clock() if now_ms is None else now_ms
    agents = store().agents.in_every_status()
    removed = 0
    for agent in agents:
        for connection_id in sorted(agent.connection_ids or ()):
            if _gone(connection_id, now):
                notify.forget_connection(connection_id, agent_id=agent.agent_id)
                removed += 1
    customers = [c for team_id in queue_teams() for c in store().queues.waiting_connections(team_id)]
    for agent in agents:
        customers += [
            (c.conversation_id, c.customer_connections or set()) for c in store().queues.live_of(agent.agent_id)
        ]
    for conversation_id, customer_connections in customers:
        for connection_id in sorted(customer_connections):
            if _gone(connection_id, now):
                notify.forget_connection(connection_id, conversation_id=conversation_id)
                removed += 1
    offline: list[str] = []
    for agent in agents:
        if agent.status == AgentStatus.OFFLINE.value:
            continue
        agent = store().agents.get(agent.agent_id) or agent
        if agent.connection_ids:
            if agent.disconnected_since is not None:
                store().agents.clear_disconnected_since(agent.agent_id)
            continue
        if agent.disconnected_since is None:
            store().agents.mark_disconnected_since(agent.agent_id, now)
            continue
        if now - int(agent.disconnected_since) < offline_after_ms():
            continue
        principal = Principal(role=Role(agent.role), user_id=agent.agent_id)
        agent_status.set_status(principal, {"status": AgentStatus.OFFLINE.value})
        store().agents.clear_disconnected_since(agent.agent_id)
        offline.append(agent.agent_id)
    result: dict[str, Any] = {"connectionsRemoved": removed, "agentsSetOffline": offline, "agentsChecked": len(agents)}
    log.info("presence sweep: %s", {**result, "agentsSetOffline": len(offline)})
    return result
