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

from chalicelib.domain.entities import Conversation, Message, ReadMark, Transfer
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import AgentStatus, ConversationState, Role, month_of
from chalicelib.store import keys
from chalicelib.store.convert import (
    READ_SIDES,
    attribute_values,
    conversation_entity,
    message_item,
    read_mark_attribute,
)
from chalicelib.store.dynamo import is_condition_failure, transaction
from chalicelib.store.models import AgentModel, ConversationModel, MessageModel, TransferAttribute


def _conversation(item: ConversationModel) -> Conversation:
    return conversation_entity(item)


def _hop_item(hop: Transfer) -> TransferAttribute:
    return TransferAttribute(
        by=hop.by,
        from_agent_id=hop.from_agent_id,
        to_agent_id=hop.to_agent_id,
        to_team_id=hop.to_team_id,
        at=hop.at,
        note=hop.note or None,
    )


def _with_hop(hop: Transfer) -> Action:
    return ConversationModel.transfers.set((ConversationModel.transfers | []).append([_hop_item(hop)]))


def item_of(conv: Conversation) -> ConversationModel:
    """The whole item, with the index attributes its state implies (queue, live agent, history)."""
    conv.queued_key = conv.queued_key or keys.time_key(conv.inbound_at, conv.conversation_id)
    marks = {side: read_mark_attribute(mark) for side in READ_SIDES if (mark := getattr(conv, side)) is not None}
    active = conv.state == ConversationState.ACTIVE.value
    return ConversationModel(
        conv.conversation_id,
        inbound_key=keys.time_key(conv.inbound_at, conv.conversation_id),
        inbound_month=month_of(conv.inbound_at),
        queue_partition=keys.queue_partition(conv.team_id) if conv.is_waiting else None,
        live_agent_id=conv.agent_id if active else None,
        live_partition=keys.LIVE_PARTITION if active else None,
        accept_partition=keys.UNACCEPTED_PARTITION if active and _unaccepted(conv) else None,
        transfers=[_hop_item(hop) for hop in conv.transfers] if conv.transfers else None,
        # Idle time counts from the assignment until the customer writes.
        customer_active_at=conv.customer_active_at or (conv.assigned_at if active else None),
        customer_name_lower=conv.customer_name.lower() if conv.customer_name else None,
        **attribute_values(
            conv, ConversationModel, skip=("conversation_id", "transfers", "customer_active_at", *READ_SIDES)
        ),
        **marks,
    )


def _unaccepted(conv: Conversation) -> bool:
    """Assigned, and since then neither opened nor answered by its agent (the accept index's rule)."""
    assigned = conv.assigned_at
    if assigned is None:
        return False
    return all(at is None or at < assigned for at in (conv.agent_opened_at, conv.agent_active_at))


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


def waiting(limit: int | None = None, team_id: str | None = None) -> list[Conversation]:
    """A team's queue (the chats without a team: team_id None), oldest first."""
    items = ConversationModel.in_queue.query(keys.queue_partition(team_id), limit=limit, scan_index_forward=True)
    return [_conversation(c) for c in items]


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


def _team_action(team_id: str | None) -> Action:
    return ConversationModel.team_id.set(team_id) if team_id else ConversationModel.team_id.remove()


def move_waiting(from_team_id: str, to_team_id: str | None) -> int:
    """The chats still waiting in a team's queue move to another's (a team removed from the settings),
    each at its place by first arrival; a chat taken meanwhile is left alone."""
    moved = 0
    for conv in waiting(team_id=from_team_id):
        if _update_unless_refused(
            conv.conversation_id,
            [ConversationModel.queue_partition.set(keys.queue_partition(to_team_id)), _team_action(to_team_id)],
            (ConversationModel.state == ConversationState.WAITING.value) & (ConversationModel.team_id == from_team_id),
        ):
            moved += 1
    return moved


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
        *_live_timer_actions(now_ms),
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


def _live_timer_actions(now_ms: int) -> list[Action]:
    """A chat that (re)starts with an agent: on the live-activity index, idle time counting from now,
    and on the accept index until the agent opens or answers it."""
    return [
        ConversationModel.live_partition.set(keys.LIVE_PARTITION),
        ConversationModel.customer_active_at.set(now_ms),
        ConversationModel.accept_partition.set(keys.UNACCEPTED_PARTITION),
    ]


_OFF_THE_LIVE_INDEXES: tuple[Any, ...] = (ConversationModel.live_partition, ConversationModel.accept_partition)


def _back_to_queue_actions(team_id: str | None) -> list[Action]:
    return [
        ConversationModel.state.set(ConversationState.WAITING.value),
        ConversationModel.queue_partition.set(keys.queue_partition(team_id)),
        ConversationModel.agent_id.remove(),
        ConversationModel.agent_name.remove(),
        ConversationModel.live_agent_id.remove(),
        ConversationModel.agent_connections.remove(),
        ConversationModel.assigned_at.remove(),
        *(attribute.remove() for attribute in _OFF_THE_LIVE_INDEXES),
    ]


def return_to_queue(conv: Conversation, agent_id: str, *, answered_too: bool = False) -> None:
    """A chat goes back to the queue at its original place (FIFO by first arrival): an unanswered
    one only, unless `answered_too` (the agent's account was disabled: nobody else could answer)."""
    unanswered = ConversationModel.first_response_at.does_not_exist()
    try:
        with transaction() as tx:
            tx.update(AgentModel(agent_id), actions=[AgentModel.active_chats.add(-1)])
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=_back_to_queue_actions(conv.team_id),
                condition=(ConversationModel.state == ConversationState.ACTIVE.value)
                & (ConversationModel.agent_id == agent_id)
                & (ConversationModel.agent_id.exists() if answered_too else unanswered),
            )
    except TransactWriteError as exc:
        raise Conflict("the chat changed meanwhile") from exc


def return_unaccepted(conv: Conversation) -> None:
    """The accept window ran out: the chat goes back to the queue at its original place, only if it
    is still with the agent of the same assignment and that agent has neither opened nor answered it."""
    if conv.agent_id is None or conv.assigned_at is None:
        raise Conflict("the chat is not assigned")
    try:
        with transaction() as tx:
            tx.update(AgentModel(conv.agent_id), actions=[AgentModel.active_chats.add(-1)])
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=_back_to_queue_actions(conv.team_id),
                condition=(ConversationModel.state == ConversationState.ACTIVE.value)
                & (ConversationModel.agent_id == conv.agent_id)
                & (ConversationModel.assigned_at == conv.assigned_at)
                & ConversationModel.accept_partition.exists(),
            )
    except TransactWriteError as exc:
        raise Conflict("the chat was opened, answered or moved meanwhile") from exc


def _same(attribute: Any, value: Any) -> Condition:
    return attribute == value if value is not None else attribute.does_not_exist()


def end(
    conv: Conversation,
    ended_by: Role | str,
    now_ms: int,
    *,
    reason: str | None = None,
    line: Message | None = None,
    if_idle_unchanged: bool = False,
) -> None:
    """End the chat from the state it was read in (and free its agent's seat).

    `line`: a system line stored in the same transaction (seq `last_seq + 1`), so the chat never
    shows a closing line without being closed. `if_idle_unchanged`: refused if the customer wrote or
    a warning went out since `conv` was read (the idle auto-close)."""
    actions: list[Action] = [
        ConversationModel.state.set(ConversationState.ENDED.value),
        ConversationModel.ended_at.set(now_ms),
        ConversationModel.ended_by.set(str(ended_by)),
        ConversationModel.end_reason.set(reason) if reason else ConversationModel.end_reason.remove(),
        ConversationModel.live_agent_id.remove(),
        ConversationModel.queue_partition.remove(),
        *(attribute.remove() for attribute in _OFF_THE_LIVE_INDEXES),
    ]
    condition: Condition = ConversationModel.state == conv.state
    if conv.state == ConversationState.ACTIVE.value:
        condition = _same_assignment(conv)  # an end racing a transfer: one of them wins
    if if_idle_unchanged:
        condition &= _same(ConversationModel.customer_active_at, conv.customer_active_at)
        condition &= _same(ConversationModel.idle_warning_at, conv.idle_warning_at)
    if line is not None:
        actions += [
            ConversationModel.last_seq.set(line.seq),
            ConversationModel.last_message_at.set(line.created_at or 0),
        ]
        condition &= ConversationModel.last_seq == line.seq - 1
    try:
        with transaction() as tx:
            tx.update(ConversationModel(conv.conversation_id), actions=actions, condition=condition)
            if line is not None:
                tx.save(message_item(line), condition=MessageModel.sort_key.does_not_exist())
            if conv.state == ConversationState.ACTIVE.value and conv.agent_id:
                tx.update(AgentModel(conv.agent_id), actions=[AgentModel.active_chats.add(-1)])
    except TransactWriteError as exc:
        raise Conflict("the chat changed meanwhile") from exc
    if line is not None:
        conv.last_seq, conv.last_message_at = line.seq, line.created_at


# --- transfer ----------------------------------------------------------------------------------


def _same_assignment(conv: Conversation) -> Condition:
    """Still active with the agent of the assignment `conv` was read in: a racing end or transfer fails it."""
    return (
        (ConversationModel.state == ConversationState.ACTIVE.value)
        & (ConversationModel.agent_id == (conv.agent_id or ""))
        & (ConversationModel.assigned_at == (conv.assigned_at or 0))
    )


def transfer_to_agent(
    conv: Conversation,
    hop: Transfer,
    max_chats: int,
    connection_ids: set[str],
    agent_name: str | None,
    now_ms: int,
) -> None:
    """One transaction: the chat moves to `hop.to_agent_id` (below `max_chats`, online, may chat) from
    the agent it was read with, that agent's seat is freed, and the hop is added to the record."""
    to_agent = hop.to_agent_id or ""
    conv_actions: list[Action] = [
        ConversationModel.agent_id.set(to_agent),
        ConversationModel.agent_name.set(agent_name) if agent_name else ConversationModel.agent_name.remove(),
        ConversationModel.live_agent_id.set(to_agent),
        ConversationModel.assigned_at.set(now_ms),
        ConversationModel.agent_connections.set(connection_ids)
        if connection_ids
        else ConversationModel.agent_connections.remove(),
        *_live_timer_actions(now_ms),
        _with_hop(hop),
    ]
    try:
        with transaction() as tx:
            tx.update(ConversationModel(conv.conversation_id), actions=conv_actions, condition=_same_assignment(conv))
            tx.update(AgentModel(conv.agent_id or ""), actions=[AgentModel.active_chats.add(-1)])
            tx.update(
                AgentModel(to_agent),
                actions=[AgentModel.active_chats.add(1), AgentModel.last_assigned_at.set(now_ms)],
                condition=(AgentModel.active_chats < max_chats)
                & (AgentModel.status == AgentStatus.ONLINE.value)
                & (AgentModel.chat_permission == True),  # noqa: E712 - a DynamoDB condition, not a comparison
            )
    except TransactWriteError as exc:
        raise Conflict("the chat or the agent changed meanwhile; reload and try again") from exc


def transfer_to_queue(conv: Conversation, hop: Transfer) -> None:
    """One transaction: the chat leaves the agent it was read with for the queue of `hop.to_team_id`,
    at its original place (FIFO by first arrival), and the hop is added to the record."""
    actions: list[Action] = [*_back_to_queue_actions(hop.to_team_id), _team_action(hop.to_team_id), _with_hop(hop)]
    try:
        with transaction() as tx:
            tx.update(ConversationModel(conv.conversation_id), actions=actions, condition=_same_assignment(conv))
            tx.update(AgentModel(conv.agent_id or ""), actions=[AgentModel.active_chats.add(-1)])
    except TransactWriteError as exc:
        raise Conflict("the chat changed meanwhile; reload and try again") from exc


# --- live-chat timers (accept window, idle auto-close) ---------------------------------------


def _whole(items: Any) -> list[Conversation]:
    """The chats of a keys-only index page, read whole (BatchGetItem, strongly consistent), in the page's order."""
    ids = [item.conversation_id for item in items]
    found = by_ids(ids)
    return [found[i] for i in ids if i in found]


def idle_candidates(active_at_or_before: int) -> list[Conversation]:
    """Active chats whose customer has been quiet since `active_at_or_before` or longer, quietest first."""
    items = ConversationModel.live_by_activity.query(
        keys.LIVE_PARTITION,
        ConversationModel.customer_active_at <= active_at_or_before,
        scan_index_forward=True,
    )
    return _whole(items)


def unaccepted(assigned_at_or_before: int) -> list[Conversation]:
    """Active chats assigned at or before the time whose agent has neither opened nor answered them."""
    items = ConversationModel.unaccepted.query(
        keys.UNACCEPTED_PARTITION,
        ConversationModel.assigned_at <= assigned_at_or_before,
        scan_index_forward=True,
    )
    return _whole(items)


def warn_idle(conv: Conversation, line: Message) -> None:
    """Store the idle warning line and note the warning, atomically, if the chat is still active,
    the customer has not written and no warning went out since `conv` was read (two overlapping
    sweeps: one warns)."""
    condition = (
        (ConversationModel.state == ConversationState.ACTIVE.value)
        & (ConversationModel.last_seq == line.seq - 1)
        & _same(ConversationModel.customer_active_at, conv.customer_active_at)
        & _same(ConversationModel.idle_warning_at, conv.idle_warning_at)
    )
    actions: list[Action] = [
        ConversationModel.last_seq.set(line.seq),
        ConversationModel.last_message_at.set(line.created_at or 0),
        ConversationModel.idle_warning_at.set(line.created_at or 0),
    ]
    try:
        with transaction() as tx:
            tx.update(ConversationModel(conv.conversation_id), actions=actions, condition=condition)
            tx.save(message_item(line), condition=MessageModel.sort_key.does_not_exist())
    except TransactWriteError as exc:
        raise Conflict("the chat changed meanwhile") from exc
    conv.last_seq, conv.last_message_at, conv.idle_warning_at = line.seq, line.created_at, line.created_at


def mark_opened(conv: Conversation, agent_id: str, now_ms: int) -> bool:
    """The assigned agent's console showed the chat: off the accept index. False if the chat is not
    (any more) active with this agent."""
    opened = _update_unless_refused(
        conv.conversation_id,
        [ConversationModel.agent_opened_at.set(now_ms), ConversationModel.accept_partition.remove()],
        (ConversationModel.state == ConversationState.ACTIVE.value) & (ConversationModel.agent_id == agent_id),
    )
    if opened:
        conv.agent_opened_at = now_ms
    return opened


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
