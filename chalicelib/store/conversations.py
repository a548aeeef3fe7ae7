"""Conversations: the record of each chat (create, read, plain fields, the rating), its cached
connection ids and the read receipts. The queue and each agent's live chats are in queues.py, the
lifecycle's conditional writes and the live-chat timers in lifecycle.py; the item itself (the
index attributes its state implies) is built in conversation_items.py.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Conversation, ReadMark
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import ConversationState
from chalicelib.store.conversation_items import item_of, update_unless_refused
from chalicelib.store.convert import conversation_entity, read_mark_attribute
from chalicelib.store.dynamo import is_condition_failure
from chalicelib.store.models import ConversationModel


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
        return conversation_entity(ConversationModel.get(conversation_id, consistent_read=True))
    except DoesNotExist as exc:
        raise NotFound("no such conversation") from exc


def by_ids(conversation_ids: list[str]) -> dict[str, Conversation]:
    """BatchGetItem of conversations (missing ids are left out)."""
    if not conversation_ids:
        return {}
    ids = list(dict.fromkeys(conversation_ids))
    return {c.conversation_id: conversation_entity(c) for c in ConversationModel.batch_get(ids, consistent_read=True)}


# --- cached connections ----------------------------------------------------------------------


def add_customer_connection(conversation_id: str, connection_id: str) -> None:
    ConversationModel(conversation_id).update(
        actions=[ConversationModel.customer_connections.add({connection_id})],
        condition=ConversationModel.conversation_id.exists(),
    )


def add_agent_connection(conversation_id: str, agent_id: str, connection_id: str) -> None:
    """Only while the chat is live with this agent (ignored otherwise)."""
    update_unless_refused(
        conversation_id,
        [ConversationModel.agent_connections.add({connection_id})],
        ConversationModel.live_agent_id == agent_id,
    )


def remove_connection(conversation_id: str, connection_id: str) -> None:
    update_unless_refused(
        conversation_id,
        [
            ConversationModel.customer_connections.delete({connection_id}),
            ConversationModel.agent_connections.delete({connection_id}),
            ConversationModel.watcher_connections.delete({connection_id}),
        ],
        ConversationModel.conversation_id.exists(),
    )


def add_watcher(conversation_id: str, connection_id: str) -> Conversation | None:
    """A supervisor's tab joins the chat's staff pushes, only while it is live: the chat as stored
    after the change (one UpdateItem), or None when it had ended."""
    item = ConversationModel(conversation_id)
    try:
        item.update(
            actions=[ConversationModel.watcher_connections.add({connection_id})],
            condition=ConversationModel.conversation_id.exists()
            & (ConversationModel.state != ConversationState.ENDED.value),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return conversation_entity(item)


def remove_watcher(conversation_id: str, connection_id: str) -> None:
    update_unless_refused(
        conversation_id,
        [ConversationModel.watcher_connections.delete({connection_id})],
        ConversationModel.conversation_id.exists(),
    )


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
    return conversation_entity(item)


def record_rating(conv: Conversation, rating: str, comment: str | None, now_ms: int) -> bool:
    """The first rating stands: False when the chat already has one. Any other failure (throttling,
    a network error) is raised as it is, never reported as "already rated"."""
    rated = update_unless_refused(
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


# --- the transcript by e-mail ------------------------------------------------------------------


def record_transcript_request(conv: Conversation, email: str, lang: str, now_ms: int) -> bool:
    """One request per chat, only once it has ended: False when the condition refused it."""
    asked = update_unless_refused(
        conv.conversation_id,
        [
            ConversationModel.transcript_email.set(email),
            ConversationModel.transcript_lang.set(lang),
            ConversationModel.transcript_requested_at.set(now_ms),
        ],
        (ConversationModel.state == ConversationState.ENDED.value)
        & ConversationModel.transcript_requested_at.does_not_exist(),
    )
    if asked:
        conv.transcript_email, conv.transcript_lang, conv.transcript_requested_at = email, lang, now_ms
    return asked


def mark_transcript_sent(conversation_id: str, now_ms: int) -> bool:
    """The mail went out: False when it was marked sent already (a redelivered queue message)."""
    return update_unless_refused(
        conversation_id,
        [ConversationModel.transcript_sent_at.set(now_ms)],
        ConversationModel.transcript_requested_at.exists() & ConversationModel.transcript_sent_at.does_not_exist(),
    )


# --- read receipts ---------------------------------------------------------------------------


def record_read(conversation_id: str, side: str, seq: int, now_ms: int, written_at_most: int | None) -> bool:
    """Write one side's receipt (`customer` or `agent`) if it moves forward and, when given, was last
    written at or before `written_at_most` (no other write slipped into the 2 s window): one
    UpdateItem. False when the condition refused it (another Lambda wrote first)."""
    mark = ConversationModel.customer_read if side == "customer" else ConversationModel.agent_read
    condition = ConversationModel.conversation_id.exists() & (mark.does_not_exist() | (mark.seq < seq))
    if written_at_most is not None:
        condition &= mark.does_not_exist() | (mark.at <= written_at_most)
    return update_unless_refused(conversation_id, [mark.set(read_mark_attribute(ReadMark(seq, now_ms)))], condition)
