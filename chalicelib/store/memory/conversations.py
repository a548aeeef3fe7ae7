"""In-memory twin of chalicelib/store/conversations.py."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.entities import Conversation, ReadMark
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import ConversationState
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied


class MemoryConversations:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, Conversation] = tables.table("conversations")

    def create(self, conv: Conversation) -> Conversation:
        conv.queued_key = keys.time_key(conv.inbound_at, conv.conversation_id)
        with self._tables.lock:
            if conv.conversation_id in self._items:
                raise Conflict("conversation exists")
            self._items[conv.conversation_id] = copied(conv)
        return conv

    def get(self, conversation_id: str) -> Conversation:
        with self._tables.lock:
            item = self._items.get(conversation_id)
            if item is None:
                raise NotFound("no such conversation")
            return copied(item)

    def by_ids(self, conversation_ids: list[str]) -> dict[str, Conversation]:
        with self._tables.lock:
            return {i: copied(self._items[i]) for i in dict.fromkeys(conversation_ids) if i in self._items}

    # --- cached connections ------------------------------------------------------------------

    def add_customer_connection(self, conversation_id: str, connection_id: str) -> None:
        with self._tables.lock:
            item = self._items.get(conversation_id)
            if item is None:
                raise Conflict("no such conversation")
            item.customer_connections = (item.customer_connections or set()) | {connection_id}

    def add_agent_connection(self, conversation_id: str, agent_id: str, connection_id: str) -> None:
        with self._tables.lock:
            item = self._items.get(conversation_id)
            if item is not None and item.state == ConversationState.ACTIVE.value and item.agent_id == agent_id:
                item.agent_connections = (item.agent_connections or set()) | {connection_id}

    def remove_connection(self, conversation_id: str, connection_id: str) -> None:
        with self._tables.lock:
            item = self._items.get(conversation_id)
            if item is not None:
                item.customer_connections = ((item.customer_connections or set()) - {connection_id}) or None
                item.agent_connections = ((item.agent_connections or set()) - {connection_id}) or None
                item.watcher_connections = ((item.watcher_connections or set()) - {connection_id}) or None

    def add_watcher(self, conversation_id: str, connection_id: str) -> Conversation | None:
        with self._tables.lock:
            item = self._items.get(conversation_id)
            if item is None or item.state == ConversationState.ENDED.value:
                return None
            item.watcher_connections = (item.watcher_connections or set()) | {connection_id}
            return copied(item)

    def remove_watcher(self, conversation_id: str, connection_id: str) -> None:
        with self._tables.lock:
            item = self._items.get(conversation_id)
            if item is not None:
                item.watcher_connections = ((item.watcher_connections or set()) - {connection_id}) or None

    # --- records -----------------------------------------------------------------------------

    def update(self, conv: Conversation, values: dict[str, Any], *, allow_ended: bool) -> Conversation:
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if item is None or (item.is_ended and not allow_ended):
                raise Conflict("the chat changed meanwhile")
            for name, value in values.items():
                if name != "customer_name_lower":
                    setattr(item, name, value)
            return copied(item)

    def record_rating(self, conv: Conversation, rating: str, comment: str | None, now_ms: int) -> bool:
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if item is None or item.rating is not None:
                return False
            item.rating, item.rating_comment, item.rated_at = rating, comment or None, now_ms
        conv.rating, conv.rating_comment, conv.rated_at = rating, comment or None, now_ms
        return True

    # --- the transcript by e-mail ------------------------------------------------------------------

    def record_transcript_request(self, conv: Conversation, email: str, lang: str, now_ms: int) -> bool:
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if item is None or not item.is_ended or item.transcript_requested_at is not None:
                return False
            item.transcript_email, item.transcript_lang, item.transcript_requested_at = email, lang, now_ms
        conv.transcript_email, conv.transcript_lang, conv.transcript_requested_at = email, lang, now_ms
        return True

    def mark_transcript_sent(self, conversation_id: str, now_ms: int) -> bool:
        with self._tables.lock:
            item = self._items.get(conversation_id)
            if item is None or item.transcript_requested_at is None or item.transcript_sent_at is not None:
                return False
            item.transcript_sent_at = now_ms
        return True

    # --- read receipts ---------------------------------------------------------------------------

    def record_read(self, conversation_id: str, side: str, seq: int, now_ms: int, written_at_most: int | None) -> bool:
        attribute = "customer_read" if side == "customer" else "agent_read"
        with self._tables.lock:
            item = self._items.get(conversation_id)
            if item is None:
                return False
            mark = getattr(item, attribute)
            if mark is not None and (mark.seq >= seq or (written_at_most is not None and mark.at > written_at_most)):
                return False
            setattr(item, attribute, ReadMark(seq, now_ms))
        return True
