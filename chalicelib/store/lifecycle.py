"""The lifecycle's conditional writes (assign, return to the queue, end, transfer) and the live-chat
timers (the live-activity and accept indexes' reads, the idle warning, the open).

What each change is and what it requires of the stored chat is decided in
chalicelib/domain/lifecycle.py; here a Transition becomes one transaction (the conversation's
conditional update, its line, the agents' seats), so races lose cleanly with `Conflict`.
The index attributes (queue partition, live agent, timers' partitions) are derived in
conversation_items.py.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.domain import lifecycle
from chalicelib.domain.entities import Conversation, Message, Transfer
from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import Transition
from chalicelib.domain.model import Role
from chalicelib.store import conversations, keys
from chalicelib.store.conversation_items import rendered, update_unless_refused
from chalicelib.store.convert import message_item
from chalicelib.store.dynamo import transaction
from chalicelib.store.models import AgentModel, ConversationModel, MessageModel


def _write(conv: Conversation, transition: Transition) -> None:
    """The transition in one transaction: the conversation if its precondition holds, the line at
    its seq, the freed seat, and the taken seat if that agent is below its maximum, online and
    allowed to chat."""
    actions, condition = rendered(conv, transition)
    try:
        with transaction() as tx:
            tx.update(ConversationModel(conv.conversation_id), actions=actions, condition=condition)
            if transition.line is not None:
                tx.save(message_item(transition.line), condition=MessageModel.sort_key.does_not_exist())
            if transition.seat_freed is not None:
                tx.update(AgentModel(transition.seat_freed), actions=[AgentModel.active_chats.add(-1)])
            if (seat := transition.seat_taken) is not None:
                tx.update(
                    AgentModel(seat.agent_id),
                    actions=[AgentModel.active_chats.add(1), AgentModel.last_assigned_at.set(seat.at)],
                    condition=(AgentModel.active_chats < seat.max_chats)
                    & AgentModel.status.is_in(*seat.statuses)
                    & (AgentModel.chat_permission == True),  # noqa: E712 - a DynamoDB condition, not a comparison
                )
    except TransactWriteError as exc:
        raise Conflict(transition.refusal) from exc


def _carry_line(conv: Conversation, transition: Transition) -> None:
    """The caller's copy follows the line stored with the transition (its next message takes the next seq)."""
    if transition.line is not None:
        conv.last_seq, conv.last_message_at = transition.line.seq, transition.line.created_at


def assign(
    conv: Conversation, agent_id: str, max_chats: int, connection_ids: set[str], now_ms: int, agent_name: str | None
) -> None:
    """Atomically: the agent takes one more chat and the chat leaves the queue. `agent_name`: the name
    the customer sees, kept on the chat for every push."""
    _write(conv, lifecycle.assign(conv, agent_id, max_chats, connection_ids, now_ms, agent_name))


def return_to_queue(conv: Conversation, agent_id: str, *, to_team_id: str | None, answered_too: bool = False) -> None:
    _write(conv, lifecycle.return_to_queue(conv, agent_id, to_team_id=to_team_id, answered_too=answered_too))


def return_unaccepted(conv: Conversation, *, to_team_id: str | None) -> None:
    _write(conv, lifecycle.return_unaccepted(conv, to_team_id=to_team_id))


def end(
    conv: Conversation,
    ended_by: Role | str,
    now_ms: int,
    *,
    reason: str | None = None,
    line: Message | None = None,
    if_idle_unchanged: bool = False,
) -> None:
    """End the chat from the state it was read in; `line`, a closing line, is stored in the same
    transaction, so the chat never shows a closing line without being closed."""
    transition = lifecycle.end(conv, ended_by, now_ms, reason=reason, line=line, if_idle_unchanged=if_idle_unchanged)
    _write(conv, transition)
    _carry_line(conv, transition)


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
    transition = lifecycle.transfer_to_agent(
        conv, hop, max_chats, connection_ids, agent_name, now_ms, allow_break=allow_break
    )
    _write(conv, transition)


def transfer_to_queue(conv: Conversation, hop: Transfer) -> None:
    _write(conv, lifecycle.transfer_to_queue(conv, hop))


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
    """Store the idle warning line and note the warning, atomically (two overlapping sweeps: one warns)."""
    transition = lifecycle.warn_idle(conv, line)
    _write(conv, transition)
    _carry_line(conv, transition)
    conv.idle_warning_at = line.created_at


def mark_opened(conv: Conversation, agent_id: str, now_ms: int) -> bool:
    """The assigned agent's console showed the chat: off the accept index. False if the chat is not
    (any more) active with this agent."""
    actions, condition = rendered(conv, lifecycle.mark_opened(conv, agent_id, now_ms))
    opened = update_unless_refused(conv.conversation_id, actions, condition)
    if opened:
        conv.agent_opened_at = now_ms
    return opened
