"""The queues (one per team) and each agent's live chats: reads of the queue and live-agent
indexes, and the writes over a whole queue or an agent's live chats (a team's chats moved, the
agent's new name)."""

from __future__ import annotations

from chalicelib.domain.entities import Conversation
from chalicelib.domain.model import ConversationState
from chalicelib.store import keys
from chalicelib.store.conversation_items import team_action, update_unless_refused
from chalicelib.store.convert import conversation_entity
from chalicelib.store.models import ConversationModel


def waiting(limit: int | None = None, team_id: str | None = None) -> list[Conversation]:
    """A team's queue (the chats without a team: team_id None), oldest first."""
    items = ConversationModel.in_queue.query(keys.queue_partition(team_id), limit=limit, scan_index_forward=True)
    return [conversation_entity(c) for c in items]


def waiting_connections(team_id: str | None = None) -> list[tuple[str, set[str]]]:
    """A team's queue, oldest first, as (conversation id, customer connections): what a position push needs."""
    items = ConversationModel.in_queue.query(
        keys.queue_partition(team_id),
        scan_index_forward=True,
        attributes_to_get=["conversation_id", "queued_key", "customer_connections"],
    )
    return [(c.conversation_id, set(c.customer_connections or ())) for c in items]


def queue_position(conv: Conversation) -> int:
    """1 for the oldest chat of its team's queue."""
    return ConversationModel.in_queue.count(
        keys.queue_partition(conv.team_id), ConversationModel.queued_key <= conv.queued_key
    )


def queue_length(team_id: str | None = None) -> int:
    return ConversationModel.in_queue.count(keys.queue_partition(team_id))


def queue_summary(team_id: str | None = None) -> tuple[int, int | None]:
    """A team's queue as the wallboard shows it: how many wait, and since when the longest-waiting chat
    came in (None: nobody waits). One Query of the queue partition (what a COUNT Query reads too)."""
    items = ConversationModel.in_queue.query(
        keys.queue_partition(team_id), attributes_to_get=["conversation_id", "queued_key", "inbound_at"]
    )
    arrivals = [int(c.inbound_at) for c in items]
    return len(arrivals), (min(arrivals) if arrivals else None)


def move_waiting(from_team_id: str, to_team_id: str | None) -> int:
    """The chats still waiting in a team's queue move to another's (a team removed from the settings),
    each at its place by first arrival; a chat taken meanwhile is left alone."""
    moved = 0
    for conv in waiting(team_id=from_team_id):
        if update_unless_refused(
            conv.conversation_id,
            [ConversationModel.queue_partition.set(keys.queue_partition(to_team_id)), team_action(to_team_id)],
            (ConversationModel.state == ConversationState.WAITING.value) & (ConversationModel.team_id == from_team_id),
        ):
            moved += 1
    return moved


def live_of(agent_id: str) -> list[Conversation]:
    return [conversation_entity(c) for c in ConversationModel.live_by_agent.query(agent_id, scan_index_forward=True)]


def set_live_agent_name(agent_id: str, agent_name: str | None) -> list[Conversation]:
    """The agent's live chats show the new name from the next message on (one update per live chat)."""
    changed = []
    for conv in live_of(agent_id):
        action = ConversationModel.agent_name.set(agent_name) if agent_name else ConversationModel.agent_name.remove()
        if update_unless_refused(conv.conversation_id, [action], ConversationModel.agent_id == agent_id):
            conv.agent_name = agent_name or None
            changed.append(conv)  # not if returned to the queue or ended meanwhile
    return changed
