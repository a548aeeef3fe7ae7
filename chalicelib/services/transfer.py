"""Transfer (전환, issue #21): the assigned agent or an admin hands a live chat to another agent, or
to a team's queue, with an optional internal note for the receiver.

The refusals are `transfer_rules.check_can_transfer_*` (typed errors, docs/protocol.md); the move is one
conditional transaction on the assignment the chat was read in (state, agent, assigned_at) and on
the receiver's capacity, so of two racing transfers or a transfer and an end, one wins and the
other gets 409. The record keeps every hop; the customer sees 상담원이 변경되었습니다 and the new
agent's display name; the transcript stays where it is (messages are keyed by the chat).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.bootstrap import clock, store
from chalicelib.domain.accounts import customer_facing_name, username_field
from chalicelib.domain.entities import Agent, Conversation, Transfer
from chalicelib.domain.errors import AgentUnavailable, Conflict, InvalidField, NotFound
from chalicelib.domain.model import ConversationState, Principal, Role
from chalicelib.domain.routing import Team, capacity_for
from chalicelib.domain.supervision import check_can_take_over
from chalicelib.domain.transfer_rules import (
    ChatForTransfer,
    TransferHop,
    check_can_transfer_to_agent,
    check_can_transfer_to_team,
    transfer_note_field,
)
from chalicelib.domain.validation import id_field, only_fields
from chalicelib.services import notify
from chalicelib.services.assignment import agent_load, assign_waiting_chats, push_queue_positions
from chalicelib.services.messages import append_system_message
from chalicelib.services.routing_settings import load_routing_settings
from chalicelib.services.settings import load_settings
from chalicelib.services.views import agent_view, conversation_view, transfer_view

_FIELDS = {"agentId", "teamId", "note", "conversationId", "action"}  # the last two: the WebSocket frame's


def check_not_moved_away(principal: Principal, conv: Conversation) -> None:
    """An agent acting on a chat that was just transferred away from them lost a race: 409, not 403."""
    if principal.role in (Role.AGENT, Role.SUPERVISOR) and conv.agent_id != principal.user_id and conv.transfers:
        if conv.transfers[-1].from_agent_id == principal.user_id:
            raise Conflict("the chat was transferred meanwhile")


def chat_to_transfer(principal: Principal, conversation_id: str) -> tuple[Principal, Conversation, ChatForTransfer]:
    """The caller with their account's chat permission, the chat as read, and its transfer facts:
    what both the transfer and its dialog's target list start from."""
    caller = store().agents.get(principal.user_id) if principal.is_staff else None
    if caller is not None:
        # The WebSocket's principal does not carry the account's chat permission (the REST edge's does).
        principal = replace(principal, may_chat=bool(caller.chat_permission) and not caller.disabled)
    conv = store().conversations.get(conversation_id)
    check_not_moved_away(principal, conv)
    return principal, conv, ChatForTransfer(conversation_id, ConversationState(conv.state), conv.agent_id, conv.team_id)


def transfer_chat(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """`{agentId}` or `{teamId}`, and an optional `note`. Answers the chat as stored after the move."""
    only_fields(body, _FIELDS)
    if ("agentId" in body) == ("teamId" in body):
        raise InvalidField("give either 'agentId' (an agent) or 'teamId' (a team's queue)", field="agentId")
    target_id = (username_field(body, "agentId") if "agentId" in body else id_field(body, "teamId")) or ""
    if not target_id:
        raise InvalidField("'agentId' is empty", field="agentId")
    note = transfer_note_field(body)
    principal, conv, chat = chat_to_transfer(principal, conversation_id)
    teams = load_routing_settings().teams
    now = clock()
    if "agentId" in body:
        return _to_agent(principal, conv, chat, target_id, teams, note, now)
    hop = check_can_transfer_to_team(principal, chat, target_id, teams, now_ms=now, note=note)
    store().lifecycle.transfer_to_queue(conv, _entity(hop))
    _tell_previous_agent(conv, hop)
    moved = store().conversations.get(conversation_id)
    append_system_message(moved, "agent_changed")
    if not assign_waiting_chats():
        push_queue_positions()  # it waits: everyone's place moved
    return conversation_view(store().conversations.get(conversation_id))


def _to_agent(
    principal: Principal,
    conv: Conversation,
    chat: ChatForTransfer,
    agent_id: str,
    teams: tuple[Team, ...],
    note: str,
    now: int,
) -> dict[str, Any]:
    target = store().agents.get(agent_id)
    if target is None:
        raise NotFound("no such agent", field="agentId")
    chat_team = next((t for t in teams if t.team_id == conv.team_id), None)
    default_max = load_settings().max_chats_per_agent
    load = agent_load(target)
    hop = check_can_transfer_to_agent(
        principal, chat, load, chat_team=chat_team, default_max_chats=default_max, now_ms=now, note=note
    )
    return _move_to_agent(conv, hop, target, capacity_for(load, chat_team, default_max), default_max, now)


def take_over_chat(principal: Principal, conversation_id: str) -> dict[str, Any]:
    """A supervisor's take-over (issue #24): the chat transferred to themselves, as a transfer in
    everything (the race rule, the capacity, the hop on the record, 상담원이 변경되었습니다 for the
    customer) but the check (`domain/supervision.check_can_take_over`: on break too). The
    supervisor has the chat on screen, so it is marked opened: no accept window runs."""
    principal, conv, chat = chat_to_transfer(principal, conversation_id)
    me = store().agents.get(principal.user_id)
    if me is None:  # never signed in to the console: no presence, no seat
        raise AgentUnavailable("set your status to online or break to take a chat over")
    chat_team = next((t for t in load_routing_settings().teams if t.team_id == conv.team_id), None)
    default_max = load_settings().max_chats_per_agent
    load = agent_load(me)
    now = clock()
    hop = check_can_take_over(
        principal, chat, load, chat_team=chat_team, default_max_chats=default_max, now_ms=now
    )
    limit = capacity_for(load, chat_team, default_max)
    view = _move_to_agent(conv, hop, me, limit, default_max, now, allow_break=True)
    moved = store().conversations.get(conversation_id)
    if store().lifecycle.mark_opened(moved, principal.user_id, clock()):
        view = conversation_view(moved)
    return view


def _move_to_agent(
    conv: Conversation,
    hop: TransferHop,
    target: Agent,
    limit: int,
    default_max: int,
    now: int,
    *,
    allow_break: bool = False,
) -> dict[str, Any]:
    """Store the move (one conditional transaction), then tell the previous agent, the receiver and the customer."""
    agent_id = target.agent_id
    name = customer_facing_name(target.display_name)
    connection_ids = set(target.connection_ids or ())
    store().lifecycle.transfer_to_agent(conv, _entity(hop), limit, connection_ids, name, now, allow_break=allow_break)
    _tell_previous_agent(conv, hop)
    # A tab that connected while the chat moved is missing from its push targets: add it (as assignment does).
    target = store().agents.get(agent_id) or target
    moved = store().conversations.get(conv.conversation_id)
    for connection_id in sorted((target.connection_ids or set()) - (moved.agent_connections or set())):
        store().conversations.add_agent_connection(conv.conversation_id, agent_id, connection_id)
    moved = store().conversations.get(conv.conversation_id)
    append_system_message(moved, "agent_changed")
    moved = store().conversations.get(conv.conversation_id)
    view = conversation_view(moved)
    notify.to_agent(target, {"type": "chat.assigned", "conversation": view, "transfer": transfer_view(_entity(hop))})
    notify.to_agent(target, {"type": "agent.status", **agent_view(target, default_max)})
    notify.to_customer(
        moved, {"type": "chat.transferred", "conversationId": conv.conversation_id, "agentName": moved.agent_name}
    )
    return view


def _tell_previous_agent(conv: Conversation, hop: TransferHop) -> None:
    previous = store().agents.get(conv.agent_id or "")
    if previous is None:
        return
    frame = {
        "type": "chat.unassigned",
        "conversationId": conv.conversation_id,
        "reason": "transferred",
        "toAgentId": hop.to_agent_id,
        "toTeamId": hop.to_team_id,
    }
    notify.to_agent(previous, frame)
    notify.to_agent(previous, {"type": "agent.status", **agent_view(previous, load_settings().max_chats_per_agent)})


def _entity(hop: TransferHop) -> Transfer:
    return Transfer(hop.by_user_id, hop.from_agent_id, hop.to_agent_id, hop.to_team_id, hop.at_ms, hop.note)
