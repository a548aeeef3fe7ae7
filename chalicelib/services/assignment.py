"""The queue and assignment (S-2): waiting chats go to online agents with room, oldest first."""

from __future__ import annotations

from typing import Any

from chalicelib import observability
from chalicelib.bootstrap import clock, store
from chalicelib.domain import model as rules
from chalicelib.domain.accounts import customer_facing_name
from chalicelib.domain.entities import Agent, Conversation
from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import AgentCapacity, AgentStatus, Principal, check_is_staff
from chalicelib.domain.routing import (
    AgentLoad,
    Team,
    WaitingChat,
    plan_assignments,
    queue_counts_for,
    team_for_inquiry_type,
)
from chalicelib.services import notify
from chalicelib.services.messages import append_system_message
from chalicelib.services.routing_settings import RoutingSettings, load_routing_settings
from chalicelib.services.settings import ChatSettings, load_settings
from chalicelib.services.views import conversation_view

_ASSIGN_ATTEMPTS = 50
_TEAM_QUEUE_READ = 50  # waiting chats read per team queue and round: the heads are what routing needs
_ANYONE = "#anyone"  # not a valid team id (ids are letters, digits, -_:.): never a configured team


def capacity(agent: Agent, settings: ChatSettings) -> AgentCapacity:
    return AgentCapacity(
        agent_id=agent.agent_id,
        active_chats=int(agent.active_chats or 0),
        max_chats=rules.effective_max_chats(agent.max_chats, settings.max_chats_per_agent),
        last_assigned_at=int(agent.last_assigned_at or 0),
        chat_permission=bool(agent.chat_permission),
    )


def agent_load(agent: Agent) -> AgentLoad:
    """The agent's presence and load as routing reads it (a disabled account counts as offline)."""
    status = AgentStatus.OFFLINE if agent.disabled else AgentStatus(agent.status)
    return AgentLoad(
        agent_id=agent.agent_id,
        status=status,
        active_chats=int(agent.active_chats or 0),
        last_assigned_at=int(agent.last_assigned_at or 0),
        max_chats_override=agent.max_chats,
        chat_permission=bool(agent.chat_permission),
    )


def queue_teams(teams: tuple[Team, ...] | None = None) -> list[str | None]:
    """Every queue partition to read: one per team, and the one of chats without a team."""
    teams = load_routing_settings().teams if teams is None else teams
    return [None, *(team.team_id for team in teams)]


def assign_waiting_chats(
    settings: ChatSettings | None = None, *, just_queued: str | None = None, routing: RoutingSettings | None = None
) -> int:
    """Give the oldest waiting chats to online agents with room, until either runs out.

    Safe to run concurrently: each assignment is one transaction that fails if the chat was
    taken or the agent filled up meanwhile; the loop then re-reads and tries again.
    `just_queued`: a chat this invocation queued and nobody has heard of yet; if it is the only
    one assigned, the queue everyone saw did not move and nobody is told (no push to every
    online agent for each chat that starts at once).
    With teams (routing settings), each team's queue is served by its members, oldest queue head
    first (`routing.plan_assignments`); without, one queue and every online agent, as before.
    """
    settings = settings or load_settings()
    teams = (routing or load_routing_settings()).teams
    assigned, queue_moved = (_assign_by_team if teams else _assign_one_queue)(settings, teams, just_queued)
    if queue_moved:
        push_queue_positions(teams)
    return assigned


def _assign_one_queue(settings: ChatSettings, teams: tuple[Team, ...], just_queued: str | None) -> tuple[int, bool]:
    assigned = 0
    queue_moved = False
    for _ in range(_ASSIGN_ATTEMPTS):
        head = store().queues.waiting(limit=1)
        if not head:
            break
        agents = {a.agent_id: a for a in store().agents.online()}
        choice = rules.choose_agent([capacity(a, settings) for a in agents.values()])
        if choice is None:
            break
        if _assign(head[0], agents[choice.agent_id], choice.max_chats):
            assigned += 1
            queue_moved = queue_moved or head[0].conversation_id != just_queued
    return assigned, queue_moved


def _assign_by_team(settings: ChatSettings, teams: tuple[Team, ...], just_queued: str | None) -> tuple[int, bool]:
    """Plan on one read of the online agents and of each team's queue, carry the plan out; a step
    that loses a race (the chat taken, the agent full) ends the round and the next re-reads."""
    catch_all = team_for_inquiry_type(teams, None)
    assigned = 0
    queue_moved = False
    for _ in range(_ASSIGN_ATTEMPTS):
        agents = {a.agent_id: a for a in store().agents.online()}
        if not agents:
            break
        chats: dict[str, Conversation] = {}
        waiting: list[WaitingChat] = []
        # Chats without a team (queued before teams existed) are the catch-all team's to serve, or,
        # without one, anyone's: a team of every online agent that only they wait in.
        anyone = Team(_ANYONE, "", frozenset(agents), frozenset())
        routing_teams = (*teams, anyone) if catch_all is None else teams
        for team_id in queue_teams(teams):
            routed_as = team_id or (catch_all.team_id if catch_all else _ANYONE)
            for conv in store().queues.waiting(limit=_TEAM_QUEUE_READ, team_id=team_id):
                chats[conv.conversation_id] = conv
                waiting.append(WaitingChat(conv.conversation_id, routed_as, conv.queued_key or ""))
        plan = plan_assignments(
            routing_teams,
            waiting,
            [agent_load(a) for a in agents.values()],
            default_max_chats=settings.max_chats_per_agent,
            now_ms=clock(),
        )
        if not plan:
            break
        for step in plan:
            conv = chats[step.conversation_id]
            if not _assign(conv, agents[step.agent_id], step.max_chats):
                break
            assigned += 1
            queue_moved = queue_moved or conv.conversation_id != just_queued
    return assigned, queue_moved


def _assign(conv: Conversation, agent: Agent, max_chats: int) -> bool:
    try:
        store().lifecycle.assign(
            conv,
            agent.agent_id,
            max_chats,
            set(agent.connection_ids or ()),
            clock(),
            customer_facing_name(agent.display_name),
        )
    except Conflict:
        return False
    observability.annotate(conversation_id=conv.conversation_id)
    observability.metric("Assignments")
    observability.metric("QueueWait", max(0, clock() - conv.inbound_at), "Milliseconds")
    _announce_assignment(conv.conversation_id, agent)
    return True


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


def waiting_counts(teams: tuple[Team, ...] | None = None) -> tuple[int, dict[str, int]]:
    """Chats waiting in all queues, and per team (one COUNT Query per queue)."""
    per_team = {team_id or "": store().queues.queue_length(team_id) for team_id in queue_teams(teams)}
    return sum(per_team.values()), {team_id: n for team_id, n in per_team.items() if team_id}


def push_queue_counts(teams: tuple[Team, ...] | None = None, counts: dict[str | None, int] | None = None) -> None:
    """`queue.changed` to every online staff member: an agent the counts of the queues they serve
    (their teams'), an admin every queue's (domain/routing.queue_counts_for)."""
    teams = load_routing_settings().teams if teams is None else teams
    if counts is None:
        counts = {team_id: store().queues.queue_length(team_id) for team_id in queue_teams(teams)}
    for agent in store().agents.online():
        seen = queue_counts_for(agent.agent_id, agent.role == "admin", teams, counts)
        notify.to_agent(agent, {"type": "queue.changed", "waiting": seen.waiting, "teams": seen.teams})


def push_queue_positions(teams: tuple[Team, ...] | None = None) -> None:
    """The queue moved: every waiting customer learns their new place (within their team's queue),
    every online staff member the counts they see."""
    teams = load_routing_settings().teams if teams is None else teams
    counts: dict[str | None, int] = {}
    for team_id in queue_teams(teams):
        waiting = store().queues.waiting_connections(team_id)
        for position, (conversation_id, customer_connections) in enumerate(waiting, start=1):
            if customer_connections:
                frame = {"type": "chat.queued", "conversationId": conversation_id, "position": position}
                notify.send(customer_connections, frame, conversation_id=conversation_id)
        counts[team_id] = len(waiting)
    push_queue_counts(teams, counts)


def queue(principal: Principal) -> dict[str, Any]:
    check_is_staff(principal)
    chats = []
    for team_id in queue_teams():
        waiting = store().queues.waiting(team_id=team_id)
        chats += [{**conversation_view(c), "position": i} for i, c in enumerate(waiting, start=1)]
    return {"waiting": len(chats), "chats": chats}
