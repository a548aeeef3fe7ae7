"""A conversation's messages (ordered by seq) and their resend markers (by clientMessageId)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.domain import lifecycle
from chalicelib.domain.entities import Conversation, MaskAuditEntry, Message
from chalicelib.domain.errors import DuplicateClientMessage, SequenceTaken
from chalicelib.domain.lifecycle import applied
from chalicelib.store import keys
from chalicelib.store.conversation_items import rendered
from chalicelib.store.convert import audit_item, message_entity, message_item
from chalicelib.store.dynamo import transaction
from chalicelib.store.failures import reason_failed
from chalicelib.store.models import ConversationModel, MaskAuditModel, MessageModel


def append(
    conv: Conversation,
    message: Message,
    *,
    agent_reply: bool,
    audit: Sequence[MaskAuditEntry] = (),
    note: bool = False,
) -> None:
    """Store the message with the next seq, its resend marker, the audit entries of its automatic
    masks and the chat's new last_seq, atomically; refused once the chat has ended.

    `note`: a staff-only internal note takes its seq the same way, but is accepted on an ended chat
    too and leaves last_message_at (the conversation's activity as the customer sees it) alone.

    Raises DuplicateClientMessage if the client id was used before (the caller answers the stored
    message) and SequenceTaken if another message took the seq first (the caller re-reads, retries).
    """
    # The live-chat timers ride on the same write (no request more per message): domain/lifecycle.py.
    transition = lifecycle.append(conv, message, agent_reply=agent_reply, note=note)
    conv_actions, condition = rendered(conv, transition)
    try:
        with transaction() as tx:
            tx.update(
                ConversationModel(conv.conversation_id),
                actions=conv_actions,
                condition=condition,
            )
            tx.save(message_item(message), condition=MessageModel.sort_key.does_not_exist())
            if message.client_message_id:
                marker = MessageModel(
                    conv.conversation_id,
                    keys.client_marker_key(message.client_message_id),
                    seq=message.seq,
                    sender_id=message.sender_id,
                )
                tx.save(marker, condition=MessageModel.sort_key.does_not_exist())
            for entry in audit:
                tx.save(audit_item(entry), condition=MaskAuditModel.at_key.does_not_exist())
    except TransactWriteError as exc:
        reasons = list(exc.cancellation_reasons or [])
        # pynamodb sends puts before updates: the reasons are [message, marker, audit…, conversation].
        marker_reason = reasons[1] if message.client_message_id and len(reasons) >= 3 else None
        if reason_failed(marker_reason):
            raise DuplicateClientMessage("clientMessageId already stored") from exc
        raise SequenceTaken("another message took this seq, or the chat ended") from exc
    after = applied(conv, transition)
    for name in transition.changes:
        setattr(conv, name, getattr(after, name))


def by_client_id(conversation_id: str, client_message_id: str) -> Message | None:
    try:
        marker = MessageModel.get(conversation_id, keys.client_marker_key(client_message_id), consistent_read=True)
    except DoesNotExist:
        return None
    try:
        return message_entity(
            MessageModel.get(conversation_id, keys.message_sort_key(int(marker.seq)), consistent_read=True)
        )
    except DoesNotExist:
        return None


def after(conversation_id: str, after_seq: int, limit: int) -> list[Message]:
    items = MessageModel.query(
        conversation_id,
        MessageModel.sort_key.between(keys.message_sort_key(after_seq + 1), keys.message_sort_key(keys.MAX_SEQ)),
        consistent_read=True,
        limit=limit,
    )
    return [message_entity(m) for m in items]


def transcript(conversation_id: str) -> Iterator[Message]:
    items = MessageModel.query(
        conversation_id, MessageModel.sort_key.startswith(keys.MESSAGE_PREFIX), consistent_read=True
    )
    return (message_entity(m) for m in items)
