"""In-memory twin of chalicelib/store/queues.py."""

from __future__ import annotations

from chalicelib.domain.entities import Conversation
from chalicelib.domain.model import ConversationState
from chalicelib.store.memory import Tables, copied


class MemoryQueues:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, Conversation] = tables.table("conversations")

    def _queue(self, team_id: str | None = None) -> list[Conversation]:
        return sorted(
            (c for c in self._items.values() if c.is_waiting and c.team_id == team_id),
            key=lambda c: c.queued_key or "",
        )

    def waiting(self, limit: int | None = None, team_id: str | None = None) -> list[Conversation]:
        with self._tables.lock:
            return [copied(c) for c in self._queue(team_id)[:limit]]

    def waiting_connections(self, team_id: str | None = None) -> list[tuple[str, set[str]]]:
        with self._tables.lock:
            return [(c.conversation_id, set(c.customer_connections or ())) for c in self._queue(team_id)]

    def queue_position(self, conv: Conversation) -> int:
        with self._tables.lock:
            return sum(1 for c in self._queue(conv.team_id) if (c.queued_key or "") <= (conv.queued_key or ""))

    def queue_length(self, team_id: str | None = None) -> int:
        with self._tables.lock:
            return len(self._queue(team_id))

    def queue_summary(self, team_id: str | None = None) -> tuple[int, int | None]:
        with self._tables.lock:
            queue = self._queue(team_id)
            return len(queue), (min(c.inbound_at for c in queue) if queue else None)

    def move_waiting(self, from_team_id: str, to_team_id: str | None) -> int:
        with self._tables.lock:
            queue = self._queue(from_team_id)
            for conv in queue:
                conv.team_id = to_team_id
            return len(queue)

    def live_of(self, agent_id: str) -> list[Conversation]:
        with self._tables.lock:
            live = [
                c for c in self._items.values() if c.state == ConversationState.ACTIVE.value and c.agent_id == agent_id
            ]
            return [copied(c) for c in sorted(live, key=lambda c: (c.inbound_at, c.conversation_id))]

    def set_live_agent_name(self, agent_id: str, agent_name: str | None) -> list[Conversation]:
        with self._tables.lock:
            for conv in self.live_of(agent_id):
                self._items[conv.conversation_id].agent_name = agent_name or None
            return self.live_of(agent_id)
