"""The queue and assignment (S-2): waiting chats go to online agents with room, oldest first."""

from __future__ import annotations

from typing import Any

from chalicelib import observability
from chalicelib.bootstrap import clock, store
from chalicelib.domain import model as rules
from chalicelib.domain.accounts import customer_facing_name
from chalicelib.domain.entities import Agent
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.model import AgentCapacity, Principal
from chalicelib.services import notify
from chalicelib.services.messages import append_system_message
from chalicelib.services.settings import ChatSettings, load_settings
from chalicelib.services.views import conversation_view

_ASSIGN_ATTEMPTS = 50


def capacity(agent: Agent, settings: ChatSettings) -> AgentCapacity:
    return AgentCapacity(
        agent_id=agent.agent_id,
        active_chats=int(agent.active_chats or 0),
        max_chats=rules.effective_max_chats(agent.max_chats, settings.max_chats_per_agent),
        last_assigned_at=int(agent.last_assigned_at or 0),
        chat_permission=bool(agent.chat_permission),
    )


def assign_waiting_chats(settings: ChatSettings | None = None, *, just_queued: str | None = None) -> int:
    """Give the oldest waiting chats to online agents with room, until either runs out.

    Safe to run concurrently: each assignment is one transaction that fails if the chat was
    taken or the agent filled up meanwhile; the loop then re-reads and tries again.
    `just_queued`: a chat this invocation queued and nobody has heard of yet; if it is the only
    one assigned, the queue everyone saw did not move and nobody is told (no push to every
    online agent for each chat that starts at once).
    """
    settings = settings or load_settings()
    assigned = 0
    queue_moved = False
    for _ in range(_ASSIGN_ATTEMPTS):
        head = store().conversations.waiting(limit=1)
        if not head:
            break
        agents = {a.agent_id: a for a in store().agents.online()}
        choice = rules.choose_agent([capacity(a, settings) for a in agents.values()])
        if choice is None:
            break
        conv, agent = head[0], agents[choice.agent_id]
        try:
            store().conversations.assign(
                conv,
                agent.agent_id,
                choice.max_chats,
                set(agent.connection_ids or ()),
                clock(),
                customer_facing_name(agent.display_name),
            )
        except Conflict:
            continue
        assigned += 1
        queue_moved = queue_moved or conv.conversation_id != just_queued
        observability.annotate(conversation_id=conv.conversation_id)
        observability.metric("Assignments")
        observability.metric("QueueWait", max(0, clock() - conv.inbound_at), "Milliseconds")
        _announce_assignment(conv.conversation_id, agent)
    if queue_moved:
        push_queue_positions()
    return assigned


def _announce_assignment(conversation_id: str, agent: Agent) -> None:
    # A tab that connected while this chat was being assigned is missing from its push targets when
    # its $connect listed the agent's live chats before the assignment committed: add it now.
    agent = store().agents.get(agent.agent_id) or agent
    conv = store().conversations.get(conversation_id)
    missing = (agent.connection_ids or set()) - (conv.agent_connections or set())
    for connection_id in sorted(missing):
        store().conversations.add_agent_connection(conversation_id, agent.agent_id, connection_id)
    if missing:
        conv = store().conversations.get(conversation_id)
    template = None if conv.agent_name else "agent_joined_unnamed"  # no display name: never the e-mail
    append_system_message(conv, "agent_joined", template=template, name=conv.agent_name or "")
    conv = store().conversations.get(conversation_id)
    notify.to_agent(agent, {"type": "chat.assigned", "conversation": conversation_view(conv)})
    notify.to_customer(conv, {"type": "chat.started", "conversationId": conversation_id, "agentName": conv.agent_name})


def push_queue_positions() -> None:
    """The queue moved: every waiting customer learns their new place, every online agent the count."""
    waiting = store().conversations.waiting_connections()
    for position, (conversation_id, customer_connections) in enumerate(waiting, start=1):
        if customer_connections:
            frame = {"type": "chat.queued", "conversationId": conversation_id, "position": position}
            notify.send(customer_connections, frame, conversation_id=conversation_id)
    notify.to_agents(store().agents.online(), {"type": "queue.changed", "waiting": len(waiting)})


def queue(principal: Principal) -> dict[str, Any]:
    require_staff(principal)
    waiting = store().conversations.waiting()
    return {
        "waiting": len(waiting),
        "chats": [{**conversation_view(c), "position": i} for i, c in enumerate(waiting, start=1)],
    }


def require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("agents and admins only")
