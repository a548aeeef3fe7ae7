"""Who hears about what: fan-out of events to the cached connection sets, and gone-connection cleanup."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.bootstrap import adapters, clock, store
from chalicelib.domain import model as rules
from chalicelib.domain.entities import Agent, Connection, Conversation
from chalicelib.realtime.push import FAN_OUT_WORKERS

log = logging.getLogger(__name__)


def forget_connection(connection_id: str, *, conversation_id: str | None = None, agent_id: str | None = None) -> None:
    """Remove a closed connection everywhere it is cached, then its own item."""
    _forget(connection_id, store().connections.get(connection_id), conversation_id=conversation_id, agent_id=agent_id)


def _forget_gone(connection_id: str, **context: str | None) -> None:
    """A push was answered 410. A connection still in its $connect gets that answer too (its id is
    cached as soon as $connect stores it, before the gateway opens it): keep it; the client catches
    up on open. An older one is gone for good."""
    connection = store().connections.get(connection_id)
    if connection is not None and rules.may_still_be_connecting(int(connection.connected_at or 0), clock()):
        log.info("push to %s answered 410 while it may still be connecting; kept", connection_id)
        return
    _forget(connection_id, connection, **context)


def _forget(
    connection_id: str,
    connection: Connection | None,
    *,
    conversation_id: str | None = None,
    agent_id: str | None = None,
) -> None:
    if connection is not None:
        conversation_id = conversation_id or connection.conversation_id
        if connection.role != "customer":
            agent_id = connection.user_id  # the tab's own staff member (a watcher's is not the chat's agent)
        if connection.watching and connection.watching != conversation_id:
            store().conversations.remove_watcher(connection.watching, connection_id)
    if agent_id:
        store().agents.remove_connection(agent_id, connection_id)
        for conv in store().queues.live_of(agent_id):
            if connection_id in (conv.agent_connections or set()):
                store().conversations.remove_connection(conv.conversation_id, connection_id)
    if conversation_id:
        store().conversations.remove_connection(conversation_id, connection_id)
    if connection is not None:
        store().connections.delete(connection_id)


def send(connection_ids: Iterable[str], frame: dict[str, Any], **context: str | None) -> None:
    for gone in adapters().pusher.send(connection_ids, frame):
        _forget_gone(gone, **context)


def to_customer(conv: Conversation, frame: dict[str, Any], *, skip: str | None = None) -> None:
    ids = [c for c in (conv.customer_connections or set()) if c != skip]
    send(ids, frame, conversation_id=conv.conversation_id)


def chat_staff_connections(conv: Conversation) -> set[str]:
    """The chat's staff side: its agent's tabs and the tabs of supervisors watching it (both cached
    on the conversation item every push already reads: no request more, watched or not)."""
    return set(conv.agent_connections or ()) | set(conv.watcher_connections or ())


def to_chat_agent(conv: Conversation, frame: dict[str, Any], *, skip: str | None = None) -> None:
    """The chat's staff side (`chat_staff_connections`); never its customer."""
    ids = sorted(c for c in chat_staff_connections(conv) if c != skip)
    send(ids, frame, conversation_id=conv.conversation_id, agent_id=conv.agent_id)


def to_both_sides(conv: Conversation, frame: dict[str, Any], *, skip: str | None = None) -> None:
    to_customer(conv, frame, skip=skip)
    to_chat_agent(conv, frame, skip=skip)


def to_agent(agent: Agent, frame: dict[str, Any]) -> None:
    send(agent.connection_ids or set(), frame, agent_id=agent.agent_id)


def to_agents(agents: Iterable[Agent], frame: dict[str, Any]) -> None:
    for agent in agents:
        to_agent(agent, frame)


def to_connection(connection_id: str, frame: dict[str, Any]) -> None:
    send([connection_id], frame)


def close_agent_connections(agent_id: str) -> int:
    """Close every open connection of an agent (all tabs) through the management API and forget them."""
    agent = store().agents.get(agent_id)
    ids = set(agent.connection_ids or ()) if agent is not None else set()
    ids.update(store().connections.of_staff(agent_id))
    for connection_id in ids:
        adapters().pusher.close(connection_id)
        forget_connection(connection_id, agent_id=agent_id)
    return len(ids)


def to_all_staff(agents: Iterable[Agent], frame: dict[str, Any]) -> None:
    """Every open console and admin tab, whatever the agent's status.

    A few agents at a time: one POST per tab, and a large centre has hundreds of tabs open.
    """
    listening = [a for a in agents if a.connection_ids]
    if len(listening) <= 1:
        to_agents(listening, frame)
        return
    with ThreadPoolExecutor(max_workers=FAN_OUT_WORKERS) as pool:
        list(pool.map(lambda agent: to_agent(agent, frame), listening))
