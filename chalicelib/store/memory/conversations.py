"""In-memory twin of chalicelib/store/conversations.py."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.entities import Agent, Conversation, ReadMark
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import AgentStatus, ConversationState, Role
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied


class MemoryConversations:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, Conversation] = tables.table("conversations")
        self._agents: dict[str, Agent] = tables.table("agents")

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

    # --- the queue and live chats ----------------------------------------------------------

    def _queue(self) -> list[Conversation]:
        return sorted((c for c in self._items.values() if c.is_waiting), key=lambda c: c.queued_key or "")

    def waiting(self, limit: int | None = None) -> list[Conversation]:
        with self._tables.lock:
            return [copied(c) for c in self._queue()[:limit]]

    def waiting_connections(self) -> list[tuple[str, set[str]]]:
        with self._tables.lock:
            return [(c.conversation_id, set(c.customer_connections or ())) for c in self._queue()]

    def queue_position(self, conv: Conversation) -> int:
        with self._tables.lock:
            return sum(1 for c in self._queue() if (c.queued_key or "") <= (conv.queued_key or ""))

    def queue_length(self) -> int:
        with self._tables.lock:
            return len(self._queue())

    def live_of(self, agent_id: str) -> list[Conversation]:
        with self._tables.lock:
            live = [
                c for c in self._items.values() if c.state == ConversationState.ACTIVE.value and c.agent_id == agent_id
            ]
            return [copied(c) for c in sorted(live, key=lambda c: (c.inbound_at, c.conversation_id))]

    # --- lifecycle ---------------------------------------------------------------------------

    def assign(
        self,
        conv: Conversation,
        agent_id: str,
        max_chats: int,
        connection_ids: set[str],
        now_ms: int,
        agent_name: str | None,
    ) -> None:
        with self._tables.lock:
            agent, item = self._agents.get(agent_id), self._items.get(conv.conversation_id)
            agent_ok = (
                agent is not None
                and agent.active_chats < max_chats
                and agent.status == AgentStatus.ONLINE.value
                and agent.chat_permission is True
            )
            if not agent_ok or item is None or not item.is_waiting:
                raise Conflict("assignment lost a race")
            assert agent is not None
            agent.active_chats += 1
            agent.last_assigned_at = now_ms
            item.state, item.agent_id, item.agent_name = ConversationState.ACTIVE.value, agent_id, agent_name or None
            item.assigned_at, item.agent_connections = now_ms, set(connection_ids) or None

    def return_to_queue(self, conv: Conversation, agent_id: str, *, answered_too: bool = False) -> None:
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if (
                item is None
                or item.state != ConversationState.ACTIVE.value
                or item.agent_id != agent_id
                or (item.first_response_at is not None and not answered_too)
            ):
                raise Conflict("the chat changed meanwhile")
            agent = self._agents.setdefault(agent_id, Agent(agent_id))
            agent.active_chats -= 1
            item.state = ConversationState.WAITING.value
            item.agent_id = item.agent_name = item.agent_connections = item.assigned_at = None

    def end(self, conv: Conversation, ended_by: Role, now_ms: int) -> None:
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if item is None or item.state != conv.state:
                raise Conflict("the chat changed meanwhile")
            if conv.state == ConversationState.ACTIVE.value and conv.agent_id:
                self._agents.setdefault(conv.agent_id, Agent(conv.agent_id)).active_chats -= 1
            item.state, item.ended_at, item.ended_by = ConversationState.ENDED.value, now_ms, ended_by.value

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

    def set_live_agent_name(self, agent_id: str, agent_name: str | None) -> list[Conversation]:
        with self._tables.lock:
            for conv in self.live_of(agent_id):
                self._items[conv.conversation_id].agent_name = agent_name or None
            return self.live_of(agent_id)

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
