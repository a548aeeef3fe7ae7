"""Queries, conditional writes and transactions on the models. Only GetItem and Query here.

Every write that protects an invariant (an agent's maximum, a chat assigned once, the
sequence of a conversation) is conditional or transactional, so races lose cleanly with
`Conflict` instead of corrupting state.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import AgentStatus, ConversationState, Principal, Role
from chalicelib.store.keys import QUEUE_PARTITION
from chalicelib.store.models import (
    AgentModel,
    BaseMeta,
    ConnectionModel,
    ConversationModel,
    MaskAuditModel,
    MessageModel,
)

CONNECTION_TTL_SECONDS = 2 * 3600 + 600  # API Gateway's 2-hour cap plus slack


_tx_connection: Connection | None = None


def _tx() -> TransactWrite:
    # One connection (one botocore client) for all transactions: creating a client costs ~100 ms.
    global _tx_connection
    if _tx_connection is None:
        _tx_connection = Connection(
            region=BaseMeta.region,
            connect_timeout_seconds=BaseMeta.connect_timeout_seconds,
            read_timeout_seconds=BaseMeta.read_timeout_seconds,
            max_retry_attempts=BaseMeta.max_retry_attempts,
        )
    return TransactWrite(connection=_tx_connection)


def _is_condition_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) in (
        "ConditionalCheckFailedException",
        "TransactionCanceledException",
        "TransactionConflictException",
    )


def message_sort_key(seq: int) -> str:
    return f"m#{seq:010d}"


def client_marker_key(client_message_id: str) -> str:
    return f"c#{client_message_id}"


# --- connections ---------------------------------------------------------------------------


def put_connection(connection_id: str, principal: Principal, now_ms: int) -> ConnectionModel:
    item = ConnectionModel(
        connection_id,
        principal=principal.key,
        role=principal.role.value,
        user_id=principal.user_id,
        conversation_id=principal.conversation_id,
        connected_at=now_ms,
        token_expires_at=principal.token_expires_at,
        expires_at=timedelta(seconds=CONNECTION_TTL_SECONDS),
    )
    item.save()
    return item


def get_connection(connection_id: str) -> ConnectionModel | None:
    try:
        return ConnectionModel.get(connection_id, consistent_read=True)
    except DoesNotExist:
        return None


def delete_connection(connection_id: str) -> None:
    ConnectionModel(connection_id).delete()


def connections_of_principal(principal_key: str) -> list[str]:
    return [c.connection_id for c in ConnectionModel.by_principal.query(principal_key)]


# --- agents --------------------------------------------------------------------------------


def get_agent(agent_id: str) -> AgentModel | None:
    try:
        return AgentModel.get(agent_id, consistent_read=True)
    except DoesNotExist:
        return None


def ensure_agent(principal: Principal) -> AgentModel:
    """The agent's item, created offline on first sign-in (S-1: a new agent starts offline)."""
    agent = get_agent(principal.user_id)
    if agent is not None:
        # The display name is not taken from the token here: the item is its source once it exists
        # (renames write the item and Cognito), and a token keeps the name it was issued with.
        if agent.role != principal.role.value or (principal.email and agent.email != principal.email):
            agent.update(actions=[AgentModel.role.set(principal.role.value), AgentModel.email.set(principal.email)])
        return agent
    agent = AgentModel(
        principal.user_id,
        display_name=principal.display_name or None,
        email=principal.email,
        role=principal.role.value,
        status=AgentStatus.OFFLINE.value,
    )
    try:
        agent.save(condition=AgentModel.agent_id.does_not_exist())
    except PutError as exc:
        if not _is_condition_failure(exc):
            raise
        return AgentModel.get(principal.user_id, consistent_read=True)
    return agent


def set_agent_status(agent: AgentModel, status: AgentStatus, now_ms: int) -> AgentModel:
    actions = [AgentModel.status.set(status.value), AgentModel.status_changed_at.set(now_ms)]
    if status is AgentStatus.ONLINE and agent.status != AgentStatus.ONLINE.value:
        # Coming online counts as the start of idle time for the tie-break.
        actions.append(AgentModel.last_assigned_at.set(now_ms))
    agent.update(actions=actions)
    return agent


def add_agent_connection(agent_id: str, connection_id: str) -> AgentModel:
    agent = AgentModel(agent_id)
    agent.update(actions=[AgentModel.connection_ids.add({connection_id})])
    return agent


def remove_agent_connection(agent_id: str, connection_id: str) -> None:
    try:
        AgentModel(agent_id).update(
            actions=[AgentModel.connection_ids.delete({connection_id})],
            condition=AgentModel.agent_id.exists(),
        )
    except UpdateError as exc:
        if not _is_condition_failure(exc):
            raise


def online_agents() -> list[AgentModel]:
    return list(AgentModel.by_status.query(AgentStatus.ONLINE.value))


def agents_with_status(status: AgentStatus) -> list[AgentModel]:
    return list(AgentModel.by_status.query(status.value))


def set_agent_max_chats(agent_id: str, max_chats: int | None) -> None:
    action = AgentModel.max_chats.set(max_chats) if max_chats is not None else AgentModel.max_chats.remove()
    AgentModel(agent_id).update(actions=[action], condition=AgentModel.agent_id.exists())


# --- agent accounts (admin) ------------------------------------------------------------------


def set_agent_display_name(agent_id: str, display_name: str | None) -> None:
    action = AgentModel.display_name.set(display_name) if display_name else AgentModel.display_name.remove()
    AgentModel(agent_id).update(actions=[action], condition=AgentModel.agent_id.exists())


def set_live_chats_agent_name(agent_id: str, agent_name: str | None) -> list[ConversationModel]:
    """The agent's live chats show the new name from the next message on (one update per live chat)."""
    changed = []
    for conv in live_conversations_of(agent_id):
        action = ConversationModel.agent_name.set(agent_name) if agent_name else ConversationModel.agent_name.remove()
        try:
            conv.update(actions=[action], condition=ConversationModel.agent_id == agent_id)
        except UpdateError as exc:
            if not _is_condition_failure(exc):
                raise
            continue  # returned to the queue or ended meanwhile
        changed.append(conv)
    return changed


def upsert_agent_account(agent_id: str, email: str | None, display_name: str | None, role: Role) -> None:
    """The agent's item with these identity fields; presence defaults only where none exist yet."""
    actions = [
        AgentModel.role.set(role.value),
        AgentModel.status.set(AgentModel.status | AgentStatus.OFFLINE.value),
        AgentModel.status_changed_at.set(AgentModel.status_changed_at | 0),
        AgentModel.active_chats.set(AgentModel.active_chats | 0),
        AgentModel.last_assigned_at.set(AgentModel.last_assigned_at | 0),
        AgentModel.chat_permission.set(AgentModel.chat_permission | True),
    ]
    if email:
        actions.append(AgentModel.email.set(email))
    if display_name:
        actions.append(AgentModel.display_name.set(display_name))
    AgentModel(agent_id).update(actions=actions)


def agents_by_ids(agent_ids: list[str]) -> dict[str, AgentModel]:
    """BatchGetItem (pynamodb splits into 100-key requests and retries unprocessed keys)."""
    if not agent_ids:
        return {}
    return {a.agent_id: a for a in AgentModel.batch_get(list(dict.fromkeys(agent_ids)), consistent_read=True)}


def conversations_by_ids(conversation_ids: list[str]) -> dict[str, ConversationModel]:
    """BatchGetItem of conversations (missing ids are left out)."""
    if not conversation_ids:
        return {}
    ids = list(dict.fromkeys(conversation_ids))
    return {c.conversation_id: c for c in ConversationModel.batch_get(ids, consistent_read=True)}


def agents_in_every_status() -> list[AgentModel]:
    """Every agent item: one Query of status-index per status (online, break, offline)."""
    agents: list[AgentModel] = []
    for status in AgentStatus:
        agents.extend(AgentModel.by_status.query(status.value))
    return agents


def set_agent_chat_permission(agent_id: str, allowed: bool) -> None:
    AgentModel(agent_id).update(
        actions=[AgentModel.chat_permission.set(allowed)], condition=AgentModel.agent_id.exists()
    )


def set_agent_disabled(agent_id: str, disabled: bool, now_ms: int) -> None:
    """Disabling also sets the agent offline, so no assignment can pick them any more."""
    actions = [AgentModel.disabled.set(True)] if disabled else [AgentModel.disabled.remove()]
    if disabled:
        actions += [AgentModel.status.set(AgentStatus.OFFLINE.value), AgentModel.status_changed_at.set(now_ms)]
    AgentModel(agent_id).update(actions=actions, condition=AgentModel.agent_id.exists())


# --- conversations -------------------------------------------------------------------------


def create_conversation(item: ConversationModel) -> None:
    item.save(condition=ConversationModel.conversation_id.does_not_exist())


def get_conversation(conversation_id: str) -> ConversationModel:
    try:
        return ConversationModel.get(conversation_id, consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("no such conversation") from exc


def waiting_conversations(limit: int | None = None) -> list[ConversationModel]:
    """The queue, oldest first."""
    return list(ConversationModel.in_queue.query(QUEUE_PARTITION, limit=limit, scan_index_forward=True))


def waiting_queue_connections() -> list[ConversationModel]:
    """The queue, oldest first, reading only what a position push needs."""
    return list(
        ConversationModel.in_queue.query(
            QUEUE_PARTITION,
            scan_index_forward=True,
            attributes_to_get=["conversation_id", "queued_key", "customer_connections"],
        )
    )


def queue_position(queued_key: str) -> int:
    return ConversationModel.in_queue.count(QUEUE_PARTITION, ConversationModel.queued_key <= queued_key)


def queue_length() -> int:
    return ConversationModel.in_queue.count(QUEUE_PARTITION)


def live_conversations_of(agent_id: str) -> list[ConversationModel]:
    return list(ConversationModel.live_by_agent.query(agent_id, scan_index_forward=True))


def assign_conversation(
    conv: ConversationModel,
    agent: AgentModel,
    max_chats: int,
    connection_ids: set[str],
    now_ms: int,
    agent_name: str | None,
) -> None:
    """Atomically: the agent takes one more chat (below max, still online) and the chat leaves the queue.

    `agent_name`: the name the customer sees, kept on the chat so every message push has it (None: the default)."""
    conv_actions = [
        ConversationModel.state.set(ConversationState.ACTIVE.value),
        ConversationModel.agent_id.set(agent.agent_id),
        ConversationModel.agent_name.set(agent_name) if agent_name else ConversationModel.agent_name.remove(),
        ConversationModel.live_agent_id.set(agent.agent_id),
        ConversationModel.assigned_at.set(now_ms),
        ConversationModel.queue_partition.remove(),
    ]
    conv_actions.append(
        ConversationModel.agent_connections.set(connection_ids)
        if connection_ids
        else ConversationModel.agent_connections.remove()
    )
    try:
        with _tx() as tx:
            tx.update(
                AgentModel(agent.agent_id),
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


def return_to_queue(conv: ConversationModel, agent_id: str, *, answered_too: bool = False) -> None:
    """A chat goes back to the queue at its original place (FIFO by first arrival): an unanswered
    one only, unless `answered_too` (the agent's account was disabled: nobody else could answer)."""
    unanswered = ConversationModel.first_response_at.does_not_exist()
    try:
        with _tx() as tx:
            tx.update(AgentModel(agent_id), actions=[AgentModel.active_chats.add(-1)])
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=[
                    ConversationModel.state.set(ConversationState.WAITING.value),
                    ConversationModel.queue_partition.set(QUEUE_PARTITION),
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


def end_conversation(conv: ConversationModel, ended_by: Role, now_ms: int) -> None:
    actions = [
        ConversationModel.state.set(ConversationState.ENDED.value),
        ConversationModel.ended_at.set(now_ms),
        ConversationModel.ended_by.set(ended_by.value),
        ConversationModel.live_agent_id.remove(),
        ConversationModel.queue_partition.remove(),
    ]
    try:
        with _tx() as tx:
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=actions,
                condition=ConversationModel.state == conv.state,
            )
            if conv.state == ConversationState.ACTIVE.value and conv.agent_id:
                tx.update(AgentModel(conv.agent_id), actions=[AgentModel.active_chats.add(-1)])
    except TransactWriteError as exc:
        raise Conflict("the chat changed meanwhile") from exc


def add_customer_connection(conversation_id: str, connection_id: str) -> None:
    ConversationModel(conversation_id).update(
        actions=[ConversationModel.customer_connections.add({connection_id})],
        condition=ConversationModel.conversation_id.exists(),
    )


def remove_conversation_connection(conversation_id: str, connection_id: str) -> None:
    try:
        ConversationModel(conversation_id).update(
            actions=[
                ConversationModel.customer_connections.delete({connection_id}),
                ConversationModel.agent_connections.delete({connection_id}),
            ],
            condition=ConversationModel.conversation_id.exists(),
        )
    except UpdateError as exc:
        if not _is_condition_failure(exc):
            raise


def add_agent_connection_to_chat(conversation_id: str, agent_id: str, connection_id: str) -> None:
    try:
        ConversationModel(conversation_id).update(
            actions=[ConversationModel.agent_connections.add({connection_id})],
            condition=ConversationModel.live_agent_id == agent_id,
        )
    except UpdateError as exc:
        if not _is_condition_failure(exc):
            raise


def update_conversation(conv: ConversationModel, values: dict[str, Any], *, allow_ended: bool) -> ConversationModel:
    """Set (or remove, for None) plain attributes; refused if the chat ended meanwhile unless allowed."""
    actions = []
    for name, value in values.items():
        attribute = getattr(ConversationModel, name)
        actions.append(attribute.set(value) if value is not None else attribute.remove())
    condition = ConversationModel.conversation_id.exists()
    if not allow_ended:
        condition &= ConversationModel.state != ConversationState.ENDED.value
    try:
        conv.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if _is_condition_failure(exc):
            raise Conflict("the chat changed meanwhile") from exc
        raise
    return conv


# --- messages ------------------------------------------------------------------------------


def append_message(
    conv: ConversationModel,
    message: MessageModel,
    *,
    agent_reply: bool,
    audit: Sequence[MaskAuditModel] = (),
) -> None:
    """Store the message with the next seq, its resend marker, the audit entries of its automatic
    masks and the chat's new last_seq, atomically.

    Raises Conflict if another message took the seq first (caller re-reads and retries) or
    if the client id was used before (caller returns the stored message).
    """
    conv_actions = [
        ConversationModel.last_seq.set(message.seq),
        ConversationModel.last_message_at.set(message.created_at),
    ]
    if agent_reply:
        conv_actions.append(
            ConversationModel.first_response_at.set(ConversationModel.first_response_at | message.created_at)
        )
    try:
        with _tx() as tx:
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=conv_actions,
                condition=(ConversationModel.last_seq == message.seq - 1)
                & (ConversationModel.state != ConversationState.ENDED.value),
            )
            tx.save(message, condition=MessageModel.sort_key.does_not_exist())
            if message.client_message_id:
                marker = MessageModel(
                    conv.conversation_id,
                    client_marker_key(message.client_message_id),
                    seq=message.seq,
                    sender_id=message.sender_id,
                )
                tx.save(marker, condition=MessageModel.sort_key.does_not_exist())
            for entry in audit:
                tx.save(entry, condition=MaskAuditModel.at_key.does_not_exist())
    except TransactWriteError as exc:
        reasons = list(exc.cancellation_reasons or [])
        # pynamodb sends puts before updates: the reasons are [message, marker, audit…, conversation].
        marker = reasons[1] if message.client_message_id and len(reasons) >= 3 else None
        duplicate = marker is not None and marker.code == "ConditionalCheckFailed"
        raise Conflict("duplicate" if duplicate else "sequence taken") from exc


def message_by_client_id(conversation_id: str, client_message_id: str) -> MessageModel | None:
    try:
        marker = MessageModel.get(conversation_id, client_marker_key(client_message_id), consistent_read=True)
    except DoesNotExist:
        return None
    try:
        return MessageModel.get(conversation_id, message_sort_key(marker.seq), consistent_read=True)
    except DoesNotExist:
        return None


def messages_after(conversation_id: str, after_seq: int, limit: int) -> list[MessageModel]:
    return list(
        MessageModel.query(
            conversation_id,
            MessageModel.sort_key.between(message_sort_key(after_seq + 1), message_sort_key(9_999_999_999)),
            consistent_read=True,
            limit=limit,
        )
    )


def transcript(conversation_id: str) -> Iterator[MessageModel]:
    return MessageModel.query(conversation_id, MessageModel.sort_key.startswith("m#"), consistent_read=True)


# --- limits (chalicelib/services/limits.py) -----------------------------------------------


def count_connection_frame(connection_id: str, window_start: int, limit: int) -> tuple[ConnectionModel | None, bool]:
    """Count one frame in the connection's current window, atomically: (connection or None, admitted).

    One UpdateItem in the common case (same window, under the limit), two when a window starts.
    """
    item = ConnectionModel(connection_id)
    try:
        item.update(
            actions=[ConnectionModel.rate_count.add(1)],
            condition=ConnectionModel.connection_id.exists()
            & (ConnectionModel.rate_window == window_start)
            & (ConnectionModel.rate_count < limit),
        )
        return item, True
    except UpdateError as exc:
        if not _is_condition_failure(exc):
            raise
    try:
        item.update(
            actions=[ConnectionModel.rate_window.set(window_start), ConnectionModel.rate_count.set(1)],
            condition=ConnectionModel.connection_id.exists()
            & (ConnectionModel.rate_window.does_not_exist() | (ConnectionModel.rate_window < window_start)),
        )
        return item, True
    except UpdateError as exc:
        if not _is_condition_failure(exc):
            raise
    # Both refused. Usually the window is full; but a write that succeeded and then timed out is
    # retried by botocore and refused by its own effect: a count still under the limit in this
    # window means this frame was the one counted.
    connection = get_connection(connection_id)
    admitted = (
        connection is not None
        and connection.rate_window == window_start
        and int(connection.rate_count or 0) < limit
    )
    return connection, admitted


def record_rating(conv: ConversationModel, rating: str, comment: str | None, now_ms: int) -> bool:
    """The first rating stands: False when the chat already has one. Any other failure (throttling,
    a network error) is raised as it is, never reported as "already rated"."""
    try:
        conv.update(
            actions=[
                ConversationModel.rating.set(rating),
                ConversationModel.rating_comment.set(comment) if comment else ConversationModel.rating_comment.remove(),
                ConversationModel.rated_at.set(now_ms),
            ],
            condition=ConversationModel.rating.does_not_exist(),
        )
    except UpdateError as exc:
        if _is_condition_failure(exc):
            return False
        raise
    return True


def mark_agent_disconnected_since(agent_id: str, now_ms: int) -> None:
    """Note when the agent was first seen without a connection (kept if already noted)."""
    try:
        AgentModel(agent_id).update(
            actions=[AgentModel.disconnected_since.set(now_ms)],
            condition=AgentModel.agent_id.exists() & AgentModel.disconnected_since.does_not_exist(),
        )
    except UpdateError as exc:
        if not _is_condition_failure(exc):
            raise


def clear_agent_disconnected_since(agent_id: str) -> None:
    try:
        AgentModel(agent_id).update(
            actions=[AgentModel.disconnected_since.remove()], condition=AgentModel.agent_id.exists()
        )
    except UpdateError as exc:
        if not _is_condition_failure(exc):
            raise


def set_agent_active_chats(agent_id: str, recorded: int, actual: int) -> bool:
    """Repair an agent's counter (ops/reconcile), only if nobody changed it since it was read."""
    try:
        AgentModel(agent_id).update(
            actions=[AgentModel.active_chats.set(actual)], condition=AgentModel.active_chats == recorded
        )
    except UpdateError as exc:
        if _is_condition_failure(exc):
            return False
        raise
    return True
