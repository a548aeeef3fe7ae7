"""Conversations: the queue, each agent's live chats, and the lifecycle's conditional writes.

Every write that protects an invariant (an agent's maximum, a chat assigned once, the state a
change starts from) is conditional or transactional, so races lose cleanly with `Conflict`.
The index attributes (queue partition, live agent, history keys) are set and cleared only here.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Conversation, ReadMark
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import AgentStatus, ConversationState, Role, month_of
from chalicelib.store import keys
from chalicelib.store.convert import READ_SIDES, attribute_values, conversation_entity, read_mark_attribute
from chalicelib.store.dynamo import is_condition_failure, transaction
from chalicelib.store.models import AgentModel, ConversationModel


def _conversation(item: ConversationModel) -> Conversation:
    return conversation_entity(item)


def item_of(conv: Conversation) -> ConversationModel:
    """The whole item, with the index attributes its state implies (queue, live agent, history)."""
    conv.queued_key = conv.queued_key or keys.time_key(conv.inbound_at, conv.conversation_id)
    marks = {side: read_mark_attribute(mark) for side in READ_SIDES if (mark := getattr(conv, side)) is not None}
    return ConversationModel(
        conv.conversation_id,
        inbound_key=keys.time_key(conv.inbound_at, conv.conversation_id),
        inbound_month=month_of(conv.inbound_at),
        queue_partition=keys.QUEUE_PARTITION if conv.is_waiting else None,
        live_agent_id=conv.agent_id if conv.state == ConversationState.ACTIVE.value else None,
        customer_name_lower=conv.customer_name.lower() if conv.customer_name else None,
        **attribute_values(conv, ConversationModel, skip=("conversation_id", *READ_SIDES)),
        **marks,
    )


def create(conv: Conversation) -> Conversation:
    """Store a new waiting chat at the end of the queue (its place: the time it came in)."""
    conv.queued_key = None
    item = item_of(conv)
    try:
        item.save(condition=ConversationModel.conversation_id.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            raise Conflict("conversation exists") from exc
        raise
    return conv


def get(conversation_id: str) -> Conversation:
    try:
        return _conversation(ConversationModel.get(conversation_id, consistent_read=True))
    except DoesNotExist as exc:
        raise NotFound("no such conversation") from exc


def by_ids(conversation_ids: list[str]) -> dict[str, Conversation]:
    """BatchGetItem of conversations (missing ids are left out)."""
    if not conversation_ids:
        return {}
    ids = list(dict.fromkeys(conversation_ids))
    return {c.conversation_id: _conversation(c) for c in ConversationModel.batch_get(ids, consistent_read=True)}


# --- the queue and live chats ----------------------------------------------------------------


def waiting(limit: int | None = None) -> list[Conversation]:
    """The queue, oldest first."""
    items = ConversationModel.in_queue.query(keys.QUEUE_PARTITION, limit=limit, scan_index_forward=True)
    return [_conversation(c) for c in items]


def waiting_connections() -> list[tuple[str, set[str]]]:
    """The queue, oldest first, as (conversation id, customer connections): what a position push needs."""
    items = ConversationModel.in_queue.query(
        keys.QUEUE_PARTITION,
        scan_index_forward=True,
        attributes_to_get=["conversation_id", "queued_key", "customer_connections"],
    )
    return [(c.conversation_id, set(c.customer_connections or ())) for c in items]


def queue_position(conv: Conversation) -> int:
    return ConversationModel.in_queue.count(keys.QUEUE_PARTITION, ConversationModel.queued_key <= conv.queued_key)


def queue_length() -> int:
    return ConversationModel.in_queue.count(keys.QUEUE_PARTITION)


def live_of(agent_id: str) -> list[Conversation]:
    return [_conversation(c) for c in ConversationModel.live_by_agent.query(agent_id, scan_index_forward=True)]


# --- lifecycle -------------------------------------------------------------------------------


def assign(
    conv: Conversation, agent_id: str, max_chats: int, connection_ids: set[str], now_ms: int, agent_name: str | None
) -> None:
    """Atomically: the agent takes one more chat (below max, still online, may chat) and the chat
    leaves the queue. `agent_name`: the name the customer sees, kept on the chat for every push."""
    conv_actions: list[Action] = [
        ConversationModel.state.set(ConversationState.ACTIVE.value),
        ConversationModel.agent_id.set(agent_id),
        ConversationModel.agent_name.set(agent_name) if agent_name else ConversationModel.agent_name.remove(),
        ConversationModel.live_agent_id.set(agent_id),
        ConversationModel.assigned_at.set(now_ms),
        ConversationModel.queue_partition.remove(),
        ConversationModel.agent_connections.set(connection_ids)
        if connection_ids
        else ConversationModel.agent_connections.remove(),
    ]
    try:
        with transaction() as tx:
            tx.update(
                AgentModel(agent_id),
                actions=[AgentModel.active_chats.add(1), AgentModel.last_assigned_at.set(now_ms)],
                condition=(AgentModel.active_chats < max_chats)
                & (AgentModel.status == AgentStatus.ONLINE.value)
                & (AgentModel.chat_permission == True),  # noqa: E712 - a DynamoDB condition, not a comparison
            )
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=conv_actions,
                condition=ConversationModel.state == ConversationState.WAITING.value,
            )
    except TransactWriteError as exc:
        raise Conflict("assignment lost a race") from exc


def return_to_queue(conv: Conversation, agent_id: str, *, answered_too: bool = False) -> None:
    """A chat goes back to the queue at its original place (FIFO by first arrival): an unanswered
    one only, unless `answered_too` (the agent's account was disabled: nobody else could answer)."""
    unanswered = ConversationModel.first_response_at.does_not_exist()
    try:
        with transaction() as tx:
            tx.update(AgentModel(agent_id), actions=[AgentModel.active_chats.add(-1)])
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=[
                    ConversationModel.state.set(ConversationState.WAITING.value),
                    ConversationModel.queue_partition.set(keys.QUEUE_PARTITION),
                    ConversationModel.agent_id.remove(),
                    ConversationModel.agent_name.remove(),
                    ConversationModel.live_agent_id.remove(),
                    ConversationModel.agent_connections.remove(),
                    ConversationModel.assigned_at.remove(),
                ],
                condition=(ConversationModel.state == ConversationState.ACTIVE.value)
                & (ConversationModel.agent_id == agent_id)
                & (ConversationModel.agent_id.exists() if answered_too else unanswered),
            )
    except TransactWriteError as exc:
        raise Conflict("the chat changed meanwhile") from exc


def end(conv: Conversation, ended_by: Role, now_ms: int) -> None:
    """End the chat from the state it was read in (and free its agent's seat)."""
    actions: list[Action] = [
        ConversationModel.state.set(ConversationState.ENDED.value),
        ConversationModel.ended_at.set(now_ms),
        ConversationModel.ended_by.set(ended_by.value),
        ConversationModel.live_agent_id.remove(),
        ConversationModel.queue_partition.remove(),
    ]
    try:
        with transaction() as tx:
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=actions,
                condition=ConversationModel.state == conv.state,
            )
            if conv.state == ConversationState.ACTIVE.value and conv.agent_id:
                tx.update(AgentModel(conv.agent_id), actions=[AgentModel.active_chats.add(-1)])
    except TransactWriteError as exc:
        raise Conflict("the chat changed meanwhile") from exc


# --- cached connections ----------------------------------------------------------------------


def add_customer_connection(conversation_id: str, connection_id: str) -> None:
    ConversationModel(conversation_id).update(
        actions=[ConversationModel.customer_connections.add({connection_id})],
        condition=ConversationModel.conversation_id.exists(),
    )


def add_agent_connection(conversation_id: str, agent_id: str, connection_id: str) -> None:
    """Only while the chat is live with this agent (ignored otherwise)."""
    _update_unless_refused(
        conversation_id,
        [ConversationModel.agent_connections.add({connection_id})],
        ConversationModel.live_agent_id == agent_id,
    )


def remove_connection(conversation_id: str, connection_id: str) -> None:
    _update_unless_refused(
        conversation_id,
        [
            ConversationModel.customer_connections.delete({connection_id}),
            ConversationModel.agent_connections.delete({connection_id}),
        ],
        ConversationModel.conversation_id.exists(),
    )


def _update_unless_refused(conversation_id: str, actions: list[Action], condition: Condition) -> bool:
    try:
        ConversationModel(conversation_id).update(actions=actions, condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


# --- records ---------------------------------------------------------------------------------


def update(conv: Conversation, values: dict[str, Any], *, allow_ended: bool) -> Conversation:
    """Set (or remove, for None) plain fields; refused if the chat ended meanwhile unless allowed.
    Answers the chat as stored after the change."""
    if "customer_name" in values:
        name = values["customer_name"]
        values = {**values, "customer_name_lower": name.lower() if name else None}
    actions: list[Action] = []
    for name, value in values.items():
        attribute = getattr(ConversationModel, name)
        actions.append(attribute.set(value) if value is not None else attribute.remove())
    condition = ConversationModel.conversation_id.exists()
    if not allow_ended:
        condition &= ConversationModel.state != ConversationState.ENDED.value
    item = ConversationModel(conv.conversation_id)
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise Conflict("the chat changed meanwhile") from exc
        raise
    return _conversation(item)


def record_rating(conv: Conversation, rating: str, comment: str | None, now_ms: int) -> bool:
    """The first rating stands: False when the chat already has one. Any other failure (throttling,
    a network error) is raised as it is, never reported as "already rated"."""
    rated = _update_unless_refused(
        conv.conversation_id,
        [
            ConversationModel.rating.set(rating),
            ConversationModel.rating_comment.set(comment) if comment else ConversationModel.rating_comment.remove(),
            ConversationModel.rated_at.set(now_ms),
        ],
        ConversationModel.rating.does_not_exist(),
    )
    if rated:
        conv.rating, conv.rating_comment, conv.rated_at = rating, comment or None, now_ms
    return rated


def set_live_agent_name(agent_id: str, agent_name: str | None) -> list[Conversation]:
    """The agent's live chats show the new name from the next message on (one update per live chat)."""
    changed = []
    for conv in live_of(agent_id):
        action = ConversationModel.agent_name.set(agent_name) if agent_name else ConversationModel.agent_name.remove()
        if _update_unless_refused(conv.conversation_id, [action], ConversationModel.agent_id == agent_id):
            conv.agent_name = agent_name or None
            changed.append(conv)  # not if returned to the queue or ended meanwhile
    return changed


# --- read receipts ---------------------------------------------------------------------------


def record_read(conversation_id: str, side: str, seq: int, now_ms: int, written_at_most: int | None) -> bool:
    """Write one side's receipt (`customer` or `agent`) if it moves forward and, when given, was last
    written at or before `written_at_most` (no other write slipped into the 2 s window): one
    UpdateItem. False when the condition refused it (another Lambda wrote first)."""
    mark = ConversationModel.customer_read if side == "customer" else ConversationModel.agent_read
    condition = ConversationModel.conversation_id.exists() & (mark.does_not_exist() | (mark.seq < seq))
    if written_at_most is not None:
        condition &= mark.does_not_exist() | (mark.at <= written_at_most)
    return _update_unless_refused(conversation_id, [mark.set(read_mark_attribute(ReadMark(seq, now_ms)))], condition)
