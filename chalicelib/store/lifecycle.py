"""The lifecycle's conditional writes (assign, return to the queue, end, transfer) and the live-chat
timers (the live-activity and accept indexes' reads, the idle warning, the open).

Every write that protects an invariant (an agent's maximum, a chat assigned once, the state a
change starts from) is conditional or transactional, so races lose cleanly with `Conflict`.
The index attributes (queue partition, live agent, timers' partitions) are set and cleared only
here and in conversation_items.py.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Conversation, Message, Transfer
from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import AgentStatus, ConversationState, Role
from chalicelib.store import conversations, keys
from chalicelib.store.conversation_items import team_action, update_unless_refused, with_hop
from chalicelib.store.convert import message_item
from chalicelib.store.dynamo import transaction
from chalicelib.store.models import AgentModel, ConversationModel, MessageModel


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
        # The first assignment stays (a transfer or a return to the queue resets assigned_at): wait time.
        ConversationModel.first_assigned_at.set(ConversationModel.first_assigned_at | now_ms),
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
        team_action(team_id),
        ConversationModel.agent_id.remove(),
        ConversationModel.agent_name.remove(),
        ConversationModel.live_agent_id.remove(),
        ConversationModel.agent_connections.remove(),
        ConversationModel.assigned_at.remove(),
        *(attribute.remove() for attribute in _OFF_THE_LIVE_INDEXES),
    ]


def return_to_queue(conv: Conversation, agent_id: str, *, to_team_id: str | None, answered_too: bool = False) -> None:
    """A chat goes back to the queue of `to_team_id` at its original place (FIFO by first arrival): an
    unanswered one only, unless `answered_too` (the agent's account was disabled: nobody else could
    answer)."""
    unanswered = ConversationModel.first_response_at.does_not_exist()
    try:
        with transaction() as tx:
            tx.update(AgentModel(agent_id), actions=[AgentModel.active_chats.add(-1)])
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=_back_to_queue_actions(to_team_id),
                condition=(ConversationModel.state == ConversationState.ACTIVE.value)
                & (ConversationModel.agent_id == agent_id)
                & (ConversationModel.agent_id.exists() if answered_too else unanswered),
            )
    except TransactWriteError as exc:
        raise Conflict("the chat changed meanwhile") from exc


def return_unaccepted(conv: Conversation, *, to_team_id: str | None) -> None:
    """The accept window ran out: the chat goes back to the queue of `to_team_id` at its original
    place, only if it is still with the agent of the same assignment and that agent has neither
    opened nor answered it."""
    if conv.agent_id is None or conv.assigned_at is None:
        raise Conflict("the chat is not assigned")
    try:
        with transaction() as tx:
            tx.update(AgentModel(conv.agent_id), actions=[AgentModel.active_chats.add(-1)])
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=_back_to_queue_actions(to_team_id),
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
    *,
    allow_break: bool = False,
) -> None:
    """One transaction: the chat moves to `hop.to_agent_id` (below `max_chats`, online — or on break
    for a supervisor's take-over —, may chat) from the agent it was read with, that agent's seat is
    freed, and the hop is added to the record."""
    to_agent = hop.to_agent_id or ""
    statuses = [AgentStatus.ONLINE.value, *([AgentStatus.BREAK.value] if allow_break else [])]
    conv_actions: list[Action] = [
        ConversationModel.agent_id.set(to_agent),
        ConversationModel.agent_name.set(agent_name) if agent_name else ConversationModel.agent_name.remove(),
        ConversationModel.live_agent_id.set(to_agent),
        ConversationModel.assigned_at.set(now_ms),
        ConversationModel.agent_connections.set(connection_ids)
        if connection_ids
        else ConversationModel.agent_connections.remove(),
        *_live_timer_actions(now_ms),
        with_hop(hop),
    ]
    try:
        with transaction() as tx:
            tx.update(ConversationModel(conv.conversation_id), actions=conv_actions, condition=_same_assignment(conv))
            tx.update(AgentModel(conv.agent_id or ""), actions=[AgentModel.active_chats.add(-1)])
            tx.update(
                AgentModel(to_agent),
                actions=[AgentModel.active_chats.add(1), AgentModel.last_assigned_at.set(now_ms)],
                condition=(AgentModel.active_chats < max_chats)
                & AgentModel.status.is_in(*statuses)
                & (AgentModel.chat_permission == True),  # noqa: E712 - a DynamoDB condition, not a comparison
            )
    except TransactWriteError as exc:
        raise Conflict("the chat or the agent changed meanwhile; reload and try again") from exc


def transfer_to_queue(conv: Conversation, hop: Transfer) -> None:
    """One transaction: the chat leaves the agent it was read with for the queue of `hop.to_team_id`,
    at its original place (FIFO by first arrival), and the hop is added to the record."""
    actions: list[Action] = [*_back_to_queue_actions(hop.to_team_id), with_hop(hop)]
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
    found = conversations.by_ids(ids)
    return [found[i] for i in ids if i in found]


def idle_candidates(active_at_or_before: int) -> list[Conversation]:
    """Active chats whose customer has been quiet since `active_at_or_before` or longer, quietest first."""
    items = ConversationModel.live_by_activity.query(
        keys.LIVE_PARTITION,
        ConversationModel.customer_active_at <= active_at_or_before,
        scan_index_forward=True,
    )
    return _whole(items)


def live_chats() -> list[Conversation]:
    """Every active chat (the whole live-activity index partition), quietest customer first."""
    return _whole(ConversationModel.live_by_activity.query(keys.LIVE_PARTITION, scan_index_forward=True))


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
    opened = update_unless_refused(
        conv.conversation_id,
        [ConversationModel.agent_opened_at.set(now_ms), ConversationModel.accept_partition.remove()],
        (ConversationModel.state == ConversationState.ACTIVE.value) & (ConversationModel.agent_id == agent_id),
    )
    if opened:
        conv.agent_opened_at = now_ms
    return opened
