"""An agent's status (S-1) and what follows a change of it or of the agent's account."""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import clock, store
from chalicelib.domain.entities import Agent
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.model import AgentStatus, Principal
from chalicelib.domain.routing import queue_team_id
from chalicelib.domain.validation import enum_field
from chalicelib.services import notify, wallboard
from chalicelib.services.assignment import assign_waiting_chats, push_queue_positions
from chalicelib.services.messages import append_system_message
from chalicelib.services.routing_settings import load_routing_settings
from chalicelib.services.settings import load_settings
from chalicelib.services.views import agent_view


def agent_state(principal: Principal) -> dict[str, Any]:
    agent = store().agents.ensure(principal)
    return agent_view(agent, load_settings().max_chats_per_agent)


def set_status(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    if not principal.is_staff:
        raise Forbidden("only agents have a status")
    status = enum_field(body, "status", AgentStatus)
    assert status is not None
    agent = store().agents.ensure(principal)
    if agent.disabled:
        raise Forbidden("this account is disabled")
    settings = load_settings()
    store().agents.set_status(agent, status, clock())
    returned = _return_unanswered_chats(agent) if status is not AgentStatus.ONLINE else 0
    agent = store().agents.get(agent.agent_id) or agent
    view = agent_view(agent, settings.max_chats_per_agent)
    notify.to_agent(agent, {"type": "agent.status", **view})
    if not assign_waiting_chats(settings) and returned:
        push_queue_positions()  # returned chats moved ahead of those already waiting
    wallboard.signal("agent.status")  # the wallboard shows everyone's status (its chats come by the stream)
    return view


def _return_unanswered_chats(agent: Agent, *, answered_too: bool = False) -> int:
    """Break or offline: chats not yet answered go back to the queue; answered ones stay (all go
    with `answered_too`: a disabled account will not answer them)."""
    returned = 0
    teams = None  # read once, and only when a chat goes back
    for conv in store().queues.live_of(agent.agent_id):
        if conv.first_response_at is not None and not answered_too:
            continue
        teams = load_routing_settings().teams if teams is None else teams
        try:
            store().lifecycle.return_to_queue(
                conv, agent.agent_id, to_team_id=queue_team_id(teams, conv.team_id), answered_too=answered_too
            )
        except Conflict:
            continue  # answered or ended meanwhile
        returned += 1
        notify.to_agent(agent, {"type": "chat.unassigned", "conversationId": conv.conversation_id})
        append_system_message(store().conversations.get(conv.conversation_id), "returned_to_queue")
    return returned


def apply_agent_change(agent_id: str) -> int:
    """After an admin changed an agent (chat permission, maximum, disabled): act on it at once.

    An agent who may no longer take chats gives back the unanswered ones (answered chats stay
    until ended; a disabled account gives back all of them); the agent's tabs get the new
    `agent.status` (the console hides or shows its chat widget by `chatPermission`); freed or
    added capacity takes waiting chats.
    """
    agent = store().agents.get(agent_id)
    if agent is None:
        return 0
    may_chat = bool(agent.chat_permission) and not agent.disabled and agent.status == AgentStatus.ONLINE.value
    returned = 0 if may_chat else _return_unanswered_chats(agent, answered_too=bool(agent.disabled))
    agent = store().agents.get(agent_id) or agent
    settings = load_settings()
    notify.to_agent(agent, {"type": "agent.status", **agent_view(agent, settings.max_chats_per_agent)})
    if not assign_waiting_chats(settings) and returned:
        push_queue_positions()
    wallboard.signal("agent.account")  # permission, maximum or disabled: the wallboard's rows and capacity
    return returned
